// findLearningRate: the range test's suggestion trains as well as the best rate of a log grid, the
// sweep is seeded, and the estimator it is run on is left as it was.
import { describe, expect, it } from "vitest";
import { syntheticRatings } from "../src/datasets/synthetic-ratings.js";
import { DescentError } from "../src/errors.js";
import type { Matrix } from "../src/matrix.js";
import type { Label } from "../src/models/labels.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { findLearningRate } from "../src/tuning/find-learning-rate.js";
import { loadDataset } from "./helpers/datasets.js";

const diabetes = loadDataset("diabetes", "progression");
const Zd = new StandardScaler().fitTransform(diabetes.X);
const cancer = loadDataset("breast_cancer", "benign");
const Zc = new StandardScaler().fitTransform(cancer.X);

/** Rates 10^-6 … 10^1 in quarter decades. */
const GRID = Array.from({ length: 29 }, (_, k) => 10 ** (-6 + k / 4));
const EPOCHS = 30;

type Estimator = LinearRegression | LogisticRegression;

/** The objective after EPOCHS epochs at `rate` (Infinity when training diverges). */
async function trainedObjective(make: (o: object) => Estimator, X: Matrix, y: Label[], rate: number): Promise<number> {
  try {
    const m = await make({ learningRate: rate, maxEpochs: EPOCHS, tol: null }).fit(X, y as number[]);
    const v = m.objective(X, y as number[]);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  } catch (err) {
    if (err instanceof DescentError && err.code === "E_DIVERGED") return Number.POSITIVE_INFINITY;
    throw err;
  }
}

