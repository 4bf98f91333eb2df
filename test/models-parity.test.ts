// Every loss and optimizer through the public estimators: float64 fits identical to the bit on
// js, wasm-simd and wasm-scalar.
import { describe, expect, it } from "vitest";
import type { LinearClassifier } from "../src/models/linear-classifier.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import type { OptimizerName } from "../src/train/options.js";
import { loadDataset, standardisedDiabetes } from "./helpers/datasets.js";

const BACKENDS = ["js", "wasm-simd", "wasm-scalar"] as const;
const OPTIMIZERS: OptimizerName[] = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];
const { Z, y } = standardisedDiabetes();
const iris = loadDataset("iris", "species");
const Zi = new StandardScaler().fitTransform(iris.X);
const common = { maxEpochs: 6, tol: null, batchSize: 16, seed: 2, learningRate: 0.01 };

function bits(a: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(a).buffer).toString("hex");
}

/** The bits of a model's weights and intercepts. */
function paramBits(m: {
  coef: Float64Array | { data: Float64Array | Float32Array };
  intercept: number | Float64Array;
}): string {
  const c = m.coef;
  const w = c instanceof Float64Array ? c : c.data;
  const b = m.intercept;
  return bits([...w, ...(typeof b === "number" ? [b] : b)]);
}

describe.each(OPTIMIZERS)("optimizer %s", (optimizer) => {
  it("squared and huber regression give the same bits on every backend", async () => {
    for (const loss of ["squared", "huber"] as const) {
      const fits = await Promise.all(
        BACKENDS.map((backend) =>
          new LinearRegression({ ...common, optimizer, loss, epsilon: 5, penalty: "elasticnet", backend }).fit(Z, y),
        ),
      );
      const first = fits[0] as LinearRegression;
      const ref = bits([...first.coef, first.intercept]);
      for (const m of fits) expect(bits([...m.coef, m.intercept]), `${loss}`).toBe(ref);
      expect(fits[1]?.history.loss).toEqual(first.history.loss);
    }
  });

  it("log (binary and multinomial), hinge and squared hinge give the same bits on every backend", async () => {
    const binary = iris.y.map((c) => (c === 2 ? 1 : 0));
    const makers: Array<(backend: (typeof BACKENDS)[number]) => Promise<LinearClassifier>> = [
      (backend: (typeof BACKENDS)[number]) => new LogisticRegression({ ...common, optimizer, backend }).fit(Zi, binary),
      (backend: (typeof BACKENDS)[number]) => new LogisticRegression({ ...common, optimizer, backend }).fit(Zi, iris.y),
      (backend: (typeof BACKENDS)[number]) => new LinearSVM({ ...common, optimizer, backend }).fit(Zi, iris.y),
      (backend: (typeof BACKENDS)[number]) =>
        new LinearSVM({ ...common, optimizer, loss: "squaredHinge", backend }).fit(Zi, binary),
    ];
    for (const make of makers) {
      const fits = await Promise.all(BACKENDS.map(make));
      const params = fits.map(paramBits);
      expect(params[1]).toBe(params[0]);
      expect(params[2]).toBe(params[0]);
    }
  });
});

describe("float32 training agrees with float64", () => {
  it.each(["wasm-simd", "js"] as const)("logistic regression on iris (%s)", async (backend) => {
    const opts = { ...common, maxEpochs: 30, optimizer: "adam" as const };
    const f64 = await new LogisticRegression({ ...opts, backend: "js" }).fit(Zi, iris.y);
    const f32 = await new LogisticRegression({ ...opts, backend, dtype: "float32" }).fit(Zi, iris.y);
    const a = (f64.coef as { data: Float64Array }).data;
    const b = (f32.coef as { data: Float64Array }).data;
    a.forEach((v, j) => {
      expect(Math.abs(v - (b[j] as number))).toBeLessThan(1e-3 * Math.max(1, Math.abs(v)));
    });
  });
});

describe("scikit-learn's SGD additions give the same bits on every backend", () => {
  // 13 features: SIMD blocks and a scalar tail in every kernel; odd batches and a batch of one.
  const wide = Array.from({ length: Z.rows }, (_, i) => {
    const row = Array.from(Z.data.subarray(i * Z.cols, (i + 1) * Z.cols));
    return [...row, (row[0] as number) * (row[1] as number), (row[2] as number) - (row[3] as number), 0.5];
  });
  it.each([1, 7, 32] as const)(
    "cumulative L1, elastic net and averaging, every new loss (batchSize %s)",
    async (batchSize) => {
      const base = { ...common, batchSize, maxEpochs: 4 };
      const makers: Array<(backend: (typeof BACKENDS)[number]) => Promise<LinearRegression | LinearSVM>> = [
        (backend) => new LinearRegression({ ...base, penalty: "l1", alpha: 0.3, backend }).fit(wide, y),
        (backend) =>
          new LinearRegression({ ...base, penalty: "elasticnet", alpha: 0.2, average: 5, backend }).fit(wide, y),
        (backend) =>
          new LinearRegression({ ...base, loss: "epsilonInsensitive", epsilon: 3, average: true, backend }).fit(
            wide,
            y,
          ),
        (backend) =>
          new LinearRegression({ ...base, loss: "squaredEpsilonInsensitive", epsilon: 3, backend }).fit(wide, y),
        (backend) =>
          new LinearSVM({ ...base, loss: "modifiedHuber", penalty: "l1", alpha: 0.01, backend }).fit(Zi, iris.y),
        (backend) => new LinearSVM({ ...base, loss: "perceptron", average: 3, backend }).fit(Zi, iris.y),
      ];
      for (const make of makers) {
        const fits = await Promise.all(BACKENDS.map(make));
        const params = fits.map(paramBits);
        expect(params[1]).toBe(params[0]);
        expect(params[2]).toBe(params[0]);
        expect(fits[1]?.history.loss).toEqual(fits[0]?.history.loss);
      }
    },
  );
});
