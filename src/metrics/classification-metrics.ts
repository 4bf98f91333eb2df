// Classification metrics as scikit-learn 1.2.1's sklearn.metrics computes them (labels sorted as
// numpy sorts them, sample weights optional, a zero division giving 0), equal to it to 1e-12 on the
// fixtures of test/metrics.test.ts.
import { DescentError } from "../errors.js";
import type { Label } from "../table/label-types.js";
import { cornerPoints, curvePoints } from "./binary-curve.js";
import { checkFinite, checkPair, type MetricOptions, weightsOf } from "./regression-metrics.js";

/** How per-label scores are combined: the positive label only, a plain mean, pooled counts, or a mean weighted by support. */
export type Average = "binary" | "macro" | "micro" | "weighted";

/** Options of precisionScore, recallScore and f1Score. */
export interface PrfOptions {
  /** How the per-label scores are combined (default 'binary'). */
  average?: Average;
  /** The positive label of 'binary' (default 1). */
  posLabel?: Label;
  /** A weight per row (default 1 each). */
  sampleWeight?: ArrayLike<number> | null;
  /**
   * The labels scored and averaged over (not under 'binary'): a label with no row scores as a zero
   * division. Default every label of y and the predictions.
   */
  labels?: readonly Label[];
  /**
   * The score where a ratio divides by 0 (precision of a label never predicted, recall of a label
   * no row has): 0 (default, scikit-learn's 'warn') or 1.
   */
  zeroDivision?: 0 | 1;
}

/** E_NONFINITE for a NaN or infinite number among labels (naming `what` and the row). */
function checkFiniteLabels(labels: ArrayLike<Label>, what: string): void {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as Label;
    if (typeof l === "number" && !Number.isFinite(l))
      throw new DescentError("E_NONFINITE", `${what} at row ${i} is ${l}: labels must be finite`);
  }
}

/**
 * The labels of the arrays, sorted as numpy sorts them (numbers ascending, texts by code point);
 * E_NONFINITE for a NaN or infinite number among them (naming the row), as scikit-learn refuses.
 */
export function sortedLabels(...arrays: ReadonlyArray<ArrayLike<Label>>): Label[] {
  const seen = new Set<Label>();
  for (const [k, a] of arrays.entries()) {
    checkFiniteLabels(a, k === 0 ? "y" : "the prediction");
    for (let i = 0; i < a.length; i++) seen.add(a[i] as Label);
  }
  const labels = [...seen];
  const kinds = new Set(labels.map((l) => typeof l));
  if (kinds.size > 1)
    throw new DescentError("E_LABELS", `labels mix ${[...kinds].join(" and ")}: give one kind of label`);
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function weightAt(sampleWeight: ArrayLike<number> | null | undefined, i: number): number {
  return sampleWeight === null || sampleWeight === undefined ? 1 : (sampleWeight[i] as number);
}

/** Options of accuracyScore. */
export interface AccuracyOptions extends MetricOptions {
  /** The share of rows predicted right (default true), or false for their (weighted) count. */
  normalize?: boolean;
}

/** Fraction of rows (weighted) whose prediction is the label (their count with `normalize: false`). */
export function accuracyScore(y: ArrayLike<Label>, pred: ArrayLike<Label>, options: AccuracyOptions = {}): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, pred, sampleWeight);
  checkFiniteLabels(y, "y");
  checkFiniteLabels(pred, "the prediction");
  let hits = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weightAt(sampleWeight, i);
    total += w;
    if (y[i] === pred[i]) hits += w;
  }
  return (options as AccuracyOptions).normalize === false ? hits : hits / total;
}

/** Options of confusionMatrix. */
export interface ConfusionOptions {
  /** The labels of the rows and columns, in order (default every label seen, sorted); rows with other labels are left out. */
  labels?: readonly Label[];
  /** A weight per row (default 1 each). */
  sampleWeight?: ArrayLike<number> | null;
  /**
   * Divide each cell by its row's sum ('true': each true label's shares), its column's ('pred'), or
   * the whole matrix's ('all'); a sum of 0 leaves zeros. Default none (counts).
   */
  normalize?: "true" | "pred" | "all" | null;
}

/**
 * The confusion matrix: row i the true label labels[i], column j the predicted label labels[j],
 * each cell the (weighted) count, or a share of it under `normalize`. E_LABELS when `labels` is
 * empty or names no label of y, as scikit-learn.
 */
