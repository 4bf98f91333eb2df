// Estimator behaviour issue 3 names: divergence, save/resume with optimizer state, early stopping,
// class weights, SVMs, partialFit, adaptive schedules.
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset, standardisedDiabetes } from "./helpers/datasets.js";

const diabetes = loadDataset("diabetes", "progression");
const { Z, y } = standardisedDiabetes();
const iris = loadDataset("iris", "species");
const Zi = new StandardScaler().fitTransform(iris.X);
const cancer = loadDataset("breast_cancer", "benign");
const Zc = new StandardScaler().fitTransform(cancer.X);

describe("divergence guard", () => {
  it.each(["js", "wasm"] as const)("unscaled diabetes ×1000 with a large rate ends diverged (%s)", async (backend) => {
    const X = diabetes.X.map((r) => r.map((v) => v * 1000));
    const model = new LinearRegression({ learningRate: 0.1, maxEpochs: 100, backend });
    let caught: unknown;
    try {
      await model.fit(X, diabetes.y);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DescentError);
    expect((caught as DescentError).code).toBe("E_DIVERGED");
    expect((caught as DescentError).message).toMatch(/smaller learningRate \(now 0\.1\) or scale the features/);
    expect(model.stopReason).toBe("diverged");
    expect(Array.from(model.coef).every(Number.isFinite)).toBe(true);
    expect(Array.from(model.predict(X)).every(Number.isFinite)).toBe(true);
  });

  it.each(["log", "hinge"] as const)(
    "a huge rate on classifiers (%s) also ends diverged or finite, never NaN",
    async (loss) => {
      const X = cancer.X.map((r) => r.map((v) => v * 1e6));
      const model =
        loss === "log"
          ? new LogisticRegression({ learningRate: 1e6, maxEpochs: 50 })
          : new LinearSVM({ learningRate: 1e6, maxEpochs: 50 });
      try {
        await model.fit(X, cancer.y);
      } catch (err) {
        expect((err as DescentError).code).toBe("E_DIVERGED");
      }
      const c = model.coef as Float64Array;
      expect(Array.from(c).every(Number.isFinite)).toBe(true);
    },
  );
});

