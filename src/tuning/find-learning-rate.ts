// The learning-rate range test (Smith, "Cyclical Learning Rates for Training Neural Networks",
// 2017; fastai's lr_find): one short pass over the data in which the rate rises exponentially from
// `min` to `max`, one step per mini-batch, recording the loss after every step, smoothed, until the
// loss explodes. Run on a copy of the estimator, so the estimator itself is left untouched.
import { DescentError } from "../errors.js";
import { type Matrix, type MatrixLike, toMatrix } from "../matrix.js";
import { encodeLabels, type Label } from "../models/labels.js";
import { LinearClassifier } from "../models/linear-classifier.js";
import type { LinearRegression } from "../models/linear-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPRegressor } from "../models/mlp-regressor.js";
import { Prng } from "../train/prng.js";

/** The estimators the range test runs on: every supervised estimator of descent. */
export type RangeTestable = LinearRegression | LinearClassifier | MLPClassifier | MLPRegressor;

/** What the sweep calls on its copy of the estimator (each of RangeTestable has these). */
interface Probe {
  setOptions(options: { learningRate: number }): unknown;
  partialFit(X: Matrix, y: ArrayLike<Label>, options?: { classes?: ArrayLike<Label> }): Promise<unknown>;
  objective(X: Matrix, y: ArrayLike<Label>): number;
  dispose(): void;
}

/** Options of findLearningRate. */
export interface FindLearningRateOptions {
  /** First rate of the sweep (> 0). Default 1e-7. */
  min?: number;
  /** Last rate of the sweep (> min). Default 10. */
  max?: number;
  /** Steps (mini-batches) of the sweep, the rates spaced evenly in log between min and max (>= 5). Default 100. */
  steps?: number;
  /** Weight of the past in the loss's exponential moving average, in [0, 1). Default 0.9. */
  smoothing?: number;
  /** The sweep stops once the smoothed loss exceeds this many times its best so far (> 1). Default 4. */
  divergenceFactor?: number;
  /**
   * Rows the loss is measured on after every step: the first `evaluationRows` rows of the seeded
   * order (all rows when there are fewer), the same rows at every step, so the curve shows the
   * steps' effect rather than one batch's luck. 0: the next mini-batch instead (fastai's way, noisier). Default 1024.
   */
  evaluationRows?: number;
  /** Seed of the row order (the copy's own seed option is also set to it). Default: the estimator's seed, else 0. */
  seed?: number;
}

/** One sweep: the rates tried, the losses seen, and the suggested rate. */
export interface LearningRateCurve {
  /** The rate of each step taken, rising. */
  rates: number[];
  /** The objective on the evaluation rows (or the next mini-batch) after each step: the raw curve. */
  losses: number[];
  /** The bias-corrected exponential moving average of `losses`: the curve to read. */
  smoothed: number[];
  /**
   * The suggested rate: a tenth of the rate at the smoothed curve's lowest point (fastai's
   * "minimum/10" rule), an order of magnitude before the loss turns up.
   */
  suggestion: number;
  /** The rate at the smoothed curve's lowest point. */
  minimumRate: number;
  /** The rate where the smoothed loss fell fastest against log(rate) (Smith's "steepest" reading). */
  steepestRate: number;
  /** Why the sweep ended: every step taken, the smoothed loss over divergenceFactor × its best, or training diverged. */
  stopReason: "completed" | "exploded" | "diverged";
}

function option(
  o: FindLearningRateOptions,
  key: keyof FindLearningRateOptions,
  fallback: number,
  ok: (v: number) => boolean,
  what: string,
): number {
  const v = o[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) {
    throw new DescentError("E_OPTION", `findLearningRate: option '${key}' must be ${what} (got ${String(v)})`);
  }
  return v;
}

/** Rows of m in the order `order`, as one contiguous Matrix. */
function reorder(m: Matrix, order: Uint32Array): Matrix {
  const data = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    const from = (order[i] as number) * m.cols;
    for (let j = 0; j < m.cols; j++) data[i * m.cols + j] = m.data[from + j] as number;
  }
  return { data, rows: m.rows, cols: m.cols };
}

/** The mini-batch size a copy of the estimator takes its steps with. */
function stepRows(options: Record<string, unknown>, rows: number): number {
  const b = options.batchSize;
  if (typeof b === "number") return Math.min(b, rows);
  if (b === "auto") return Math.min(200, rows);
  return rows;
}

/**
 * Runs the learning-rate range test for `estimator` on (X, y) and suggests a rate. A fresh copy of
 * the estimator (its options, schedule forced to 'constant', averaging and early stopping off)
 * takes `steps` mini-batch steps through the rows in a seeded order, step k at rate
 * min·(max/min)^(k/(steps − 1)) with the estimator's optimizer; after each step the objective on the
 * next mini-batch is recorded. The sweep ends early once the smoothed loss passes
 * divergenceFactor × its best, or training reports E_DIVERGED. Seeded: the same inputs give the same
 * curve. The estimator is not changed (fitted or not).
 */