export function confusionMatrix(
  y: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: ConfusionOptions = {},
): number[][] {
  const n = checkPair(y, pred, options.sampleWeight ?? null);
  const seen = sortedLabels(y, pred);
  const labels = options.labels ?? seen;
  if (labels.length === 0) throw new DescentError("E_LABELS", "confusionMatrix: 'labels' must name at least one label");
  if (options.labels !== undefined && !Array.from(y).some((l) => labels.includes(l as Label)))
    throw new DescentError("E_LABELS", `confusionMatrix: none of the labels (${labels.join(", ")}) is in y`);
  const at = new Map(labels.map((l, k) => [l, k]));
  const m = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < n; i++) {
    const a = at.get(y[i] as Label);
    const b = at.get(pred[i] as Label);
    if (a !== undefined && b !== undefined)
      (m[a] as number[])[b] = ((m[a] as number[])[b] as number) + weightAt(options.sampleWeight, i);
  }
  const how = options.normalize ?? null;
  if (how === null) return m;
  if (how !== "true" && how !== "pred" && how !== "all")
    throw new DescentError(
      "E_OPTION",
      `confusionMatrix: 'normalize' must be 'true', 'pred', 'all' or null (got ${String(how)})`,
    );
  const k = labels.length;
  const rowSums = m.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = labels.map((_, j) => m.reduce((s, row) => s + (row[j] as number), 0));
  const all = rowSums.reduce((s, v) => s + v, 0);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const by = how === "true" ? (rowSums[i] as number) : how === "pred" ? (colSums[j] as number) : all;
      const row = m[i] as number[];
      row[j] = by === 0 ? 0 : (row[j] as number) / by;
    }
  return m;
}

/** The mean of the per-class recalls (classes with true rows only). */
export function balancedAccuracyScore(
  y: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  options: MetricOptions = {},
): number {
  const sampleWeight = weightsOf(options);
  const m = confusionMatrix(y, pred, { sampleWeight });
  let sum = 0;
  let count = 0;
  m.forEach((row, k) => {
    const total = row.reduce((s, v) => s + v, 0);
    if (total === 0) return;
    sum += (row[k] as number) / total;
    count++;
  });
  return sum / count;
}

/**
 * Matthews correlation coefficient (multiclass, from the confusion matrix as scikit-learn computes
 * it): 1 for a perfect prediction, 0 for one no better than chance or when a side has one label.
 */
export function matthewsCorrcoef(y: ArrayLike<Label>, pred: ArrayLike<Label>, options: MetricOptions = {}): number {
  const sampleWeight = weightsOf(options);
  const m = confusionMatrix(y, pred, { sampleWeight });
  const k = m.length;
  const t = m.map((row) => row.reduce((s, v) => s + v, 0));
  const p = m.map((_, j) => m.reduce((s, row) => s + (row[j] as number), 0));
  let correct = 0;
  for (let i = 0; i < k; i++) correct += (m[i] as number[])[i] as number;
  const n = p.reduce((s, v) => s + v, 0);
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
  const covTP = correct * n - dot(t, p);
  const covPP = n * n - dot(p, p);
  const covTT = n * n - dot(t, t);
  return covPP * covTT === 0 ? 0 : covTP / Math.sqrt(covTT * covPP);
}

/** Per label: true positives, predicted and true counts (weighted). */
function labelCounts(
  y: ArrayLike<Label>,
  pred: ArrayLike<Label>,
  labels: readonly Label[],
  sampleWeight: ArrayLike<number> | null,
): { tp: number[]; predicted: number[]; actual: number[] } {
  const at = new Map(labels.map((l, k) => [l, k]));
  const tp = labels.map(() => 0);
  const predicted = labels.map(() => 0);
  const actual = labels.map(() => 0);
  for (let i = 0; i < y.length; i++) {
    const w = weightAt(sampleWeight, i);
    const a = at.get(y[i] as Label);
    const b = at.get(pred[i] as Label);
    if (a !== undefined) actual[a] = (actual[a] as number) + w;
    if (b !== undefined) predicted[b] = (predicted[b] as number) + w;
    if (a !== undefined && a === b) tp[a] = (tp[a] as number) + w;
  }
  return { tp, predicted, actual };
}

/** x / y, or `zeroDivision` where y is 0 (scikit-learn's zero_division). */
function ratio(x: number, y: number, zeroDivision: number): number {
  return y === 0 ? zeroDivision : x / y;
}

/** F1 of a precision and a recall: 2PR / (P + R), 0 when both are 0. */
function f1Of(p: number, r: number): number {
  const d = p + r;
  return d === 0 ? 0 : (2 * p * r) / d;
}

