// The CLI's one way into a data file (CSV, Parquet, Arrow) as typed columns, and the target column
// taken out of it: rows with a missing target dropped and counted, a text target refused for a
// regression with the flag that fits.
import { DescentError } from "../errors.js";
import { readCsvTable, readCsvTableChunks } from "../io/csv-table.js";
import { isTableFile, readTableFileChunks, readTableFileTable } from "../io/table-file.js";
import { decimalOf } from "../table/column-builder.js";
import { type Column, type ColumnKind, type ColumnTable, isMissing } from "../table/column-table.js";

/** What to read of a file. */
export interface TableRead {
  /** Only these columns (in file order). */
  columns?: readonly string[];
  /** Not these columns. */
  drop?: readonly string[];
  /** Missing-cell spellings of a CSV (default: empty, NA, NaN, null, N/A). */
  missing?: readonly string[];
  /** Fixed kinds of CSV columns (from a first pass, or a saved model). */
  kinds?: Readonly<Record<string, ColumnKind>>;
  /** Rows per CSV chunk when streaming. */
  chunkRows?: number;
}

/** A whole data file as typed columns. */
export function readTypedTable(file: string, r: TableRead = {}): Promise<ColumnTable> {
  return isTableFile(file) ? readTableFileTable(file, r) : readCsvTable(file, r);
}

/** A data file a chunk at a time (CSV blocks, Parquet row groups, Arrow record batches) as typed columns. */
export function readTypedChunks(file: string, r: TableRead = {}): AsyncGenerator<ColumnTable> {
  return isTableFile(file) ? readTableFileChunks(file, r) : readCsvTableChunks(file, r);
}

/**
 * A word as a shell reads it back: as it is when it is plain, else in single quotes (so a hint
 * such as --drop 'Beak Length (mm)' pastes without a syntax error).
 */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_.,:/=+@%-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

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
      `'${file}' has no target column '${target}' (columns: ${t.columns.map((c) => c.name).join(", ")})`,
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
  const X: ColumnTable =
    keep.length === t.rows
      ? { columns: rest, rows: t.rows }
      : {
          rows: keep.length,
          columns: rest.map((c): Column => {
            if (c.kind === "string") return { ...c, values: keep.map((r) => c.values[r] ?? null) };
            return { ...c, values: Float64Array.from(keep, (r) => c.values[r] as number) };
          }),
        };
  if (rest.length === 0) throw new DescentError("E_FORMAT", `'${file}' has no feature columns besides the target`);
  return { X, y, droppedRows: t.rows - keep.length, kind: col.kind };
}
