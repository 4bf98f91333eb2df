// Staged data: fit(ds) gives the bits of fit(X, y) (whole data, every row order, early stopping),
// a subset trains as the same rows copied would, and the refusals are typed.
import { describe, expect, it } from "vitest";
import { Dataset } from "../src/data/dataset.js";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression, type LinearRegressionOptions } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { ColumnTransformer } from "../src/preprocess/column-transformer.js";
import { OneHotEncoder } from "../src/preprocess/one-hot-encoder.js";
import { findLearningRate } from "../src/tuning/find-learning-rate.js";
import { expectDescentError } from "./helpers/expect-error.js";

function data(n: number, d: number, seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const X: Matrix = { data: new Float64Array(n * d), rows: n, cols: d };
  const y = new Float64Array(n);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) {
      const v = rnd() * 4;
      X.data[i * d + j] = v;
      t += (j + 1) * v;
    }
    y[i] = t + rnd();
    labels.push(t > 1 ? "hi" : t < -1 ? "lo" : "mid");
  }
  return { X, y, labels };
}

const hex = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer).toString("hex");

function rowsOf(m: Matrix, rows: Int32Array): Matrix {
  const out = new Float64Array(rows.length * m.cols);
  rows.forEach((r, i) => {
    out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  });
  return { data: out, rows: rows.length, cols: m.cols };
}

