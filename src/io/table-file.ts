// Parquet and Arrow files as typed columns: Parquet through hyparquet with every codec writers use
// (snappy, gzip, brotli, ZSTD, LZ4: hyparquet-compressors) and only the columns asked for decoded;
// Arrow through apache-arrow with its validity bitmaps honoured. Both are imported when a file
// needs them (apache-arrow alone adds tens of MB to a process). The numeric cut (features and a
// target as a CSV is cut) is built on the typed columns, so every reader types cells one way.
import { readFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import {
  type Column,
  type ColumnTable,
  columnNames,
  columnOfCells,
  isMissing,
  toColumnTable,
} from "../table/column-table.js";
import type { CsvChunk, CsvLayout } from "./csv-stream.js";
import { concatTables } from "./csv-table.js";

/** Which columns of a table file to read. */
export interface TableFileOptions {
  /** Read only these columns, in file order (Parquet decodes no others); default every column. */
  columns?: readonly string[];
  /** Leave these columns unread (each must exist). */
  drop?: readonly string[];
}

function fail(message: string): never {
  throw new DescentError("E_FORMAT", message);
}

type Hyparquet = typeof import("hyparquet");
type ParquetFile = Awaited<ReturnType<Hyparquet["asyncBufferFromFile"]>>;
type ParquetMeta = Awaited<ReturnType<Hyparquet["parquetMetadataAsync"]>>;
type Compressors = NonNullable<Parameters<Hyparquet["parquetRead"]>[0]["compressors"]>;

/** An open Parquet file: its reader module, bytes, metadata, column names and decompressors. */
interface ParquetSource {
  hyparquet: Hyparquet;
  file: ParquetFile;
  meta: ParquetMeta;
  names: string[];
  /** Columns holding dates or timestamps (read as epoch milliseconds). */
  dates: Set<string>;
  compressors: Compressors;
}

/** Dates and timestamps as epoch milliseconds (numbers), not a Date object a cell. */
const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v) / 1e3,
  timestampFromNanoseconds: (v: bigint) => Number(v) / 1e6,
  dateFromDays: (d: number) => d * 86_400_000,
};

async function openParquet(path: string): Promise<ParquetSource> {
  const hyparquet = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  const file = await hyparquet.asyncBufferFromFile(path);
  const meta = await hyparquet.parquetMetadataAsync(file);
  // Top-level columns only: nested fields are not features.
  const names: string[] = [];
  const dates = new Set<string>();
  let i = 1;
  while (i < meta.schema.length) {
    const s = meta.schema[i] as {
      name: string;
      num_children?: number;
      logical_type?: { type?: string };
      converted_type?: string;
    };
    names.push(s.name);
    const logical = s.logical_type?.type;
    if (logical === "TIMESTAMP" || logical === "DATE" || /^(DATE|TIMESTAMP_)/.test(s.converted_type ?? ""))
      dates.add(s.name);
    i += 1 + (s.num_children ?? 0);
  }
  return { hyparquet, file, meta, names, dates, compressors: compressors as Compressors };
}

/** The columns to read: those `options` asks for (checked against the file), in file order. */
function pickColumns(names: readonly string[], options: TableFileOptions, path: string): string[] {
  const { columns: wanted, drop = [] } = options;
  for (const w of [...(wanted ?? []), ...drop])
    if (!names.includes(w)) fail(`'${path}' has no column '${w}' (columns: ${names.join(", ")})`);
  return names.filter((n) => (wanted === undefined || wanted.includes(n)) && !drop.includes(n));
}

/**
 * Rows first .. first+rows of a Parquet file, the `columns` only, as typed columns. Numeric pages
 * land straight in Float64Arrays; other pages (text, booleans, timestamps, nulls) are typed cell
 * by cell as records are.
 */
