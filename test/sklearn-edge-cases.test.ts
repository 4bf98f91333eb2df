// The cases scikit-learn's SGD gets right that descent once got wrong (issue 16): the divergence
// guard's false positives, the L2 decay past −1, L1 dust under SGD, options scikit-learn refuses,
// weighted validation accuracy, boolean labels; and the features users of it reach for: averaged
// SGD saved and resumed, starting weights, setOptions, predictLogProba.
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { Prng } from "../src/kernels/prng.js";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { validationSplit } from "../src/models/validation-split.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { expectDescentError } from "./helpers/expect-error.js";

const iris = loadDataset("iris", "species");
const cancer = loadDataset("breast_cancer", "benign");
const Zc = new StandardScaler().fitTransform(cancer.X);
const diabetes = loadDataset("diabetes", "progression");
const Zd = new StandardScaler().fitTransform(diabetes.X);

/** Rows of a matrix as a new matrix. */
function head(m: Matrix, rows: number): Matrix {
  return { data: m.data.slice(0, rows * m.cols), rows, cols: m.cols };
}

describe("the divergence guard lets recovering runs recover", () => {
  it("hinge under 'optimal' on unscaled iris (first epochs over 100x the all-zero model) trains to >= 90%", async () => {
    const m = new LinearSVM({ schedule: "optimal", alpha: 1e-4, batchSize: 1, seed: 0 });
    await m.fit(iris.X, iris.y);
    // The first epoch's hinge, summed over the three one-vs-rest problems, is over 100 (all-zero models: 3).
    expect(m.history.loss[0] as number).toBeGreaterThan(100);
    expect(m.stopReason).not.toBe("diverged");
    expect(m.score(iris.X, iris.y)).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    [0, 0],
    [1e-9, 0],
  ])("partialFit on targets [%s, %s], which the all-zero model fits, trains on toward them", async (a, b) => {
    const m = await new LinearRegression().fit([[1], [2], [3]], [1, 2, 3]);
    for (let i = 0; i < 300; i++) await m.partialFit([[1], [2]], [a, b]);
    const p = m.predict([[1], [2]]);
    expect(Math.abs((p[0] as number) - a)).toBeLessThan(0.1);
    expect(Math.abs((p[1] as number) - b)).toBeLessThan(0.1);
  });

  it("a run that swings ever further out under a bounded loss is still stopped, with finite weights", async () => {
    const m = new LinearRegression({ loss: "huber", epsilon: 1, learningRate: 1e6, batchSize: "full", maxEpochs: 50 });
    await expectDescentError(() => m.fit(Zd, diabetes.y), "E_DIVERGED", /smaller learningRate/);
    expect(m.stopReason).toBe("diverged");
    expect(Array.from(m.coef).every(Number.isFinite)).toBe(true);
  });

  it("under 'optimal' the message points at alpha, not at learningRate (which that schedule ignores)", async () => {
    const big = diabetes.X.map((r) => r.map((v) => v * 1e3));
    const m = new LinearRegression({ schedule: "optimal", alpha: 1e-9, batchSize: 1, maxEpochs: 20 });
    let caught: unknown;
    try {
      await m.fit(big, diabetes.y);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DescentError);
    expect((caught as DescentError).code).toBe("E_DIVERGED");
    expect((caught as DescentError).message).toMatch(/larger alpha \(now 1e-9\)/);
    expect((caught as DescentError).message).not.toMatch(/learningRate/);
    expect(Array.from(m.coef).every(Number.isFinite)).toBe(true);
  });
});

describe("the L2 decay never flips the weights' sign", () => {
  it.each([1, 32] as const)(
    "alpha 1e5 with batchSize %s leaves small finite weights, not an explosion",
    async (batchSize) => {
      const m = await new LinearRegression({ alpha: 1e5, batchSize, maxEpochs: 20, shuffle: false }).fit(
        Zd,
        diabetes.y,
      );
      expect(m.stopReason).not.toBe("diverged");
      // Each step starts from zero weights (decay clamped at 0) and moves them by one gradient step.
      for (const w of m.coef) expect(Math.abs(w)).toBeLessThan(0.01 * 400);
      const batchOnly = await new LinearRegression({ alpha: 1e5, batchSize: "full", maxEpochs: 20 }).fit(
        Zd,
        diabetes.y,
      );
      expect(Array.from(batchOnly.coef).every(Number.isFinite)).toBe(true);
    },
  );
});