describe("findLearningRate", () => {
  const cases: Array<[string, (o: object) => Estimator, Matrix, Label[]]> = [
    ["LinearRegression on diabetes", (o) => new LinearRegression(o), Zd, diabetes.y],
    ["LogisticRegression on breast cancer", (o) => new LogisticRegression({ alpha: 1e-3, ...o }), Zc, cancer.y],
  ];
  for (const [name, make, X, y] of cases) {
    it(`${name}: the suggested rate trains to within 1% of the best rate of a log grid in ${EPOCHS} epochs`, async () => {
      const curve = await findLearningRate(make({}), X, y);
      expect(curve.stopReason).not.toBe("diverged");
      let best = Number.POSITIVE_INFINITY;
      for (const rate of GRID) best = Math.min(best, await trainedObjective(make, X, y, rate));
      // The grid holds rates too small to get anywhere in 30 epochs and rates that diverge.
      expect(await trainedObjective(make, X, y, 1e-6)).toBeGreaterThan(1.5 * best);
      const suggested = await trainedObjective(make, X, y, curve.suggestion);
      expect(suggested).toBeLessThanOrEqual(best * 1.01);
    });
  }

  it("reads as documented: rates rise evenly in log from min, the suggestion is a tenth of the lowest point", async () => {
    const c = await findLearningRate(new LinearRegression(), Zd, diabetes.y, { min: 1e-5, max: 1, steps: 41 });
    expect(c.rates[0]).toBe(1e-5);
    for (let k = 1; k < c.rates.length; k++) {
      expect(Math.log10((c.rates[k] as number) / (c.rates[k - 1] as number))).toBeCloseTo(5 / 40, 12);
    }
    expect(c.losses.length).toBe(c.rates.length);
    expect(c.smoothed.length).toBe(c.rates.length);
    const lowest = c.smoothed.indexOf(Math.min(...c.smoothed));
    expect(c.minimumRate).toBe(c.rates[lowest]);
    expect(c.suggestion).toBe((c.minimumRate as number) / 10);
    // The loss falls from where it starts before the suggestion.
    expect(Math.min(...c.smoothed)).toBeLessThan(0.5 * (c.smoothed[0] as number));
  });

  it("stops once the loss explodes", async () => {
    const c = await findLearningRate(new LinearRegression(), Zd, diabetes.y, { max: 100 });
    expect(c.stopReason).not.toBe("completed");
    expect(c.rates.length).toBeLessThan(100);
    const last = c.smoothed[c.smoothed.length - 1] as number;
    expect(!Number.isFinite(last) || last > 4 * Math.min(...c.smoothed) || c.stopReason === "diverged").toBe(true);
  });

  it("is deterministic for a seed, and the seed changes the row order", async () => {
    const a = await findLearningRate(new LogisticRegression(), Zc, cancer.y, { seed: 3 });
    const b = await findLearningRate(new LogisticRegression(), Zc, cancer.y, { seed: 3 });
    expect(b).toEqual(a);
    const c = await findLearningRate(new LogisticRegression(), Zc, cancer.y, { seed: 4 });
    expect(c.losses).not.toEqual(a.losses);
  });

  it("leaves the estimator untouched, fitted or not", async () => {
    const fresh = new LinearRegression({ learningRate: 0.003, schedule: "invscaling" });
    const before = fresh.getOptions();
    await findLearningRate(fresh, Zd, diabetes.y);
    expect(fresh.getOptions()).toEqual(before);
    expect(() => fresh.coef).toThrow();
    const fitted = await new LogisticRegression({ maxEpochs: 5 }).fit(Zc, cancer.y);
    const json = JSON.stringify(fitted.toJSON());
    await findLearningRate(fitted, Zc, cancer.y);
    expect(JSON.stringify(fitted.toJSON())).toBe(json);
  });

  it("works for every supervised estimator and optimizer", async () => {
    const estimators = [
      new LinearRegression({ optimizer: "adam" }),
      new LinearRegression({ loss: "huber", batchSize: "full" }),
      new LogisticRegression({ optimizer: "momentum" }),
      new LinearSVM({ optimizer: "rmsprop" }),
      new MLPClassifier({ hiddenLayerSizes: [6] }),
      new MLPRegressor({ hiddenLayerSizes: [6], solver: "sgd" }),
    ];
    for (const m of estimators) {
      const regression = m instanceof LinearRegression || m instanceof MLPRegressor;
      const c = await findLearningRate(m, regression ? Zd : Zc, regression ? diabetes.y : cancer.y, { steps: 30 });
      expect(c.rates.length).toBeGreaterThan(5);
      expect(c.suggestion).toBeGreaterThan(0);
      expect(Math.min(...c.smoothed)).toBeLessThan(c.smoothed[0] as number);
    }
  });

  it("MatrixFactorization: the suggested rate trains to within 1% of the best RMSE of a log grid in 30 epochs", async () => {
    const r = syntheticRatings({ users: 300, items: 200, rank: 4, observed: 20000, noise: 0.1, seed: 3 });
    const triples = { users: r.users, items: r.items, ratings: r.ratings };
    const model = new MatrixFactorization({ factors: 8 });
    const before = JSON.stringify(model.getOptions());
    const curve = await findLearningRate(model, triples);
    expect(JSON.stringify(model.getOptions())).toBe(before);
    expect(() => model.predict([0], [0])).toThrow(/not fitted/);
    expect(await findLearningRate(new MatrixFactorization({ factors: 8 }), triples)).toEqual(curve);
    expect(curve.stopReason).not.toBe("completed");
    const rmse = async (rate: number): Promise<number> => {
      try {
        const m = await new MatrixFactorization({ factors: 8, learningRate: rate, epochs: 30 }).fit(
          r.users,
          r.items,
          r.ratings,
        );
        return m.score(r.users, r.items, r.ratings);
      } catch {
        return Number.POSITIVE_INFINITY;
      }
    };
    let best = Number.POSITIVE_INFINITY;
    for (let e = -5; e <= 0.5; e += 0.25) best = Math.min(best, await rmse(10 ** e));
    expect(await rmse(1e-5)).toBeGreaterThan(2 * best);
    expect(await rmse(curve.suggestion)).toBeLessThanOrEqual(best * 1.01);
  });

  it("refuses bad options and bad data with typed errors naming them", async () => {
    const m = new LinearRegression();
    await expect(findLearningRate(m, Zd, diabetes.y, { min: 0 })).rejects.toThrow(/'min' must be > 0/);
    await expect(findLearningRate(m, Zd, diabetes.y, { min: 1, max: 0.5 })).rejects.toThrow(/'max'/);
    await expect(findLearningRate(m, Zd, diabetes.y, { steps: 2 })).rejects.toThrow(/'steps'/);
    await expect(findLearningRate(m, Zd, diabetes.y, { smoothing: 1 })).rejects.toThrow(/'smoothing'/);
    await expect(findLearningRate(m, Zd, diabetes.y.slice(1))).rejects.toThrow(/y has 441 values/);
    await expect(findLearningRate(m, { data: new Float64Array(0), rows: 0, cols: 3 }, [])).rejects.toThrow(
      DescentError,
    );
  });
});