export async function findLearningRate(
  estimator: RangeTestable,
  X: MatrixLike,
  y: ArrayLike<Label>,
  options: FindLearningRateOptions = {},
): Promise<LearningRateCurve> {
  const min = option(options, "min", 1e-7, (v) => v > 0, "> 0");
  const max = option(options, "max", 10, (v) => v > min, `> min (${min})`);
  const steps = option(options, "steps", 100, (v) => Number.isInteger(v) && v >= 5, "an integer >= 5");
  const beta = option(options, "smoothing", 0.9, (v) => v >= 0 && v < 1, "in [0, 1)");
  const factor = option(options, "divergenceFactor", 4, (v) => v > 1, "> 1");
  const evalRows = option(options, "evaluationRows", 1024, (v) => Number.isInteger(v) && v >= 0, "an integer >= 0");
  const base: Record<string, unknown> = estimator.getOptions();
  const seed = option(
    options,
    "seed",
    typeof base.seed === "number" ? base.seed : 0,
    Number.isSafeInteger,
    "a safe integer",
  );

  const m = toMatrix(X);
  if (m.rows === 0) throw new DescentError("E_EMPTY", "findLearningRate: X has no rows");
  if (y.length !== m.rows)
    throw new DescentError("E_SHAPE", `findLearningRate: y has ${y.length} values but X has ${m.rows} rows`);
  const classifier = estimator instanceof LinearClassifier || estimator instanceof MLPClassifier;
  const classes = classifier ? encodeLabels(y).classes : null;

  // The rows in one seeded order; mini-batches are read from it in turn, wrapping around.
  const rng = new Prng(seed);
  const order = Uint32Array.from({ length: m.rows }, (_, i) => i);
  for (let i = m.rows - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const Xs = reorder(m, order);
  const ys = Array.from(order, (i) => y[i] as Label);
  const batch = stepRows(base, m.rows);
  let cursor = 0;
  const nextBatch = (): { X: Matrix; y: Label[] } => {
    if (cursor + batch > m.rows) cursor = 0;
    const a = cursor;
    cursor += batch;
    return {
      X: { data: Xs.data.subarray(a * m.cols, (a + batch) * m.cols), rows: batch, cols: m.cols },
      y: ys.slice(a, a + batch),
    };
  };

  const evaluation =
    evalRows === 0
      ? null
      : {
          X: {
            data: Xs.data.subarray(0, Math.min(evalRows, m.rows) * m.cols),
            rows: Math.min(evalRows, m.rows),
            cols: m.cols,
          },
          y: ys.slice(0, Math.min(evalRows, m.rows)),
        };
  const { onEpoch: _cb, ...rest } = base;
  const copyOptions: Record<string, unknown> = {
    ...rest,
    schedule: "constant",
    earlyStopping: false,
    warmStart: false,
    seed,
  };
  if ("average" in rest) copyOptions.average = false;
  const Same = estimator.constructor as new (o: object) => Probe;
  const probe = new Same(copyOptions);

  const rates: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let stopReason: LearningRateCurve["stopReason"] = "completed";
  let average = 0;
  let best = Number.POSITIVE_INFINITY;
  try {
    let current = nextBatch();
    for (let k = 0; k < steps; k++) {
      const rate = min * (max / min) ** (k / (steps - 1));
      probe.setOptions({ learningRate: rate });
      try {
        await probe.partialFit(current.X, current.y, classes === null ? {} : { classes });
      } catch (err) {
        if (err instanceof DescentError && err.code === "E_DIVERGED") {
          stopReason = "diverged";
          break;
        }
        throw err;
      }
      current = nextBatch();
      const loss =
        evaluation === null ? probe.objective(current.X, current.y) : probe.objective(evaluation.X, evaluation.y);
      rates.push(rate);
      losses.push(loss);
      if (!Number.isFinite(loss)) {
        smoothed.push(Number.POSITIVE_INFINITY);
        stopReason = "exploded";
        break;
      }
      average = beta * average + (1 - beta) * loss;
      const s = average / (1 - beta ** (k + 1));
      smoothed.push(s);
      if (s < best) best = s;
      if (k > 0 && s > factor * best) {
        stopReason = "exploded";
        break;
      }
    }
  } finally {
    probe.dispose();
  }
  if (rates.length < 2) {
    throw new DescentError(
      "E_DIVERGED",
      `findLearningRate: training diverged within the first steps (rates from ${min}); lower 'min'`,
    );
  }
  let lowest = 0;
  for (let k = 1; k < smoothed.length; k++) if ((smoothed[k] as number) < (smoothed[lowest] as number)) lowest = k;
  let steepest = 0;
  let slope = Number.POSITIVE_INFINITY;
  for (let k = 1; k <= lowest; k++) {
    const d =
      ((smoothed[k] as number) - (smoothed[k - 1] as number)) /
      Math.log((rates[k] as number) / (rates[k - 1] as number));
    if (d < slope) {
      slope = d;
      steepest = k;
    }
  }
  const minimumRate = rates[lowest] as number;
  return {
    rates,
    losses,
    smoothed,
    suggestion: minimumRate / 10,
    minimumRate,
    steepestRate: rates[steepest] as number,
    stopReason,
  };
}
