// A table's target column taken out: rows with a missing target dropped and counted, a text target
// refused for a regression with the model that fits (the CLI, the lab and the streamed fit share it).
import { DescentError } from "../errors.js";
import { decimalOf } from "./column-builder.js";
import { type Column, type ColumnKind, type ColumnTable, isMissing, takeRows } from "./column-table.js";

/** The features of a table and its target values, rows with a missing target taken out. */
export interface TargetSplit {
  X: ColumnTable;
  /** Numbers for a regression; labels (texts, or numbers when the column holds numbers) for a classifier. */
  y: Array<number | string>;
  /** Rows left out because their target was missing. */
  droppedRows: number;
  /** The target column's kind. */
  kind: ColumnKind;
}

/** Takes the target column out of t; E_FORMAT for a text target of a regression (suggesting a classifier). */
export function splitTarget(
  t: ColumnTable,
  target: string,
  regression: boolean,
  file: string,
  allowEmpty = false,
): TargetSplit {
  const at = t.columns.findIndex((c) => c.name === target);
  if (at < 0)
    throw new DescentError(
      "E_FORMAT",
      `'${file}' has no target column '${target}' (columns: ${t.columns.map((c) => c.name).join(", ")})${target.includes(",") ? "; several targets need --model mlp-regressor or mlp" : ""}`,
    );
  const col = t.columns[at] as Column;
  if (regression && col.kind === "string") {
    const example =
      col.values.find((v) => v !== null && Number.isNaN(decimalOf(v))) ?? col.values.find((v) => v !== null);
    throw new DescentError(
      "E_FORMAT",
      `target column '${target}' holds text ('${example}'): a regression predicts numbers; to predict classes use --model logistic (or svm, mlp)`,
    );
  }
  const keep: number[] = [];
  for (let r = 0; r < t.rows; r++) if (!isMissing(col, r)) keep.push(r);
  if (keep.length === 0 && !allowEmpty)
    throw new DescentError("E_EMPTY", `target column '${target}' of '${file}' has no value (every cell is missing)`);
  const y = keep.map((r): number | string => {
    const v = col.values[r] as number | string;
    if (col.kind === "boolean") return v === 1 ? "true" : "false";
    return v;
  });
  const rest = t.columns.filter((_, j) => j !== at);
  const all: ColumnTable = { columns: rest, rows: t.rows };
  const X = keep.length === t.rows ? all : takeRows(all, keep);
  if (rest.length === 0) throw new DescentError("E_FORMAT", `'${file}' has no feature columns besides the target`);
  return { X, y, droppedRows: t.rows - keep.length, kind: col.kind };
}
