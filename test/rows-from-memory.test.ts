// Data larger than the caches: the step kernels read rows early (a chunk of shuffled rows touched
// ahead, or the pages ahead of rows in order, a fold's training rows included). The early reads
// change no result: WASM gives the JS backend's bits on data past the 4 MB threshold, in order,
// shuffled, on a Dataset subset whose rows are consecutive runs, and in mini-batches.
import { describe, expect, it } from "vitest";
import { Dataset } from "../src/data/dataset.js";
import { KFold } from "../src/model-selection/splitters.js";
import { LinearRegression, type LinearRegressionOptions } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { takeRows } from "../src/models/sub-problems.js";
import { linearRows } from "./helpers/linear-rows.js";

// 24,000 × 36 float64 is 6.9 MB: past the size below which rows are taken to sit in the caches.
const N = 24000;
const D = 36;

const hex = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer).toString("hex");
const { X, y, label } = linearRows(N, D, 7);
const SGD = { learningRate: 0.005, alpha: 1e-4, schedule: "constant", maxEpochs: 2, tol: null } as const;

describe("rows read early from memory", () => {
  for (const shuffle of [false, true] as const) {
    it(`per-sample SGD (shuffle ${shuffle}) gives the JS backend's bits`, async () => {
      const o: LinearRegressionOptions = { ...SGD, batchSize: 1, shuffle, seed: 3 };
      const wasm = await new LinearRegression(o).fit(X, y);
      const js = await new LinearRegression({ ...o, backend: "js" }).fit(X, y);
      expect(hex(wasm.coef)).toBe(hex(js.coef));
      expect(wasm.intercept).toBe(js.intercept);
      const svm = await new LinearSVM({ ...SGD, batchSize: 1, shuffle, seed: 3 }).fit(X, label);
      const svmJs = await new LinearSVM({ ...SGD, batchSize: 1, shuffle, seed: 3, backend: "js" }).fit(X, label);
      expect(hex(svm.coef as Float64Array)).toBe(hex(svmJs.coef as Float64Array));
    });
  }

  it("a fold's training rows on a Dataset (two consecutive runs) train as the rows copied", async () => {
    const ds = await Dataset.from(X, y);
    try {
      const folds = new KFold({ nSplits: 3 }).split(N);
      for (const { train } of [folds[1], folds[2]] as const) {
        if (train === undefined) throw new Error("no fold");
        const sub = ds.subset(train);
        const yTrain = Float64Array.from(train, (i) => y[i] as number);
        for (const batchSize of [1, 64]) {
          const o: LinearRegressionOptions = { ...SGD, batchSize, shuffle: false };
          const staged = await new LinearRegression(o).fit(sub);
          const js = await new LinearRegression({ ...o, backend: "js" }).fit(takeRows(X, train), yTrain);
          expect(hex(staged.coef)).toBe(hex(js.coef));
          expect(staged.intercept).toBe(js.intercept);
        }
      }
    } finally {
      ds.dispose();
    }
  });

  it("a shuffled subset on a Dataset trains as the rows copied and shuffled", async () => {
    const ds = await Dataset.from(X, y);
    try {
      // Two thirds of the rows (4.6 MB), each once, out of order.
      const rows = Int32Array.from({ length: (2 * N) / 3 }, (_, i) => (i * 7919) % N);
      const yRows = Float64Array.from(rows, (i) => y[i] as number);
      for (const batchSize of [1, 32]) {
        const o: LinearRegressionOptions = { ...SGD, batchSize, shuffle: true, seed: 11 };
        const staged = await new LinearRegression(o).fit(ds.subset(rows));
        const js = await new LinearRegression({ ...o, backend: "js" }).fit(takeRows(X, rows), yRows);
        expect(hex(staged.coef)).toBe(hex(js.coef));
      }
    } finally {
      ds.dispose();
    }
  });
});
