// A CSV file as typed columns (numbers, text, booleans, dates, missing cells), for the
// preprocessing path: the CLI's fit and predict, and the library's readCsvTable. Lines come from
// the byte-level reader of csv-stream.ts; numeric cells are read straight from the bytes.
import { parse } from "csv-parse/sync";
import { DescentError } from "../errors.js";
import { ColumnBuilder, DEFAULT_MISSING, missingSet } from "../table/column-builder.js";
import { type ColumnKind, type ColumnTable, missingCount } from "../table/column-table.js";
import { CHUNK_VALUES, type CsvRecord, checkWidth, csvRecords, textOf } from "./csv-stream.js";
import { decimalEnd, plainDecimalCell } from "./decimal.js";

/** How to read a CSV file into typed columns. */
export interface CsvTableOptions {
  /** Cell texts that mean "missing" (case-insensitive); default empty, NA, NaN, null, N/A. */
  missing?: readonly string[];
  /** Read only these columns (in file order); default every column. */
  columns?: readonly string[];
  /** Leave these columns unread (each must exist). */
  drop?: readonly string[];
  /** Fixed kinds by column name (from an earlier pass); other columns are typed by their cells. */
  kinds?: Readonly<Record<string, ColumnKind>>;
  /** Rows per chunk of readCsvTableChunks (default 65,536). */
  chunkRows?: number;
  /**
   * Read bytes [start, end) of the file only, `header` standing for its header line (a range starts
   * at a line start after the header; see csvByteRanges). Lines in errors count from the range's start.
   */
  range?: {
    /** The first byte. */
    start: number;
    /** The byte after the last. */
    end: number;
    /** The file's header, read once. */
    header: readonly string[];
  };
}

function fail(message: string): never {
  throw new DescentError("E_FORMAT", message);
}

/**
 * A CSV file with a header row as typed columns, in chunks of at most `chunkRows` rows. Column
 * kinds are settled by the first chunk unless `kinds` fixes them; a later cell that does not fit
 * its column's kind is an E_FORMAT naming line and column. Errors name the line (the header is 1).
 */
export async function* readCsvTableChunks(path: string, options: CsvTableOptions = {}): AsyncGenerator<ColumnTable> {
  const missing = missingSet(options.missing ?? DEFAULT_MISSING);
  const chunkRows = options.chunkRows ?? 65536;
  // Per file column: its builder, or null when the column is not read.
  let slots: Array<ColumnBuilder | null> = [];
  let header: string[] | null = null;
  if (options.range !== undefined) {
    header = [...options.range.header];
    slots = [];
  }
  let kinds: Record<string, ColumnKind> = { ...(options.kinds ?? {}) };
  let rows = 0;
  const fresh = (): Array<ColumnBuilder | null> =>
    (header as string[]).map((h) =>
      (options.columns === undefined || options.columns.includes(h)) && !(options.drop ?? []).includes(h)
        ? new ColumnBuilder(
            h,
            missing,
            kinds[h] ?? null,
            Math.min(chunkRows, 1 << 16, Math.floor(CHUNK_VALUES / (header as string[]).length)),
          )
        : null,
    );
  const flush = (): ColumnTable => {
    const columns = slots.flatMap((b) => (b === null ? [] : [b.finish()]));
    // Later chunks keep the kinds the first one settled.
    for (const c of columns) if (missingCount(c) < c.values.length) kinds[c.name] ??= c.kind;
    slots = fresh();
    const t = { columns, rows };
    rows = 0;
    return t;
  };
  try {
    if (header !== null) slots = fresh();
    const range = options.range === undefined ? null : ([options.range.start, options.range.end] as const);
    for await (const batch of csvRecords(path, range)) {
      for (let k = 0; k < batch.spans.length; k += 3) {
        let bytes = batch.bytes;
        let start = batch.spans[k] as number;
        let end = batch.spans[k + 1] as number;
        const line = batch.spans[k + 2] as number;
        let cells: string[] | null = null;
        if (start < 0) {
          const rec = batch.others[-start - 1] as CsvRecord;
          ({ cells, bytes, start, end } = rec);
        }
        if (header === null) {
          header =
            cells ??
            textOf(bytes, start, end)
              .split(",")
              .map((c) => c.trim());
          const seen = new Set<string>();
          for (const h of header) {
            if (seen.has(h)) fail(`CSV line 1: column '${h}' appears twice`);
            seen.add(h);
          }
          checkWidth(header.length);
          for (const c of [...(options.columns ?? []), ...(options.drop ?? [])])
            if (!seen.has(c)) fail(`the CSV has no column '${c}' (columns: ${header.join(", ")})`);
          kinds = { ...kinds };
          slots = fresh();
          continue;
        }
        const where = range === null ? `CSV line ${line}` : `CSV line ${line} after byte ${range[0]}`;
        if (cells !== null) {
          if (cells.length !== header.length)
            fail(`${where}: ragged row (${cells.length} fields where the header has ${header.length})`);
          for (let c = 0; c < cells.length; c++) slots[c]?.pushText(cells[c] as string, line);
        } else readPlainLine(bytes, start, end, slots, line, header.length, where);
        rows++;
        if (rows === chunkRows) yield flush();
      }
    }
  } catch (err) {
    if (err instanceof DescentError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === "ENOENT") fail(`cannot read '${path}': no such file`);
    fail(`cannot read '${path}': ${e.message ?? String(err)}`);
  }
  if (header === null) fail(`'${path}' is empty: expected a header row`);
  if (rows > 0) yield flush();
}

