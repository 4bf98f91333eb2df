// Several target columns taken out of a table at once (`--target a,b`): the outputs of a
// multi-output regression, or the 0/1 labels of a multi-label classifier, one row of the matrix
// per kept row; rows missing any target are dropped and counted.
import { DescentError } from "../errors.js";
import { decimalOf } from "./column-builder.js";
import { type Column, type ColumnTable, isMissing, takeRows } from "./column-table.js";

/** The features of a table and its target matrix. */
export interface TargetsSplit {
  X: ColumnTable;
  /** rows × targets, row-major: numbers for a regression, 0/1 for labels. */
  Y: Float64Array;
  /** Rows left out because a target was missing. */
  droppedRows: number;
}

/** The value of a target cell as a number: a boolean as 0/1, a text as its decimal (NaN if none). */
function numberOf(col: Column, r: number): number {
  const v = col.values[r] as number | string;
  if (typeof v === "number") return v;
  return decimalOf(v);
}

/**
 * Takes the `names` columns out of t (E_FORMAT naming a column that is absent or holds text for a
 * regression; for labels, E_LABELS naming a cell that is not 0/1, true/false).
 */
export function splitTargets(t: ColumnTable, names: string[], regression: boolean, file: string): TargetsSplit {
  const cols = names.map((name) => {
    const col = t.columns.find((c) => c.name === name);
    if (col === undefined)
      throw new DescentError(
        "E_FORMAT",
        `'${file}' has no target column '${name}' (columns: ${t.columns.map((c) => c.name).join(", ")})`,
      );
    return col;
  });
  const keep: number[] = [];
  for (let r = 0; r < t.rows; r++) if (cols.every((c) => !isMissing(c, r))) keep.push(r);
  if (keep.length === 0)
    throw new DescentError("E_EMPTY", `no row of '${file}' has every target (${names.join(", ")})`);
  const k = names.length;
  const Y = new Float64Array(keep.length * k);
  cols.forEach((col, j) => {
    keep.forEach((r, i) => {
      const v = numberOf(col, r);
      if (regression && !Number.isFinite(v))
        throw new DescentError(
          "E_FORMAT",
          `target column '${names[j]}' holds text ('${col.values[r]}') at row ${r + 1}: a regression predicts numbers`,
        );
      if (!regression && v !== 0 && v !== 1)
        throw new DescentError(
          "E_LABELS",
          `target column '${names[j]}' has ${JSON.stringify(col.values[r])} at row ${r + 1}: several targets of a classifier are labels, each 0/1 or true/false (multi-label)`,
        );
      Y[i * k + j] = v;
    });
  });
  const rest = t.columns.filter((c) => !names.includes(c.name));
  if (rest.length === 0) throw new DescentError("E_FORMAT", `'${file}' has no feature columns besides the targets`);
  const all: ColumnTable = { columns: rest, rows: t.rows };
  return { X: keep.length === t.rows ? all : takeRows(all, keep), Y, droppedRows: t.rows - keep.length };
}
