// Scorers by scikit-learn's names: a metric applied to a fitted model's predictions on (X, y), with
// "neg_" errors negated so that higher is better everywhere, as scikit-learn's get_scorer gives them.
import { DescentError } from "../errors.js";
import { isMatrix, type Matrix, type MatrixLike } from "../matrix.js";
import type { TableLike } from "../table/column-table.js";
import type { Label } from "../table/label-types.js";
import * as classification from "./classification-metrics.js";
import { averagePrecisionScore, brierScoreLoss } from "./probability-metrics.js";
import {
  explainedVarianceScore,
  type MetricOptions,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogError,
  medianAbsoluteError,
  r2Score,
} from "./regression-metrics.js";

/** What a scorer asks of a fitted model (an estimator, or a pipeline ending in one, reading tables). */
export interface Scorable {
  /** Predicted labels or values, one a row. */
  predict(X: MatrixLike | TableLike): unknown;
  /** Whether predictProba gives probabilities (false: it throws, as LinearSVM's without 'modifiedHuber'). */
  readonly hasPredictProba?: boolean;
  /** Class probabilities, rows × classes (the classes sorted), when the model has them. */
  predictProba?(X: MatrixLike | TableLike): Matrix;
  /** Decision values: one a row for two classes, else rows × classes. */
  decisionFunction?(X: MatrixLike | TableLike): unknown;
}

/**
 * Targets of model selection: one label or value a row, or (for a multi-output regressor or a
 * multi-label classifier) rows of several values.
 */
export type Targets = ArrayLike<Label> | ArrayLike<ArrayLike<number>>;

/** A score of a fitted model on (X, y); higher is better. */
export type Scorer = (model: Scorable, X: MatrixLike, y: Targets, sampleWeight?: ArrayLike<number> | null) => number;

/** Targets read one a row (the scorers of single-output models). */
function single(y: Targets): ArrayLike<Label> {
  return y as ArrayLike<Label>;
}

/** The rows of a Matrix as arrays. */
function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

/** Column c of the targets of a multi-output model: rows of arrays, or a Matrix. */
function targetColumn(y: unknown, c: number, rows: number): Float64Array {
  if (isMatrix(y)) return Float64Array.from({ length: rows }, (_, r) => y.data[r * y.cols + c] as number);
  const v = y as ArrayLike<ArrayLike<number>>;
  if (v.length !== rows || typeof v[0] !== "object")
    throw new DescentError("E_SHAPE", `the model predicts several outputs a row but y is not a matrix of ${rows} rows`);
  return Float64Array.from({ length: rows }, (_, r) => v[r]?.[c] as number);
}

/** Predictions one a row, or (a multi-output or multi-label model's) a Matrix. */
function predictionsOf(model: Scorable, X: MatrixLike): ArrayLike<Label> | Matrix {
  return model.predict(X) as ArrayLike<Label> | Matrix;
}

const predicted =
  (metric: (y: ArrayLike<Label>, pred: ArrayLike<Label>, options: MetricOptions) => number, name: string): Scorer =>
  (model, X, y, sw = null) => {
    const pred = predictionsOf(model, X);
    if (!isMatrix(pred)) return metric(single(y), pred, { sampleWeight: sw });
    if (name !== "accuracy")
      throw new DescentError(
        "E_OPTION",
        `scorer '${name}' takes one label a row; for a multi-label model use 'accuracy'`,
      );
    // Multi-label: the weighted share of rows with every label right (scikit-learn's subset accuracy).
    const columns = Array.from({ length: pred.cols }, (_, c) => targetColumn(y, c, pred.rows));
    const hit = Float64Array.from({ length: pred.rows }, (_, r) =>
      columns.every((t, c) => t[r] === pred.data[r * pred.cols + c]) ? 1 : 0,
    );
    return metric(hit, new Float64Array(pred.rows).fill(1), { sampleWeight: sw });
  };

const regression =
  (metric: (y: ArrayLike<number>, pred: ArrayLike<number>, options: MetricOptions) => number, sign = 1): Scorer =>
  (model, X, y, sw = null) => {
    const pred = predictionsOf(model, X);
    if (!isMatrix(pred))
      return sign * metric(single(y) as ArrayLike<number>, pred as ArrayLike<number>, { sampleWeight: sw });
    // Several outputs: the metric of each, averaged (scikit-learn's multioutput='uniform_average').
    let total = 0;
    for (let c = 0; c < pred.cols; c++) {
      const p = Float64Array.from({ length: pred.rows }, (_, r) => pred.data[r * pred.cols + c] as number);
      total += metric(targetColumn(y, c, pred.rows), p, { sampleWeight: sw });
    }
    return (sign * total) / pred.cols;
  };

const prf =
  (metric: typeof classification.f1Score, average: classification.PrfOptions["average"]): Scorer =>
  (model, X, y, sw = null) => {
    const pred = predictionsOf(model, X);
    if (isMatrix(pred))
      throw new DescentError(
        "E_OPTION",
        "precision, recall and f1 scorers take one label a row; for a multi-label model use 'accuracy'",
      );
    return metric(single(y), pred, { average, sampleWeight: sw });
  };

