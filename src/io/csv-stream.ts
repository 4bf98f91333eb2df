import { createReadStream } from "node:fs";
import { parse as parseSync } from "csv-parse/sync";
import { DescentError } from "../errors.js";
import { numberCell } from "./csv.js";
import { decimalEnd, plainDecimal, plainDecimalCell } from "./decimal.js";

/** How to cut a CSV file into features and a target. */
export interface CsvLayout {
  /** Name of the target column, or null for a file without one (prediction). */
  target: string | null;
  /** Read the target column when the file has it, and carry on without it when not (prediction). */
  targetOptional?: boolean;
  /** Columns to ignore. */
  drop: readonly string[];
  /** Feature columns in this order (predict uses the model's); null: every other column, in file order. */
  features: readonly string[] | null;
  /** Keep target cells as strings (class labels) rather than numbers. */
  labels: boolean;
}

/** A block of parsed rows. */
export interface CsvChunk {
  featureNames: string[];
  /** Row-major features, rows × featureNames.length. */
  X: Float64Array;
  rows: number;
  /** Target values (numbers, or strings when layout.labels), empty without a target. */
  y: Array<number | string>;
  /** Whether the target column was present. */
  hasTarget: boolean;
}

function fail(message: string): never {
  throw new DescentError("E_FORMAT", message);
}

/**
 * A record that is not a plain line of its read: the cells of a quoted record (split by csv-parse),
 * or a plain line that ran across two reads, in bytes of its own (cells null).
 */
export interface CsvRecord {
  cells: string[] | null;
  /** For a plain line: its bytes (UTF-8), and where it runs in them, [start, end). */
  bytes: Uint8Array;
  start: number;
  end: number;
}

/**
 * A read's worth of records, in order, as three numbers each (no object per line): start, end
 * and line (1-based) of a plain line in `bytes`; a negative start −k − 1 stands for others[k].
 */
export interface CsvBatch {
  bytes: Uint8Array;
  spans: number[];
  others: CsvRecord[];
}

const utf8 = new TextDecoder("utf-8");
const NO_BYTES = new Uint8Array(0);

/** The text of bytes[a..b) (UTF-8). */
export function textOf(bytes: Uint8Array, a: number, b: number): string {
  return utf8.decode(bytes.subarray(a, b));
}

/** The trimmed cells of a plain line (no quotes), bytes[start..end), split on commas. */
function splitPlain(bytes: Uint8Array, start: number, end: number): string[] {
  return textOf(bytes, start, end)
    .split(",")
    .map((c) => c.trim());
}

/**
 * Reads the feature cells of a plain line, l[start..end) (bytes), straight into X[at..] (columnSlot[c]: the feature
 * position of column c, −1 for others) when the line has exactly `columns` cells and every
 * feature cell is a plain decimal (see plainDecimal); false otherwise, leaving the line to the
 * general path (which reads what it can and names what it cannot).
 */
function plainFeatures(
  l: Uint8Array,
  start: number,
  end: number,
  columns: number,
  columnSlot: Int32Array,
  X: Float64Array,
  at: number,
  target: number,
): boolean {
  let a = start;
  let c = 0;
  while (true) {
    if (c >= columns) return false;
    const slot = columnSlot[c] as number;
    let b: number;
    if (slot >= 0) {
      // The number is read up to its comma: no separate search for it.
      const v = plainDecimalCell(l, a, end);
      if (Number.isNaN(v)) return false;
      X[at + slot] = v;
      b = decimalEnd;
    } else {
      b = l.indexOf(44 /* , */, a);
      if (b < 0 || b > end) b = end;
      if (c === target) {
        targetStart = a;
        targetEnd = b;
      }
    }
    c++;
    if (b >= end) break;
    a = b + 1;
  }
  return c === columns;
}

/** Where plainFeatures found the target cell of its line: [targetStart, targetEnd). */
let targetStart = 0;
let targetEnd = 0;

/** The most columns a CSV may have (a wider file is refused with E_MEMORY). */
export const MAX_CSV_COLUMNS = 1 << 20;

/** Values a chunk's matrix holds at most (64 MB of float64): a wide file gets fewer rows a chunk. */
export const CHUNK_VALUES = 1 << 23;

/** E_MEMORY for a header wider than MAX_CSV_COLUMNS. */
export function checkWidth(columns: number): void {
  if (columns > MAX_CSV_COLUMNS)
    throw new DescentError(
      "E_MEMORY",
      `the CSV has ${columns.toLocaleString("en")} columns; descent reads at most ${MAX_CSV_COLUMNS.toLocaleString("en")} (select the columns you need first)`,
    );
}

/** Bytes read from the file at a time. */
const READ_BYTES = 1 << 18;

/**
 * The records of a CSV file, one array of trimmed cells per non-empty line, with the line each
 * starts on (1-based). Plain lines stay bytes, split on commas where they are read, numbers read
 * straight from the bytes, which is what makes reading fast (csv-parse's general state machine took
 * 18 s for 1,000,000 × 21 numbers, this under 2); a line holding a double quote goes to csv-parse
 * with the lines its quoted fields run on to, so quotes, escaped quotes and newlines inside quotes
 * keep their CSV meaning. A BOM and CRLF line ends are dropped. `range` reads bytes [start, end)
 * only (start at a line start), with lines numbered from there.
 */
