// A regression target standardised for training, and the model brought back to the target's units:
// gradient descent at the Train tab's default rate meets a target in the hundreds (diabetes' disease
// progression) as a cost in the tens of thousands and a gradient to match, so it trains on
// z = (y − mean) / std and the model it hands over predicts y itself.
import { LinearRegression } from "../models/linear-regression.js";

/** The mean and standard deviation (population) a target was standardised with. */
export interface TargetScale {
  mean: number;
  std: number;
}

/** The mean and population standard deviation of `y` (std 1 when y is constant). */
export function targetScale(y: ArrayLike<number>): TargetScale {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((y[i] as number) - mean) ** 2;
  const std = Math.sqrt(ss / n);
  return { mean, std: std > 0 ? std : 1 };
}

/** (y − mean) / std, a row at a time. */
export function standardiseTarget(y: ArrayLike<number>, s: TargetScale): number[] {
  return Array.from({ length: y.length }, (_, i) => ((y[i] as number) - s.mean) / s.std);
}

/**
 * The model `m` (trained on the standardised target) in the target's units: coefficients × std,
 * intercept × std + mean, so predict gives y. Its history stays that of the standardised run.
 */
export function inTargetUnits(m: LinearRegression, s: TargetScale): LinearRegression {
  const json = m.toJSON() as Record<string, unknown> & { params: number[]; trainParams?: number[] };
  const rescale = (p: number[]): number[] => p.map((v, j) => (j === p.length - 1 ? v * s.std + s.mean : v * s.std));
  return LinearRegression.fromJSON({
    ...json,
    params: rescale(json.params),
    ...(json.trainParams === undefined ? {} : { trainParams: rescale(json.trainParams) }),
  });
}
