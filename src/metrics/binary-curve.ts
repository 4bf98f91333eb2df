// The points of a binary classifier's curves as scikit-learn 1.2.1's _binary_clf_curve gives them:
// one point a distinct score, from the highest down, with the (weighted) true and false positives
// among the rows scored at or above it. The ROC AUC, the ROC curve, the precision-recall curve and
// the average precision are read from these points.

/** A binary curve's points, one a distinct score from the highest down. */
export interface CurvePoints {
  /** (Weighted) true positives at or above each threshold. */
  tps: number[];
  /** (Weighted) false positives at or above each threshold. */
  fps: number[];
  /** The distinct scores, descending. */
  thresholds: number[];
}

/**
 * The curve points of positive rows and scores (weights optional; ties grouped into one point;
 * rows of weight 0 left out, as scikit-learn leaves them).
 */
export function curvePoints(
  positive: ArrayLike<boolean>,
  score: ArrayLike<number>,
  sampleWeight: ArrayLike<number> | null,
): CurvePoints {
  const rows = Array.from({ length: score.length }, (_, i) => i);
  // Descending scores; ties are grouped below, so their order does not matter.
  const order = (sampleWeight === null ? rows : rows.filter((i) => sampleWeight[i] !== 0)).sort(
    (a, b) => (score[b] as number) - (score[a] as number),
  );
  const n = order.length;
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const w = sampleWeight === null ? 1 : (sampleWeight[i] as number);
    if (positive[i]) tp += w;
    else fp += w;
    const next = order[k + 1];
    if (next === undefined || score[next] !== score[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(score[i] as number);
    }
  }
  return { tps, fps, thresholds };
}

/**
 * The points roc_curve keeps with drop_intermediate: the first, the last, and those off the
 * straight line between their neighbours (second differences taken as numpy takes them).
 */
export function cornerPoints(p: CurvePoints): CurvePoints {
  const { tps, fps, thresholds } = p;
  if (tps.length <= 2) return p;
  const keep: number[] = [];
  for (let k = 0; k < tps.length; k++) {
    if (k === 0 || k === tps.length - 1) {
      keep.push(k);
      continue;
    }
    const d2f = (fps[k + 1] as number) - (fps[k] as number) - ((fps[k] as number) - (fps[k - 1] as number));
    const d2t = (tps[k + 1] as number) - (tps[k] as number) - ((tps[k] as number) - (tps[k - 1] as number));
    if (d2f !== 0 || d2t !== 0) keep.push(k);
  }
  return {
    tps: keep.map((k) => tps[k] as number),
    fps: keep.map((k) => fps[k] as number),
    thresholds: keep.map((k) => thresholds[k] as number),
  };
}
