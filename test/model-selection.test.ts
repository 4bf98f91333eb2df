// crossValidate, crossValScore, gridSearch and randomSearch: against scikit-learn 1.2.1's
// cross_validate and GridSearchCV (SGD without shuffling, so both are deterministic;
// test/fixtures/sklearn-search.json from scripts/sklearn-search-fixtures.py), on matrices and on a
// staged Dataset (the same numbers), and their refusals.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset } from "../src/data/dataset.js";
import type { Matrix } from "../src/matrix.js";
import { crossValPredict } from "../src/model-selection/cross-val-predict.js";
import {
  cloneEstimator,
  crossValidate,
  crossValScore,
  type FoldScores,
} from "../src/model-selection/cross-validate.js";
import { learningCurve, trainSizesOf, validationCurve } from "../src/model-selection/learning-curves.js";
import { gridSearch, logUniform, parameterGrid, randomSearch } from "../src/model-selection/search.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { ColumnTransformer } from "../src/preprocess/column-transformer.js";
import { OneHotEncoder } from "../src/preprocess/one-hot-encoder.js";
import { Pipeline } from "../src/preprocess/pipeline.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { expectDescentError } from "./helpers/expect-error.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/sklearn-search.json", import.meta.url), "utf8"));
const SGD = { batchSize: 1, shuffle: false, maxEpochs: 5, tol: null, learningRate: 0.01 } as const;

function standardised(name: "diabetes" | "breast_cancer", target: string) {
  const { X, y } = loadDataset(name, target);
  return { Z: new StandardScaler().fitTransform(X), y };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(tol);
};

describe("gridSearch equals scikit-learn's GridSearchCV", () => {
  const { Z, y } = standardised("diabetes", "progression");
  const g = ref.gridRegression;

  it("the same candidates in the same order (ParameterGrid: names sorted, the last fastest)", () => {
    const ours = parameterGrid({ learningRate: g.grid.eta0, alpha: g.grid.alpha });
    expect(ours.map((p) => [p.alpha, p.learningRate])).toEqual(
      g.params.map((p: { alpha: number; eta0: number }) => [p.alpha, p.eta0]),
    );
  });

  it.each([
    ["matrices", false],
    ["a staged Dataset", true],
  ])("mean, std, rank and every split's R² to 1e-10, and the refitted best, on %s", async (_n, staged) => {
    const ds = staged ? await Dataset.from(Z, y) : null;
    try {
      const r = await gridSearch(
        new LinearRegression(SGD),
        { alpha: g.grid.alpha, learningRate: g.grid.eta0 },
        ds ?? Z,
        ds === null ? y : undefined,
        { cv: 5 },
      );
      close(
        r.results.map((c) => c.meanTestScore),
        g.mean,
        1e-10,
      );
      close(
        r.results.map((c) => c.stdTestScore),
        g.std,
        1e-10,
      );
      expect(r.results.map((c) => c.rank)).toEqual(g.rank);
      for (let f = 0; f < 5; f++)
        close(
          r.results.map((c) => c.testScores[f] as number),
          g.splits[f],
          1e-10,
        );
      expect(r.bestParams).toEqual({ alpha: g.bestParams.alpha, learningRate: g.bestParams.eta0 });
      close((r.bestEstimator as LinearRegression).coef, g.bestCoef, 1e-10);
    } finally {
      ds?.dispose();
    }
  });
});

