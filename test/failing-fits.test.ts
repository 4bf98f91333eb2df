// Fits that fail inside cross-validation and the searches (scikit-learn's error_score): a candidate
// whose rate diverges, a fold whose training rows hold one class. By default the failing fold
// scores NaN with its error kept and the rest carry on; errorScore sets the score or raises; a call
// where every fit fails throws. The same on matrices, on a Dataset (candidates trained together)
// and on worker threads.
import { describe, expect, it } from "vitest";
import { Dataset } from "../src/data/dataset.js";
import { DescentError } from "../src/errors.js";
import { crossValidate, type FoldScores } from "../src/model-selection/cross-validate.js";
import { gridSearch } from "../src/model-selection/search.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { expectDescentError } from "./helpers/expect-error.js";

type Lib = typeof import("../src/index.js");

// Features of scale 10 and a linear target: a rate of 10 diverges in the first epoch, 1e-4 trains.
const n = 240;
const d = 3;
const X = new Float64Array(n * d);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j < d; j++) X[i * d + j] = Math.sin(i * 7 + j * 3 + 1) * 10;
  y[i] = 2 * (X[i * d] as number) - (X[i * d + 1] as number) + 5;
}
const M = { data: X, rows: n, cols: d };
const SGD = { batchSize: 1, shuffle: false, maxEpochs: 10, tol: null } as const;
const GRID = { learningRate: [1e-4, 10, 1e-3] };

describe("a candidate that diverges", () => {
  it("scores NaN with its errors, ranks last, and the search refits the best (matrix, in turn)", async () => {
    const r = await gridSearch(new LinearRegression(SGD), GRID, M, y, { cv: 3 });
    const bad = r.results[1];
    expect(bad?.params).toEqual({ learningRate: 10 });
    expect(Array.from(bad?.testScores ?? [])).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(bad?.meanTestScore).toBeNaN();
    expect(bad?.rank).toBe(3);
    for (const e of bad?.errors ?? []) expect(e).toMatch(/^E_DIVERGED: LinearRegression diverged/);
    for (const c of [r.results[0], r.results[2]]) {
      expect(c?.errors).toEqual([null, null, null]);
      expect(Number.isFinite(c?.meanTestScore)).toBe(true);
    }
    expect(r.bestParams).not.toEqual({ learningRate: 10 });
    expect(r.bestEstimator?.coef).toBeDefined();
  });

  it("gives the same scores on a Dataset, where the candidates train together", async () => {
    const onMatrix = await gridSearch(new LinearRegression(SGD), GRID, M, y, { cv: 3, refit: false });
    const ds = await Dataset.from(M, y);
    try {
      const onDataset = await gridSearch(new LinearRegression(SGD), GRID, ds, null, { cv: 3, refit: false });
      for (const [i, c] of onDataset.results.entries()) {
        expect(Array.from(c.testScores)).toEqual(Array.from(onMatrix.results[i]?.testScores ?? []));
        expect(c.rank).toBe(onMatrix.results[i]?.rank);
        expect(c.errors.map((e) => e?.slice(0, 12) ?? null)).toEqual(
          i === 1 ? ["E_DIVERGED: ", "E_DIVERGED: ", "E_DIVERGED: "] : [null, null, null],
        );
      }
    } finally {
      ds.dispose();
    }
  });

  it("takes errorScore as the score, or raises under 'raise'", async () => {
    const ds = await Dataset.from(M, y);
    try {
      for (const X of [M, ds]) {
        const yy = X === M ? y : null;
        const r = await gridSearch(new LinearRegression(SGD), GRID, X, yy, { cv: 3, errorScore: -1, refit: false });
        expect(Array.from(r.results[1]?.testScores ?? [])).toEqual([-1, -1, -1]);
        expect(r.results[1]?.rank).toBe(3);
        await expectDescentError(
          gridSearch(new LinearRegression(SGD), GRID, X, yy, { cv: 3, errorScore: "raise" }),
          "E_DIVERGED",
          /LinearRegression diverged/,
        );
      }
    } finally {
      ds.dispose();
    }
    await expectDescentError(
      gridSearch(new LinearRegression(SGD), GRID, M, y, { cv: 3, errorScore: "zero" as never }),
      "E_OPTION",
      /errorScore/,
    );
  });

  it("throws when every fit of every candidate fails, with the first error's code", async () => {
    await expectDescentError(
      gridSearch(new LinearRegression(SGD), { learningRate: [10, 20] }, M, y, { cv: 3 }),
      "E_DIVERGED",
      /all 6 fits failed.*LinearRegression diverged/,
    );
    await expectDescentError(
      crossValidate(new LinearRegression({ ...SGD, learningRate: 10 }), M, y, { cv: 3 }),
      "E_DIVERGED",
      /all 3 fits failed/,
    );
  });
});

