// WorkerProcess against workers that fail: a missing executable, answers that are not JSON or lack
// their fields, short gradients, and non-finite values (JSON's null), each a typed error or the
// fit's divergence, never a crash, a TypeError or a silent 0.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { WorkerProcess } from "../src/parallel/worker-process.js";

/** A fake worker: says it is ready with 2 columns, then answers every request line with `answer`. */
function fake(answer: string): Promise<WorkerProcess> {
  const script = `
    process.stdout.write(JSON.stringify({ ready: true, rows: 10, cols: 2, featureNames: ["a", "b"] }) + "\\n");
    require("node:readline").createInterface({ input: process.stdin }).on("line", (l) => {
      if (JSON.parse(l).op === "quit") process.exit(0);
      process.stdout.write(${JSON.stringify(answer)} + "\\n");
    });`;
  return WorkerProcess.start(process.execPath, ["-e", script]);
}

async function caught(p: Promise<unknown>): Promise<DescentError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DescentError) return e;
    throw e;
  }
  throw new Error("expected a DescentError");
}

describe("a worker that fails", () => {
  it("a missing executable is a typed error, not a crash of this process", async () => {
    const e = await caught(WorkerProcess.start("/no/such/descent-worker", ["x.csv"]));
    expect(e.code).toBe("E_STATE");
    expect(e.message).toMatch(/could not be started \(spawn \/no\/such\/descent-worker ENOENT\)/);
  });

  it.each([
    ["a line that is not JSON", "oops", /not JSON: oops/],
    ["an answer without grad", JSON.stringify({ loss: 1 }), /without 'grad'/],
    ["a short grad", JSON.stringify({ loss: 1, grad: [0.5] }), /1 values of 'grad', expected 3/],
    ["a text in grad", JSON.stringify({ loss: 1, grad: [0, "1e3", 0] }), /'grad\[1\]' = "1e3", not a number/],
    ["an array, not an object", "[1,2]", /not a JSON object/],
  ])("%s is E_FORMAT naming it", async (_, answer, pattern) => {
    const w = await fake(answer);
    try {
      const e = await caught(w.gradient(new Float64Array(3), "squared", 0));
      expect(e.code).toBe("E_FORMAT");
      expect(e.message).toMatch(pattern);
    } finally {
      await w.close(2000);
    }
  });

  it("an extra answer line is caught by the request number, not paired with the next request", async () => {
    // Answers every request twice, echoing its number.
    const script = `
      process.stdout.write(JSON.stringify({ ready: true, rows: 10, cols: 2, featureNames: ["a", "b"] }) + "\\n");
      require("node:readline").createInterface({ input: process.stdin }).on("line", (l) => {
        const req = JSON.parse(l);
        if (req.op === "quit") process.exit(0);
        const a = JSON.stringify({ loss: 1, grad: [0, 0, 0], id: req.id }) + "\\n";
        process.stdout.write(a + a);
      });`;
    const w = await WorkerProcess.start(process.execPath, ["-e", script]);
    try {
      await w.gradient(new Float64Array(3), "squared", 0);
      const e = await caught(w.gradient(new Float64Array(3), "squared", 0));
      expect(e.code).toBe("E_FORMAT");
      expect(e.message).toMatch(/answered request 1 where request 2's answer was due/);
    } finally {
      await w.close(2000);
    }
  });

  it("non-finite results (JSON null) make a sharded fit diverge instead of reading 0 and converging", async () => {
    const w = await fake(JSON.stringify({ loss: null, grad: [null, null, null] }));
    try {
      const fit = new LinearRegression({ batchSize: "full", maxEpochs: 5 }).fitSharded([w]);
      const e = await caught(fit);
      expect(e.code).toBe("E_DIVERGED");
    } finally {
      await w.close(2000);
    }
  });
});

describe("L-BFGS over shards that give non-finite or overflowing gradients", () => {
  it.each([
    ["NaN gradients (JSON null)", JSON.stringify({ loss: null, grad: [null, null, null] })],
    ["a gradient whose squared norm overflows", JSON.stringify({ loss: 1, grad: [1e200, 1e200, 0] })],
  ])("%s end in E_DIVERGED, not the all-zero start reported as converged", async (_, answer) => {
    const w = await fake(answer);
    try {
      const model = new LinearRegression({ maxEpochs: 20 });
      const e = await caught(model.fitSharded([w], { solver: "lbfgs" }));
      expect(e.code).toBe("E_DIVERGED");
      expect(e.message).toMatch(/L-BFGS met a non-finite objective or gradient/);
      expect(model.stopReason).toBe("diverged");
      expect(Array.from(model.coef).every(Number.isFinite)).toBe(true);
    } finally {
      await w.close(2000);
    }
  });
});

describe("descent worker and long lines", () => {
  const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "descent-worker-faults-"));
  const shard = join(dir, "shard.csv");
  writeFileSync(shard, "a,b,y\n1,2,3\n4,5,6\n7,8,10\n");

  /** A real worker whose request lines may be `maxLine` bytes at most; the lines it answers, one at a time. */
  function start(maxLine?: number) {
    const child = spawn(process.execPath, [cli, "worker", shard, "--target", "y"], {
      stdio: ["pipe", "pipe", "ignore"],
      env: { ...process.env, ...(maxLine === undefined ? {} : { DESCENT_MAX_LINE_BYTES: String(maxLine) }) },
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
    return { child, next };
  }

  it("exits on {op: quit} while its stdin stays open", async () => {
    const { child, next } = start();
    expect((await next()).ready).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdin.write(`${JSON.stringify({ op: "quit" })}\n`);
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000))]);
    expect(code).toBe(0);
  }, 20_000);

  it("answers an over-long request line with an error and goes on serving", async () => {
    const { child, next } = start(1000);
    expect((await next()).ready).toBe(true);
    child.stdin.write(`${JSON.stringify({ op: "gradient", params: new Array(500).fill(0.5), loss: "squared" })}\n`);
    expect(String((await next()).error)).toMatch(/request line of \d+ bytes is longer than the 1000/);
    child.stdin.write(`${JSON.stringify({ op: "gradient", params: [0, 0, 0], loss: "squared", lossParam: 0 })}\n`);
    expect((await next()).grad).toHaveLength(3);
    child.stdin.end(`${JSON.stringify({ op: "quit" })}\n`);
  }, 20_000);

  it.each([
    [{ params: ["1e3", 0, 0] }, /params\[0\] is "1e3", not a finite number/],
    [{ params: [null, 0, 0] }, /params\[0\] is null, not a finite number/],
    [{ params: [0, 0] }, /params must hold 3 numbers/],
    [{ params: [0, 0, 0], loss: "huber", lossParam: -1 }, /lossParam is -1: it must be a finite number >= 0/],
  ])(
    "refuses a request with bad params or lossParam (%j)",
    async (req, pattern) => {
      const { child, next } = start();
      expect((await next()).ready).toBe(true);
      child.stdin.write(`${JSON.stringify({ op: "gradient", loss: "squared", ...req })}\n`);
      expect(String((await next()).error)).toMatch(pattern);
      child.stdin.write(
        `${JSON.stringify({ op: "epoch", params: ["x", 0, 0], loss: "squared", lossParam: 0, learningRate: 0.1, batchSize: 1, penalty: "none", alpha: 0, l1Ratio: 0, seed: 0 })}\n`,
      );
      expect(String((await next()).error)).toMatch(/params\[0\] is "x"/);
      child.stdin.end(`${JSON.stringify({ op: "quit" })}\n`);
    },
    20_000,
  );

  it("the coordinator refuses an answer line over its limit as E_FORMAT", async () => {
    const w = await WorkerProcess.start(process.execPath, [cli, "worker", shard, "--target", "y"], {
      stderr: "ignore",
      maxLineBytes: 30,
    }).catch((e: unknown) => e);
    // The ready line itself is longer than 30 bytes.
    expect(w).toBeInstanceOf(DescentError);
    expect((w as DescentError).message).toMatch(/answered a line of \d+ bytes, longer than the 30 read/);
  }, 20_000);
});