describe("gridSearch with several scorers equals GridSearchCV(scoring=[…], refit='name')", () => {
  const { Z, y } = standardised("diabetes", "progression");
  const m = ref.gridMultiMetric;
  const g = ref.gridRegression;

  it.each([
    ["matrices", false],
    ["a staged Dataset", true],
  ])("each scorer's mean, std and rank, ranked and refitted by the named one, on %s", async (_n, staged) => {
    const ds = staged ? await Dataset.from(Z, y) : null;
    try {
      const r = await gridSearch(
        new LinearRegression(SGD),
        { alpha: g.grid.alpha, learningRate: g.grid.eta0 },
        ds ?? Z,
        ds === null ? y : undefined,
        { cv: 5, scoring: ["r2", "neg_mean_absolute_error"], refit: "neg_mean_absolute_error" },
      );
      for (const name of ["r2", "neg_mean_absolute_error"]) {
        const want = m.scorers[name];
        close(
          r.results.map((c) => c.scores?.[name]?.meanTestScore as number),
          want.mean,
          1e-10,
        );
        close(
          r.results.map((c) => c.scores?.[name]?.stdTestScore as number),
          want.std,
          1e-10,
        );
        expect(r.results.map((c) => c.scores?.[name]?.rank)).toEqual(want.rank);
      }
      // The top-level fields are the ranking scorer's.
      expect(r.rankedBy).toBe("neg_mean_absolute_error");
      expect(r.results.map((c) => c.rank)).toEqual(m.scorers.neg_mean_absolute_error.rank);
      expect(r.bestParams).toEqual({ alpha: m.bestParams.alpha, learningRate: m.bestParams.eta0 });
      expect(Math.abs(r.bestScore - m.bestScore)).toBeLessThan(1e-10);
      expect(r.bestEstimator).not.toBeNull();
    } finally {
      ds?.dispose();
    }
  });

  it("ranks by the first scorer by default, and refuses a refit that names none", async () => {
    const small = { alpha: [1e-4, 1e-2] };
    const r = await gridSearch(new LinearRegression(SGD), small, Z, y, {
      cv: 3,
      scoring: ["neg_mean_absolute_error", "r2"],
      refit: false,
    });
    expect(r.rankedBy).toBe("neg_mean_absolute_error");
    expect(r.bestEstimator).toBeNull();
    expect(r.results[0]?.meanTestScore).toBe(r.results[0]?.scores?.neg_mean_absolute_error?.meanTestScore);
    await expectDescentError(
      gridSearch(new LinearRegression(SGD), small, Z, y, { cv: 3, scoring: ["r2"], refit: "accuracy" }),
      "E_OPTION",
      /refit.*accuracy.*r2/,
    );
    const single = await gridSearch(new LinearRegression(SGD), small, Z, y, { cv: 3, refit: false });
    expect(single.results[0]?.scores).toBeUndefined();
    expect(single.rankedBy).toBe("score");
  });
});

describe("crossValidate equals scikit-learn's cross_validate", () => {
  const { Z, y } = standardised("breast_cancer", "benign");
  const c = ref.cvClassifier;
  const svm = () => new LinearSVM({ ...SGD, alpha: 1e-3 });

  it("several scorers and training scores over 4 stratified folds", async () => {
    const r = (await crossValidate(svm(), Z, y, {
      cv: 4,
      scoring: ["accuracy", "f1", "balanced_accuracy"],
      returnTrainScore: true,
    })) as Record<string, FoldScores>;
    close(r.accuracy?.testScore as Float64Array, c.accuracy, 1e-12);
    close(r.f1?.testScore as Float64Array, c.f1, 1e-12);
    close(r.balanced_accuracy?.testScore as Float64Array, c.balanced_accuracy, 1e-12);
    close(r.accuracy?.trainScore as Float64Array, c.trainAccuracy, 1e-12);
    expect(Array.from(r.accuracy?.fitMs as Float64Array).every((ms) => ms >= 0)).toBe(true);
  });

  it("crossValScore on a Dataset gives the same scores (the default scorer is accuracy)", async () => {
    const ds = await Dataset.from(Z, y);
    try {
      close(await crossValScore(svm(), ds, null, { cv: 4 }), c.accuracy, 1e-12);
    } finally {
      ds.dispose();
    }
  });
});

