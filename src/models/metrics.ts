// The two metrics the estimators' own score methods use: accuracy (0 for no rows) and R², which
// lives with the other regression metrics in src/metrics/.
export { r2Score } from "../metrics/regression-metrics.js";

/** Fraction (optionally weighted) of positions where the two label arrays agree; 0 for none. */
export function accuracy(
  y: ArrayLike<unknown>,
  pred: ArrayLike<unknown>,
  sampleWeight: ArrayLike<number> | null = null,
): number {
  let hits = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const w = sampleWeight === null ? 1 : (sampleWeight[i] as number);
    total += w;
    if (y[i] === pred[i]) hits += w;
  }
  return total === 0 ? 0 : hits / total;
}