describe("shards cross-checked", () => {
  const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "descent-shard-checks-"));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const start = (file: string, ...extra: string[]) =>
    WorkerProcess.start(process.execPath, [cli, "worker", file, "--target", "y", ...extra], { stderr: "ignore" });

  it("a shard with its columns permuted is refused, naming both orders", async () => {
    const a = await start(write("a.csv", "x1,x2,y\n1,2,3\n4,5,6\n"));
    const b = await start(write("b.csv", "x2,x1,y\n2,1,3\n5,4,6\n"));
    try {
      for (const train of [
        () => new LinearRegression({ batchSize: "full", maxEpochs: 2 }).fitSharded([a, b]),
        () => new LinearRegression({ maxEpochs: 2 }).fitSharded([a, b], { solver: "lbfgs" }),
        () => new LinearRegression({ batchSize: 1, maxEpochs: 2 }).fitLocalSgd([a, b]),
      ]) {
        const e = await caught(train());
        expect(e.code).toBe("E_SHAPE");
        expect(e.message).toMatch(/shard 1's columns are x2, x1, shard 0's are x1, x2/);
      }
    } finally {
      await Promise.all([a.close(2000), b.close(2000)]);
    }
  }, 30_000);

  it("a worker given --classes that its labels are not is E_LABELS, not every row −1", async () => {
    const e = await caught(start(write("c.csv", "x,y\n1,0\n2,1\n"), "--classes", "no,yes"));
    expect(e.message).toMatch(/row 1 of .* has the label '0', not one of --classes no,yes/);
  }, 30_000);

  it("shards claiming no rows, or differing column counts, are refused for every solver", async () => {
    const shard = (rows: number, cols: number) => ({
      rows,
      cols,
      gradient: async () => ({ loss: 0, grad: new Float64Array(cols + 1) }),
      epoch: async (p: Float64Array) => p,
    });
    const model = () => new LinearRegression({ batchSize: 1, maxEpochs: 1 });
    expect((await caught(model().fitSharded([shard(0, 2)]))).message).toMatch(/shard 0 claims 0 rows/);
    expect((await caught(model().fitSharded([shard(3, 2), shard(3, 3)], { solver: "lbfgs" }))).message).toMatch(
      /shard 1 has 3 columns, shard 0 has 2/,
    );
    expect((await caught(model().fitLocalSgd([shard(3, 2), shard(3, 3)]))).message).toMatch(/shard 1 has 3 columns/);
  });
});