describe("crossValPredict equals scikit-learn's cross_val_predict", () => {
  const want = ref.crossValPredict;

  it.each([
    ["matrices", false],
    ["a staged Dataset", true],
  ])("every row's held-out value, label and probabilities to 1e-10, on %s", async (_n, staged) => {
    const reg = standardised("diabetes", "progression");
    const cls = standardised("breast_cancer", "benign");
    const dsR = staged ? await Dataset.from(reg.Z, reg.y) : null;
    const dsC = staged ? await Dataset.from(cls.Z, cls.y) : null;
    try {
      const values = (await crossValPredict(new LinearRegression(SGD), dsR ?? reg.Z, dsR === null ? reg.y : null, {
        cv: 5,
      })) as Float64Array;
      expect(values).toBeInstanceOf(Float64Array);
      close(values, want.regression, 1e-10);
      const labels = (await crossValPredict(
        new LinearSVM({ ...SGD, alpha: 1e-3 }),
        dsC ?? cls.Z,
        dsC === null ? cls.y : null,
        { cv: 4 },
      )) as ArrayLike<number>;
      expect(Array.from(labels)).toEqual(want.hingeLabels);
      const proba = (await crossValPredict(
        new LogisticRegression({ ...SGD, alpha: 1e-3 }),
        dsC ?? cls.Z,
        dsC === null ? cls.y : null,
        { cv: 4, method: "predictProba" },
      )) as Matrix;
      expect(proba.cols).toBe(2);
      close(proba.data, (want.logProba as number[][]).flat(), 1e-10);
    } finally {
      dsR?.dispose();
      dsC?.dispose();
    }
  });

  it("refuses folds that do not test every row once, and a method the model lacks", async () => {
    const { Z, y } = standardised("diabetes", "progression");
    const n = Z.rows;
    const all = Int32Array.from({ length: n }, (_, i) => i);
    await expectDescentError(
      crossValPredict(new LinearRegression(SGD), Z, y, {
        cv: [{ train: all.slice(0, 200), test: all.slice(200, 300) }],
      }),
      "E_OPTION",
      /342 of 442 are never tested/,
    );
    await expectDescentError(
      crossValPredict(new LinearRegression(SGD), Z, y, {
        cv: [
          { train: all.slice(100), test: all.slice(0, 300) },
          { train: all.slice(0, 100), test: all.slice(100) },
        ],
      }),
      "E_OPTION",
      /row 100 is tested twice/,
    );
    const c = standardised("breast_cancer", "benign");
    await expectDescentError(
      crossValPredict(new LinearSVM(SGD), c.Z, c.y, { cv: 3, method: "predictProba" }),
      "E_OPTION",
      /LinearSVM has no predictProba/,
    );
  });
});

describe("learningCurve and validationCurve equal scikit-learn's", () => {
  const want = ref.curves;
  const { Z, y } = standardised("diabetes", "progression");

  it.each([
    ["matrices", false],
    ["a staged Dataset", true],
  ])("training sizes and every fold's training and test R² to 1e-10, on %s", async (_n, staged) => {
    const ds = staged ? await Dataset.from(Z, y) : null;
    try {
      const X = ds ?? Z;
      const yy = ds === null ? y : null;
      const lc = await learningCurve(new LinearRegression(SGD), X, yy, { cv: 5, trainSizes: [0.1, 0.3, 0.55, 1] });
      expect(lc.trainSizes).toEqual(want.learning.sizes);
      lc.testScores.forEach((row, i) => {
        close(row, want.learning.test[i], 1e-10);
      });
      lc.trainScores.forEach((row, i) => {
        close(row, want.learning.train[i], 1e-10);
      });
      const vc = await validationCurve(new LinearRegression(SGD), X, yy, "alpha", want.validation.values, { cv: 5 });
      vc.testScores.forEach((row, i) => {
        close(row, want.validation.test[i], 1e-10);
      });
      vc.trainScores.forEach((row, i) => {
        close(row, want.validation.train[i], 1e-10);
      });
    } finally {
      ds?.dispose();
    }
  });

  it("takes shares or row counts as training sizes, as scikit-learn's", async () => {
    expect(trainSizesOf([0.1, 0.5, 1], 353)).toEqual([35, 176, 353]);
    expect(trainSizesOf([0.001, 0.002, 1], 353)).toEqual([1, 353]);
    expect(trainSizesOf([10, 50, 50, 353], 353)).toEqual([10, 50, 353]);
    await expectDescentError(() => trainSizesOf([10, 400], 353), "E_OPTION", /at most 353/);
    await expectDescentError(() => trainSizesOf([0, 0.5], 353), "E_OPTION", /trainSizes/);
    await expectDescentError(() => trainSizesOf([], 353), "E_OPTION", /non-empty/);
  });
});

