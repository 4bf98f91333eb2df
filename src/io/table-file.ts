// Parquet and Arrow files as typed columns: Parquet through hyparquet with every codec writers use
// (snappy, gzip, brotli, ZSTD, LZ4: hyparquet-compressors) and only the columns asked for decoded;
// Arrow through apache-arrow with its validity bitmaps honoured. Both decode in a worker thread
// under a deadline and a heap limit (table-decoder.ts), so a corrupt file is an E_FORMAT, not a
// hang. The numeric cut (features and a target as a CSV is cut) is built on the typed columns, so
// every reader types cells one way.
import { DescentError } from "../errors.js";
import { type Column, type ColumnTable, columnNames, isMissing } from "../table/column-table.js";
import type { CsvChunk, CsvLayout } from "./csv-stream.js";
import { concatTables } from "./csv-table.js";
import type { TableColumns } from "./table-decode.js";
import { type DecodeLimits, TableFileDecoder } from "./table-decoder.js";

/** Which columns of a table file to read, and the bounds on decoding it. */
export interface TableFileOptions extends TableColumns, DecodeLimits {}

function fail(message: string): never {
  throw new DescentError("E_FORMAT", message);
}

/**
 * A .parquet file one row group at a time, or an Arrow file (.arrow, .arrows) one record batch at a
 * time, as typed columns: memory bounded by the largest row group (the CLI's --memory streaming).
 * Decoded in a worker thread under `options`' deadline and heap limit (a corrupt file is E_FORMAT).
 */
export async function* readTableFileChunks(path: string, options: TableFileOptions = {}): AsyncGenerator<ColumnTable> {
  yield* (await TableFileDecoder.open(path, options)).chunks(options);
}

/** Runs `job` on `path`'s decoder and closes it. */
async function withDecoder<T>(
  path: string,
  limits: DecodeLimits,
  job: (d: TableFileDecoder) => Promise<T>,
): Promise<T> {
  const decoder = await TableFileDecoder.open(path, limits);
  try {
    return await job(decoder);
  } finally {
    await decoder.close();
  }
}

/** The row groups of a Parquet file, as [first row, row count] (for reading them in any order). */
export function parquetRowGroups(path: string, limits: DecodeLimits = {}): Promise<Array<[number, number]>> {
  return withDecoder(path, limits, (d) => d.groups());
}

/**
 * About how many bytes a file takes once read into memory as typed columns and a float64 matrix:
 * 32 a cell for Parquet (its compressed size says little: a dictionary-coded text column of
 * millions of rows takes a few kilobytes on disk), four times the file's size otherwise.
 */
export async function inMemoryBytes(path: string, fileSize: number): Promise<number> {
  if (!/\.parquet$/i.test(path)) return fileSize * 4;
  return 32 * (await withDecoder(path, {}, (d) => d.cells()));
}

/**
 * Rows first .. first+rows of a Parquet file as typed columns (one row group, read out of order).
 * Reading many: open a TableFileDecoder once and ask it for each.
 */
export function readParquetRows(
  path: string,
  first: number,
  rows: number,
  options: TableFileOptions = {},
): Promise<ColumnTable> {
  return withDecoder(path, options, (d) => d.rows(first, rows, options));
}

/** A whole .parquet, .arrow or .arrows file as typed columns. */
export async function readTableFileTable(path: string, options: TableFileOptions = {}): Promise<ColumnTable> {
  const parts: ColumnTable[] = [];
  for await (const t of readTableFileChunks(path, options)) if (t.rows > 0) parts.push(t);
  if (parts.length === 0) throw new DescentError("E_EMPTY", `'${path}' has no rows`);
  return concatTables(parts);
}

/** A cell as a finite number, else E_FORMAT naming its row (1-based, as a CSV line without the header) and column. */
function numberAt(c: Column, r: number, row: number): number {
  if (isMissing(c, r)) fail(`row ${row + 1}, column '${c.name}': is empty (missing)`);
  const v = c.values[r];
  const n = typeof v === "number" ? v : Number.NaN;
  if (!Number.isFinite(n)) fail(`row ${row + 1}, column '${c.name}': '${String(v)}' is not a number`);
  return n;
}

/** Typed columns cut into numeric features and a target as `layout` says (`firstRow`: the row number of the first row). */
function cutColumns(t: ColumnTable, layout: CsvLayout, path: string, firstRow: number): CsvChunk {
  const names = columnNames(t);
  for (const dname of layout.drop)
    if (!names.includes(dname)) fail(`--drop: '${path}' has no column '${dname}' (columns: ${names.join(", ")})`);
  const targetIdx = layout.target === null ? -1 : names.indexOf(layout.target);
  if (layout.target !== null && targetIdx < 0 && !layout.targetOptional)
    fail(`'${path}' has no target column '${layout.target}' (columns: ${names.join(", ")})`);
  const featureIdx =
    layout.features !== null
      ? layout.features.map((f) => {
          const i = names.indexOf(f);
          if (i < 0) fail(`'${path}' has no column '${f}', which the model was trained on`);
          return i;
        })
      : names.map((_, i) => i).filter((i) => i !== targetIdx && !layout.drop.includes(names[i] as string));
  if (featureIdx.length === 0) fail(`'${path}' has no feature columns besides the target`);
  const d = featureIdx.length;
  const rows = t.rows;
  const X = new Float64Array(rows * d);
  featureIdx.forEach((col, j) => {
    const c = t.columns[col] as Column;
    for (let r = 0; r < rows; r++) X[r * d + j] = numberAt(c, r, firstRow + r);
  });
  const y: Array<number | string> = [];
  if (targetIdx >= 0) {
    const c = t.columns[targetIdx] as Column;
    for (let r = 0; r < rows; r++) {
      if (layout.labels) {
        if (isMissing(c, r)) fail(`row ${firstRow + r + 1}, target column '${layout.target}': the label is empty`);
        y.push(c.kind === "string" ? (c.values[r] as string) : String(c.values[r]));
      } else y.push(numberAt(c, r, firstRow + r));
    }
  }
  return { featureNames: featureIdx.map((i) => names[i] as string), X, rows, y, hasTarget: targetIdx >= 0 };
}

/**
 * A whole .parquet, .arrow or .arrows file as one numeric chunk, cut as `layout` says (the same
 * errors as the CSV reader's, naming row and column).
 */
export async function readTableFile(path: string, layout: CsvLayout): Promise<CsvChunk> {
  return cutColumns(await readTableFileTable(path), layout, path, 0);
}

/** Whether the CLI reads `path` as a Parquet or Arrow file (by its extension). */
export function isTableFile(path: string): boolean {
  return /\.(parquet|arrow|arrows)$/i.test(path);
}
