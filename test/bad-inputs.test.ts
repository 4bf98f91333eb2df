// Every bad input throws a DescentError with the right code and a message naming the place.
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { expectDescentError } from "./helpers/expect-error.js";

const X = [
  [1, 2],
  [3, 4],
  [5, 6],
];
const y = [1, 2, 3];

describe("fit refuses bad data before training", () => {
  it("ragged X names the row", async () => {
    await expectDescentError(new LinearRegression().fit([[1, 2], [3], [5, 6]], y), "E_SHAPE", /row 1 has 1 columns/);
  });

  it("X/y length mismatch gives both lengths", async () => {
    await expectDescentError(new LinearRegression().fit(X, [1, 2]), "E_SHAPE", /y has 2 values but X has 3 rows/);
  });

  it.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("%s in X names row and column", async (bad, shown) => {
    const Xbad = [
      [1, 2],
      [3, bad],
      [5, 6],
    ];
    await expectDescentError(
      new LinearRegression().fit(Xbad, y),
      "E_NONFINITE",
      new RegExp(`\\(${shown}\\) at row 1, column 1`),
    );
  });

  it("NaN in y and in sampleWeight names the row", async () => {
    await expectDescentError(new LinearRegression().fit(X, [1, Number.NaN, 3]), "E_NONFINITE", /y .* at row 1/);
    await expectDescentError(
      new LinearRegression().fit(X, y, { sampleWeight: [1, 1, Number.NaN] }),
      "E_NONFINITE",
      /sampleWeight .* at row 2/,
    );
    await expectDescentError(
      new LinearRegression().fit(X, y, { sampleWeight: [1, -1, 1] }),
      "E_NONFINITE",
      /negative .* at row 1/,
    );
  });

  it("a NaN in a Matrix names row and column", async () => {
    const data = new Float64Array([1, 2, 3, 4, 5, Number.NaN]);
    await expectDescentError(
      new LinearRegression().fit({ data, rows: 3, cols: 2 }, y),
      "E_NONFINITE",
      /row 2, column 1/,
    );
    await expectDescentError(
      new LinearRegression().fit({ data, rows: 2, cols: 2 }, y),
      "E_SHAPE",
      /6 values but rows x cols = 4/,
    );
  });

  // A Matrix is scanned in the backend's own copy of it (WASM SIMD for the wasm backends).
  it.each([
    ["js", "float64"],
    ["wasm-simd", "float64"],
    ["wasm-scalar", "float64"],
    ["js", "float32"],
    ["wasm-simd", "float32"],
    ["wasm-scalar", "float32"],
  ] as const)("a non-finite value deep in a Matrix names row and column (%s, %s)", async (backend, dtype) => {
    const rows = 40_000;
    const cols = 7;
    for (const [at, bad] of [
      [rows * cols - 1, Number.NaN],
      [123_457, Number.NEGATIVE_INFINITY],
      [0, Number.POSITIVE_INFINITY],
    ] as const) {
      const data = dtype === "float32" ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
      data.fill(0.5);
      data[at] = bad;
      const yy = new Float64Array(rows);
      const row = Math.floor(at / cols);
      const col = at % cols;
      const model = new LinearRegression({ backend, dtype, maxEpochs: 1 });
      await expectDescentError(
        model.fit({ data, rows, cols }, yy),
        "E_NONFINITE",
        new RegExp(`\\(${bad}\\) at row ${row}, column ${col}$`),
      );
      await expectDescentError(
        model.partialFit({ data, rows, cols }, yy),
        "E_NONFINITE",
        new RegExp(`at row ${row}, column ${col}$`),
      );
    }
  });

  it("a float64 value beyond the float32 range is refused for a float32 model", async () => {
    const data = new Float64Array([1, 2, 3, 4, 5e40, 6]);
    for (const backend of ["js", "wasm-simd"] as const) {
      await expectDescentError(
        new LinearRegression({ backend, dtype: "float32" }).fit({ data, rows: 3, cols: 2 }, y),
        "E_NONFINITE",
        /beyond the float32 range \(5e\+40\) at row 2, column 0/,
      );
    }
  });

  it("early stopping without a row to hold out is refused, for regression (E_EMPTY) and classification (E_OPTION)", async () => {
    await expectDescentError(
      new LinearRegression({ earlyStopping: true }).fit([[1, 2]], [3]),
      "E_EMPTY",
      /earlyStopping needs validation rows: 1 rows/,
    );
    // One row per class: no class can spare one (scikit-learn refuses it too).
    await expectDescentError(
      new LogisticRegression({ earlyStopping: true }).fit(
        [
          [1, 2],
          [3, 4],
        ],
        [0, 1],
      ),
      "E_OPTION",
      /'validationFraction' .* needs a training and a validation row of every class, but class 0 has 1 row/,
    );
  });

  it("with early stopping the row is the caller's, wherever the split put it", async () => {
    const rows = 200;
    // Every 7th row: some fall in the validation split (scanned in JS), the rest in the training
    // rows (scanned in the backend's copy).
    for (let bad = 0; bad < rows; bad += 7) {
      const data = new Float64Array(rows * 2).fill(1);
      data[bad * 2 + 1] = Number.NaN;
      await expectDescentError(
        new LinearRegression({ earlyStopping: true }).fit({ data, rows, cols: 2 }, new Float64Array(rows)),
        "E_NONFINITE",
        new RegExp(`at row ${bad}, column 1$`),
      );
      const labels = Array.from({ length: rows }, (_, i) => i % 2);
      await expectDescentError(
        new LogisticRegression({ earlyStopping: true }).fit({ data, rows, cols: 2 }, labels),
        "E_NONFINITE",
        new RegExp(`at row ${bad}, column 1$`),
      );
    }
    const data = new Float64Array(rows * 2).fill(1);
    data[57 * 2] = 1e39;
    await expectDescentError(
      new LinearRegression({ earlyStopping: true, dtype: "float32" }).fit(
        { data, rows, cols: 2 },
        new Float64Array(rows),
      ),
      "E_NONFINITE",
      /beyond the float32 range \(1e\+39\) at row 57, column 0/,
    );
  });

  it("a refused refit leaves the fitted model as it was", async () => {
    const model = await new LinearRegression({ maxEpochs: 5, tol: null }).fit(X, y);
    const before = JSON.stringify(model.toJSON());
    const data = new Float64Array([1, 2, Number.NaN, 4, 5, 6]);
    await expectDescentError(model.fit({ data, rows: 3, cols: 2 }, y), "E_NONFINITE", /row 1, column 0/);
    expect(JSON.stringify(model.toJSON())).toBe(before);
    expect(model.predict(X)).toEqual((await new LinearRegression({ maxEpochs: 5, tol: null }).fit(X, y)).predict(X));
  });

  it("empty X", async () => {
    await expectDescentError(new LinearRegression().fit([], []), "E_EMPTY", /no rows/);
    await expectDescentError(new LinearRegression().fit([[]], [1]), "E_EMPTY", /no columns/);
  });
});