describe("L1 under SGD gives exact zeros (the cumulative penalty)", () => {
  // Three informative features and five of pure noise; the lasso answer keeps the noise at 0.
  const rng = new Prng(7);
  const n = 400;
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: 8 }, () => rng.nextFloat() * 2 - 1);
    X.push(row);
    y.push(3 * (row[0] as number) - 2 * (row[1] as number) + (row[2] as number) + 0.05 * (rng.nextFloat() - 0.5));
  }
  it.each([1, 8, 32, "full"] as const)("batchSize %s: the noise weights are exactly 0", async (batchSize) => {
    const m = await new LinearRegression({
      penalty: "l1",
      alpha: 0.05,
      batchSize,
      learningRate: batchSize === "full" ? 0.5 : 0.01,
      maxEpochs: 200,
      seed: 3,
    }).fit(X, y);
    const w = Array.from(m.coef);
    expect(w.slice(3)).toEqual([0, 0, 0, 0, 0]);
    // The lasso shrinks w0 = 3 by alpha / var(x0) = 0.05 · 3.
    expect(Math.abs((w[0] as number) - 2.85)).toBeLessThan(0.1);
  });

  it("elasticnet under per-sample SGD: exact zeros too", async () => {
    const m = await new LinearRegression({ penalty: "elasticnet", l1Ratio: 0.9, alpha: 0.05, batchSize: 1 }).fit(X, y);
    expect(Array.from(m.coef).slice(3)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("options scikit-learn refuses are refused", () => {
  it("validationFraction leaving a class without a training or validation row", async () => {
    const X = [[0], [1], [2], [3], [4], [5], [6]];
    const y = [0, 0, 0, 1, 1, 1, 2];
    await expectDescentError(
      () => new LogisticRegression({ earlyStopping: true }).fit(X, y),
      "E_OPTION",
      /validationFraction.*class 2 has 1 row/,
    );
  });

  it("earlyStopping with partialFit", async () => {
    await expectDescentError(
      () => new LinearRegression({ earlyStopping: true }).partialFit([[1], [2]], [1, 2]),
      "E_OPTION",
      /earlyStopping.*partialFit/,
    );
    await expectDescentError(
      () => new LinearSVM({ earlyStopping: true }).partialFit([[1], [2]], [0, 1]),
      "E_OPTION",
      /earlyStopping/,
    );
  });

  it("classWeight 'balanced' with partialFit", async () => {
    await expectDescentError(
      () => new LogisticRegression({ classWeight: "balanced" }).partialFit([[1], [2]], [0, 1]),
      "E_OPTION",
      /classWeight.*balanced.*partialFit/,
    );
  });

  it("sample weights that are all zero", async () => {
    const sampleWeight = [0, 0, 0];
    await expectDescentError(
      () => new LinearRegression().fit([[1], [2], [3]], [1, 2, 3], { sampleWeight }),
      "E_OPTION",
      /sampleWeight/,
    );
    await expectDescentError(
      () => new LinearSVM().fit([[1], [2], [3]], [0, 1, 1], { sampleWeight }),
      "E_OPTION",
      /sampleWeight/,
    );
    await expectDescentError(
      () => new LinearRegression().partialFit([[1], [2], [3]], [1, 2, 3], { sampleWeight }),
      "E_OPTION",
      /sampleWeight/,
    );
  });

  it("coefInit on partialFit, and averaging with an optimizer other than sgd", async () => {
    await expectDescentError(
      () => new LinearRegression().partialFit([[1]], [1], { coefInit: [1] }),
      "E_OPTION",
      /coefInit/,
    );
    expect(() => new LinearRegression({ average: true, optimizer: "adam" })).toThrow(/average.*sgd/);
    expect(() => new LinearRegression({ average: -1 })).toThrow(/average/);
  });
});

describe("classifiers' validation accuracy is weighted by sampleWeight", () => {
  it("the best validation score is the weighted accuracy of the kept weights on the held-out rows", async () => {
    const n = Zc.rows;
    const sampleWeight = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 5 : 0.2));
    const m = await new LinearSVM({ earlyStopping: true, validationFraction: 0.3, seed: 4 }).fit(Zc, cancer.y, {
      sampleWeight,
    });
    const { validation } = validationSplit(n, 0.3, 4, Float64Array.from(cancer.y));
    const rows = Array.from(validation, (i) => Array.from(Zc.data.subarray(i * Zc.cols, (i + 1) * Zc.cols)));
    const pred = m.predict(rows) as Float64Array;
    let hits = 0;
    let total = 0;
    validation.forEach((i, k) => {
      const w = sampleWeight[i] as number;
      total += w;
      if (pred[k] === cancer.y[i]) hits += w;
    });
    expect(Math.max(...(m.history.valScore ?? []))).toBeCloseTo(hits / total, 12);
    expect(
      m.score(
        rows,
        Array.from(validation, (i) => cancer.y[i] as number),
        Array.from(validation, (i) => sampleWeight[i] as number),
      ),
    ).toBeCloseTo(hits / total, 12);
  });
});

describe("boolean labels", () => {
  it("train, predict booleans, score, and survive JSON", async () => {
    const yb = cancer.y.map((v) => v === 1);
    const m = await new LogisticRegression({ maxEpochs: 20 }).fit(Zc, yb);
    expect(m.classes).toEqual([false, true]);
    const pred = m.predict(head(Zc, 10));
    expect((pred as boolean[]).every((v) => typeof v === "boolean")).toBe(true);
    expect(m.score(Zc, yb)).toBeGreaterThan(0.95);
    const back = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.predict(head(Zc, 10))).toEqual(pred);
    await expect(new LogisticRegression().fit([[1], [2]], [true, 1] as never)).rejects.toThrow(/mixes label types/);
  });
});