describe("randomSearch and refusals", () => {
  const { Z, y } = standardised("diabetes", "progression");

  it("draws the same candidates for the same seed and ranks them", async () => {
    const dist = { alpha: logUniform(1e-5, 1), learningRate: [0.001, 0.01] };
    const a = await randomSearch(new LinearRegression(SGD), dist, Z, y, { nIter: 4, seed: 3, cv: 3, refit: false });
    const b = await randomSearch(new LinearRegression(SGD), dist, Z, y, { nIter: 4, seed: 3, cv: 3, refit: false });
    expect(a.results.map((r) => r.params)).toEqual(b.results.map((r) => r.params));
    expect(a.bestEstimator).toBeNull();
    for (const r of a.results) {
      expect(r.params.alpha as number).toBeGreaterThanOrEqual(1e-5);
      expect(r.params.alpha as number).toBeLessThan(1);
    }
    expect(a.results[a.bestIndex]?.rank).toBe(1);
  });

  it("draws distinct grid points from lists alone, all of them at most, as ParameterSampler", async () => {
    const lists = { alpha: [1e-4, 1e-3, 1e-2], learningRate: [0.001, 0.01] };
    const key = (p: Record<string, unknown>) => `${p.alpha}/${p.learningRate}`;
    const some = await randomSearch(new LinearRegression(SGD), lists, Z, y, { nIter: 4, seed: 1, cv: 3, refit: false });
    const drawn = some.results.map((r) => key(r.params));
    expect(new Set(drawn).size).toBe(4);
    const grid = parameterGrid(lists).map(key);
    for (const k of drawn) expect(grid).toContain(k);
    const all = await randomSearch(new LinearRegression(SGD), lists, Z, y, { nIter: 50, seed: 1, cv: 3, refit: false });
    expect(all.results.map((r) => key(r.params)).sort()).toEqual([...grid].sort());
    const again = await randomSearch(new LinearRegression(SGD), lists, Z, y, {
      nIter: 4,
      seed: 1,
      cv: 3,
      refit: false,
    });
    expect(again.results.map((r) => key(r.params))).toEqual(drawn);
  });

  it("refuses bad candidates before training, and bad cv and scoring", async () => {
    await expectDescentError(gridSearch(new LinearRegression(SGD), { alpha: [0.1, -1] }, Z, y), "E_OPTION", /alpha/);
    await expectDescentError(gridSearch(new LinearRegression(SGD), { nope: [1] }, Z, y), "E_OPTION", /nope/);
    await expectDescentError(gridSearch(new LinearRegression(SGD), { alpha: [] }, Z, y), "E_OPTION", /alpha/);
    await expectDescentError(crossValidate(new LinearRegression(SGD), Z, y, { cv: 1 }), "E_OPTION", /cv/);
    await expectDescentError(crossValidate(new LinearRegression(SGD), Z, y, { scoring: "r3" }), "E_OPTION", /r3/);
    await expectDescentError(crossValidate(new LinearRegression(SGD), Z, y.slice(1)), "E_SHAPE", /y has/);
  });
});

describe("pipelines in the searches (step__option)", () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({
    size: (i * 7) % 11,
    colour: ["red", "green", "blue"][i % 3] as string,
    price: 3 * ((i * 7) % 11) + (i % 3 === 0 ? 5 : i % 3 === 1 ? -2 : 0) + ((i * 13) % 5) / 10,
  }));
  const y = rows.map((r) => r.price);
  const X = rows.map(({ price: _p, ...rest }) => rest);
  const pipeline = () =>
    new Pipeline([
      ["prep", new ColumnTransformer([["cat", new OneHotEncoder(), ["colour"]]], { remainder: "passthrough" })],
      ["scale", new StandardScaler()],
      ["model", new LinearRegression({ maxEpochs: 50, learningRate: 0.05, seed: 1 })],
    ]);

  it("searches options of nested steps on a table, each candidate as crossValidate scores it", async () => {
    const grid = { model__alpha: [1e-4, 1], prep__cat__drop: [null, "first"] };
    const r = await gridSearch(pipeline(), grid, X, y, { cv: 3 });
    expect(r.results).toHaveLength(4);
    const best = r.bestEstimator as unknown as Pipeline;
    const model = best.namedStep("model") as LinearRegression;
    expect(model.getOptions().alpha).toBe(r.bestParams.model__alpha);
    const part = (best.namedStep("prep") as ColumnTransformer).transformers[0];
    expect(((part as NonNullable<typeof part>)[1] as OneHotEncoder).drop).toBe(r.bestParams.prep__cat__drop);
    for (const c of r.results) {
      const alone = await crossValScore(cloneEstimator(pipeline(), c.params), X, y, { cv: 3 });
      expect(Array.from(c.testScores)).toEqual(Array.from(alone));
    }
    expect(r.bestScore).toBeGreaterThan(0.9);
  });

  it("names a step that is not there", async () => {
    await expectDescentError(gridSearch(pipeline(), { modle__alpha: [1] }, X, y), "E_OPTION", /modle/);
    await expectDescentError(gridSearch(pipeline(), { model__alpha: [-1] }, X, y), "E_OPTION", /alpha/);
  });
});