describe("options are checked when the model is made", () => {
  it.each([
    [{ learningRate: -0.1 }, /'learningRate' must be a finite number > 0 \(got -0.1\)/],
    [{ learningRate: 0 }, /'learningRate'/],
    [{ learningRate: Number.NaN }, /'learningRate'/],
    [{ alpha: -1 }, /'alpha'/],
    [{ maxEpochs: 0 }, /'maxEpochs' must be an integer >= 1/],
    [{ maxEpochs: 2.5 }, /'maxEpochs'/],
    [{ batchSize: 0 }, /'batchSize'/],
    [{ batchSize: "half" }, /'batchSize'/],
    [{ tol: -1 }, /'tol'/],
    [{ penalty: "l3" }, /'penalty' must be one of/],
    [{ backend: "gpu" }, /'backend' must be one of 'wasm', 'wasm-simd', 'wasm-scalar', 'js'/],
    [{ dtype: "float16" }, /'dtype'/],
    [{ loss: "absolute" }, /'loss'/],
    [{ epsilon: 0 }, /'epsilon'/],
    [{ learningrate: 0.1 }, /option 'learningrate' is unknown/],
    [{ onEpoch: 3 }, /'onEpoch' must be a function/],
  ])("%o", (options, pattern) => {
    expect(() => new LinearRegression(options as never)).toThrow(DescentError);
    try {
      new LinearRegression(options as never);
    } catch (err) {
      expect((err as DescentError).code).toBe("E_OPTION");
      expect((err as DescentError).message).toMatch(pattern);
    }
  });

  it("batchSize larger than n is allowed and acts as full batch", async () => {
    const a = await new LinearRegression({ batchSize: 1000, maxEpochs: 3, tol: null }).fit(X, y);
    const b = await new LinearRegression({ batchSize: "full", maxEpochs: 3, tol: null }).fit(X, y);
    expect(Array.from(a.coef)).toEqual(Array.from(b.coef));
  });
});

describe("prediction checks its input against the fitted model", () => {
  it("wrong column count at predict", async () => {
    const m = await new LinearRegression({ maxEpochs: 2 }).fit(X, y);
    await expectDescentError(
      () => m.predict([[1, 2, 3]]),
      "E_SHAPE",
      /3 columns but LinearRegression was fitted with 2/,
    );
  });

  it("use before fit and after dispose", async () => {
    const m = new LinearRegression();
    await expectDescentError(() => m.predict(X), "E_STATE", /not fitted/);
    await m.fit(X, y);
    m.dispose();
    await expectDescentError(() => m.predict(X), "E_STATE", /disposed/);
    await expectDescentError(m.fit(X, y), "E_STATE", /disposed/);
  });
});

describe("divergence", () => {
  it("a huge rate on unscaled data ends E_DIVERGED, keeping finite weights and saying what to do", async () => {
    const big = X.map((r) => r.map((v) => v * 1000));
    const m = new LinearRegression({ learningRate: 10, batchSize: "full", maxEpochs: 500 });
    await expectDescentError(m.fit(big, y), "E_DIVERGED", /smaller learningRate .*StandardScaler/);
    expect(m.stopReason).toBe("diverged");
    expect(Array.from(m.coef).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(m.intercept)).toBe(true);
    expect(Array.from(m.predict(X)).every(Number.isFinite)).toBe(true);
  });
});
