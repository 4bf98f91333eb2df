// learningCurve and validationCurve (scikit-learn's learning_curve and validation_curve): training
// and test scores over growing training sets, or over the values of one option, fold by fold, to
// see whether a model would gain from more rows or sits past its best regularisation.

import type { Dataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import type { MatrixLike } from "../matrix.js";
import type { Scorer, Targets } from "../metrics/scorers.js";
import type { TableLike } from "../table/column-table.js";
import {
  type CrossValidateOptions,
  crossValidateFolds,
  type FoldScores,
  foldsOf,
  type SelectableEstimator,
  selectionData,
  throwIfAllFailed,
} from "./cross-validate.js";
import { gridSearch } from "./search.js";
import type { Split } from "./splitters.js";

/** Options of learningCurve and validationCurve: cross-validation's, with one scorer. */
export interface CurveOptions extends Omit<CrossValidateOptions, "scoring" | "returnTrainScore" | "returnEstimator"> {
  /** One scorer name or function (default the estimator's own: R² or accuracy). */
  scoring?: string | Scorer;
}

/** Options of learningCurve. */
export interface LearningCurveOptions extends CurveOptions {
  /**
   * Training set sizes: shares of a fold's training rows in (0, 1] when every value is at most 1,
   * else row counts. Default [0.1, 0.325, 0.55, 0.775, 1], as scikit-learn's.
   */
  trainSizes?: readonly number[];
}

/** Training and test scores, one row a size (or option value) and one entry a fold. */
export interface CurveScores {
  /** Scores on the rows each fit trained on. */
  trainScores: Float64Array[];
  /** Scores on each fold's test rows. */
  testScores: Float64Array[];
}

/** A learning curve: the training sizes in rows, and each size's scores per fold. */
export interface LearningCurve extends CurveScores {
  /** The training set sizes in rows, ascending. */
  trainSizes: number[];
}

/**
 * The training set sizes in rows for folds of `most` training rows (scikit-learn's
 * _translate_train_sizes): shares floored and kept within 1 .. most, or counts checked; sorted,
 * each once.
 */
export function trainSizesOf(sizes: readonly number[], most: number): number[] {
  if (!Array.isArray(sizes) || sizes.length === 0)
    throw new DescentError("E_OPTION", "option 'trainSizes' must be a non-empty list of numbers");
  const shares = sizes.every((v) => v <= 1);
  const rows = sizes.map((v) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
      throw new DescentError("E_OPTION", `option 'trainSizes' holds ${String(v)}: shares in (0, 1] or row counts >= 1`);
    if (shares) return Math.min(most, Math.max(1, Math.floor(v * most)));
    if (!Number.isInteger(v) || v > most)
      throw new DescentError(
        "E_OPTION",
        `option 'trainSizes' holds ${v}: row counts must be whole and at most ${most}`,
      );
    return v;
  });
  return [...new Set(rows)].sort((a, b) => a - b);
}

/**
 * Scores of fits on the first n training rows of each fold, for each size n (scikit-learn's
 * learning_curve without shuffling): on the test rows and on the n rows trained on.
 */
export async function learningCurve(
  estimator: SelectableEstimator,
  X: MatrixLike | TableLike | Dataset,
  y?: Targets | null,
  options: LearningCurveOptions = {},
): Promise<LearningCurve> {
  const data = selectionData(X, y);
  const folds = foldsOf(options.cv, estimator, data);
  const trainSizes = trainSizesOf(options.trainSizes ?? [0.1, 0.325, 0.55, 0.775, 1], (folds[0] as Split).train.length);
  // Every (size, fold) pair as a split of its own, cross-validated at once.
  const splits = trainSizes.flatMap((n) => folds.map((f) => ({ train: f.train.subarray(0, n), test: f.test })));
  const { scores, failures } = await crossValidateFolds(
    estimator,
    X,
    y,
    { ...options, cv: splits, returnTrainScore: true },
    data,
  );
  throwIfAllFailed(failures, splits.length);
  const s = scores as FoldScores;
  const k = folds.length;
  return {
    trainSizes,
    trainScores: trainSizes.map((_, i) => (s.trainScore as Float64Array).slice(i * k, (i + 1) * k)),
    testScores: trainSizes.map((_, i) => s.testScore.slice(i * k, (i + 1) * k)),
  };
}

/**
 * Training and test scores of the estimator with each value of one option (scikit-learn's
 * validation_curve), on the same folds: a one-option gridSearch without the refit, so on a Dataset
 * the values' fits train together.
 */
export async function validationCurve(
  estimator: SelectableEstimator,
  X: MatrixLike | TableLike | Dataset,
  y: Targets | null | undefined,
  option: string,
  values: readonly unknown[],
  options: CurveOptions = {},
): Promise<CurveScores> {
  const r = await gridSearch(estimator, { [option]: values }, X, y, {
    ...options,
    returnTrainScore: true,
    refit: false,
  });
  return {
    trainScores: r.results.map((c) => c.trainScores as Float64Array),
    testScores: r.results.map((c) => c.testScores),
  };
}