export async function* csvRecords(
  path: string,
  range: readonly [number, number] | null = null,
): AsyncGenerator<CsvBatch> {
  let rest: Uint8Array = NO_BYTES;
  let line = 0;
  // A byte range starts at a line start past the header: no BOM to drop there.
  let first = range === null || range[0] === 0;
  let quoted: string[] = [];
  let quotedLine = 0;
  let quotes = 0;
  const stream = createReadStream(path, {
    highWaterMark: READ_BYTES,
    ...(range === null ? {} : { start: range[0], end: range[1] - 1 }),
  });
  let quoteBytes: Uint8Array = NO_BYTES;
  let quoteAt = Number.POSITIVE_INFINITY;
  const other = (batch: CsvBatch, rec: CsvRecord, at: number): void => {
    batch.others.push(rec);
    batch.spans.push(-batch.others.length, 0, at);
  };
  const handle = (bytes: Uint8Array, a: number, b: number, batch: CsvBatch): void => {
    line++;
    const end = b > a && bytes[b - 1] === 13 /* \r */ ? b - 1 : b;
    // The next double quote of these bytes, searched for again only once passed (a search from
    // every line would scan the rest of the read each time).
    if (bytes !== quoteBytes || quoteAt < a) {
      const q = bytes.indexOf(34 /* " */, a);
      quoteAt = q < 0 ? Number.POSITIVE_INFINITY : q;
      quoteBytes = bytes;
    }
    if (quoted.length > 0 || quoteAt < b) {
      if (quoted.length === 0) quotedLine = line;
      // The raw line: a CR inside a quoted field is part of its value.
      const raw = textOf(bytes, a, b);
      quoted.push(raw);
      for (let i = raw.indexOf('"'); i >= 0; i = raw.indexOf('"', i + 1)) quotes++;
      // An odd count of quotes so far: a quoted field runs on to the next line.
      if (quotes % 2 === 1) return;
      const parsed = parseSync(quoted.join("\n"), { trim: true, relax_column_count: true }) as string[][];
      quoted = [];
      quotes = 0;
      for (const cells of parsed) other(batch, { cells, bytes: NO_BYTES, start: 0, end: 0 }, quotedLine);
      return;
    }
    if (end === a || ((bytes[a] as number) <= 32 && textOf(bytes, a, end).trim() === "")) return;
    if (bytes === batch.bytes) batch.spans.push(a, end, line);
    else other(batch, { cells: null, bytes, start: a, end }, line);
  };
  // Records go out a read's worth at a time: an async generator's every yield is a promise, too
  // dear to pay a line.
  for await (const read of stream as AsyncIterable<Buffer>) {
    // A plain Uint8Array view, the type the joined lines have too: one element kind for the
    // number reader to specialise on (a Buffer and a Uint8Array side by side slow every read).
    let bytes = new Uint8Array(read.buffer, read.byteOffset, read.length);
    if (first) {
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      first = false;
    }
    const batch: CsvBatch = { bytes, spans: [], others: [] };
    const nl = bytes.indexOf(10 /* \n */);
    if (nl < 0) {
      rest = concatBytes(rest, bytes, bytes.length);
      continue;
    }
    // The line split between the read before and this one, joined into bytes of its own.
    const joined = concatBytes(rest, bytes, nl);
    handle(joined, 0, joined.length, batch);
    let a = nl + 1;
    for (let b = bytes.indexOf(10, a); b >= 0; b = bytes.indexOf(10, a)) {
      handle(bytes, a, b, batch);
      a = b + 1;
    }
    // The stream hands over a new buffer each read, so the lines' bytes stay as they are.
    rest = bytes.subarray(a);
    yield batch;
  }
  if (rest.length > 0) {
    const batch: CsvBatch = { bytes: rest, spans: [], others: [] };
    handle(rest, 0, rest.length, batch);
    yield batch;
  }
  if (quoted.length > 0) fail(`CSV line ${quotedLine}: a quoted field is not closed`);
}

/** a followed by b[0..n), as new bytes (a alone when n is 0 and a is whole). */
function concatBytes(a: Uint8Array, b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(a.length + n);
  out.set(a);
  out.set(b.subarray(0, n), a.length);
  return out;
}

/**
 * Streams a CSV file with a header row in blocks of at most `chunkRows` rows (BOM, quotes, CRLF
 * and empty lines handled; see csvRecords). Every error names the line (1-based, the header is
 * line 1) and the column: ragged rows, non-numeric or missing feature values, unknown columns.
 */
