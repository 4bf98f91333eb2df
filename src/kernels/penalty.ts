/** The regulariser's kind. */
export type Penalty = "l2" | "none" | "l1" | "elasticnet";

/** What a step needs to know about the regulariser. */
export interface PenaltyConfig {
  penalty: Penalty;
  alpha: number;
  l1Ratio: number;
}

/** Coefficient of the smooth (L2) part of the penalty: alpha, alpha·(1 − l1Ratio) or 0. */
export function l2Coefficient(p: PenaltyConfig): number {
  if (p.penalty === "l2") return p.alpha;
  if (p.penalty === "elasticnet") return p.alpha * (1 - p.l1Ratio);
  return 0;
}

/** Coefficient of the L1 part of the penalty: alpha, alpha·l1Ratio or 0. */
export function l1Coefficient(p: PenaltyConfig): number {
  if (p.penalty === "l1") return p.alpha;
  if (p.penalty === "elasticnet") return p.alpha * p.l1Ratio;
  return 0;
}

/** R-weighted penalty alpha·R(w) over the first nPen entries of params. */
export function penaltyValue(params: ArrayLike<number>, nPen: number, p: PenaltyConfig): number {
  const c2 = l2Coefficient(p);
  const c1 = l1Coefficient(p);
  if (c1 === 0 && c2 === 0) return 0;
  let sq = 0;
  let abs = 0;
  for (let j = 0; j < nPen; j++) {
    const v = params[j] as number;
    sq += v * v;
    abs += Math.abs(v);
  }
  return 0.5 * c2 * sq + c1 * abs;
}