/** Precision, recall and F1 under one averaging. */
function prf(y: ArrayLike<Label>, pred: ArrayLike<Label>, options: PrfOptions): [number, number, number] {
  const sampleWeight = options.sampleWeight ?? null;
  checkPair(y, pred, sampleWeight);
  const average = options.average ?? "binary";
  const zd = options.zeroDivision ?? 0;
  if (zd !== 0 && zd !== 1)
    throw new DescentError("E_OPTION", `option 'zeroDivision' must be 0 or 1 (got ${String(zd)})`);
  const all = sortedLabels(y, pred);
  let labels: readonly Label[] = all;
  if (options.labels !== undefined && options.labels !== null) {
    if (!Array.isArray(options.labels) || options.labels.length === 0)
      throw new DescentError("E_OPTION", "option 'labels' must be a non-empty list of labels");
    labels = options.labels;
  }
  if (average === "binary") {
    const pos = options.posLabel ?? 1;
    if (all.length > 2)
      throw new DescentError(
        "E_LABELS",
        `average 'binary' needs two labels, the data has ${all.length}: choose 'macro', 'micro' or 'weighted'`,
      );
    if (!all.includes(pos) && all.length === 2)
      throw new DescentError(
        "E_LABELS",
        `posLabel ${JSON.stringify(pos)} is not one of the labels (${all.join(", ")})`,
      );
    labels = [pos];
  } else if (!["macro", "micro", "weighted"].includes(average))
    throw new DescentError("E_OPTION", `average must be 'binary', 'macro', 'micro' or 'weighted' (got '${average}')`);
  const { tp, predicted, actual } = labelCounts(y, pred, labels, sampleWeight);
  const sum = (v: readonly number[]) => v.reduce((s, x) => s + x, 0);
  if (average === "micro") {
    const t = sum(tp);
    const p = ratio(t, sum(predicted), zd);
    const r = ratio(t, sum(actual), zd);
    return [p, r, f1Of(p, r)];
  }
  const ps = labels.map((_, k) => ratio(tp[k] as number, predicted[k] as number, zd));
  const rs = labels.map((_, k) => ratio(tp[k] as number, actual[k] as number, zd));
  const fs = labels.map((_, k) => f1Of(ps[k] as number, rs[k] as number));
  if (average === "binary") return [ps[0] as number, rs[0] as number, fs[0] as number];
  const weights = average === "weighted" ? actual : labels.map(() => 1);
  const wsum = sum(weights);
  // No row has any of the labels (weighted): scikit-learn's answer, by whether any was predicted.
  if (wsum === 0) return sum(predicted) === 0 ? [zd, zd, zd] : [0, zd, 0];
  const mean = (v: number[]) => v.reduce((s, x, k) => s + x * (weights[k] as number), 0) / wsum;
  return [mean(ps), mean(rs), mean(fs)];
}

/** Precision, tp / (tp + fp): of the rows predicted as a label, the share that has it. */
export function precisionScore(y: ArrayLike<Label>, pred: ArrayLike<Label>, options: PrfOptions = {}): number {
  return prf(y, pred, options)[0];
}

/** Recall, tp / (tp + fn): of the rows that have a label, the share predicted as it. */
export function recallScore(y: ArrayLike<Label>, pred: ArrayLike<Label>, options: PrfOptions = {}): number {
  return prf(y, pred, options)[1];
}

/** F1, the harmonic mean of precision and recall. */
export function f1Score(y: ArrayLike<Label>, pred: ArrayLike<Label>, options: PrfOptions = {}): number {
  return prf(y, pred, options)[2];
}

/** The area under the ROC curve of 0/1 targets and scores (scikit-learn's curve, collinear points dropped). */
function binaryAuc(
  positive: ArrayLike<boolean>,
  score: ArrayLike<number>,
  sampleWeight: ArrayLike<number> | null,
): number {
  const { tps, fps } = cornerPoints(curvePoints(positive, score, sampleWeight));
  const P = tps[tps.length - 1] as number;
  const N = fps[fps.length - 1] as number;
  if (P === 0 || N === 0) throw new DescentError("E_LABELS", "the ROC AUC needs rows of both classes in y");
  // The trapezoids under the curve from the origin.
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  for (let k = 0; k < tps.length; k++) {
    const x1 = (fps[k] as number) / N;
    const y1 = (tps[k] as number) / P;
    area += ((x1 - x0) * (y0 + y1)) / 2;
    x0 = x1;
    y0 = y1;
  }
  return area;
}