/** The cells of a plain line bytes[start..end) into their columns' builders. */
function readPlainLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  slots: Array<ColumnBuilder | null>,
  line: number,
  columns: number,
  where: string,
): void {
  let a = start;
  let c = 0;
  while (true) {
    if (c >= columns) fail(`${where}: ragged row (more fields than the header's ${columns})`);
    const b0 = slots[c] ?? null;
    let b: number;
    if (b0?.takesNumbers) {
      const v = plainDecimalCell(bytes, a, end);
      if (Number.isNaN(v)) {
        b = bytes.indexOf(44 /* , */, a);
        if (b < 0 || b > end) b = end;
        b0.pushText(textOf(bytes, a, b), line);
      } else {
        b0.pushNumber(v);
        b = decimalEnd;
      }
    } else {
      b = bytes.indexOf(44 /* , */, a);
      if (b < 0 || b > end) b = end;
      if (b0 !== null) b0.pushText(textOf(bytes, a, b), line);
    }
    c++;
    if (b >= end) break;
    a = b + 1;
  }
  if (c !== columns) fail(`${where}: ragged row (${c} fields where the header has ${columns})`);
}

/** A whole CSV file as typed columns (chunks joined; kinds settled on the first chunk, then kept). */
export async function readCsvTable(path: string, options: CsvTableOptions = {}): Promise<ColumnTable> {
  const parts: ColumnTable[] = [];
  for await (const t of readCsvTableChunks(path, { ...options, chunkRows: options.chunkRows ?? 1 << 20 }))
    parts.push(t);
  if (parts.length === 0) throw new DescentError("E_EMPTY", `'${path}' has a header but no rows`);
  return concatTables(parts);
}

/** Tables of the same columns, one after another. */
export function concatTables(parts: readonly ColumnTable[]): ColumnTable {
  const first = parts[0] as ColumnTable;
  if (parts.length === 1) return first;
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const columns = first.columns.map((c, j) => {
    if (c.kind === "string") {
      const values: Array<string | null> = new Array(rows);
      let at = 0;
      for (const p of parts) {
        const v = (p.columns[j] as typeof c).values;
        for (let i = 0; i < v.length; i++) values[at++] = v[i] ?? null;
      }
      return { ...c, values };
    }
    const values = new Float64Array(rows);
    let at = 0;
    for (const p of parts) {
      const v = (p.columns[j] as typeof c).values;
      values.set(v, at);
      at += v.length;
    }
    return { ...c, values };
  });
  return { columns, rows };
}

/**
 * The file cut into byte ranges of about `bytes` each, every range starting at a line start after
 * the header (the first newline at or after its nominal start), with the header's cells: for
 * reading a large CSV's chunks in any order. A quoted cell holding a line break can straddle a
 * cut; reading such a range fails (E_FORMAT), and the caller reads the file in order instead.
 */
export async function csvByteRanges(
  path: string,
  bytes: number,
): Promise<Array<{ start: number; end: number; header: string[] }>> {
  const { open } = await import("node:fs/promises");
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(1 << 16);
    /** The offset just past the first newline at or after `at` (size when there is none). */
    const lineStart = async (at: number): Promise<number> => {
      for (let pos = at; pos < size; pos += buf.length) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) return pos + nl + 1;
      }
      return size;
    };
    const bodyStart = await lineStart(0);
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, bodyStart), 0);
    const headText = buf.subarray(0, bytesRead).toString("utf8");
    const header = ((parse(headText, { bom: true, trim: true }) as string[][])[0] ?? []).map(String);
    const starts = [bodyStart];
    for (let at = bodyStart + bytes; at < size; at += bytes) {
      const s = await lineStart(at - 1);
      if (s > (starts.at(-1) as number) && s < size) starts.push(s);
    }
    return starts.map((start, i) => ({ start, end: starts[i + 1] ?? size, header }));
  } finally {
    await fh.close();
  }
}
