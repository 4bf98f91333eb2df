// A sharded fit whose coordinator stops (an error mid-fit, a SIGKILL) resumes from its checkpoint
// and ends with the model an unbroken run gives, to the bit: parameters, epochs, stop reason and
// history. A checkpoint of another fit, or a corrupt one, is refused.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { fileCheckpoint } from "../src/io/file-checkpoint.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import type { GradientShard, LocalSgdShard } from "../src/parallel/gradient-shard.js";
import { WorkerProcess } from "../src/parallel/worker-process.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import type { ShardedCheckpoint } from "../src/train/sharded-checkpoint.js";
import { loadDataset } from "./helpers/datasets.js";

const dir = mkdtempSync(join(tmpdir(), "descent-coordinator-"));
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const files: string[] = [];
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  const { X, y } = loadDataset("diabetes", "progression");
  const Z = new StandardScaler().fitTransform(X);
  const d = Z.cols;
  for (let k = 0; k < 2; k++) {
    const lines = [[...Array.from({ length: d }, (_, j) => `x${j}`), "y"].join(",")];
    for (let r = k; r < Z.rows; r += 2)
      lines.push([...Array.from(Z.data.subarray(r * d, (r + 1) * d), String), String(y[r])].join(","));
    const file = join(dir, `shard-${k}.csv`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    files.push(file);
  }
  workers = await Promise.all(
    files.map((f) => WorkerProcess.start(process.execPath, [cli, "worker", f, "--target", "y"])),
  );
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  rmSync(dir, { recursive: true, force: true });
});

const OPTIONS = {
  batchSize: "full" as const,
  optimizer: "adam" as const,
  learningRate: 2,
  maxEpochs: 400,
  tol: 1,
  nIterNoChange: 5,
};

/** A checkpoint in memory, counting its saves. */
function memoryCheckpoint(): ShardedCheckpoint & { text: string | null; saves: number } {
  const c = {
    text: null as string | null,
    saves: 0,
    load: async () => c.text,
    save: async (s: string) => {
      c.text = s;
      c.saves++;
    },
  };
  return c;
}

/** `shard`, failing its `failAt`-th gradient request (as a coordinator that stops there would). */
function failing(shard: LocalSgdShard, failAt: number): LocalSgdShard {
  let calls = 0;
  return {
    rows: shard.rows,
    cols: shard.cols,
    ...(shard.featureNames === undefined ? {} : { featureNames: shard.featureNames }),
    gradient: (p, loss, lossParam) => {
      if (++calls === failAt) return Promise.reject(new DescentError("E_STATE", "the coordinator stopped"));
      return shard.gradient(p, loss, lossParam);
    },
    epoch: (p, request) => shard.epoch(p, request),
  };
}

function same(a: LinearRegression, b: LinearRegression): void {
  expect(Array.from(a.coef)).toEqual(Array.from(b.coef));
  expect(a.intercept).toBe(b.intercept);
  expect(a.nEpochs).toBe(b.nEpochs);
  expect(a.stopReason).toBe(b.stopReason);
  expect(a.history.loss).toEqual(b.history.loss);
  expect(a.history.gradNorm).toEqual(b.history.gradNorm);
}

