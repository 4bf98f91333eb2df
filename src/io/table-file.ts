// Parquet and Arrow files for the CLI: their numeric columns copied column by column into the
// row-major matrix training reads (no row objects), cut into features and a target as a CSV is.
// The readers are imported when a file needs them (apache-arrow alone adds tens of MB to a process).
import { readFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import type { CsvChunk, CsvLayout } from "./csv-stream.js";

/** A table as columns: names and, per column, its values (numbers, bigints, strings, booleans). */
interface Columns {
  names: string[];
  values: Array<ArrayLike<unknown>>;
  rows: number;
}

function fail(message: string): never {
  throw new DescentError("E_FORMAT", message);
}

type Hyparquet = typeof import("hyparquet");
type ParquetFile = Awaited<ReturnType<Hyparquet["asyncBufferFromFile"]>>;
type ParquetMeta = Awaited<ReturnType<Hyparquet["parquetMetadataAsync"]>>;

/** An open Parquet file: its reader module, bytes, metadata and column names. */
interface ParquetSource {
  hyparquet: Hyparquet;
  file: ParquetFile;
  meta: ParquetMeta;
  names: string[];
}

async function openParquet(path: string): Promise<ParquetSource> {
  const hyparquet = await import("hyparquet");
  const file = await hyparquet.asyncBufferFromFile(path);
  const meta = await hyparquet.parquetMetadataAsync(file);
  return { hyparquet, file, meta, names: meta.schema.slice(1).map((s) => s.name) };
}

/**
 * Rows first .. first+rows of a Parquet file as columns. Numeric columns land in Float64Arrays (no
 * boxed numbers); a column whose chunks are not typed arrays (bigints, strings, nulls) stays an
 * ordinary array for cutColumns to check cell by cell.
 */
async function parquetRows(src: ParquetSource, first: number, rows: number): Promise<Columns> {
  const { hyparquet, file, meta, names } = src;
  const values: Array<unknown[] | Float64Array> = names.map(() => new Float64Array(rows));
  await hyparquet.parquetRead({
    file,
    metadata: meta,
    rowStart: first,
    rowEnd: first + rows,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const at = names.indexOf(columnName);
      let out = values[at] as unknown[] | Float64Array;
      const numeric =
        columnData instanceof Float64Array || columnData instanceof Float32Array || columnData instanceof Int32Array;
      if (!numeric && out instanceof Float64Array) {
        out = Array.from(out) as unknown[];
        values[at] = out;
      }
      for (let i = 0; i < columnData.length; i++) {
        const r = rowStart + i - first;
        if (r >= 0 && r < rows) out[r] = columnData[i] as number;
      }
    },
  });
  return { names, values, rows };
}

/** Every column of a Parquet file (hyparquet: pure JS, in Node and browsers). */
async function parquetColumns(path: string): Promise<Columns> {
  const src = await openParquet(path);
  return parquetRows(src, 0, Number(src.meta.num_rows));
}

/** Every column of an Arrow IPC file or stream (.arrow / .arrows). */
async function arrowColumns(path: string): Promise<Columns> {
  const { tableFromIPC } = await import("apache-arrow");
  const table = tableFromIPC(await readFile(path));
  const names = table.schema.fields.map((f) => f.name);
  const values = names.map((_, i) => {
    const column = table.getChildAt(i);
    if (column === null) fail(`Arrow file '${path}': column ${i} is missing`);
    return column.toArray() as ArrayLike<unknown>;
  });
  return { names, values, rows: table.numRows };
}

/** A cell as a finite number, else E_FORMAT naming its row (1-based, as a CSV line without the header) and column. */
function numberAt(v: unknown, row: number, column: string, hint: string): number {
  const n =
    typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n))
    fail(
      `row ${row + 1}, column '${column}': ${v === null || v === undefined ? "is empty" : `'${String(v)}' is not a number`}${hint}`,
    );
  return n;
}

/** Columns of a table as one chunk cut as `layout` says (`firstRow`: the row number of its first row). */
function cutColumns(cols: Columns, layout: CsvLayout, path: string, firstRow: number): CsvChunk {
  const { names, values, rows } = cols;
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
  const X = new Float64Array(rows * d);
  featureIdx.forEach((col, j) => {
    const v = values[col] as ArrayLike<unknown>;
    const name = names[col] as string;
    const hint = ` (drop a non-numeric column with --drop ${name})`;
    if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) {
      for (let r = 0; r < rows; r++) {
        const x = v[r] as number;
        X[r * d + j] = Number.isFinite(x) ? x : numberAt(x, firstRow + r, name, hint);
      }
    } else for (let r = 0; r < rows; r++) X[r * d + j] = numberAt(v[r], firstRow + r, name, hint);
  });
  const y: Array<number | string> = [];
  if (targetIdx >= 0) {
    const v = values[targetIdx] as ArrayLike<unknown>;
    for (let r = 0; r < rows; r++) {
      const cell = v[r];
      if (layout.labels) {
        if (cell === null || cell === undefined || cell === "")
          fail(`row ${firstRow + r + 1}, target column '${layout.target}': the label is empty`);
        y.push(String(cell));
      } else y.push(numberAt(cell, firstRow + r, layout.target as string, ""));
    }
  }
  return { featureNames: featureIdx.map((i) => names[i] as string), X, rows, y, hasTarget: targetIdx >= 0 };
}

/** A read failure as E_FORMAT naming the file. */
function readFailure(path: string, err: unknown): never {
  if (err instanceof DescentError) throw err;
  const e = err as { code?: string; message?: string };
  if (e.code === "ENOENT") fail(`cannot read '${path}': no such file`);
  fail(`cannot read '${path}': ${e.message ?? String(err)}`);
}

/**
 * A whole .parquet, .arrow or .arrows file as one chunk, cut as `layout` says (the same errors as
 * the CSV reader's, naming row and column). Values are read per column into X, row-major.
 */
export async function readTableFile(path: string, layout: CsvLayout): Promise<CsvChunk> {
  let cols: Columns;
  try {
    cols = path.endsWith(".parquet") ? await parquetColumns(path) : await arrowColumns(path);
  } catch (err) {
    readFailure(path, err);
  }
  if (cols.rows === 0) throw new DescentError("E_EMPTY", `'${path}' has no rows`);
  return cutColumns(cols, layout, path, 0);
}

/**
 * A .parquet file one row group at a time, or an Arrow file one record batch at a time, each cut
 * as `layout` says: memory bounded by the largest row group (the CLI's --memory streaming).
 */
export async function* readTableChunks(path: string, layout: CsvLayout): AsyncGenerator<CsvChunk> {
  let first = 0;
  try {
    if (path.endsWith(".parquet")) {
      const src = await openParquet(path);
      for (const group of src.meta.row_groups) {
        const rows = Number(group.num_rows);
        yield cutColumns(await parquetRows(src, first, rows), layout, path, first);
        first += rows;
      }
      return;
    }
    const { RecordBatchReader } = await import("apache-arrow");
    const reader = RecordBatchReader.from(await readFile(path));
    for (const batch of reader) {
      const names = batch.schema.fields.map((f) => f.name);
      const values = names.map((_, i) => (batch.getChildAt(i)?.toArray() ?? []) as ArrayLike<unknown>);
      yield cutColumns({ names, values, rows: batch.numRows }, layout, path, first);
      first += batch.numRows;
    }
  } catch (err) {
    readFailure(path, err);
  }
}

/** Whether the CLI reads `path` as a Parquet or Arrow file (by its extension). */
export function isTableFile(path: string): boolean {
  return /\.(parquet|arrow|arrows)$/i.test(path);
}
