// trainTestSplit: the rows of X and y split into a training and a test part (scikit-learn's
// train_test_split), with the row indices of each part. X may be a matrix, a table (records, typed
// columns or an Arrow table: the parts are typed-column tables, for a pipeline) or a staged Dataset
// (the parts are its subsets, trained on in place).

import { type Dataset, isDataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { isMatrix, type Matrix, type MatrixLike, toMatrix } from "../matrix.js";
import { takeRows } from "../models/sub-problems.js";
import {
  type ArrowTableView,
  type ColumnTable,
  isArrowTableView,
  isColumnTable,
  isRecords,
  type TableLike,
  type TableRecord,
  takeRows as takeTableRows,
  toColumnTable,
} from "../table/column-table.js";
import { type Split, type TrainTestSplitOptions, trainTestIndices } from "./splitters.js";

/** The two parts of a trainTestSplit, with the rows of X each holds (P: a Matrix, a ColumnTable or a Dataset). */
export interface TrainTestParts<T, P = Matrix> extends Split {
  /** The training rows of X. */
  XTrain: P;
  /** The test rows of X. */
  XTest: P;
  /** The training targets. */
  yTrain: T[];
  /** The test targets. */
  yTest: T[];
}

/**
 * Splits X (rows) and y (one target a row) into a training and a test part; see trainTestIndices
 * for the rows each gets (the test share ceil(testSize·n), shuffled with `seed` unless
 * `shuffle: false`, class shares kept with `stratify`). Both parts keep the rows' order. A Dataset
 * splits into two subsets of its memory (no copy; y defaults to its targets); a table into two
 * typed-column tables.
 */
export function trainTestSplit<T>(
  X: Dataset,
  y?: ArrayLike<T> | null,
  options?: TrainTestSplitOptions,
): TrainTestParts<T, Dataset>;
export function trainTestSplit<T>(
  X: readonly TableRecord[] | ColumnTable | ArrowTableView,
  y: ArrayLike<T>,
  options?: TrainTestSplitOptions,
): TrainTestParts<T, ColumnTable>;
export function trainTestSplit<T>(X: MatrixLike, y: ArrayLike<T>, options?: TrainTestSplitOptions): TrainTestParts<T>;
export function trainTestSplit<T>(
  X: MatrixLike | TableLike | Dataset,
  y?: ArrayLike<T> | null,
  options: TrainTestSplitOptions = {},
): TrainTestParts<T, Matrix | ColumnTable | Dataset> {
  if (isDataset(X)) {
    const targets = (y ?? X.targets) as ArrayLike<T> | null;
    if (targets === null)
      throw new DescentError("E_SHAPE", "this Dataset has no targets: pass y, or make it with Dataset.from(X, y)");
    return parts(X.rows, targets, options, (rows) => X.subset(rows));
  }
  if (!isMatrix(X) && (isColumnTable(X) || isRecords(X) || isArrowTableView(X))) {
    const t = toColumnTable(X);
    return parts(t.rows, y, options, (rows) => takeTableRows(t, rows));
  }
  const m = toMatrix(X as MatrixLike, "X", false);
  return parts(m.rows, y, options, (rows) => takeRows(m, rows));
}

function parts<T, P>(
  n: number,
  y: ArrayLike<T> | null | undefined,
  options: TrainTestSplitOptions,
  take: (rows: Int32Array) => P,
): TrainTestParts<T, P> {
  if (y === null || typeof y !== "object" || y.length !== n)
    throw new DescentError("E_SHAPE", `y has ${y?.length} values but X has ${n} rows`);
  const s = trainTestIndices(n, options);
  const pick = (rows: Int32Array): T[] => Array.from(rows, (i) => y[i] as T);
  return { ...s, XTrain: take(s.train), XTest: take(s.test), yTrain: pick(s.train), yTest: pick(s.test) };
}
