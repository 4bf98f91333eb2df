import { parse } from "csv-parse/sync";
import { DescentError } from "../errors.js";

/** A parsed CSV table: header names and rows of raw string cells. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text with a header row (BOM, quotes, CRLF and empty lines handled by csv-parse).
 * Ragged lines throw E_FORMAT naming the line.
 */
export function parseCsv(text: string): CsvTable {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    const where = e.lines === undefined ? "" : ` (line ${e.lines})`;
    throw new DescentError("E_FORMAT", `CSV${where}: ${e.message ?? String(err)}`, { cause: err });
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new DescentError("E_EMPTY", "CSV has no header row");
  return { header, rows };
}

/**
 * A CSV cell as a finite number; otherwise E_FORMAT naming the line (1-based, header = line 1) and
 * the column, with `hint` appended (what the user can do about it).
 */
export function numberCell(cell: string, line: number, column: string, hint = ""): number {
  const v = cell === "" ? Number.NaN : Number(cell);
  if (!Number.isFinite(v)) {
    const what = cell === "" ? "is empty" : `'${cell}' is not a number`;
    throw new DescentError("E_FORMAT", `CSV line ${line}, column '${column}': ${what}${hint}`);
  }
  return v;
}

/** A numeric table: the feature matrix (as rows) and one target column. */
export interface NumericDataset {
  featureNames: string[];
  targetName: string;
  X: number[][];
  y: number[];
}

/**
 * Splits a table into numeric features and a numeric target column. A cell that is not a number
 * throws E_FORMAT naming its line (1-based, header = line 1) and column.
 */
export function toNumericDataset(table: CsvTable, target: string): NumericDataset {
  const t = table.header.indexOf(target);
  if (t < 0) throw new DescentError("E_FORMAT", `CSV has no column '${target}' (columns: ${table.header.join(", ")})`);
  const X: number[][] = [];
  const y: number[] = [];
  table.rows.forEach((row, r) => {
    const values = row.map((cell, c) => numberCell(cell, r + 2, table.header[c] as string));
    y.push(values[t] as number);
    values.splice(t, 1);
    X.push(values);
  });
  return { featureNames: table.header.filter((_, i) => i !== t), targetName: target, X, y };
}