describe("save → load → continue", () => {
  it.each(["adam", "rmsprop", "momentum", "adagrad"] as const)(
    "resuming %s from JSON gives the same weights as training straight through",
    async (optimizer) => {
      const opts = {
        optimizer,
        learningRate: 0.01,
        maxEpochs: 3,
        tol: null,
        batchSize: 10,
        seed: 8,
        schedule: "invscaling" as const,
      };
      const straight = await new LogisticRegression(opts).fit(Zi, iris.y);
      await straight.partialFit(Zi, iris.y);
      await straight.partialFit(Zi, iris.y);
      const first = await new LogisticRegression(opts).fit(Zi, iris.y);
      const resumed = LogisticRegression.fromJSON(JSON.stringify(first.toJSON()));
      await resumed.partialFit(Zi, iris.y);
      await resumed.partialFit(Zi, iris.y);
      expect(Array.from((resumed.coef as { data: Float64Array }).data)).toEqual(
        Array.from((straight.coef as { data: Float64Array }).data),
      );
      expect(resumed.nEpochs).toBe(5);
      expect(Array.from(resumed.predict(Zi) as Float64Array)).toEqual(Array.from(straight.predict(Zi) as Float64Array));
    },
  );

  it("classifiers keep string labels and one-vs-rest state through JSON", async () => {
    const names = iris.y.map((c) => ["setosa", "versicolor", "virginica"][c] as string);
    const svm = await new LinearSVM({ maxEpochs: 30, optimizer: "adam", learningRate: 0.01 }).fit(Zi, names);
    const again = LinearSVM.fromJSON(JSON.parse(JSON.stringify(svm.toJSON())));
    expect(again.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect(again.predict(Zi)).toEqual(svm.predict(Zi));
    expect(() => LinearSVM.fromJSON({ ...svm.toJSON(), classes: ["a"] })).toThrow(/'classes' must be at least two/);
    expect(() => LinearSVM.fromJSON({ ...svm.toJSON(), nOutputs: 1 })).toThrow(DescentError);
  });
});

describe("early stopping", () => {
  it("holds out a stratified validation set, records valScore and keeps the best weights", async () => {
    const model = await new LogisticRegression({
      earlyStopping: true,
      validationFraction: 0.2,
      nIterNoChange: 3,
      learningRate: 0.1,
      maxEpochs: 500,
      seed: 1,
    }).fit(Zc, cancer.y);
    expect(model.stopReason).toBe("earlyStopping");
    const val = model.history.valScore ?? [];
    expect(val.length).toBe(model.nEpochs);
    expect(model.nEpochs).toBeLessThan(500);
    expect(Math.max(...val)).toBeGreaterThan(0.9);
    expect(model.score(Zc, cancer.y)).toBeGreaterThan(0.95);
  });

  it("works for regression with R² on the held-out rows", async () => {
    const model = await new LinearRegression({ earlyStopping: true, learningRate: 0.01, maxEpochs: 500 }).fit(Z, y);
    expect(model.stopReason).toBe("earlyStopping");
    expect((model.history.valScore ?? []).every((v) => v <= 1)).toBe(true);
  });
});

describe("classifiers", () => {
  it("classWeight 'balanced' and explicit weights move the decision boundary", async () => {
    const imbalanced = cancer.y;
    const plain = await new LinearSVM({ maxEpochs: 50, seed: 3 }).fit(Zc, imbalanced);
    const heavy = await new LinearSVM({ maxEpochs: 50, seed: 3, classWeight: { "0": 10, "1": 1 } }).fit(Zc, imbalanced);
    const count0 = (m: LinearSVM): number => Array.from(m.predict(Zc) as Float64Array).filter((v) => v === 0).length;
    expect(count0(heavy)).toBeGreaterThan(count0(plain));
    const balanced = await new LinearSVM({ maxEpochs: 50, seed: 3, classWeight: "balanced" }).fit(Zc, imbalanced);
    expect(balanced.score(Zc, imbalanced)).toBeGreaterThan(0.95);
    expect(() => new LinearSVM({ classWeight: "even" as never })).toThrow(/'classWeight'/);
    await expect(new LinearSVM({ classWeight: { "7": 1 } }).fit(Zc, imbalanced)).rejects.toThrow(/names label '7'/);
  });

  it("LinearSVM separates iris one-vs-rest and exposes a decision value per class", async () => {
    // Versicolor is not linearly separable from the rest, so one-vs-rest needs many full-batch epochs
    // (scikit-learn's LinearSVC reaches about 0.95 on standardised iris).
    const svm = await new LinearSVM({
      batchSize: "full",
      maxEpochs: 5000,
      learningRate: 0.1,
      alpha: 1e-3,
      tol: null,
    }).fit(Zi, iris.y);
    expect(svm.score(Zi, iris.y)).toBeGreaterThan(0.93);
    const dec = svm.decisionFunction(Zi) as { rows: number; cols: number };
    expect([dec.rows, dec.cols]).toEqual([150, 3]);
  });

  it("refuses one class, unseen labels and mixed label types", async () => {
    await expect(new LogisticRegression().fit(Zi, new Array(150).fill(1))).rejects.toMatchObject({ code: "E_LABELS" });
    const m = await new LogisticRegression({ maxEpochs: 2 }).fit(Zi, iris.y);
    expect(() =>
      m.objective(
        Zi,
        iris.y.map(() => 7),
      ),
    ).toThrow(/label 7 at row 0 was not seen at fit/);
    await expect(new LogisticRegression().fit([[1], [2]], [1, "a"] as never)).rejects.toMatchObject({
      code: "E_LABELS",
    });
  });

  it("partialFit with options.classes learns batches that do not show every class", async () => {
    const model = new LogisticRegression({ learningRate: 0.1 });
    for (let e = 0; e < 20; e++) {
      for (let start = 0; start < 150; start += 50) {
        const rows = Array.from({ length: 50 }, (_, i) => start + i);
        const Xb = rows.map((r) => Array.from(Zi.data.subarray(r * 4, r * 4 + 4)));
        await model.partialFit(
          Xb,
          rows.map((r) => iris.y[r] as number),
          { classes: [0, 1, 2] },
        );
      }
    }
    expect(model.score(Zi, iris.y)).toBeGreaterThan(0.85);
  });
});

describe("schedules in training", () => {
  it("'adaptive' divides the rate by 5 on plateaus and stops below 1e-6", async () => {
    const model = await new LinearRegression({
      schedule: "adaptive",
      learningRate: 0.05,
      tol: 1e-3,
      maxEpochs: 2000,
    }).fit(Z, y);
    const rates = [...new Set(model.history.learningRate)];
    expect(rates[0]).toBe(0.05);
    expect(rates.length).toBeGreaterThan(1);
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeCloseTo((rates[i - 1] as number) / 5, 15);
    expect(model.stopReason).toBe("tol");
  });

  it("'optimal' follows scikit-learn's formula across steps", async () => {
    // alpha = 10: t0 = 1/(alpha·√(1/√alpha)) ≈ 0.178, so the rates 0.56, 0.085, 0.046 … stay stable.
    const model = await new LinearRegression({
      schedule: "optimal",
      alpha: 10,
      batchSize: "full",
      maxEpochs: 4,
      tol: null,
    }).fit(Z, y);
    const t0 = 1 / (Math.sqrt(1 / Math.sqrt(10)) * 10);
    expect(model.history.learningRate.length).toBe(4);
    model.history.learningRate.forEach((lr, e) => {
      expect(lr).toBeCloseTo(1 / (10 * (t0 + e)), 12);
    });
  });
});
