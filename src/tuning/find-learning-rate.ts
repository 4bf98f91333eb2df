// findLearningRate: the learning-rate range test (see range-test.ts) for any of descent's
// estimators, run on a fresh copy of it, so the estimator itself is left untouched.

import { type Dataset, isDataset, rowsAndTargets } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { copyRows, type Matrix, type MatrixLike, toMatrix } from "../matrix.js";
import { encodeLabels, type Label } from "../models/labels.js";
import { LinearClassifier } from "../models/linear-classifier.js";
import type { LinearRegression } from "../models/linear-regression.js";
import { MatrixFactorization, type RatingTriples } from "../models/matrix-factorization.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPRegressor } from "../models/mlp-regressor.js";
import { rowsPerStep } from "../train/options.js";
import {
  type FindLearningRateOptions,
  type LearningRateCurve,
  type RangeTestSettings,
  type RangeTestStepper,
  rangeTestSettings,
  seededOrder,
  sweepRates,
} from "./range-test.js";

/** The supervised estimators the range test runs on (MatrixFactorization takes rating triples). */
export type RangeTestable = LinearRegression | LinearClassifier | MLPClassifier | MLPRegressor;

/** What the sweep calls on its copy of a supervised estimator (each of RangeTestable has these). */
interface Probe {
  setOptions(options: { learningRate: number }): unknown;
  partialFit(X: Matrix, y: ArrayLike<Label>, options?: { classes?: ArrayLike<Label> }): Promise<unknown>;
  objective(X: Matrix, y: ArrayLike<Label>): number;
  dispose(): void;
}

/** Rows a .. a+count of the seeded order, wrapping round: the reading of the sweep's batches. */
function cycling(n: number, count: number): () => number {
  let cursor = 0;
  return () => {
    if (cursor + count > n) cursor = 0;
    const a = cursor;
    cursor += count;
    return a;
  };
}

/**
 * A supervised estimator's stepper: a copy (its options, schedule 'constant', averaging and early
 * stopping off) steps through the mini-batches of the seeded order with partialFit, and the loss
 * is its objective on the evaluation rows.
 */
function supervisedStepper(
  estimator: RangeTestable,
  X: MatrixLike,
  y: ArrayLike<Label>,
  s: RangeTestSettings,
  base: Record<string, unknown>,
): RangeTestStepper & { dispose(): void } {
  const m = toMatrix(X);
  if (m.rows === 0) throw new DescentError("E_EMPTY", "findLearningRate: X has no rows");
  if (y.length !== m.rows)
    throw new DescentError("E_SHAPE", `findLearningRate: y has ${y.length} values but X has ${m.rows} rows`);
  if (base.solver === "lbfgs")
    throw new DescentError(
      "E_OPTION",
      "findLearningRate: solver 'lbfgs' has no learning rate (its line search picks every step); use 'adam' or 'sgd'",
    );
  const classifier = estimator instanceof LinearClassifier || estimator instanceof MLPClassifier;
  const classes = classifier ? encodeLabels(y).classes : null;
  const order = seededOrder(m.rows, s.seed);
  const Xs: Matrix = { data: new Float64Array(m.rows * m.cols), rows: m.rows, cols: m.cols };
  copyRows(Xs.data, m.data, order, m.cols);
  const ys = Array.from(order, (i) => y[i] as Label);
  const rows = (a: number, count: number): { X: Matrix; y: Label[] } => ({
    X: { data: Xs.data.subarray(a * m.cols, (a + count) * m.cols), rows: count, cols: m.cols },
    y: ys.slice(a, a + count),
  });
  const b = base.batchSize;
  const batch = rowsPerStep(typeof b === "number" || b === "auto" ? b : "full", m.rows);
  const next = cycling(m.rows, batch);
  const evaluation = s.evaluationRows === 0 ? null : rows(0, Math.min(s.evaluationRows, m.rows));
  const { onEpoch: _cb, ...rest } = base;
  const copyOptions: Record<string, unknown> = {
    ...rest,
    schedule: "constant",
    earlyStopping: false,
    warmStart: false,
    seed: s.seed,
  };
  if ("average" in rest) copyOptions.average = false;
  const Same = estimator.constructor as new (o: object) => Probe;
  const probe = new Same(copyOptions);
  let current = rows(next(), batch);
  return {
    async step(rate) {
      probe.setOptions({ learningRate: rate });
      await probe.partialFit(current.X, current.y, classes === null ? {} : { classes });
      current = rows(next(), batch);
    },
    loss: () =>
      evaluation === null ? probe.objective(current.X, current.y) : probe.objective(evaluation.X, evaluation.y),
    dispose: () => probe.dispose(),
  };
}

/**
 * A matrix-factorisation stepper: a copy is first fitted for one pass at rate `min` (which fixes
 * its ids and mean rating), then each step is one partialFit pass over the next steps-th of the
 * ratings in the seeded order, every per-group rate scaled with the rate; the loss is the mean
 * squared error on the evaluation ratings.
 */
