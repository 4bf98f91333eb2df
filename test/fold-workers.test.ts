// Cross-validation folds on worker threads (issue 29, item 3): run through the built library (the
// workers import it), the scores equal the folds run in turn, for 1, 2 and 3 workers, on matrices
// and on a Dataset, with several scorers and training scores.
import { describe, expect, it } from "vitest";

type Lib = typeof import("../src/index.js");
const lib = (await import(new URL("../dist/index.js", import.meta.url).href)) as Lib;

function data(n: number, d: number) {
  let s = 7;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const X = { data: new Float64Array(n * d), rows: n, cols: d };
  const y = new Float64Array(n);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) {
      X.data[i * d + j] = rnd() * 2;
      t += Math.sin(j + 1) * (X.data[i * d + j] as number);
    }
    y[i] = t + 0.1 * rnd();
    labels.push(t > 0 ? 1 : 0);
  }
  return { X, y, labels };
}

describe("crossValidate on worker threads", () => {
  const { X, y, labels } = data(3000, 12);
  it("gives the scores of the folds run in turn, for any number of workers", async () => {
    const opts = { cv: 5, scoring: ["r2", "neg_mean_squared_error"], returnTrainScore: true } as const;
    const est = () => new lib.LinearRegression({ maxEpochs: 20, seed: 3 });
    const inTurn = (await lib.crossValidate(est(), X, y, opts)) as Record<
      string,
      { testScore: Float64Array; trainScore?: Float64Array }
    >;
    for (const threads of [2, 3]) {
      const par = (await lib.crossValidate(est(), X, y, { ...opts, threads })) as typeof inTurn;
      for (const name of ["r2", "neg_mean_squared_error"]) {
        expect(Array.from(par[name]?.testScore ?? [])).toEqual(Array.from(inTurn[name]?.testScore ?? []));
        expect(Array.from(par[name]?.trainScore ?? [])).toEqual(Array.from(inTurn[name]?.trainScore ?? []));
      }
    }
  });

  it("returns each fold's fitted estimator, the same weights from the workers as in turn", async () => {
    const est = () => new lib.LinearRegression({ maxEpochs: 20, seed: 3 });
    const folds = new lib.KFold({ nSplits: 3 }).split(X.rows);
    type Scores = { testScore: Float64Array; estimators?: Array<InstanceType<typeof lib.LinearRegression> | null> };
    const inTurn = (await lib.crossValidate(est(), X, y, { cv: folds, returnEstimator: true })) as Scores;
    const onWorkers = (await lib.crossValidate(est(), X, y, {
      cv: folds,
      returnEstimator: true,
      threads: 2,
    })) as Scores;
    expect(inTurn.estimators).toHaveLength(3);
    for (const [f, split] of folds.entries()) {
      const a = inTurn.estimators?.[f];
      const b = onWorkers.estimators?.[f];
      expect(a).toBeInstanceOf(lib.LinearRegression);
      expect(b).toBeInstanceOf(lib.LinearRegression);
      expect(Array.from(b?.coef ?? [])).toEqual(Array.from(a?.coef ?? []));
      expect(b?.intercept).toEqual(a?.intercept);
      // Each model is the one its fold was scored with.
      const test = {
        data: Float64Array.from(
          Array.from(split.test).flatMap((i) => Array.from(X.data.subarray(i * 12, i * 12 + 12))),
        ),
        rows: split.test.length,
        cols: 12,
      };
      expect(
        lib.r2Score(
          Array.from(split.test, (i) => y[i] as number),
          a?.predict(test) ?? [],
        ),
      ).toBe(inTurn.testScore[f]);
    }
    const plain = (await lib.crossValidate(est(), X, y, { cv: folds })) as Scores;
    expect(plain.estimators).toBeUndefined();
  });

  it("takes a Dataset and a classifier with stratified folds", async () => {
    const ds = await lib.Dataset.from(X, labels);
    try {
      const est = () => new lib.LogisticRegression({ maxEpochs: 10, seed: 1 });
      const a = await lib.crossValScore(est(), ds, null, { cv: 4 });
      const b = await lib.crossValScore(est(), ds, null, { cv: 4, threads: 2 });
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Math.min(...a)).toBeGreaterThan(0.9);
    } finally {
      ds.dispose();
    }
  });
});