describe("Dataset", () => {
  const { X, y, labels } = data(400, 5, 3);

  it.each([
    ["shuffled", { shuffle: true }],
    ["in order", { shuffle: false }],
    ["shuffled once", { shuffle: "once" as const }],
    ["early stopping", { earlyStopping: true, nIterNoChange: 3 }],
    ["batch 1, js backend", { batchSize: 1, backend: "js" as const }],
  ])("LinearRegression.fit(ds) has the bits of fit(X, y): %s", async (_name, o) => {
    const opts: LinearRegressionOptions = { maxEpochs: 15, seed: 4, ...o };
    const ds = await Dataset.from(X, y, { backend: opts.backend ?? "wasm" });
    try {
      const a = await new LinearRegression(opts).fit(X, y);
      const b = await new LinearRegression(opts).fit(ds);
      expect(hex(b.coef)).toBe(hex(a.coef));
      expect(b.intercept).toBe(a.intercept);
      expect(b.history.loss).toEqual(a.history.loss);
    } finally {
      ds.dispose();
    }
  });

  it("a subset trains as its rows copied would, classifiers included (one-vs-rest and softmax)", async () => {
    const ds = await Dataset.from(X, labels);
    try {
      const rows = Int32Array.from({ length: 250 }, (_, i) => (i * 7) % 400);
      const sub = ds.subset(rows);
      const yRows = Array.from(rows, (r) => labels[r] as string);
      for (const make of [
        () => new LogisticRegression({ maxEpochs: 8, seed: 2 }),
        () => new LogisticRegression({ maxEpochs: 8, seed: 2, multiClass: "ovr", shuffle: "once" }),
        () => new LinearSVM({ maxEpochs: 8, seed: 2, earlyStopping: true }),
      ]) {
        const a = await make().fit(rowsOf(X, rows), yRows);
        const b = await make().fit(sub);
        const flat = (v: Matrix | Float64Array) => (v instanceof Float64Array ? v : v.data);
        const list = (v: number | Float64Array) => (typeof v === "number" ? [v] : Array.from(v));
        expect(hex(flat(b.coef))).toBe(hex(flat(a.coef)));
        expect(list(b.intercept)).toEqual(list(a.intercept));
      }
      // A subset of a subset names rows of the subset.
      const inner = sub.subset([0, 1, 2]);
      expect(inner.targets).toEqual(yRows.slice(0, 3));
    } finally {
      ds.dispose();
    }
  });

  it("an estimator on another dtype or backend copies the rows and still trains", async () => {
    const ds = await Dataset.from(X, y, { dtype: "float32" });
    try {
      const a = await new LinearRegression({ maxEpochs: 5 }).fit(X, y);
      const b = await new LinearRegression({ maxEpochs: 5, dtype: "float64" }).fit(ds);
      expect(hex(b.coef)).toBe(hex(a.coef));
      const f32 = await new LinearRegression({ maxEpochs: 5, dtype: "float32" }).fit(ds);
      const f32copy = await new LinearRegression({ maxEpochs: 5, dtype: "float32" }).fit(X, y);
      expect(hex(f32.coef)).toBe(hex(f32copy.coef));
      // dtype 'auto' (the default) takes the Dataset's: float32 here, in place.
      const auto = await new LinearRegression({ maxEpochs: 5 }).fit(ds);
      expect(hex(auto.coef)).toBe(hex(f32.coef));
      // And a Float32Array matrix's: float32, as dtype 'float32' on the same values.
      const x32 = { ...X, data: Float32Array.from(X.data) };
      const fromF32 = await new LinearRegression({ maxEpochs: 5 }).fit(x32, y);
      expect(hex(fromF32.coef)).toBe(
        hex((await new LinearRegression({ maxEpochs: 5, dtype: "float32" }).fit(x32, y)).coef),
      );
      expect(hex(fromF32.coef)).not.toBe(
        hex((await new LinearRegression({ maxEpochs: 5, dtype: "float64" }).fit(x32, y)).coef),
      );
    } finally {
      ds.dispose();
    }
  });

  it("findLearningRate takes a Dataset: the same curve as on its matrix and targets", async () => {
    const ds = await Dataset.from(X, y);
    try {
      const a = await findLearningRate(new LinearRegression(), X, y, { steps: 30 });
      const b = await findLearningRate(new LinearRegression(), ds, { steps: 30 });
      expect(b.losses).toEqual(a.losses);
      expect(b.suggestion).toBe(a.suggestion);
    } finally {
      ds.dispose();
    }
  });

  it("fromTable stages a table's features (through a transform for text columns) with its target column", async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({
      size: i % 7,
      colour: i % 3 === 0 ? "red" : "blue",
      price: i % 5 === 0 ? null : 2 * (i % 7) + (i % 3 === 0 ? 1 : 0),
    }));
    const encoder = new OneHotEncoder();
    const ds = await Dataset.fromTable(records, "price", {
      transform: (t) =>
        new ColumnTransformer([["colour", encoder, ["colour"]]], { remainder: "passthrough" }).fitTransform(t),
    });
    try {
      // The 8 rows without a price are left out; colour one-hot (2 columns) and size.
      expect(ds.rows).toBe(32);
      expect(ds.cols).toBe(3);
      const m = await new LinearRegression({ maxEpochs: 200, learningRate: 0.05 }).fit(ds);
      expect(m.score(ds.matrix(), ds.targets as number[])).toBeGreaterThan(0.95);
    } finally {
      ds.dispose();
    }
    await expectDescentError(Dataset.fromTable(records, "price"), "E_SHAPE", /colour/);
    await expectDescentError(Dataset.fromTable(records, "cost"), "E_FORMAT", /cost/);
  });

  it("refuses bad data and use after dispose with typed errors", async () => {
    const bad: Matrix = { data: Float64Array.from([1, 2, Number.NaN, 4]), rows: 2, cols: 2 };
    await expectDescentError(Dataset.from(bad, [1, 2]), "E_NONFINITE", /row 1, column 0/);
    await expectDescentError(Dataset.from(X, [1, 2]), "E_SHAPE", /y has 2 values/);
    await expectDescentError(Dataset.from(X, y, { dtype: "float16" as never }), "E_OPTION", /dtype/);
    const ds = await Dataset.from(X);
    await expectDescentError(new LinearRegression().fit(ds), "E_SHAPE", /no targets/);
    expect(() => ds.subset([400])).toThrow(/not a row/);
    ds.dispose();
    const withY = await Dataset.from(X, y);
    withY.dispose();
    await expectDescentError(new LinearRegression().fit(withY), "E_STATE", /disposed/);
  });
});
