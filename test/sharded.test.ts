// Training across processes: `descent worker` processes each holding a shard of the rows answer
// gradient requests; a sharded full-batch fit equals the single-process full-batch fit to 1e-12.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { WorkerProcess } from "../src/parallel/worker-process.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { ridgeClosedForm } from "./helpers/linalg.js";

const dir = mkdtempSync(join(tmpdir(), "descent-shards-"));
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `parts` CSV shards of (Z, y) and starts a worker on each. */
async function shards(name: string, Z: Matrix, y: ArrayLike<number | string>, parts: number, extra: string[] = []) {
  const d = Z.cols;
  const out: WorkerProcess[] = [];
  const per = Math.ceil(Z.rows / parts);
  for (let k = 0; k < parts; k++) {
    const lines = [[...Array.from({ length: d }, (_, j) => `x${j}`), "y"].join(",")];
    for (let r = k * per; r < Math.min(Z.rows, (k + 1) * per); r++) {
      lines.push([...Array.from(Z.data.subarray(r * d, (r + 1) * d), String), String(y[r])].join(","));
    }
    const file = join(dir, `${name}-${k}.csv`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const w = await WorkerProcess.start(process.execPath, [cli, "worker", file, "--target", "y", ...extra]);
    workers.push(w);
    out.push(w);
  }
  return out;
}

describe("sharded full-batch training over worker processes", () => {
  const diabetes = loadDataset("diabetes", "progression");
  const Zd = new StandardScaler().fitTransform(diabetes.X);

  it.each(["sgd", "adam"] as const)(
    "4 workers give the single-process full-batch fit to 1e-12 (%s)",
    async (optimizer) => {
      const opts = {
        batchSize: "full" as const,
        shuffle: false,
        maxEpochs: 60,
        tol: null,
        learningRate: 0.1,
        optimizer,
      };
      const four = await shards(`diabetes-${optimizer}`, Zd, diabetes.y, 4);
      expect(four.reduce((t, w) => t + w.rows, 0)).toBe(442);
      const sharded = await new LinearRegression(opts).fitSharded(four);
      const single = await new LinearRegression(opts).fit(Zd, diabetes.y);
      expect(sharded.nEpochs).toBe(60);
      sharded.coef.forEach((c, j) => {
        expect(Math.abs(c - (single.coef[j] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c)));
      });
      expect(Math.abs(sharded.intercept - single.intercept)).toBeLessThanOrEqual(1e-12 * Math.abs(single.intercept));
      sharded.history.loss.forEach((l, e) => {
        expect(Math.abs(l - (single.history.loss[e] as number))).toBeLessThanOrEqual(1e-12 * l);
      });
    },
  );

  it("L-BFGS over 4 workers reaches the ridge optimum (closed form) in a few dozen round trips", async () => {
    const four = await shards("diabetes-lbfgs", Zd, diabetes.y, 4);
    const m = await new LinearRegression({ alpha: 0.1, maxEpochs: 200, tol: null, gradTol: 1e-6 }).fitSharded(four, {
      solver: "lbfgs",
    });
    const exact = ridgeClosedForm(Zd, diabetes.y, 0.1);
    m.coef.forEach((c, j) => {
      expect(Math.abs(c - (exact[j] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(exact[j] as number)));
    });
    expect(Math.abs(m.intercept - (exact[10] as number))).toBeLessThanOrEqual(1e-6 * (exact[10] as number));
    expect(m.stopReason).toBe("gradTol");
    expect(m.nEpochs).toBeLessThan(100);
    await expect(new LinearRegression({ penalty: "l1" }).fitSharded(four, { solver: "lbfgs" })).rejects.toThrow(
      /lbfgs/,
    );
  });

  it("local SGD with averaging over 4 workers reaches the single-process objective within 1%", async () => {
    const four = await shards("diabetes-local", Zd, diabetes.y, 4);
    const opts = { batchSize: 8, learningRate: 0.01, maxEpochs: 100, tol: null, seed: 1 };
    const mixed = await new LinearRegression(opts).fitLocalSgd(four);
    const single = await new LinearRegression(opts).fit(Zd, diabetes.y);
    expect(mixed.nEpochs).toBe(100);
    expect(mixed.history.loss.length).toBe(100);
    const a = mixed.objective(Zd, diabetes.y);
    const b = single.objective(Zd, diabetes.y);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.01 * b);
    // The recorded objective is the objective on all the rows.
    expect(Math.abs((mixed.history.loss.at(-1) as number) - a)).toBeLessThanOrEqual(1e-9 * a);
  });

  it("a binary classifier over 3 workers (labels mapped to ±1 by --classes) equals the single-process fit", async () => {
    const cancer = loadDataset("breast_cancer", "benign");
    const Zc = new StandardScaler().fitTransform(cancer.X);
    const three = await shards("cancer", Zc, cancer.y, 3, ["--classes", "0,1"]);
    const opts = { batchSize: "full" as const, shuffle: false, maxEpochs: 40, tol: null, learningRate: 0.5 };
    const sharded = await new LogisticRegression(opts).fitSharded(three, { classes: [0, 1] });
    const single = await new LogisticRegression(opts).fit(Zc, cancer.y);
    const a = sharded.coef as Float64Array;
    const b = single.coef as Float64Array;
    a.forEach((c, j) => {
      expect(Math.abs(c - (b[j] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c)));
    });
    expect(Array.from(sharded.predict(Zc) as Float64Array)).toEqual(Array.from(single.predict(Zc) as Float64Array));
    await expect(new LogisticRegression().fitSharded(three, { classes: [0, 1, 2] })).rejects.toThrow(DescentError);
  });
});
