// WorkerProcess against workers that fail: a missing executable, answers that are not JSON or lack
// their fields, short gradients, and non-finite values (JSON's null), each a typed error or the
// fit's divergence, never a crash, a TypeError or a silent 0.
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
