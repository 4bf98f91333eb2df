// trainTestSplit: the rows of X and y split into a training and a test part (scikit-learn's
// train_test_split), with the row indices of each part.

import { DescentError } from "../errors.js";
import { type Matrix, type MatrixLike, toMatrix } from "../matrix.js";
import { takeRows } from "../models/sub-problems.js";
import { type Split, type TrainTestSplitOptions, trainTestIndices } from "./splitters.js";

/** The two parts of a trainTestSplit, with the rows of X each holds. */
export interface TrainTestParts<T> extends Split {
  /** The training rows of X. */
  XTrain: Matrix;
  /** The test rows of X. */
  XTest: Matrix;
  /** The training targets. */
  yTrain: T[];
  /** The test targets. */
  yTest: T[];
}

/**
 * Splits X (rows) and y (one target a row) into a training and a test part; see trainTestIndices
 * for the rows each gets (the test share ceil(testSize·n), shuffled with `seed` unless
 * `shuffle: false`, class shares kept with `stratify`). Both parts keep the rows' order.
 */
export function trainTestSplit<T>(
  X: MatrixLike,
  y: ArrayLike<T>,
  options: TrainTestSplitOptions = {},
): TrainTestParts<T> {
  const m = toMatrix(X, "X", false);
  if (y === null || typeof y !== "object" || y.length !== m.rows)
    throw new DescentError("E_SHAPE", `y has ${y?.length} values but X has ${m.rows} rows`);
  const s = trainTestIndices(m.rows, options);
  const pick = (rows: Int32Array): T[] => Array.from(rows, (i) => y[i] as T);
  return { ...s, XTrain: takeRows(m, s.train), XTest: takeRows(m, s.test), yTrain: pick(s.train), yTest: pick(s.test) };
}
