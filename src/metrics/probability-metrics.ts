// Binary metrics of scores and probabilities as scikit-learn 1.2.1 computes them: the average
// precision (the step integral of the precision-recall curve) and the Brier score.
import { DescentError } from "../errors.js";
import type { Label } from "../table/label-types.js";
import { sortedLabels } from "./classification-metrics.js";
import { checkFinite, checkPair, type MetricOptions, weightsOf } from "./regression-metrics.js";

/** Options of averagePrecisionScore and brierScoreLoss. */
export interface BinaryScoreOptions extends MetricOptions {
  /** The positive label; default 1, as scikit-learn's (other labels need it given). */
  posLabel?: Label;
}

/** Which rows are positive; E_LABELS for more than two labels, or a posLabel that is not one of two. */
function positives(y: ArrayLike<Label>, posLabel: Label): boolean[] {
  const labels = sortedLabels(y);
  if (labels.length > 2)
    throw new DescentError("E_LABELS", `a binary metric needs at most two labels in y, it has ${labels.length}`);
  if (labels.length === 2 && !labels.includes(posLabel))
    throw new DescentError(
      "E_LABELS",
      `posLabel ${JSON.stringify(posLabel)} is not one of the labels (${labels.join(", ")})`,
    );
  return Array.from(y, (l) => l === posLabel);
}

/**
 * Average precision: Σ (R_k − R_{k−1})·P_k over the distinct scores from the highest down, P and R
 * the (weighted) precision and recall of calling the rows at or above each score positive; the
 * area under the precision-recall curve without interpolation, as scikit-learn's
 * average_precision_score (binary). Recall is 1 throughout when y has no positive row.
 */
export function averagePrecisionScore(
  y: ArrayLike<Label>,
  score: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, score, sampleWeight);
  checkFinite(score, "the score");
  const positive = positives(y, options.posLabel ?? 1);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number));
  // One point a distinct score: the (weighted) true and false positives at or above it.
  const tps: number[] = [];
  const fps: number[] = [];
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
    }
  }
  let ap = 0;
  let lastRecall = 0;
  for (let k = 0; k < tps.length; k++) {
    const t = tps[k] as number;
    const all = t + (fps[k] as number);
    const precision = all === 0 ? 0 : t / all;
    const recall = tp === 0 ? 1 : t / tp;
    ap += (recall - lastRecall) * precision;
    lastRecall = recall;
  }
  return ap;
}

/**
 * The Brier score: the (weighted) mean of (1[y = posLabel] − p)² for p the probability of the
 * positive label, in [0, 1] (E_OPTION outside), as scikit-learn's brier_score_loss: without
 * posLabel, the labels must be 0 and 1 or −1 and 1 (E_LABELS otherwise).
 */
export function brierScoreLoss(
  y: ArrayLike<Label>,
  proba: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, proba, sampleWeight);
  checkFinite(proba, "the probability");
  for (let i = 0; i < n; i++) {
    const p = proba[i] as number;
    if (p < 0 || p > 1) throw new DescentError("E_OPTION", `the probability at row ${i} is ${p}, outside [0, 1]`);
  }
  const labels = sortedLabels(y);
  if (options.posLabel === undefined && !labels.every((l) => l === 0 || l === 1 || l === -1))
    throw new DescentError(
      "E_LABELS",
      `y's labels are ${labels.join(", ")}: pass posLabel (the default, 1, is for labels 0 and 1 or −1 and 1)`,
    );
  const positive = positives(y, options.posLabel ?? 1);
  let s = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const wi = sampleWeight === null ? 1 : (sampleWeight[i] as number);
    s += wi * ((positive[i] ? 1 : 0) - (proba[i] as number)) ** 2;
    w += wi;
  }
  return s / w;
}