describe("a sharded fit resumes from its coordinator's checkpoint", () => {
  it("stopped at epoch 130 of an Adam run that stops on tol at 135: the resumed run ends as the unbroken one", async () => {
    const reference = await new LinearRegression(OPTIONS).fitSharded(workers);
    expect(reference.stopReason).toBe("tol");
    expect(reference.nEpochs).toBeGreaterThan(60);
    const checkpoint = memoryCheckpoint();
    const broken = await new LinearRegression(OPTIONS)
      .fitSharded(
        workers.map((w) => failing(w, 132)),
        { checkpoint },
      )
      .catch((e: unknown) => e);
    expect((broken as DescentError).message).toBe("the coordinator stopped");
    // The zero-model objective took request 1, epochs 1–130 requests 2–131: the stop rule's count
    // of epochs without improvement has begun, and carries over.
    expect(JSON.parse(checkpoint.text as string).progress.epoch).toBe(130);
    const resumed = await new LinearRegression(OPTIONS).fitSharded(workers, { checkpoint });
    same(resumed, reference);
    expect(JSON.parse(checkpoint.text as string).stopReason).toBe("tol");
  });

  it("a finished checkpoint restores the model without asking the shards", async () => {
    const checkpoint = memoryCheckpoint();
    const first = await new LinearRegression(OPTIONS).fitSharded(workers, { checkpoint });
    let asked = 0;
    const counting: GradientShard[] = workers.map((w) => ({
      rows: w.rows,
      cols: w.cols,
      featureNames: w.featureNames,
      gradient: (p, loss, lossParam) => {
        asked++;
        return w.gradient(p, loss, lossParam);
      },
    }));
    const again = await new LinearRegression(OPTIONS).fitSharded(counting, { checkpoint });
    expect(asked).toBe(0);
    same(again, first);
  });

  it("a coordinator killed with SIGKILL mid-fit resumes from the file it left", async () => {
    const path = join(dir, "coordinator.json");
    const options = { ...OPTIONS, tol: null, maxEpochs: 150 };
    const script = `
      const { LinearRegression } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
      const { WorkerProcess, fileCheckpoint } = await import(${JSON.stringify(new URL("../dist/node.js", import.meta.url).href)});
      const workers = await Promise.all(${JSON.stringify(files)}.map((f) =>
        WorkerProcess.start(process.execPath, [${JSON.stringify(cli)}, "worker", f, "--target", "y"])));
      // Slow epochs (onEpoch is not part of the fit's identity), so the kill lands mid-fit.
      const slow = { ...${JSON.stringify(options)}, onEpoch: () => new Promise((r) => setTimeout(r, 20)) };
      await new LinearRegression(slow).fitSharded(workers, { checkpoint: fileCheckpoint(${JSON.stringify(path)}) });
      console.log("finished");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    // Killed once the checkpoint shows 30 epochs.
    for (let i = 0; i < 400; i++) {
      if (existsSync(path) && JSON.parse(readFileSync(path, "utf8")).progress.epoch >= 30) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(out).not.toContain("finished");
    const left = JSON.parse(readFileSync(path, "utf8"));
    expect(left.progress.epoch).toBeGreaterThanOrEqual(30);
    expect(left.progress.epoch).toBeLessThan(150);
    const resumed = await new LinearRegression(options).fitSharded(workers, { checkpoint: fileCheckpoint(path) });
    const reference = await new LinearRegression(options).fitSharded(workers);
    same(resumed, reference);
  }, 60_000);

  it("local SGD resumes to the same model", async () => {
    const options = { batchSize: 16, learningRate: 0.01, maxEpochs: 12, seed: 3 };
    const reference = await new LinearRegression(options).fitLocalSgd(workers);
    const checkpoint = memoryCheckpoint();
    // Each round asks one epoch and one gradient of every shard: the 6th gradient is round 6's.
    await new LinearRegression(options)
      .fitLocalSgd(
        workers.map((w) => failing(w, 6)),
        { checkpoint },
      )
      .catch(() => undefined);
    expect(JSON.parse(checkpoint.text as string).progress.epoch).toBe(5);
    const resumed = await new LinearRegression(options).fitLocalSgd(workers, { checkpoint });
    same(resumed, reference);
  });

  it("a checkpoint of another fit is E_STATE naming what differs; a corrupt one is E_FORMAT", async () => {
    const checkpoint = memoryCheckpoint();
    await new LinearRegression({ ...OPTIONS, maxEpochs: 3 }).fitSharded(workers, { checkpoint });
    const other = await new LinearRegression({ ...OPTIONS, learningRate: 0.1 })
      .fitSharded(workers, { checkpoint })
      .catch((e: unknown) => e);
    expect((other as DescentError).code).toBe("E_STATE");
    expect((other as DescentError).message).toMatch(/written by another fit: its options is .*"learningRate":2/);
    const fewer = await new LinearRegression(OPTIONS)
      .fitSharded([workers[0] as WorkerProcess], { checkpoint })
      .catch((e: unknown) => e);
    expect((fewer as DescentError).message).toMatch(/its shardRows is \[221,221\], this fit's \[221\]/);
    // More epochs than the checkpoint's run had is the same fit, trained on.
    const longer = await new LinearRegression({ ...OPTIONS, maxEpochs: 5 }).fitSharded(workers, { checkpoint });
    expect(longer.nEpochs).toBe(3);
    for (const text of [
      "{",
      JSON.stringify({ format: "something" }),
      (checkpoint.text as string).replace(/"params":\[/, '"params":["x",'),
    ]) {
      const c = memoryCheckpoint();
      c.text = text;
      const e = await new LinearRegression(OPTIONS).fitSharded(workers, { checkpoint: c }).catch((x: unknown) => x);
      expect((e as DescentError).code).toBe("E_FORMAT");
    }
    const lbfgs = await new LinearRegression(OPTIONS)
      .fitSharded(workers, { solver: "lbfgs", checkpoint })
      .catch((e: unknown) => e);
    expect((lbfgs as DescentError).code).toBe("E_OPTION");
  });
});
