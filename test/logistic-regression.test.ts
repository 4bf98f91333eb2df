import { describe, expect, it } from "vitest";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { acceleratedDescent, softmaxObjective } from "./helpers/references.js";

const cancer = loadDataset("breast_cancer", "benign");
const Zc = new StandardScaler().fitTransform(cancer.X);
const iris = loadDataset("iris", "species");
const Zi = new StandardScaler().fitTransform(iris.X);

describe.each(["js", "wasm"] as const)("breast cancer, binary log loss (%s)", (backend) => {
  // scikit-learn's LogisticRegression(C=1) problem: alpha = 1/(C·n). Reference optimum by Newton's
  // method to a gradient norm of 1e-17.
  const NEWTON = {
    intercept: 0.2145027174,
    coef: [-0.3630925319, -0.3876754424, -0.3510621187, -0.4356098033, -0.1618311028],
    accuracy: 0.9876977,
  };

  it("full-batch GD reaches the Newton optimum", async () => {
    const model = await new LogisticRegression({
      batchSize: "full",
      alpha: 1 / Zc.rows,
      learningRate: 1,
      maxEpochs: 100_000,
      tol: null,
      gradTol: 1e-9,
      backend,
    }).fit(Zc, cancer.y);
    expect(model.stopReason).toBe("gradTol");
    expect(Math.abs((model.intercept as number) - NEWTON.intercept)).toBeLessThan(1e-5);
    NEWTON.coef.forEach((c, j) => {
      expect(Math.abs(((model.coef as Float64Array)[j] as number) - c)).toBeLessThan(1e-5);
    });
    expect(model.score(Zc, cancer.y)).toBeCloseTo(NEWTON.accuracy, 6);
  });

  it("per-sample SGD matches scikit-learn's SGDClassifier step for step", async () => {
    // SGDClassifier(loss='log_loss', penalty=None, learning_rate='constant', eta0=0.01,
    // max_iter=100, tol=None, shuffle=False) on the same standardised data.
    const model = await new LogisticRegression({
      batchSize: 1,
      shuffle: false,
      penalty: "none",
      learningRate: 0.01,
      maxEpochs: 100,
      tol: null,
      backend,
    }).fit(Zc, cancer.y);
    expect(Math.abs((model.intercept as number) - 0.1103957489)).toBeLessThan(1e-8);
    [-0.4152215608, -0.4478530946, -0.3864440489, -0.5276440284, -0.204820306].forEach((c, j) => {
      expect(Math.abs(((model.coef as Float64Array)[j] as number) - c)).toBeLessThan(1e-8);
    });
  });

  it("predictProba rows sum to 1 and agree with predict; string labels round-trip", async () => {
    const names = cancer.y.map((v) => (v === 1 ? "benign" : "malignant"));
    const model = await new LogisticRegression({ maxEpochs: 20, backend }).fit(Zc, names);
    expect(model.classes).toEqual(["benign", "malignant"]);
    const proba = model.predictProba(Zc);
    const pred = model.predict(Zc) as string[];
    expect(proba.cols).toBe(2);
    for (let i = 0; i < Zc.rows; i++) {
      const p0 = proba.data[2 * i] as number;
      const p1 = proba.data[2 * i + 1] as number;
      expect(p0 + p1).toBeCloseTo(1, 12);
      expect(pred[i]).toBe(p1 > 0.5 ? "malignant" : "benign");
    }
    expect(model.score(Zc, names)).toBeGreaterThan(0.95);
  });
});

describe.each(["js", "wasm"] as const)("iris, multinomial (%s)", (backend) => {
  const K = 3;
  const alpha = 1 / Zi.rows;
  // Reference optimum computed here with Math.exp by accelerated gradient descent (a method and
  // code independent of the library's kernels).
  const reference = acceleratedDescent(
    (theta, grad) => softmaxObjective(Zi, iris.y, K, alpha, theta, grad),
    K * (Zi.cols + 1),
    0.5,
    1e-12,
  );
  const jStar = softmaxObjective(Zi, iris.y, K, alpha, reference);

  it("full-batch GD reaches the reference objective to 1e-6 relative and predicts 0, 0 for the first rows", async () => {
    const model = await new LogisticRegression({
      batchSize: "full",
      alpha,
      learningRate: 0.5,
      maxEpochs: 200_000,
      tol: null,
      gradTol: 1e-8,
      backend,
    }).fit(Zi, iris.y);
    expect(model.stopReason).toBe("gradTol");
    const j = model.objective(Zi, iris.y);
    expect(Math.abs(j - jStar) / jStar).toBeLessThan(1e-6);
    const pred = model.predict(Zi) as Float64Array;
    expect(Array.from(pred.slice(0, 2))).toEqual([0, 0]);
    const coef = model.coef as { rows: number; cols: number };
    expect([coef.rows, coef.cols]).toEqual([3, 4]);
    expect((model.intercept as Float64Array).length).toBe(3);
    const proba = model.predictProba(Zi);
    for (let i = 0; i < 5; i++) expect(proba.data[3 * i] as number).toBeGreaterThan(0.9);
    expect(model.score(Zi, iris.y)).toBeGreaterThan(0.95);
  });

  it("one-vs-rest trains one binary model per class", async () => {
    const model = await new LogisticRegression({ multiClass: "ovr", maxEpochs: 200, learningRate: 0.05, backend }).fit(
      Zi,
      iris.y,
    );
    expect((model.coef as { rows: number }).rows).toBe(3);
    expect(model.score(Zi, iris.y)).toBeGreaterThan(0.85);
    const proba = model.predictProba(Zi);
    for (let i = 0; i < Zi.rows; i++) {
      expect(
        (proba.data[3 * i] as number) + (proba.data[3 * i + 1] as number) + (proba.data[3 * i + 2] as number),
      ).toBeCloseTo(1, 12);
    }
  });
});
