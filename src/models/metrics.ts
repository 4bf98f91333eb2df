/**
 * Coefficient of determination 1 - SS_res / SS_tot (optionally weighted). When y is constant it is
 * 1 for a perfect prediction and 0 otherwise, as scikit-learn's r2_score.
 */
export function r2Score(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: { sampleWeight?: ArrayLike<number> | null } | ArrayLike<number> | null = null,
): number {
  const sampleWeight =
    options === null
      ? null
      : typeof (options as ArrayLike<number>).length === "number"
        ? (options as ArrayLike<number>)
        : ((options as { sampleWeight?: ArrayLike<number> | null }).sampleWeight ?? null);
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
