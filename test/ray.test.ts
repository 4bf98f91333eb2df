// Sharded training over Ray (python/descent_ray.py: one actor per shard, each owning a `descent
// worker`), driven by the library's coordinator as one shard: the same weights, to the bit, as the
// same shards on local worker processes. Ray comes from the machine's wheel store
// (scripts/ensure-ray.mjs, run by `npm test`); without it this test fails, it never skips.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { WorkerProcess } from "../src/parallel/worker-process.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";

const dir = mkdtempSync(join(tmpdir(), "descent-ray-"));
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const bridge = fileURLToPath(new URL("../python/descent_ray.py", import.meta.url));
const started: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((w) => w.close()));
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("Ray", () => {
  it("2 actors give the weights 2 local workers give", async () => {
    const { X, y } = loadDataset("diabetes", "progression");
    const Z = new StandardScaler().fitTransform(X);
    const files = [0, 1].map((k) => {
      const lines = [[...Array.from({ length: 10 }, (_, j) => `x${j}`), "y"].join(",")];
      for (let r = k * 221; r < (k + 1) * 221; r++) {
        lines.push([...Array.from(Z.data.subarray(r * 10, (r + 1) * 10), String), String(y[r])].join(","));
      }
      const f = join(dir, `shard${k}.csv`);
      writeFileSync(f, `${lines.join("\n")}\n`);
      return f;
    });
    const opts = { batchSize: "full" as const, shuffle: false, maxEpochs: 25, tol: null, learningRate: 0.1 };
    const local = await Promise.all(
      files.map((f) => WorkerProcess.start(process.execPath, [cli, "worker", f, "--target", "y"])),
    );
    started.push(...local);
    const onRay = await WorkerProcess.start("python3", [
      bridge,
      "--cli",
      cli,
      "--node",
      process.execPath,
      "--target",
      "y",
      ...files,
    ]);
    started.push(onRay);
    expect(onRay.rows).toBe(442);
    // The local cluster it started requires a token that only it holds (its ports face every interface).
    expect(onRay.readyLine.auth).toBe("token");
    const a = await new LinearRegression(opts).fitSharded(local);
    const b = await new LinearRegression(opts).fitSharded([onRay]);
    expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
    expect(b.intercept).toBe(a.intercept);
  }, 180_000);
});
