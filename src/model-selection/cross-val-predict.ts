// crossValPredict (scikit-learn's cross_val_predict): every row's prediction by the copy of the
// estimator that did not train on it, one fold at a time, for a confusion matrix or a plot of
// held-out predictions over the whole data.

import type { Dataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { isMatrix, type Matrix, type MatrixLike } from "../matrix.js";
import type { Targets } from "../metrics/scorers.js";
import type { TableLike } from "../table/column-table.js";
import type { Label } from "../table/label-types.js";
import {
  type CrossValidateOptions,
  cloneEstimator,
  fitOnFold,
  foldData,
  foldsOf,
  type SelectableEstimator,
  selectionData,
} from "./cross-validate.js";
import type { Split } from "./splitters.js";

/** What crossValPredict gives each row: the estimator's predict, predictProba or decisionFunction. */
export type PredictMethod = "predict" | "predictProba" | "decisionFunction";

/** Options of crossValPredict. */
export interface CrossValPredictOptions extends Pick<CrossValidateOptions, "cv" | "sampleWeight"> {
  /** Which output each row gets. Default 'predict'. */
  method?: PredictMethod;
}

/** One fold's predictions, as the method gives them. */
type FoldOutput = ArrayLike<Label> | Matrix;

/**
 * Every row's prediction by an estimator fitted on the folds that leave it out (the folds' test
 * rows must cover every row exactly once: KFold and StratifiedKFold do). Labels or numbers for
 * 'predict' (a Float64Array when they are numbers), rows × columns for predictProba and a
 * multiclass decisionFunction; folds run in turn. E_OPTION for folds that are not a partition, or
 * a method the estimator lacks.
 */
export async function crossValPredict(
  estimator: SelectableEstimator,
  X: MatrixLike | TableLike | Dataset,
  y?: Targets | null,
  options: CrossValPredictOptions = {},
): Promise<Float64Array | Label[] | Matrix> {
  const method = options.method ?? "predict";
  if (!["predict", "predictProba", "decisionFunction"].includes(method))
    throw new DescentError(
      "E_OPTION",
      `option 'method' must be 'predict', 'predictProba' or 'decisionFunction' (got '${method}')`,
    );
  const data = selectionData(X, y);
  const sw = options.sampleWeight ?? null;
  if (sw !== null && sw.length !== data.rows)
    throw new DescentError("E_SHAPE", `sampleWeight has ${sw.length} values but X has ${data.rows} rows`);
  const folds = foldsOf(options.cv, estimator, data);
  checkPartition(folds, data.rows);
  const parts: Array<{ test: Int32Array; out: FoldOutput }> = [];
  for (const split of folds) {
    const fold = foldData(data, split, sw, false);
    const model = cloneEstimator(estimator);
    await fitOnFold(model, fold);
    const f = (model as unknown as Record<string, unknown>)[method];
    if (
      typeof f !== "function" ||
      (method === "predictProba" && (model as { hasPredictProba?: boolean }).hasPredictProba === false)
    )
      throw new DescentError("E_OPTION", `crossValPredict: ${estimator.constructor.name} has no ${method}`);
    parts.push({ test: split.test, out: (f as (X: Matrix) => FoldOutput).call(model, fold.XTest) });
  }
  return assemble(parts, data.rows, method);
}

/** E_OPTION unless the folds' test rows name every row of 0 .. n−1 exactly once. */
function checkPartition(folds: readonly Split[], n: number): void {
  const seen = new Uint8Array(n);
  let count = 0;
  for (const { test } of folds)
    for (const r of test) {
      if (seen[r] === 1)
        throw new DescentError(
          "E_OPTION",
          `crossValPredict needs folds that test each row once: row ${r} is tested twice`,
        );
      seen[r] = 1;
      count++;
    }
  if (count !== n)
    throw new DescentError(
      "E_OPTION",
      `crossValPredict needs folds that test every row: ${n - count} of ${n} are never tested`,
    );
}

/** The folds' outputs put back in row order. */
function assemble(
  parts: ReadonlyArray<{ test: Int32Array; out: FoldOutput }>,
  n: number,
  method: PredictMethod,
): Float64Array | Label[] | Matrix {
  const first = (parts[0] as { out: FoldOutput }).out;
  if (isMatrix(first)) {
    const cols = first.cols;
    const data = new Float64Array(n * cols);
    for (const { test, out } of parts) {
      const m = out as Matrix;
      if (m.cols !== cols)
        throw new DescentError(
          "E_LABELS",
          `crossValPredict: a fold's ${method} has ${m.cols} columns, another's ${cols}: every training part needs every class`,
        );
      test.forEach((r, i) => {
        data.set(m.data.subarray(i * cols, (i + 1) * cols), r * cols);
      });
    }
    return { data, rows: n, cols };
  }
  const numbers = parts.every(({ out }) => out instanceof Float64Array || out instanceof Float32Array);
  const result: Float64Array | Label[] = numbers ? new Float64Array(n) : new Array<Label>(n);
  for (const { test, out } of parts) {
    const v = out as ArrayLike<Label>;
    test.forEach((r, i) => {
      (result as Label[])[r] = v[i] as Label;
    });
  }
  return result;
}