/** A binary model's score per row: its decision values when it has them, else the positive class's probability. */
function binaryScores(model: Scorable, X: MatrixLike, name: string): Float64Array {
  const more = `scorer '${name}' is binary${name === "roc_auc" ? ": use 'roc_auc_ovr' for more classes" : ""}`;
  if (model.decisionFunction !== undefined) {
    const d = model.decisionFunction(X);
    if (d instanceof Float64Array) return d;
    throw new DescentError("E_LABELS", more);
  }
  const p = needsProba(model, name)(X);
  if (p.cols !== 2) throw new DescentError("E_LABELS", more);
  return Float64Array.from(rowsOf(p), (r) => r[1] as number);
}

/** The label a binary model scores as positive: its second class, else the greater label of y. */
function positiveClass(model: Scorable, y: Targets): Label {
  const classes = (model as { classes?: readonly Label[] | null }).classes;
  if (Array.isArray(classes) && classes.length === 2) return classes[1] as Label;
  const labels = classification.sortedLabels(single(y));
  return labels[labels.length - 1] as Label;
}

function needsProba(model: Scorable, name: string): (X: MatrixLike) => Matrix {
  const f = model.predictProba;
  if (f === undefined || model.hasPredictProba === false)
    throw new DescentError(
      "E_OPTION",
      `scorer '${name}' needs a model with predictProba (LogisticRegression, MLPClassifier)`,
    );
  return f.bind(model);
}

const SCORERS: Record<string, Scorer> = {
  r2: regression(r2Score),
  explained_variance: regression(explainedVarianceScore),
  neg_mean_absolute_error: regression(meanAbsoluteError, -1),
  neg_mean_squared_error: regression(meanSquaredError, -1),
  neg_root_mean_squared_error: regression((y, p, o) => Math.sqrt(meanSquaredError(y, p, o)), -1),
  neg_median_absolute_error: regression(medianAbsoluteError, -1),
  neg_mean_absolute_percentage_error: regression(meanAbsolutePercentageError, -1),
  neg_mean_squared_log_error: regression(meanSquaredLogError, -1),
  // scikit-learn names it without 'neg_' but negates it all the same; it takes no weights.
  max_error: regression((y, p, o) => {
    if (o.sampleWeight !== null && o.sampleWeight !== undefined)
      throw new DescentError("E_OPTION", "scorer 'max_error' takes no sample weights, as scikit-learn's");
    return maxError(y, p);
  }, -1),
  accuracy: predicted(classification.accuracyScore, "accuracy"),
  balanced_accuracy: predicted(classification.balancedAccuracyScore, "balanced_accuracy"),
  matthews_corrcoef: predicted(classification.matthewsCorrcoef, "matthews_corrcoef"),
  ...Object.fromEntries(
    (
      [
        ["precision", classification.precisionScore],
        ["recall", classification.recallScore],
        ["f1", classification.f1Score],
      ] as const
    ).flatMap(([name, metric]) => [
      [name, prf(metric, "binary")],
      [`${name}_macro`, prf(metric, "macro")],
      [`${name}_micro`, prf(metric, "micro")],
      [`${name}_weighted`, prf(metric, "weighted")],
    ]),
  ),
  roc_auc: (model, X, y, sw = null) =>
    classification.rocAucScore(single(y), binaryScores(model, X, "roc_auc"), { sampleWeight: sw }),
  // The positive class is the model's second (the greater label), as its decision values have it.
  average_precision: (model, X, y, sw = null) =>
    averagePrecisionScore(single(y), binaryScores(model, X, "average_precision"), {
      sampleWeight: sw,
      posLabel: positiveClass(model, y),
    }),
  neg_brier_score: (model, X, y, sw = null) => {
    const p = needsProba(model, "neg_brier_score")(X);
    if (p.cols !== 2) throw new DescentError("E_LABELS", "scorer 'neg_brier_score' is binary");
    const positive = rowsOf(p).map((r) => r[1] as number);
    return -brierScoreLoss(single(y), positive, { sampleWeight: sw, posLabel: positiveClass(model, y) });
  },
  roc_auc_ovr: (model, X, y, sw = null) =>
    classification.rocAucScore(single(y), rowsOf(needsProba(model, "roc_auc_ovr")(X)), { sampleWeight: sw }),
  roc_auc_ovo: (model, X, y, sw = null) =>
    classification.rocAucScore(single(y), rowsOf(needsProba(model, "roc_auc_ovo")(X)), {
      multiClass: "ovo",
      sampleWeight: sw,
    }),
  roc_auc_ovo_weighted: (model, X, y, sw = null) =>
    classification.rocAucScore(single(y), rowsOf(needsProba(model, "roc_auc_ovo_weighted")(X)), {
      multiClass: "ovo",
      average: "weighted",
      sampleWeight: sw,
    }),
  roc_auc_ovr_weighted: (model, X, y, sw = null) =>
    classification.rocAucScore(single(y), rowsOf(needsProba(model, "roc_auc_ovr_weighted")(X)), {
      average: "weighted",
      sampleWeight: sw,
    }),
  neg_log_loss: (model, X, y, sw = null) =>
    -classification.logLoss(single(y), rowsOf(needsProba(model, "neg_log_loss")(X)), { sampleWeight: sw }),
};

/** Every scorer name getScorer knows (scikit-learn's). */
export const SCORER_NAMES: readonly string[] = Object.keys(SCORERS).sort();

/** The scorer of a scikit-learn scorer name ('r2', 'neg_mean_squared_error', 'f1_macro', 'roc_auc', …). */
export function getScorer(name: string): Scorer {
  const s = SCORERS[name];
  if (s === undefined)
    throw new DescentError("E_OPTION", `no scorer named '${name}' (scorers: ${SCORER_NAMES.join(", ")})`);
  return s;
}