describe("averaged SGD", () => {
  it.each(["js", "wasm"] as const)(
    "saved mid-way and resumed gives the weights of training straight through (%s)",
    async (backend) => {
      const opts = { average: 10, batchSize: 1, maxEpochs: 3, tol: null, backend, seed: 2 } as const;
      const straight = await new LinearRegression(opts).fit(Zd, diabetes.y);
      const half = await new LinearRegression(opts).fit(Zd, diabetes.y);
      await straight.partialFit(Zd, diabetes.y);
      await straight.partialFit(Zd, diabetes.y);
      const resumed = LinearRegression.fromJSON(JSON.parse(JSON.stringify(half.toJSON())));
      await resumed.partialFit(Zd, diabetes.y);
      await resumed.partialFit(Zd, diabetes.y);
      expect(Array.from(resumed.coef)).toEqual(Array.from(straight.coef));
      expect(resumed.intercept).toBe(straight.intercept);
    },
  );

  it("coef is the average of the iterates: steadier than the last step's under a constant rate", async () => {
    const plain = await new LinearRegression({ batchSize: 1, learningRate: 0.05, maxEpochs: 10, tol: null }).fit(
      Zd,
      diabetes.y,
    );
    const averaged = await new LinearRegression({
      batchSize: 1,
      learningRate: 0.05,
      maxEpochs: 10,
      tol: null,
      average: true,
    }).fit(Zd, diabetes.y);
    const mse = (m: LinearRegression): number => {
      const p = m.predict(Zd);
      return p.reduce((s, v, i) => s + (v - (diabetes.y[i] as number)) ** 2, 0) / p.length;
    };
    expect(mse(averaged)).toBeLessThan(mse(plain));
  });
});