async function ratingStepper(
  model: MatrixFactorization,
  t: RatingTriples,
  s: RangeTestSettings,
): Promise<RangeTestStepper & { dispose(): void }> {
  const n = t.ratings?.length ?? 0;
  if (n === 0) throw new DescentError("E_EMPTY", "findLearningRate: no ratings");
  if (t.users?.length !== n || t.items?.length !== n) {
    throw new DescentError("E_SHAPE", "findLearningRate: users, items and ratings must have the same length");
  }
  const order = seededOrder(n, s.seed);
  const users = Array.from(order, (i) => t.users[i] as number | string);
  const items = Array.from(order, (i) => t.items[i] as number | string);
  const ratings = Array.from(order, (i) => t.ratings[i] as number);
  const base = model.getOptions();
  const lr = base.learningRate as number;
  // Each group's rate keeps its ratio to learningRate.
  const ratio = Object.fromEntries(
    (["lrBu", "lrBi", "lrPu", "lrQi"] as const).map((key) => [key, (base[key] as number) / lr]),
  );
  const rated = (rate: number) => ({
    learningRate: rate,
    ...Object.fromEntries(Object.entries(ratio).map(([key, r]) => [key, rate * r])),
  });
  const probe = new MatrixFactorization({ ...base, ...rated(s.min), epochs: 1, seed: s.seed });
  await probe.fit(users, items, ratings);
  const chunk = Math.max(1, Math.floor(n / s.steps));
  const next = cycling(n, chunk);
  const evalCount = Math.min(s.evaluationRows, n);
  const evalSet = {
    users: users.slice(0, evalCount),
    items: items.slice(0, evalCount),
    ratings: ratings.slice(0, evalCount),
  };
  let current = next();
  return {
    async step(rate) {
      probe.setOptions(rated(rate));
      await probe.partialFit(
        users.slice(current, current + chunk),
        items.slice(current, current + chunk),
        ratings.slice(current, current + chunk),
      );
      current = next();
    },
    loss() {
      const e =
        s.evaluationRows === 0
          ? probe.score(
              users.slice(current, current + chunk),
              items.slice(current, current + chunk),
              ratings.slice(current, current + chunk),
            )
          : probe.score(evalSet.users, evalSet.items, evalSet.ratings);
      return e * e;
    },
    dispose: () => probe.dispose(),
  };
}

/**
 * Runs the learning-rate range test for `estimator` and suggests a rate (the rule and the options:
 * see LearningRateCurve and FindLearningRateOptions). Supervised estimators take (X, y): a fresh
 * copy (the estimator's options; schedule 'constant', averaging and early stopping off) takes
 * `steps` mini-batch steps through the rows in a seeded order, step k at rate
 * min·(max/min)^(k/(steps − 1)) with the estimator's optimizer, and after each step its objective
 * on the evaluation rows is recorded. MatrixFactorization takes rating triples { users, items,
 * ratings } and steps through steps-ths of them (see ratingStepper), its loss the mean squared
 * error. The sweep ends early once the smoothed loss passes divergenceFactor × its best, or
 * training reports E_DIVERGED. Seeded: the same inputs give the same curve. The estimator is not
 * changed (fitted or not).
 */
export async function findLearningRate(
  estimator: MatrixFactorization,
  ratings: RatingTriples,
  options?: FindLearningRateOptions,
): Promise<LearningRateCurve>;
export async function findLearningRate(
  estimator: RangeTestable,
  X: MatrixLike,
  y: ArrayLike<Label>,
  options?: FindLearningRateOptions,
): Promise<LearningRateCurve>;
export async function findLearningRate(
  estimator: RangeTestable,
  data: Dataset,
  options?: FindLearningRateOptions,
): Promise<LearningRateCurve>;
export async function findLearningRate(
  estimator: RangeTestable | MatrixFactorization,
  data: MatrixLike | RatingTriples | Dataset,
  yOrOptions?: ArrayLike<Label> | FindLearningRateOptions,
  maybeOptions?: FindLearningRateOptions,
): Promise<LearningRateCurve> {
  const base: Record<string, unknown> = estimator.getOptions();
  const defaultSeed = typeof base.seed === "number" ? base.seed : 0;
  if (estimator instanceof MatrixFactorization) {
    const settings = rangeTestSettings((yOrOptions ?? {}) as FindLearningRateOptions, defaultSeed);
    const stepper = await ratingStepper(estimator, data as RatingTriples, settings);
    try {
      return await sweepRates(stepper, settings);
    } finally {
      stepper.dispose();
    }
  }
  // A Dataset's rows and targets (y, when given, replaces them); the sweep stages its own copy.
  const givenY = yOrOptions !== undefined && typeof (yOrOptions as ArrayLike<Label>).length === "number";
  const { X, y } = isDataset(data)
    ? rowsAndTargets(data, givenY ? (yOrOptions as ArrayLike<Label>) : undefined)
    : { X: data as MatrixLike, y: yOrOptions as ArrayLike<Label> };
  const options = isDataset(data) && !givenY ? (yOrOptions as FindLearningRateOptions | undefined) : maybeOptions;
  const settings = rangeTestSettings(options ?? {}, defaultSeed);
  const stepper = supervisedStepper(estimator, X, y, settings, base);
  try {
    return await sweepRates(stepper, settings);
  } finally {
    stepper.dispose();
  }
}