export async function* readCsvChunks(path: string, layout: CsvLayout, rowsPerChunk: number): AsyncGenerator<CsvChunk> {
  let chunkRows = rowsPerChunk;
  let header: string[] | null = null;
  let featureIdx: number[] = [];
  let featureNames: string[] = [];
  let targetIdx = -1;
  // Column → position among the features (−1: not a feature).
  let columnSlot = new Int32Array(0);
  let X = new Float64Array(0);
  let y: Array<number | string> = [];
  let rows = 0;
  try {
    for await (const batch of csvRecords(path))
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
          header = cells ?? splitPlain(bytes, start, end);
          const seen = new Set<string>();
          for (const h of header) {
            if (seen.has(h)) fail(`CSV line 1: column '${h}' appears twice`);
            seen.add(h);
          }
          for (const d of layout.drop)
            if (!seen.has(d)) fail(`--drop: the CSV has no column '${d}' (columns: ${header.join(", ")})`);
          if (layout.target !== null) {
            targetIdx = header.indexOf(layout.target);
            if (targetIdx < 0 && !layout.targetOptional) {
              fail(`the CSV has no target column '${layout.target}' (columns: ${header.join(", ")})`);
            }
          }
          if (layout.features !== null) {
            featureNames = [...layout.features];
            featureIdx = featureNames.map((f) => {
              const i = (header as string[]).indexOf(f);
              if (i < 0) fail(`the CSV has no column '${f}', which the model was trained on`);
              return i;
            });
          } else {
            featureIdx = header
              .map((_, i) => i)
              .filter((i) => i !== targetIdx && !layout.drop.includes(header?.[i] as string));
            featureNames = featureIdx.map((i) => (header as string[])[i] as string);
          }
          if (featureIdx.length === 0) fail("the CSV has no feature columns besides the target");
          checkWidth(header.length);
          // A wide file takes fewer rows a chunk, so a chunk's matrix stays near CHUNK_VALUES.
          chunkRows = Math.max(1, Math.min(chunkRows, Math.floor(CHUNK_VALUES / featureIdx.length)));
          columnSlot = new Int32Array(header.length).fill(-1);
          featureIdx.forEach((col, j) => {
            columnSlot[col] = j;
          });
          X = new Float64Array(chunkRows * featureIdx.length);
          continue;
        }
        const d = featureIdx.length;
        // The target: read as a number in place, or its cell's text.
        let targetValue = Number.NaN;
        let targetCell: string | null = null;
        if (cells === null && plainFeatures(bytes, start, end, header.length, columnSlot, X, rows * d, targetIdx)) {
          // Every feature cell was a plain decimal, read in place; only the target is left.
          if (targetIdx >= 0) {
            if (!layout.labels) targetValue = plainDecimal(bytes, targetStart, targetEnd);
            if (Number.isNaN(targetValue)) targetCell = textOf(bytes, targetStart, targetEnd).trim();
          }
        } else {
          cells ??= splitPlain(bytes, start, end);
          if (cells.length !== header.length) {
            fail(`CSV line ${line}: ragged row (${cells.length} fields where the header has ${header.length})`);
          }
          for (let j = 0; j < d; j++) {
            const col = featureIdx[j] as number;
            X[rows * d + j] = numberCell(cells[col] as string, line, header[col] as string);
          }
        }
        if (targetIdx >= 0 && !Number.isNaN(targetValue)) y.push(targetValue);
        else if (targetIdx >= 0) {
          const cell = targetCell ?? (cells?.[targetIdx] as string);
          if (layout.labels) {
            if (cell === "") fail(`CSV line ${line}, target column '${layout.target}': the label is empty`);
            y.push(cell);
          } else {
            y.push(numberCell(cell, line, layout.target as string));
          }
        }
        rows++;
        if (rows === chunkRows) {
          yield { featureNames, X, rows, y, hasTarget: targetIdx >= 0 };
          X = new Float64Array(chunkRows * d);
          y = [];
          rows = 0;
        }
      }
  } catch (err) {
    if (err instanceof DescentError) throw err;
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code === "ENOENT") throw new DescentError("E_FORMAT", `cannot read '${path}': no such file`, { cause: err });
    throw new DescentError(
      "E_FORMAT",
      `CSV${e.lines === undefined ? "" : ` line ${e.lines}`}: ${e.message ?? String(err)}`,
      { cause: err },
    );
  }
  if (header === null) fail(`'${path}' is empty: expected a header row`);
  if (rows > 0) yield { featureNames, X: X.subarray(0, rows * featureIdx.length), rows, y, hasTarget: targetIdx >= 0 };
}

/** Reads the whole file as one chunk (in-memory mode). */
export async function readCsvAll(path: string, layout: CsvLayout): Promise<CsvChunk> {
  const parts: CsvChunk[] = [];
  // Each chunk has an X of its own (readCsvChunks allocates a new one per chunk): no copy here.
  for await (const c of readCsvChunks(path, layout, 65536)) parts.push(c);
  const first = parts[0];
  if (first === undefined) throw new DescentError("E_EMPTY", `'${path}' has a header but no rows`);
  const d = first.featureNames.length;
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const X = new Float64Array(rows * d);
  let off = 0;
  const y: Array<number | string> = [];
  for (const p of parts) {
    X.set(p.X.subarray(0, p.rows * d), off);
    off += p.rows * d;
    for (const v of p.y) y.push(v);
  }
  return { featureNames: first.featureNames, X, rows, y, hasTarget: first.hasTarget };
}
