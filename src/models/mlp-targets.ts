// Matrix targets of the MLPs: several regression outputs (y as rows × outputs) and multi-label
// classification (y as a rows × labels 0/1 indicator matrix), as scikit-learn's MLPRegressor and
// MLPClassifier take them, and the scores scikit-learn gives them.

import { DescentError } from "../errors.js";
import { isMatrix, type Matrix, toMatrix } from "../matrix.js";
import { r2Score } from "./metrics.js";

/** y as a matrix when it is one (a Matrix, or rows that are arrays), checked finite and of `rows` rows; else null. */
export function targetMatrix(y: unknown, rows: number): Matrix | null {
  if (y === null || typeof y !== "object") return null;
  const first = (y as ArrayLike<unknown>)[0];
  const rowsOfArrays =
    Array.isArray(y) &&
    first !== null &&
    typeof first === "object" &&
    typeof (first as ArrayLike<unknown>).length === "number";
  if (!isMatrix(y) && !rowsOfArrays) return null;
  const m = toMatrix(y as Matrix, "y", true);
  if (m.rows !== rows) throw new DescentError("E_SHAPE", `y has ${m.rows} rows but X has ${rows}`);
  // toMatrix copies nested arrays into a new Float64Array; a given Matrix's data is the caller's.
  if (!isMatrix(y) && m.data instanceof Float64Array) return m;
  return { data: Float64Array.from(m.data), rows: m.rows, cols: m.cols };
}

/** E_LABELS naming the first cell of a label indicator matrix that is not 0 or 1. */
export function checkIndicator(m: Matrix): void {
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i] as number;
    if (v !== 0 && v !== 1)
      throw new DescentError(
        "E_LABELS",
        `y is a matrix, read as multi-label (one 0/1 column a label), but row ${Math.floor(i / m.cols)} column ${i % m.cols} is ${v}: ` +
          "give 0/1 indicators (one-hot or multi-hot); several multi-class outputs are not supported (nor in scikit-learn's MLPClassifier)",
      );
  }
}

/** The 0/1 picks of logistic outputs (p > 0.5), as a matrix of the same shape. */
export function indicatorPicks(p: Matrix): Matrix {
  return { data: p.data.map((v) => (v > 0.5 ? 1 : 0)), rows: p.rows, cols: p.cols };
}

/** The share of rows whose every label is right (scikit-learn's accuracy_score on indicator matrices). */
export function subsetAccuracy(y: ArrayLike<number>, pred: ArrayLike<number>, cols: number): number {
  const rows = y.length / cols;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    let all = true;
    for (let c = 0; c < cols && all; c++) all = y[r * cols + c] === pred[r * cols + c];
    if (all) hits++;
  }
  return hits / rows;
}

/** R² of each output column, averaged (scikit-learn's multioutput='uniform_average'). */
export function uniformR2(y: ArrayLike<number>, pred: ArrayLike<number>, cols: number): number {
  const rows = y.length / cols;
  let total = 0;
  for (let c = 0; c < cols; c++) {
    const yc = Float64Array.from({ length: rows }, (_, r) => y[r * cols + c] as number);
    const pc = Float64Array.from({ length: rows }, (_, r) => pred[r * cols + c] as number);
    total += r2Score(yc, pc);
  }
  return total / cols;
}
