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

/**
 * Checks that y, the predictions and the weights have one entry a row, at least one row, and that
 * the weights are finite, non-negative and not all 0 (E_NONFINITE / E_OPTION naming the row).
 */
export function checkPair(
  y: ArrayLike<unknown>,
  pred: ArrayLike<unknown>,
  sampleWeight: ArrayLike<number> | null,
): number {
  const n = y.length;
  if (n === 0) throw new DescentError("E_EMPTY", "a metric needs at least one row");
  if (pred.length !== n)
    throw new DescentError("E_SHAPE", `y has ${n} entries but the predictions have ${pred.length}`);
  if (sampleWeight !== null) {
    if (sampleWeight.length !== n)
      throw new DescentError("E_SHAPE", `y has ${n} entries but sampleWeight has ${sampleWeight.length}`);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = sampleWeight[i] as number;
      if (!Number.isFinite(w)) throw new DescentError("E_NONFINITE", `sampleWeight at row ${i} is ${w}`);
      if (w < 0) throw new DescentError("E_OPTION", `sampleWeight at row ${i} is negative (${w})`);
      sum += w;
    }
    if (sum === 0) throw new DescentError("E_OPTION", "sampleWeight is 0 on every row: the mean has no weight");
  }
  return n;
}

/**
 * Checks that every value is a finite number (E_NONFINITE naming `what` and the row, or the row
 * `row` and the column when `values` is one row of several): metrics refuse NaN and infinity, as
 * scikit-learn's do.
 */
export function checkFinite(values: ArrayLike<number>, what: string, row?: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      const at = row === undefined ? `row ${i}` : `row ${row}, column ${i}`;
      throw new DescentError("E_NONFINITE", `${what} at ${at} is ${String(v)}: metrics take finite numbers`);
    }
  }
}

/** checkPair, and checkFinite of y and the predictions: the rows of a regression metric. */
function checkRegression(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  sampleWeight: ArrayLike<number> | null,
): number {
  const n = checkPair(y, pred, sampleWeight);
  checkFinite(y, "y");
  checkFinite(pred, "the prediction");
  return n;
}

/** The weighted mean of f(i) over the n rows (weights 1 when null): Σ w·f / Σ w, summed in row order. */
export function weightedMean(n: number, sampleWeight: ArrayLike<number> | null, f: (i: number) => number): number {
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
  const n = checkRegression(y, pred, sampleWeight);
  return weightedMean(n, sampleWeight, (i) => Math.abs((y[i] as number) - (pred[i] as number)));
}

/** Mean squared error, (Σ w·(y − ŷ)²) / Σ w. */
export function meanSquaredError(y: ArrayLike<number>, pred: ArrayLike<number>, options: MetricOptions = {}): number {
  const sampleWeight = weightsOf(options);
  const n = checkRegression(y, pred, sampleWeight);
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

/** Options of r2Score and explainedVarianceScore. */
export interface ScoreOptions extends MetricOptions {
  /**
   * When y is constant (the denominator 0): true (default) gives 1 for a perfect prediction and 0
   * otherwise; false gives the ratio's own NaN or −Infinity. As scikit-learn's force_finite.
   */
  forceFinite?: boolean;
}

/** 1 − num/den, with scikit-learn's force_finite rule for a zero denominator. */
function oneMinusRatio(num: number, den: number, options: ScoreOptions | ArrayLike<number> | null): number {
  const forceFinite =
    options === null || typeof (options as ArrayLike<number>).length === "number"
      ? true
      : ((options as ScoreOptions).forceFinite ?? true);
  if (den === 0 && forceFinite) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

/**
 * Explained variance, 1 − Var(y − ŷ) / Var(y) with weighted variances (the residuals' mean taken
 * out, unlike R²). A constant y gives 1 for a perfect prediction and 0 otherwise (see forceFinite),
 * as scikit-learn.
 */
export function explainedVarianceScore(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: ScoreOptions | ArrayLike<number> | null = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkRegression(y, pred, sampleWeight);
  const diff = (i: number) => (y[i] as number) - (pred[i] as number);
  const diffMean = weightedMean(n, sampleWeight, diff);
  const num = weightedMean(n, sampleWeight, (i) => (diff(i) - diffMean) ** 2);
  const yMean = weightedMean(n, sampleWeight, (i) => y[i] as number);
  const den = weightedMean(n, sampleWeight, (i) => ((y[i] as number) - yMean) ** 2);
  return oneMinusRatio(num, den, options);
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot (optionally weighted). When y is constant it is
 * 1 for a perfect prediction and 0 otherwise (see forceFinite); with fewer than two rows it is NaN
 * (not defined), as scikit-learn's r2_score.
 */
export function r2Score(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: ScoreOptions | ArrayLike<number> | null = null,
): number {
  const sampleWeight = weightsOf(options);
  const n = checkRegression(y, pred, sampleWeight);
  if (n < 2) return Number.NaN;
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
  return oneMinusRatio(res, tot, options);
}

/**
 * Median absolute error: the median of |y − ŷ|; with weights, the weighted median as
 * scikit-learn takes it (the first sorted error whose cumulative weight reaches half the total).
 */
export function medianAbsoluteError(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: MetricOptions | ArrayLike<number> | null = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkRegression(y, pred, sampleWeight);
  const errors = Float64Array.from({ length: n }, (_, i) => Math.abs((pred[i] as number) - (y[i] as number)));
  if (sampleWeight === null) {
    const sorted = errors.slice().sort();
    const mid = n >> 1;
    return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  }
  // A stable sort of the rows by error, then the first whose cumulative weight reaches half.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (errors[a] as number) - (errors[b] as number) || a - b,
  );
  let total = 0;
  for (let i = 0; i < n; i++) total += sampleWeight[i] as number;
  const half = 0.5 * total;
  let cum = 0;
  for (const i of order) {
    cum += sampleWeight[i] as number;
    if (cum >= half) return errors[i] as number;
  }
  return errors[order[n - 1] as number] as number;
}

/** The largest |y − ŷ| (in y's units; no weights, as scikit-learn's max_error). */
export function maxError(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkRegression(y, pred, null);
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs((y[i] as number) - (pred[i] as number)));
  return m;
}

/**
 * Mean absolute percentage error, the (weighted) mean of |y − ŷ| / max(|y|, ε) with ε the float64
 * machine epsilon: a share (0.1 is 10%), and huge where y is 0, as scikit-learn's.
 */
export function meanAbsolutePercentageError(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: MetricOptions | ArrayLike<number> | null = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkRegression(y, pred, sampleWeight);
  return weightedMean(n, sampleWeight, (i) => {
    const t = y[i] as number;
    return Math.abs((pred[i] as number) - t) / Math.max(Math.abs(t), Number.EPSILON);
  });
}

/**
 * Mean squared logarithmic error, the mean squared error of log(1 + y) and log(1 + ŷ); E_OPTION
 * for a negative target or prediction, as scikit-learn refuses them.
 */
export function meanSquaredLogError(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: MetricOptions | ArrayLike<number> | null = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkRegression(y, pred, sampleWeight);
  for (let i = 0; i < n; i++)
    if ((y[i] as number) < 0 || (pred[i] as number) < 0)
      throw new DescentError(
        "E_OPTION",
        `the mean squared log error takes no negative values: row ${i} has y ${y[i]} and prediction ${pred[i]}`,
      );
  return weightedMean(n, sampleWeight, (i) => (Math.log1p(y[i] as number) - Math.log1p(pred[i] as number)) ** 2);
}
