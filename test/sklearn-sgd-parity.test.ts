// Parity with scikit-learn 1.2.1's SGDRegressor / SGDClassifier, rows in file order (shuffle off),
// per-sample steps, 5 epochs: the cumulative L1 penalty, elastic net, averaged SGD, the SVR,
// modified-Huber and perceptron losses, and the clamped L2 decay. Reference numbers:
// test/fixtures/sklearn-sgd.json, written by scripts/sklearn-sgd-fixtures.py.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression, type LinearRegressionOptions } from "../src/models/linear-regression.js";
import { LinearSVM, type MarginLoss } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import type { SgdOptions } from "../src/train/options.js";
import { loadDataset } from "./helpers/datasets.js";

interface SkParams {
  loss?: string;
  penalty?: string | null;
  alpha: number;
  l1_ratio?: number;
  average?: boolean | number;
  epsilon?: number;
  eta0?: number;
  learning_rate?: string;
  max_iter?: number;
}
interface RegressionCase {
  params: SkParams;
  coef: number[];
  intercept: number;
}
interface ClassificationCase {
  data: "breast_cancer" | "iris" | "iris-raw";
  params: SkParams;
  coef: number[][];
  intercept: number[];
  predict: number[];
  predictProba?: number[][];
  /** scikit-learn's class_weight (labels as keys), trained with ovrClassWeight 'positive'. */
  classWeight?: Record<string, number>;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/sklearn-sgd.json", import.meta.url), "utf8")) as {
  regression: Record<string, RegressionCase>;
  classification: Record<string, ClassificationCase>;
};

const TARGETS = { diabetes: "progression", breast_cancer: "benign", iris: "species" } as const;

/** A bundled dataset standardised (population std), or as it is for a name ending in '-raw'. */
function standardised(name: keyof typeof TARGETS | "iris-raw"): { Z: Matrix; y: number[] } {
  const file = name === "iris-raw" ? "iris" : name;
  const { X, y } = loadDataset(file, TARGETS[file]);
  if (name === "iris-raw") return { Z: { data: Float64Array.from(X.flat()), rows: X.length, cols: 4 }, y };
  return { Z: new StandardScaler().fitTransform(X), y };
}

/** descent's options for a scikit-learn parameter set (shuffle off, 5 per-sample epochs). */
function optionsOf(p: SkParams): SgdOptions {
  return {
    batchSize: 1,
    shuffle: false,
    maxEpochs: p.max_iter ?? 5,
    tol: null,
    learningRate: p.eta0 ?? 0.01,
    schedule: (p.learning_rate ?? "constant") as SgdOptions["schedule"],
    penalty: p.penalty === null || p.penalty === undefined ? "none" : (p.penalty as SgdOptions["penalty"]),
    alpha: p.alpha,
    l1Ratio: p.l1_ratio ?? 0.15,
    average: p.average ?? false,
  };
}

const REGRESSION_LOSS: Record<string, LinearRegressionOptions["loss"]> = {
  squared_error: "squared",
  epsilon_insensitive: "epsilonInsensitive",
  squared_epsilon_insensitive: "squaredEpsilonInsensitive",
};
const MARGIN_LOSS: Record<string, MarginLoss> = {
  hinge: "hinge",
  modified_huber: "modifiedHuber",
  perceptron: "perceptron",
  // SGDClassifier's regression losses, on the ±1 targets.
  squared_error: "squared",
  huber: "huber",
  epsilon_insensitive: "epsilonInsensitive",
  squared_epsilon_insensitive: "squaredEpsilonInsensitive",
};

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    const e = expected[j] as number;
    expect(Math.abs((actual[j] as number) - e), `entry ${j}: ${actual[j]} vs ${e}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(e)),
    );
  }
}

const BACKENDS = ["js", "wasm-simd", "wasm-scalar"] as const;

describe.each(BACKENDS)("SGDRegressor parity, shuffle off (%s)", (backend) => {
  const { Z, y } = standardised("diabetes");
  it.each(Object.keys(fixture.regression))("%s", async (name) => {
    const c = fixture.regression[name] as RegressionCase;
    const model = await new LinearRegression({
      ...optionsOf(c.params),
      loss: REGRESSION_LOSS[c.params.loss ?? "squared_error"],
      ...(c.params.epsilon === undefined ? {} : { epsilon: c.params.epsilon }),
      backend,
    }).fit(Z, y);
    expectClose(model.coef, c.coef, 1e-10);
    expectClose([model.intercept], [c.intercept], 1e-10);
    // scikit-learn's zeros are ours: the cumulative penalty leaves no dust.
    c.coef.forEach((v, j) => {
      if (v === 0) expect(model.coef[j]).toBe(0);
    });
  });
});

describe.each(BACKENDS)("SGDClassifier parity, shuffle off (%s)", (backend) => {
  it.each(Object.keys(fixture.classification))("%s", async (name) => {
    const c = fixture.classification[name] as ClassificationCase;
    const { Z, y } = standardised(c.data);
    const opts = { ...optionsOf(c.params), backend };
    const model =
      c.params.loss === "log_loss"
        ? await new LogisticRegression({ ...opts, multiClass: "ovr" }).fit(Z, y)
        : await new LinearSVM({
            ...opts,
            loss: MARGIN_LOSS[c.params.loss ?? "hinge"],
            ...(c.params.epsilon === undefined ? {} : { epsilon: c.params.epsilon }),
            // scikit-learn's one-vs-rest class weights: each problem weighs its positive class only.
            ...(c.classWeight === undefined ? {} : { classWeight: c.classWeight, ovrClassWeight: "positive" as const }),
          }).fit(Z, y);
    const coef = model.coef;
    const rows = "rows" in coef ? coef.rows : 1;
    const flat = "rows" in coef ? coef.data : coef;
    expect(rows).toBe(c.coef.length);
    expectClose(flat, c.coef.flat(), 1e-10);
    const b = model.intercept;
    expectClose(typeof b === "number" ? [b] : b, c.intercept, 1e-10);
    const first20: Matrix = { data: Z.data.slice(0, 20 * Z.cols), rows: 20, cols: Z.cols };
    expect(Array.from(model.predict(first20) as Float64Array)).toEqual(c.predict);
    if (c.predictProba !== undefined && model instanceof LinearSVM) {
      expectClose(model.predictProba(first20).data, c.predictProba.flat(), 1e-10);
    }
  });
});