/** Options of rocAucScore. */
export interface RocAucOptions extends MetricOptions {
  /** How the areas of more classes combine: their mean ('macro', default) or weighted by each class's (or pair's) rows. */
  average?: "macro" | "weighted";
  /**
   * More classes: one-vs-rest areas ('ovr', default) or Hand and Till's one-vs-one ('ovo', no
   * sample weights), as scikit-learn's multi_class.
   */
  multiClass?: "ovr" | "ovo";
  /**
   * More classes: the classes of the score's columns, sorted as the metrics sort labels (default
   * the labels of y). As scikit-learn's `labels`.
   */
  labels?: readonly Label[];
}

/**
 * The area under the ROC curve. Binary: `score` a score per row for the greater label (the
 * positive class). More classes: `score` rows × classes (the classes sorted), one-vs-rest areas
 * averaged ('macro') or weighted by each class's (weighted) row count ('weighted').
 */
export function rocAucScore(
  y: ArrayLike<Label>,
  score: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
  options: RocAucOptions = {},
): number {
  const sampleWeight = options.sampleWeight ?? null;
  checkPair(y, score, sampleWeight);
  const seen = sortedLabels(y);
  let labels = seen;
  const first = score[0];
  if (options.labels !== undefined && options.labels !== null && typeof first !== "number") {
    const given = options.labels;
    const sorted = sortedLabels(given);
    if (sorted.length !== given.length || sorted.some((l, k) => l !== given[k]))
      throw new DescentError(
        "E_OPTION",
        "option 'labels' must be ordered (sorted, each label once), as the score's columns are",
      );
    const unknown = seen.find((l) => !sorted.includes(l));
    if (unknown !== undefined)
      throw new DescentError("E_LABELS", `y holds ${JSON.stringify(unknown)}, which is not one of 'labels'`);
    labels = sorted;
  }
  if (typeof first === "number") {
    checkFinite(score as ArrayLike<number>, "the score");
    if (labels.length !== 2)
      throw new DescentError("E_LABELS", `a binary ROC AUC needs two labels in y, it has ${labels.length}`);
    const positive = Array.from({ length: y.length }, (_, i) => y[i] === labels[1]);
    return binaryAuc(positive, score as ArrayLike<number>, sampleWeight);
  }
  const rows = score as ReadonlyArray<ArrayLike<number>>;
  if ((first as ArrayLike<number>).length !== labels.length)
    throw new DescentError(
      "E_SHAPE",
      `score has ${(first as ArrayLike<number>).length} columns, y ${labels.length} labels`,
    );
  // One-vs-rest areas are those of probabilities (scikit-learn's check: each row sums to 1 within
  // numpy's allclose tolerances).
  rows.forEach((r, i) => {
    if (r.length !== labels.length)
      throw new DescentError("E_SHAPE", `row ${i} of the scores has ${r.length} values, y ${labels.length} labels`);
    checkFinite(r, "the score", i);
    let sum = 0;
    for (let k = 0; k < r.length; k++) sum += r[k] as number;
    if (!(Math.abs(1 - sum) <= 1e-8 + 1e-5 * Math.abs(sum)))
      throw new DescentError(
        "E_SHAPE",
        `row ${i} of the scores sums to ${sum}: a multiclass ROC AUC takes probabilities (rows summing to 1)`,
      );
  });
  if (options.multiClass === "ovo") return oneVsOneAuc(y, rows, seen, labels, options.average, sampleWeight);
  if (options.multiClass !== undefined && options.multiClass !== "ovr")
    throw new DescentError(
      "E_OPTION",
      `option 'multiClass' must be 'ovr' or 'ovo' (got '${String(options.multiClass)}')`,
    );
  const areas: number[] = [];
  const prevalence: number[] = [];
  labels.forEach((label, k) => {
    const positive = Array.from({ length: y.length }, (_, i) => y[i] === label);
    const col = Array.from({ length: y.length }, (_, i) => (rows[i] as ArrayLike<number>)[k] as number);
    areas.push(binaryAuc(positive, col, sampleWeight));
    let p = 0;
    for (let i = 0; i < y.length; i++) if (positive[i]) p += weightAt(sampleWeight, i);
    prevalence.push(p);
  });
  if (options.average === "weighted") {
    const total = prevalence.reduce((s, v) => s + v, 0);
    return areas.reduce((s, a, k) => s + (a * (prevalence[k] as number)) / total, 0);
  }
  return areas.reduce((s, a) => s + a, 0) / areas.length;
}

