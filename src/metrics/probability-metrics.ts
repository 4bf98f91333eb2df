// Binary metrics of scores and probabilities as scikit-learn 1.2.1 computes them: the ROC and
// precision-recall curves, the average precision (the step integral of the latter) and the Brier
// score.
import { DescentError } from "../errors.js";
import type { Label } from "../table/label-types.js";
import { cornerPoints, curvePoints } from "./binary-curve.js";
import { sortedLabels } from "./classification-metrics.js";
import { checkFinite, checkPair, type MetricOptions, weightedMean, weightsOf } from "./regression-metrics.js";

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
 * Precision and recall at each curve point (highest score first): precision 0 where nothing is
 * called positive, recall 1 throughout when no row is positive, as scikit-learn's curve.
 */
function precisionRecallAt(
  tps: readonly number[],
  fps: readonly number[],
): { precision: Float64Array; recall: Float64Array } {
  const positives = tps[tps.length - 1] as number;
  const precision = new Float64Array(tps.length);
  const recall = new Float64Array(tps.length);
  for (let k = 0; k < tps.length; k++) {
    const t = tps[k] as number;
    const all = t + (fps[k] as number);
    precision[k] = all === 0 ? 0 : t / all;
    recall[k] = positives === 0 ? 1 : t / positives;
  }
  return { precision, recall };
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
  checkPair(y, score, sampleWeight);
  checkFinite(score, "the score");
  const { tps, fps } = curvePoints(positives(y, options.posLabel ?? 1), score, sampleWeight);
  const { precision, recall } = precisionRecallAt(tps, fps);
  let ap = 0;
  for (let k = 0; k < precision.length; k++)
    ap += ((recall[k] as number) - (k === 0 ? 0 : (recall[k - 1] as number))) * (precision[k] as number);
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
  const positive = positives(y, defaultPositive(y, options.posLabel));
  return weightedMean(n, sampleWeight, (i) => ((positive[i] ? 1 : 0) - (proba[i] as number)) ** 2);
}

/** The points of a ROC curve, from (0, 0) up. */
export interface RocCurve {
  /** False positive rate at each threshold (the weighted share of negative rows scored at or above it). */
  fpr: Float64Array;
  /** True positive rate (recall) at each threshold. */
  tpr: Float64Array;
  /** The thresholds, descending: the highest score + 1 first (scikit-learn 1.2.1's), then the distinct scores. */
  thresholds: Float64Array;
}

/** The points of a precision-recall curve, from the lowest threshold up, then (recall 0, precision 1). */
export interface PrecisionRecallCurve {
  /** Precision at each threshold, then 1. */
  precision: Float64Array;
  /** Recall at each threshold, then 0. */
  recall: Float64Array;
  /** The distinct scores, ascending (one fewer than precision and recall). */
  thresholds: Float64Array;
}

/** Options of rocCurve. */
export interface RocCurveOptions extends BinaryScoreOptions {
  /** Leave out the points on a straight line between their neighbours (default true, as scikit-learn's). */
  dropIntermediate?: boolean;
}

/**
 * The positive label: posLabel, else 1 when y's labels are 0/1 or −1/1 (the only ones scikit-learn's
 * curves and Brier score take without it; E_LABELS otherwise).
 */
function defaultPositive(y: ArrayLike<Label>, posLabel: Label | undefined): Label {
  if (posLabel !== undefined) return posLabel;
  const labels = sortedLabels(y);
  if (!labels.every((l) => l === 0 || l === 1 || l === -1))
    throw new DescentError(
      "E_LABELS",
      `y's labels are ${labels.join(", ")}: pass posLabel (the default, 1, is for labels 0 and 1 or −1 and 1)`,
    );
  return 1;
}

/**
 * The ROC curve: false and true positive rates at each threshold, from (0, 0) up, as scikit-learn
 * 1.2.1's roc_curve (the first threshold is the highest score + 1; points on a straight line left
 * out unless dropIntermediate is false). A rate is NaN throughout when y has no row of its class.
 */
export function rocCurve(y: ArrayLike<Label>, score: ArrayLike<number>, options: RocCurveOptions = {}): RocCurve {
  const sampleWeight = weightsOf(options);
  checkPair(y, score, sampleWeight);
  checkFinite(score, "the score");
  const all = curvePoints(positives(y, defaultPositive(y, options.posLabel)), score, sampleWeight);
  const p = options.dropIntermediate === false ? all : cornerPoints(all);
  const P = p.tps[p.tps.length - 1] as number;
  const N = p.fps[p.fps.length - 1] as number;
  return {
    fpr: Float64Array.from([0, ...p.fps], (v) => (N > 0 ? v / N : Number.NaN)),
    tpr: Float64Array.from([0, ...p.tps], (v) => (P > 0 ? v / P : Number.NaN)),
    thresholds: Float64Array.from([(p.thresholds[0] as number) + 1, ...p.thresholds]),
  };
}

/**
 * The precision-recall curve, as scikit-learn 1.2.1's precision_recall_curve: precision and recall
 * at each threshold from the lowest score up, then the point (recall 0, precision 1), so both have
 * one entry more than the thresholds. Recall is 1 throughout when y has no positive row.
 */
export function precisionRecallCurve(
  y: ArrayLike<Label>,
  score: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): PrecisionRecallCurve {
  const sampleWeight = weightsOf(options);
  checkPair(y, score, sampleWeight);
  checkFinite(score, "the score");
  const { tps, fps, thresholds } = curvePoints(positives(y, defaultPositive(y, options.posLabel)), score, sampleWeight);
  // From the lowest threshold up, then the point (recall 0, precision 1).
  const { precision, recall } = precisionRecallAt(tps, fps);
  return {
    precision: Float64Array.from([...precision.reverse(), 1]),
    recall: Float64Array.from([...recall.reverse(), 0]),
    thresholds: Float64Array.from(thresholds).reverse(),
  };
}
