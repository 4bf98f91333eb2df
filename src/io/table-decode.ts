// Decoding Parquet and Arrow bytes into typed columns, in the thread that calls it. Only the
// decode worker (table-decode-worker.ts) runs this: the decoders are third-party code given
// untrusted bytes, and a corrupt file can send them into an endless loop or an allocation spiral,
// so the host reads table files through table-decoder.ts, under a deadline and a heap limit.
import { readFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import { type Column, type ColumnTable, columnNames, columnOfCells, toColumnTable } from "../table/column-table.js";

/** Which columns of a table file to read. */
export interface TableColumns {
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
export interface ParquetSource {
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

/** Opens a Parquet file: its metadata, top-level column names and date columns. */
export async function openParquet(path: string): Promise<ParquetSource> {
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
export function pickColumns(names: readonly string[], options: TableColumns, path: string): string[] {
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
export async function parquetRows(
  src: ParquetSource,
  columns: string[],
  first: number,
  rows: number,
): Promise<ColumnTable> {
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

/** A .parquet file's row groups as [first row, row count]. */
export function rowGroupSpans(src: ParquetSource): Array<[number, number]> {
  let first = 0;
  return src.meta.row_groups.map((g) => {
    const span: [number, number] = [first, Number(g.num_rows)];
    first += span[1];
    return span;
  });
}

/**
 * A .parquet file one row group at a time, or an Arrow file (.arrow, .arrows) one record batch at
 * a time, as typed columns.
 */
export async function* decodeChunks(path: string, options: TableColumns): AsyncGenerator<ColumnTable> {
  if (/\.parquet$/i.test(path)) {
    const src = await openParquet(path);
    const columns = pickColumns(src.names, options, path);
    for (const [first, rows] of rowGroupSpans(src)) yield await parquetRows(src, columns, first, rows);
    return;
  }
  const { RecordBatchReader } = await import("apache-arrow");
  const reader = RecordBatchReader.from(await readFile(path));
  for (const batch of reader) {
    const t = toColumnTable(batch as unknown as Parameters<typeof toColumnTable>[0], path);
    const keep = pickColumns(columnNames(t), options, path);
    yield { columns: t.columns.filter((c) => keep.includes(c.name)), rows: t.rows };
  }
}