async function parquetRows(src: ParquetSource, columns: string[], first: number, rows: number): Promise<ColumnTable> {
  const { hyparquet, file, meta, compressors } = src;
  // Per column: the page data as hyparquet hands it over when one chunk covers the rows asked for
  // (the usual case: no copy), else the cells gathered into an array.
  const data: Array<ArrayLike<unknown> | null> = columns.map(() => null);
  await hyparquet.parquetRead({
    file,
    metadata: meta,
    columns,
    compressors,
    parsers: PARSERS,
    rowStart: first,
    rowEnd: first + rows,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const at = columns.indexOf(columnName);
      if (at < 0) return;
      if (data[at] === null && rowStart === first && columnData.length === rows) {
        data[at] = columnData;
        return;
      }
      let out = data[at];
      if (out === null || !Array.isArray(out)) {
        const cells: unknown[] = new Array(rows).fill(null);
        if (out !== null) for (let r = 0; r < rows; r++) cells[r] = out[r];
        data[at] = cells;
        out = cells;
      }
      const cells = out as unknown[];
      for (let i = 0; i < columnData.length; i++) {
        const r = rowStart + i - first;
        if (r >= 0 && r < rows) cells[r] = columnData[i];
      }
    },
  });
  return {
    rows,
    columns: columns.map((name, j): Column => {
      const v = data[j] ?? new Array(rows).fill(null);
      if (src.dates.has(name)) {
        const values = new Float64Array(rows);
        for (let r = 0; r < rows; r++) {
          const x = v[r];
          values[r] =
            typeof x === "number"
              ? x
              : x instanceof Date
                ? x.getTime()
                : typeof x === "bigint"
                  ? Number(x)
                  : Number.NaN;
        }
        return { kind: "date", name, values };
      }
      if (v instanceof Float64Array) return { kind: "number", name, values: v };
      if (v instanceof Float32Array || v instanceof Int32Array)
        return { kind: "number", name, values: Float64Array.from(v) };
      return columnOfCells(name, v);
    }),
  };
}

/** A read failure as E_FORMAT naming the file. */
function readFailure(path: string, err: unknown): never {
  if (err instanceof DescentError) throw err;
  const e = err as { code?: string; message?: string };
  if (e.code === "ENOENT") fail(`cannot read '${path}': no such file`);
  fail(`cannot read '${path}': ${e.message ?? String(err)}`);
}

/**
 * A .parquet file one row group at a time, or an Arrow file (.arrow, .arrows) one record batch at a
 * time, as typed columns: memory bounded by the largest row group (the CLI's --memory streaming).
 */
export async function* readTableFileChunks(path: string, options: TableFileOptions = {}): AsyncGenerator<ColumnTable> {
  try {
    if (/\.parquet$/i.test(path)) {
      const src = await openParquet(path);
      const columns = pickColumns(src.names, options, path);
      let first = 0;
      for (const group of src.meta.row_groups) {
        const rows = Number(group.num_rows);
        yield await parquetRows(src, columns, first, rows);
        first += rows;
      }
      return;
    }
    const { RecordBatchReader } = await import("apache-arrow");
    const reader = RecordBatchReader.from(await readFile(path));
    for (const batch of reader) {
      const t = toColumnTable(batch as unknown as Parameters<typeof toColumnTable>[0], path);
      const names = columnNames(t);
      const keep = pickColumns(names, options, path);
      yield { columns: t.columns.filter((c) => keep.includes(c.name)), rows: t.rows };
    }
  } catch (err) {
    readFailure(path, err);
  }
}

/** The row groups of a Parquet file, as [first row, row count] (for reading them in any order). */
export async function parquetRowGroups(path: string): Promise<Array<[number, number]>> {
  try {
    const src = await openParquet(path);
    let first = 0;
    return src.meta.row_groups.map((g) => {
      const span: [number, number] = [first, Number(g.num_rows)];
      first += span[1];
      return span;
    });
  } catch (err) {
    readFailure(path, err);
  }
}

/**
 * About how many bytes a file takes once read into memory as typed columns and a float64 matrix:
 * 32 a cell for Parquet (its compressed size says little: a dictionary-coded text column of
 * millions of rows takes a few kilobytes on disk), four times the file's size otherwise.
 */
export async function inMemoryBytes(path: string, fileSize: number): Promise<number> {
  if (!/\.parquet$/i.test(path)) return fileSize * 4;
  try {
    const src = await openParquet(path);
    return Number(src.meta.num_rows) * src.names.length * 32;
  } catch (err) {
    readFailure(path, err);
  }
}

/** Rows first .. first+rows of a Parquet file as typed columns (one row group, read out of order). */
export async function readParquetRows(
  path: string,
  first: number,
  rows: number,
  options: TableFileOptions = {},
): Promise<ColumnTable> {
  try {
    const src = await openParquet(path);
    return await parquetRows(src, pickColumns(src.names, options, path), first, rows);
  } catch (err) {
    readFailure(path, err);
  }
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