/**
 * Hand and Till's one-vs-one ROC AUC as scikit-learn's multi_class='ovo': for each pair of y's
 * labels, on their rows alone, the mean of the two areas (each label's column scoring it against
 * the other); the pairs' mean ('macro') or weighted by the share of rows each pair holds.
 */
function oneVsOneAuc(
  y: ArrayLike<Label>,
  rows: ReadonlyArray<ArrayLike<number>>,
  present: readonly Label[],
  columns: readonly Label[],
  average: "macro" | "weighted" | undefined,
  sampleWeight: ArrayLike<number> | null,
): number {
  if (sampleWeight !== null)
    throw new DescentError("E_OPTION", "the one-vs-one ROC AUC takes no sample weights, as scikit-learn's");
  const pairs: number[] = [];
  const shares: number[] = [];
  for (let i = 0; i < present.length; i++)
    for (let j = i + 1; j < present.length; j++) {
      const a = present[i] as Label;
      const b = present[j] as Label;
      const both: number[] = [];
      for (let r = 0; r < y.length; r++) if (y[r] === a || y[r] === b) both.push(r);
      const area = (label: Label) => {
        const k = columns.indexOf(label);
        return binaryAuc(
          both.map((r) => y[r] === label),
          both.map((r) => (rows[r] as ArrayLike<number>)[k] as number),
          null,
        );
      };
      pairs.push((area(a) + area(b)) / 2);
      shares.push(both.length / y.length);
    }
  if (average === "weighted") {
    const total = shares.reduce((s, v) => s + v, 0);
    return pairs.reduce((s, v, k) => s + v * (shares[k] as number), 0) / total;
  }
  return pairs.reduce((s, v) => s + v, 0) / pairs.length;
}

/** Options of logLoss. */
export interface LogLossOptions extends MetricOptions {
  /**
   * The classes of proba's columns (sorted as the metrics sort labels); default the labels of y.
   * Needed when y holds fewer labels than proba has columns.
   */
  labels?: readonly Label[];
  /** The mean over the rows (default true), or false for the (weighted) sum. */
  normalize?: boolean;
  /** Probabilities are clipped to [eps, 1 − eps]; default the float64 machine epsilon. */
  eps?: number;
}

/**
 * The mean (weighted) negative log-likelihood of the true labels. `proba` is rows × classes (the
 * classes sorted), or for two classes the probability of the greater one; probabilities are
 * clipped to [ε, 1 − ε] (ε the float64 machine epsilon by default) and each row renormalised, as
 * scikit-learn.
 */
export function logLoss(
  y: ArrayLike<Label>,
  proba: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
  options: LogLossOptions = {},
): number {
  const sampleWeight = weightsOf(options);
  const n = checkPair(y, proba, sampleWeight);
  const o = (typeof (options as ArrayLike<number>).length === "number" ? {} : options) as LogLossOptions;
  const seen = sortedLabels(y);
  const labels = o.labels === undefined || o.labels === null ? seen : sortedLabels(o.labels);
  if (labels.length < 2)
    throw new DescentError(
      "E_LABELS",
      `the log loss needs at least two labels: y holds only ${labels.join(", ")}; pass them all as 'labels'`,
    );
  const unknown = seen.find((l) => !labels.includes(l));
  if (unknown !== undefined)
    throw new DescentError("E_LABELS", `y holds ${JSON.stringify(unknown)}, which is not one of 'labels'`);
  const eps = o.eps ?? Number.EPSILON;
  if (typeof eps !== "number" || !(eps >= 0 && eps < 0.5))
    throw new DescentError("E_OPTION", `option 'eps' must be a number in [0, 0.5) (got ${String(eps)})`);
  const clip = (p: number) => Math.min(Math.max(p, eps), 1 - eps);
  let total = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const p = proba[i] as number | ArrayLike<number>;
    if (typeof p === "number") checkFinite(proba as ArrayLike<number>, "the probability");
    else checkFinite(p, "the probability", i);
    const row = typeof p === "number" ? [clip(1 - clip(p)), clip(p)] : Array.from(p, clip);
    if (typeof p === "number") row[0] = 1 - clip(p);
    if (row.length !== labels.length)
      throw new DescentError(
        "E_SHAPE",
        `row ${i} of the probabilities has ${row.length} values, y ${labels.length} labels`,
      );
    const s = row.reduce((a, b) => a + b, 0);
    const k = labels.indexOf(y[i] as Label);
    const w = weightAt(sampleWeight, i);
    total += w * -Math.log((row[k] as number) / s);
    wsum += w;
  }
  return o.normalize === false ? total : total / wsum;
}
