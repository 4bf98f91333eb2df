// Regression metrics as scikit-learn 1.2.1's sklearn.metrics computes them: weighted means over the
// rows (sample weights optional), equal to it to 1e-12 on the fixtures of test/metrics.test.ts.
import { DescentError } from "../errors.js";

/** Options of a metric: a weight per row (default 1 each). */
export interface MetricOptions {
  /** A non-negative weight per row. */
  sampleWeight?: ArrayLike<number> | null;
}

/** The weights of a metric's options argument (an options object, or the weights themselves). */
export function weightsOf(options: MetricOptions | ArrayLike<number> | null | undefined): ArrayLike<number> | null {
  if (options === null || options === undefined) return null;
  if (typeof (options as ArrayLike<number>).length === "number") return options as ArrayLike<number>;
  return (options as MetricOptions).sampleWeight ?? null;
}

/** Checks that y, the predictions and the weights have one entry a row, at least one row. */
export function checkPair(
  y: ArrayLike<unknown>,
  pred: ArrayLike<unknown>,
  sampleWeight: ArrayLike<number> | null,
): number {
  const n = y.length;
  if (n === 0) throw new DescentError("E_EMPTY", "a metric needs at least one row");
  if (pred.length !== n)
    throw new DescentError("E_SHAPE", `y has ${n} entries but the predictions have ${pred.length}`);
  if (sampleWeight !== null && sampleWeight.length !== n)
    throw new DescentError("E_SHAPE", `y has ${n} entries but sampleWeight has ${sampleWeight.length}`);
  return n;
}

/** The weighted mean of f(i) over the rows. */
function weightedMean(n: number, sampleWeight: ArrayLike<number> | null, f: (i: number) => number): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const wi = sampleWeight === null ? 1 : (sampleWeight[i] as number);
    s += wi * f(i);
    w += wi;
  }
  return s / w;
}

/** Mean absolute error, (Σ w·|y − ŷ|) / Σ w. */
export function meanAbsoluteError(y: ArrayLike<number>, pred: ArrayLike<number>, options: MetricOptions = {}): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, pred, sampleWeight);
  return weightedMean(n, sampleWeight, (i) => Math.abs((y[i] as number) - (pred[i] as number)));
}

/** Mean squared error, (Σ w·(y − ŷ)²) / Σ w. */
export function meanSquaredError(y: ArrayLike<number>, pred: ArrayLike<number>, options: MetricOptions = {}): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, pred, sampleWeight);
  return weightedMean(n, sampleWeight, (i) => ((y[i] as number) - (pred[i] as number)) ** 2);
}

/** The square root of the mean squared error (in y's units). */
export function rootMeanSquaredError(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: MetricOptions = {},
): number {
  const sampleWeight = weightsOf(options);
  return Math.sqrt(meanSquaredError(y, pred, { sampleWeight }));
}

/**
 * Explained variance, 1 − Var(y − ŷ) / Var(y) with weighted variances (the residuals' mean taken
 * out, unlike R²). A constant y gives 1 for a perfect prediction and 0 otherwise, as scikit-learn.
 */
export function explainedVarianceScore(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: MetricOptions = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, pred, sampleWeight);
  const diff = (i: number) => (y[i] as number) - (pred[i] as number);
  const diffMean = weightedMean(n, sampleWeight, diff);
  const num = weightedMean(n, sampleWeight, (i) => (diff(i) - diffMean) ** 2);
  const yMean = weightedMean(n, sampleWeight, (i) => y[i] as number);
  const den = weightedMean(n, sampleWeight, (i) => ((y[i] as number) - yMean) ** 2);
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot (optionally weighted). When y is constant it is
 * 1 for a perfect prediction and 0 otherwise, as scikit-learn's r2_score.
 */
export function r2Score(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: { sampleWeight?: ArrayLike<number> | null } | ArrayLike<number> | null = null,
): number {
  const sampleWeight = weightsOf(options);
  const n = y.length;
  let wsum = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight === null ? 1 : (sampleWeight[i] as number);
    wsum += w;
    mean += w * (y[i] as number);
  }
  mean /= wsum;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight === null ? 1 : (sampleWeight[i] as number);
    const yi = y[i] as number;
    const r = yi - (pred[i] as number);
    const c = yi - mean;
    res += w * (r * r);
    tot += w * (c * c);
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}
