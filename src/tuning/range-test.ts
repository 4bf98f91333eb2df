// The learning-rate range test (Smith, "Cyclical Learning Rates for Training Neural Networks",
// 2017; fastai's lr_find) as a loop over steps: the rate rises exponentially from `min` to `max`,
// one training step at each rate, the loss recorded after every step and smoothed, until it
// explodes; then the suggestion rule. What a step trains is the caller's (see findLearningRate).
import { DescentError } from "../errors.js";
import { Prng } from "../kernels/prng.js";

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
   * Rows (ratings, for matrix factorisation) the loss is measured on after every step: the first
   * `evaluationRows` of the seeded order (all when there are fewer), the same ones at every step,
   * so the curve shows the steps' effect rather than one batch's luck. 0: the next mini-batch
   * instead (fastai's way, noisier). Default 1024.
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

/** The sweep's settings, validated (see FindLearningRateOptions). */
export interface RangeTestSettings {
  min: number;
  max: number;
  steps: number;
  smoothing: number;
  divergenceFactor: number;
  evaluationRows: number;
  seed: number;
}

/** Validates the options (E_OPTION names a bad one); `defaultSeed` is the estimator's seed. */
export function rangeTestSettings(options: FindLearningRateOptions, defaultSeed: number): RangeTestSettings {
  const min = option(options, "min", 1e-7, (v) => v > 0, "> 0");
  return {
    min,
    max: option(options, "max", 10, (v) => v > min, `> min (${min})`),
    steps: option(options, "steps", 100, (v) => Number.isInteger(v) && v >= 5, "an integer >= 5"),
    smoothing: option(options, "smoothing", 0.9, (v) => v >= 0 && v < 1, "in [0, 1)"),
    divergenceFactor: option(options, "divergenceFactor", 4, (v) => v > 1, "> 1"),
    evaluationRows: option(options, "evaluationRows", 1024, (v) => Number.isInteger(v) && v >= 0, "an integer >= 0"),
    seed: option(options, "seed", defaultSeed, Number.isSafeInteger, "a safe integer"),
  };
}

/** A permutation of 0 .. n−1 drawn from the seed (the training loop's Fisher–Yates shuffle). */
export function seededOrder(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new Prng(seed).shuffle(order);
  return order;
}

/** One model under the test: a training step at a rate, then the loss. */
export interface RangeTestStepper {
  /** One training step at `rate` (throws E_DIVERGED when training diverges). */
  step(rate: number): Promise<void>;
  /** The loss after the steps so far. */
  loss(): number;
}

/** Runs the sweep with a stepper and applies the suggestion rule. */
export async function sweepRates(stepper: RangeTestStepper, s: RangeTestSettings): Promise<LearningRateCurve> {
  const rates: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let stopReason: LearningRateCurve["stopReason"] = "completed";
  let average = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < s.steps; k++) {
    const rate = s.min * (s.max / s.min) ** (k / (s.steps - 1));
    try {
      await stepper.step(rate);
    } catch (err) {
      if (err instanceof DescentError && err.code === "E_DIVERGED") {
        stopReason = "diverged";
        break;
      }
      throw err;
    }
    const loss = stepper.loss();
    rates.push(rate);
    losses.push(loss);
    if (!Number.isFinite(loss)) {
      smoothed.push(Number.POSITIVE_INFINITY);
      stopReason = "exploded";
      break;
    }
    average = s.smoothing * average + (1 - s.smoothing) * loss;
    const v = average / (1 - s.smoothing ** (k + 1));
    smoothed.push(v);
    if (v < best) best = v;
    if (k > 0 && v > s.divergenceFactor * best) {
      stopReason = "exploded";
      break;
    }
  }
  if (rates.length < 2) {
    throw new DescentError(
      "E_DIVERGED",
      `findLearningRate: training diverged within the first steps (rates from ${s.min}); lower 'min'`,
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