describe("starting weights and changing options", () => {
  it("coefInit/interceptInit continue a run exactly where it stopped (constant rate, rows in order)", async () => {
    const opts = { batchSize: 1, shuffle: false, tol: null, penalty: "none" } as const;
    const first = await new LinearRegression({ ...opts, maxEpochs: 3 }).fit(Zd, diabetes.y);
    const second = await new LinearRegression({ ...opts, maxEpochs: 2 }).fit(Zd, diabetes.y, {
      coefInit: first.coef,
      interceptInit: first.intercept,
    });
    const straight = await new LinearRegression({ ...opts, maxEpochs: 5 }).fit(Zd, diabetes.y);
    expect(Array.from(second.coef)).toEqual(Array.from(straight.coef));
    expect(second.intercept).toBe(straight.intercept);
  });

  it("multiclass coefInit is classes × features; wrong shapes and values are refused", async () => {
    const K = 3;
    const coefInit = Array.from({ length: K }, () => [0.1, 0.2, 0.3, 0.4]);
    const m = await new LogisticRegression({ maxEpochs: 1, tol: null, learningRate: 1e-12 }).fit(iris.X, iris.y, {
      coefInit,
      interceptInit: [1, 2, 3],
    });
    const c = m.coef as Matrix;
    expect(Math.abs((c.data[0] as number) - 0.1)).toBeLessThan(1e-6);
    expect(Math.abs(((m.intercept as Float64Array)[2] as number) - 3)).toBeLessThan(1e-6);
    await expectDescentError(
      () => new LogisticRegression().fit(iris.X, iris.y, { coefInit: [1, 2, 3, 4] }),
      "E_SHAPE",
      /coefInit/,
    );
    await expectDescentError(
      () => new LinearRegression().fit(Zd, diabetes.y, { coefInit: [1, 2] }),
      "E_SHAPE",
      /coefInit/,
    );
    await expectDescentError(
      () => new LinearRegression().fit([[1], [2]], [1, 2], { coefInit: [Number.NaN] }),
      "E_NONFINITE",
      /coefInit/,
    );
    await expectDescentError(
      () => new LogisticRegression().fit(iris.X, iris.y, { interceptInit: [1, 2] }),
      "E_SHAPE",
      /interceptInit/,
    );
  });

  it("setOptions changes alpha and warm-starts from the weights reached; bad options are refused", async () => {
    const m = await new LinearRegression({ alpha: 1e-4, maxEpochs: 30 }).fit(Zd, diabetes.y);
    const before = Array.from(m.coef);
    expect(() => m.setOptions({ alpha: -1 })).toThrow(/alpha/);
    expect(m.getOptions().alpha).toBe(1e-4);
    m.setOptions({ alpha: 10, warmStart: true, loss: "huber", epsilon: 5 });
    expect(m.getOptions()).toMatchObject({ alpha: 10, warmStart: true, loss: "huber", epsilon: 5 });
    expect(m.loss).toBe("huber");
    expect(Array.from(m.coef)).toEqual(before);
    await m.fit(Zd, diabetes.y);
    // A strong penalty shrinks the weights the warm start began from.
    const norm = (w: number[]): number => Math.hypot(...w);
    expect(norm(Array.from(m.coef))).toBeLessThan(norm(before) / 2);
    expect(LinearRegression.fromJSON(m.toJSON()).getOptions().alpha).toBe(10);
  });
});

describe("predictLogProba", () => {
  it.each(["binary", "multinomial", "ovr"] as const)(
    "LogisticRegression (%s) is log(predictProba), finite where it is tiny",
    async (kind) => {
      const y = kind === "binary" ? iris.y.map((v) => (v === 2 ? 1 : 0)) : iris.y;
      const m = await new LogisticRegression({ multiClass: kind === "ovr" ? "ovr" : "multinomial", maxEpochs: 50 }).fit(
        iris.X,
        y,
      );
      const p = m.predictProba(iris.X);
      const lp = m.predictLogProba(iris.X);
      expect(lp.cols).toBe(p.cols);
      lp.data.forEach((v, i) => {
        expect(Math.abs(v - Math.log(p.data[i] as number))).toBeLessThan(1e-9);
      });
      if (kind !== "ovr") {
        // Far from the boundary: probabilities round to 1 and 0, their logs stay finite.
        const far = iris.X.slice(0, 1).map((r) => r.map((v) => v * 1e4));
        expect(Array.from(m.predictLogProba(far).data).every(Number.isFinite)).toBe(true);
      }
    },
  );

  it("LinearSVM has probabilities under modifiedHuber only", async () => {
    const m = await new LinearSVM({ loss: "modifiedHuber", maxEpochs: 20 }).fit(Zc, cancer.y);
    const p = m.predictProba(head(Zc, 5));
    const lp = m.predictLogProba(head(Zc, 5));
    lp.data.forEach((v, i) => {
      expect(v).toBe(Math.log(p.data[i] as number));
    });
    const hinge = await new LinearSVM({ maxEpochs: 5 }).fit(Zc, cancer.y);
    expect(() => hinge.predictProba(head(Zc, 5))).toThrow(/modifiedHuber/);
  });
});