describe("a fold that cannot train", () => {
  // Labels 0/1 alternating, and a fold whose training rows are all of class 0.
  const labels = Float64Array.from({ length: n }, (_, i) => i % 2);
  const even = Int32Array.from({ length: n / 2 }, (_, k) => 2 * k);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const splits = [
    { train: even.slice(0, 100), test: Int32Array.from([1, 3, 5, 7, 100, 102]) },
    { train: all.slice(0, 160), test: all.slice(160) },
    { train: all.slice(80), test: all.slice(0, 80) },
  ];
  const model = () => new LogisticRegression({ maxEpochs: 20 });

  it("scores NaN on that fold with the error, and the others as alone", async () => {
    const r = (await crossValidate(model(), M, labels, {
      cv: splits,
      returnTrainScore: true,
      returnEstimator: true,
    })) as FoldScores;
    expect(r.testScore[0]).toBeNaN();
    // The fitted estimators: none for the fold that could not train.
    expect(r.estimators?.[0]).toBeNull();
    expect(r.estimators?.[1]).toBeInstanceOf(LogisticRegression);
    expect(r.trainScore?.[0]).toBeNaN();
    expect(r.errors[0]).toMatch(/^E_LABELS: /);
    expect(r.errors.slice(1)).toEqual([null, null]);
    const alone = (await crossValidate(model(), M, labels, { cv: splits.slice(1) })) as FoldScores;
    expect(Array.from(r.testScore.slice(1))).toEqual(Array.from(alone.testScore));
  });

  it("gives the same scores and errors on 2 worker threads (the built library, whose folds run there)", async () => {
    const lib = (await import(new URL("../dist/index.js", import.meta.url).href)) as Lib;
    const built = () => new lib.LogisticRegression({ maxEpochs: 20 });
    const one = (await lib.crossValidate(built(), M, labels, { cv: splits })) as FoldScores;
    const two = (await lib.crossValidate(built(), M, labels, { cv: splits, threads: 2 })) as FoldScores;
    expect(Array.from(two.testScore)).toEqual(Array.from(one.testScore));
    expect(two.errors).toEqual(one.errors);
    expect(two.errors[0]).toMatch(/^E_LABELS: /);
    let caught: unknown;
    await lib.crossValidate(built(), M, labels, { cv: splits, threads: 2, errorScore: "raise" }).catch((e: unknown) => {
      caught = e;
    });
    expect(caught).toBeInstanceOf(lib.DescentError);
    expect((caught as DescentError).code).toBe("E_LABELS");
  });

  it("lets an error that is not a failure of the fit through (a scorer's bug)", async () => {
    const buggy = () => {
      throw new TypeError("a bug in the scorer");
    };
    await expect(crossValidate(model(), M, labels, { cv: splits.slice(1), scoring: buggy })).rejects.toThrow(TypeError);
    const refusing = () => {
      throw new DescentError("E_LABELS", "the scorer refuses");
    };
    const r = (await crossValidate(model(), M, labels, { cv: splits.slice(1), scoring: refusing }).catch(
      (e: unknown) => e,
    )) as DescentError;
    expect(r.code).toBe("E_LABELS");
    expect(r.message).toMatch(/all 2 fits failed.*the scorer refuses/);
  });
});