describe("workers that stall", () => {
  const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "descent-stall-"));
  const shard = join(dir, "shard.csv");
  writeFileSync(shard, "a,b,y\n1,2,3\n4,5,6\n7,8,10\n");

  it("a worker that never answers is E_STATE after the deadline, and is not asked again", async () => {
    const script = `
      process.stdout.write(JSON.stringify({ ready: true, rows: 3, cols: 2, featureNames: ["a", "b"] }) + "\\n");
      process.stdin.resume();`;
    const w = await WorkerProcess.start(process.execPath, ["-e", script], { timeoutMs: 2000, retries: 0 });
    const t0 = Date.now();
    const e = await caught(w.gradient(new Float64Array(3), "squared", 0));
    expect(e.code).toBe("E_STATE");
    expect(e.message).toMatch(/did not answer within 2000 ms/);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect((await caught(w.gradient(new Float64Array(3), "squared", 0))).message).toMatch(/did not answer/);
    await w.close(1000);
  });

  it("a real worker stopped with SIGSTOP, no retries left, makes fitSharded fail at the deadline instead of waiting forever", async () => {
    const w = await WorkerProcess.start(process.execPath, [cli, "worker", shard, "--target", "y"], {
      stderr: "ignore",
      timeoutMs: 3000,
      retries: 0,
    });
    const pid = (w as unknown as { child: { pid: number } }).child.pid;
    process.kill(pid, "SIGSTOP");
    try {
      const e = await caught(new LinearRegression({ batchSize: "full", maxEpochs: 3 }).fitSharded([w]));
      expect(e.code).toBe("E_STATE");
      expect(e.message).toMatch(/did not answer within 3000 ms/);
    } finally {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // already gone
      }
      await w.close(1000);
    }
  }, 20_000);

  it("a worker that never says it is ready is E_STATE at the deadline", async () => {
    const e = await caught(
      WorkerProcess.start(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 300 }),
    );
    expect(e.message).toMatch(/did not answer within 300 ms/);
  });

  it("a real worker stopped with SIGSTOP is restarted and asked again: the fit ends with an unbroken run's model", async () => {
    const start = (): Promise<WorkerProcess> =>
      WorkerProcess.start(process.execPath, [cli, "worker", shard, "--target", "y"], {
        stderr: "ignore",
        timeoutMs: 3000,
      });
    const plain = await start();
    const stopped = await start();
    try {
      const reference = await new LinearRegression({ batchSize: "full", maxEpochs: 5, tol: null }).fitSharded([plain]);
      let requests = 0;
      const original = stopped.gradient.bind(stopped);
      stopped.gradient = (params, loss, lossParam) => {
        // Stopped before its third request: that request overruns the deadline, is retried on a new worker.
        if (++requests === 3) process.kill((stopped as unknown as { child: { pid: number } }).child.pid, "SIGSTOP");
        return original(params, loss, lossParam);
      };
      const model = await new LinearRegression({ batchSize: "full", maxEpochs: 5, tol: null }).fitSharded([stopped]);
      expect(stopped.restarts).toBe(1);
      expect(Array.from(model.coef)).toEqual(Array.from(reference.coef));
      expect(model.intercept).toEqual(reference.intercept);
    } finally {
      await plain.close(1000);
      await stopped.close(1000);
    }
  }, 30_000);

  it("a worker that exits mid-fit is started again; one that comes back with another shard is E_STATE", async () => {
    // Exits at its second request the first time it runs (a marker file says it ran), then serves.
    const marker = join(dir, "ran-once");
    const flaky = `
      const fs = require("node:fs");
      const first = !fs.existsSync(${JSON.stringify(marker)});
      fs.writeFileSync(${JSON.stringify(marker)}, "");
      process.stdout.write(JSON.stringify({ ready: true, rows: 3, cols: 2, featureNames: ["a", "b"] }) + "\\n");
      let n = 0;
      require("node:readline").createInterface({ input: process.stdin }).on("line", (l) => {
        const req = JSON.parse(l);
        if (req.op === "quit") process.exit(0);
        if (first && ++n === 2) process.exit(3);
        process.stdout.write(JSON.stringify({ id: req.id, loss: 1, grad: [0.5, 0.25, 0.125] }) + "\\n");
      });`;
    const w = await WorkerProcess.start(process.execPath, ["-e", flaky]);
    try {
      await w.gradient(new Float64Array(3), "squared", 0);
      const g = await w.gradient(new Float64Array(3), "squared", 0);
      expect(Array.from(g.grad)).toEqual([0.5, 0.25, 0.125]);
      expect(w.restarts).toBe(1);
    } finally {
      await w.close(1000);
    }
    // Comes back with 4 rows where it had 3.
    const counter = join(dir, "starts");
    writeFileSync(counter, "");
    const shifty = `
      const fs = require("node:fs");
      fs.appendFileSync(${JSON.stringify(counter)}, "x");
      const rows = fs.readFileSync(${JSON.stringify(counter)}, "utf8").length === 1 ? 3 : 4;
      process.stdout.write(JSON.stringify({ ready: true, rows, cols: 2, featureNames: ["a", "b"] }) + "\\n");
      require("node:readline").createInterface({ input: process.stdin }).on("line", () => process.exit(3));`;
    const s = await WorkerProcess.start(process.execPath, ["-e", shifty]);
    const e = await caught(s.gradient(new Float64Array(3), "squared", 0));
    expect(e.code).toBe("E_STATE");
    expect(e.message).toMatch(/came back holding another shard \(4 rows × 2 columns, was 3 × 2\)/);
    await s.close(1000);
  }, 30_000);

  it("a worker's own error is not retried", async () => {
    const w = await fake(JSON.stringify({ error: "no such column 'y'" }));
    try {
      const e = await caught(w.gradient(new Float64Array(3), "squared", 0));
      expect(e.message).toBe("worker: no such column 'y'");
      expect(w.restarts).toBe(0);
    } finally {
      await w.close(1000);
    }
  });
});
