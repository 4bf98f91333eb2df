// A training file as `descent fit` reads it: typed columns, the target taken out, the column plan
// fitted, and the numeric features the model trains on. In memory it is one chunk; streamed, a
// first pass learns the plan on a seeded sample of rows, and later passes hand out chunks.
import { DescentError } from "../errors.js";
import type { CsvChunk } from "../io/csv-stream.js";
import { concatTables, csvByteRanges, readCsvTableChunks } from "../io/csv-table.js";
import { readTypedChunks, readTypedTable, type TableRead } from "../io/read-table.js";
import { TableFileDecoder } from "../io/table-decoder.js";
import { isTableFile } from "../io/table-file.js";
import { Prng } from "../kernels/prng.js";
import {
  type ColumnFlags,
  type ColumnNote,
  castColumns,
  planColumns,
  prepareChunk,
} from "../preprocess/column-plan.js";
import type { ColumnTransformer } from "../preprocess/column-transformer.js";
import { type Column, type ColumnKind, type ColumnTable, missingCount, sliceRows } from "../table/column-table.js";
import { splitTarget } from "../table/target-column.js";

/** What a model file keeps to repeat the preprocessing at predict and in the ONNX export. */
export interface Preprocessing {
  preprocessor: ColumnTransformer;
  /** The feature columns as read (before --categorical / --numeric), in file order. */
  inputColumns: Array<{ name: string; kind: ColumnKind }>;
  flags: ColumnFlags;
  missing: string[] | null;
}

/** The column flags and reading flags of `descent fit` this module reads. */
export interface DataFlags extends ColumnFlags {
  target: string;
  drop?: string[];
  missing?: string[];
}

/** A training file read whole: numeric features, targets and the fitted preprocessing. */
export interface FitData {
  chunk: CsvChunk;
  preprocessing: Preprocessing;
  notes: ColumnNote[];
  /** Rows left out: a missing target; a missing feature under --impute drop-rows. */
  droppedTarget: number;
  droppedIncomplete: number;
}

/** The reading flags of a training file as table-reading options. */
export function readOptions(f: DataFlags): TableRead {
  return {
    ...(f.drop === undefined ? {} : { drop: f.drop }),
    ...(f.missing === undefined ? {} : { missing: f.missing }),
  };
}

/** The names and kinds of a table's columns. */
export function kindsOf(t: ColumnTable): Array<{ name: string; kind: ColumnKind }> {
  return t.columns.map((c) => ({ name: c.name, kind: c.kind }));
}

/** The numeric chunk of prepared columns and their targets. */
function numericChunk(pre: ColumnTransformer, t: ColumnTable, y: Array<number | string>): CsvChunk {
  const m = pre.transform(t);
  return { featureNames: pre.getFeatureNamesOut(), X: m.data as Float64Array, rows: m.rows, y, hasTarget: true };
}

/** The whole file in memory, planned and transformed. */
export async function loadFitData(file: string, f: DataFlags, regression: boolean): Promise<FitData> {
  const table = await readTypedTable(file, readOptions(f));
  const split = splitTarget(table, f.target, regression, file);
  const plan = planColumns(split.X, f);
  const y = plan.keptRows === null ? split.y : plan.keptRows.map((r) => split.y[r] as number | string);
  return {
    chunk: numericChunk(plan.preprocessor, plan.table, y),
    preprocessing: {
      preprocessor: plan.preprocessor,
      inputColumns: kindsOf(split.X),
      flags: columnFlags(f),
      missing: f.missing ?? null,
    },
    notes: plan.notes,
    droppedTarget: split.droppedRows,
    droppedIncomplete: plan.keptRows === null ? 0 : split.X.rows - plan.keptRows.length,
  };
}

/** The column flags a model file keeps (only those given). */
export function columnFlags(f: ColumnFlags): ColumnFlags {
  const out: ColumnFlags = {};
  if (f.categorical !== undefined) out.categorical = f.categorical;
  if (f.numeric !== undefined) out.numeric = f.numeric;
  if (f.impute !== undefined) out.impute = f.impute;
  if (f.maxCategories !== undefined) out.maxCategories = f.maxCategories;
  return out;
}

/** A file streamed: its plan (learnt on a sample), counts, labels, and its chunks in any order. */
export interface FitStream {
  preprocessing: Preprocessing;
  notes: ColumnNote[];
  /** Rows with a target. */
  rows: number;
  droppedTarget: number;
  /** Rows the plan was learnt on. */
  sampleRows: number;
  /** Distinct labels (classifiers), in order of appearance. */
  labels: Array<number | string>;
  /** How many chunks the file is read in. */
  chunkCount: number;
  /** Whether chunks can be read in any order (false: a CSV with line breaks inside quoted cells). */
  anyOrder: boolean;
  /**
   * The chunks in `order` (indices; file order when omitted or when anyOrder is false), numeric,
   * each with the row number (in file order, among rows with a target) of its first row.
   */
  chunks(order?: readonly number[]): AsyncGenerator<{ chunk: CsvChunk; first: number }>;
  /** The chunks as prepared typed columns (cast as the plan says), with their targets and first row number. */
  tables(order?: readonly number[]): AsyncGenerator<{ table: ColumnTable; y: Array<number | string>; first: number }>;
  /** Rows per numeric slice (the budget's). */
  sliceRows: number;
}

/** A file's chunks, read by index: Parquet row groups, Arrow record batches, CSV byte ranges. */
interface ChunkSource {
  count: number;
  anyOrder: boolean;
  read(i: number, kinds: Readonly<Record<string, ColumnKind>>): Promise<ColumnTable>;
}

/** The chunk source of a file; a CSV is cut into byte ranges of about `chunkBytes`. */
async function chunkSource(file: string, read: TableRead, chunkBytes: number): Promise<ChunkSource> {
  if (/\.parquet$/i.test(file)) {
    // One decode worker serves every pass (it holds no process open while idle).
    const decoder = await TableFileDecoder.open(file);
    const groups = await decoder.groups();
    return {
      count: groups.length,
      anyOrder: true,
      read: (i) => decoder.rows(...(groups[i] as [number, number]), read),
    };
  }
  if (isTableFile(file)) {
    const batches: ColumnTable[] = [];
    for await (const t of readTypedChunks(file, read)) batches.push(t);
    return { count: batches.length, anyOrder: true, read: async (i) => batches[i] as ColumnTable };
  }
  const ranges = await csvByteRanges(file, chunkBytes);
  return {
    count: ranges.length,
    anyOrder: true,
    read: async (i, kinds) => {
      const parts: ColumnTable[] = [];
      for await (const t of readCsvTableChunks(file, { ...read, kinds, range: ranges[i], chunkRows: 1 << 30 }))
        parts.push(t);
      return parts.length === 0 ? emptyLike(ranges[i]?.header ?? [], read) : concatTables(parts);
    },
  };
}

/** A table of no rows with the columns a range would have. */
function emptyLike(header: readonly string[], read: TableRead): ColumnTable {
  const drop = read.drop ?? [];
  return {
    rows: 0,
    columns: header
      .filter((h) => !drop.includes(h))
      .map((name) => ({ kind: "number", name, values: new Float64Array(0) })),
  };
}

/** A CSV read in file order, in chunks of `chunkRows` rows (for files whose byte ranges cannot be cut safely). */
async function sequentialSource(file: string, read: TableRead, chunkRows: number): Promise<ChunkSource> {
  // Counted once; each read(i) of a pass is served in order by one running reader.
  let count = 0;
  for await (const _ of readTypedChunks(file, { ...read, chunkRows })) count++;
  let reader: AsyncGenerator<ColumnTable> | null = null;
  let next = 0;
  return {
    count,
    anyOrder: false,
    read: async (i, kinds) => {
      if (reader === null || i !== next) {
        reader = readTypedChunks(file, { ...read, chunkRows, kinds });
        next = 0;
        for (; next < i; next++) await reader.next();
      }
      const r = await reader.next();
      next++;
      return r.value as ColumnTable;
    },
  };
}

/**
 * A first pass over a file too large for memory, chunk by chunk: counts rows and labels, and keeps
 * a seeded uniform sample of at most `sampleRows` rows (reservoir sampling) on which the column
 * plan is fitted (imputer statistics and categories come from the sample).
 */
export async function openFitStream(
  file: string,
  f: DataFlags,
  regression: boolean,
  chunk: { rows: number; bytes: number },
  sampleRows: number,
  seed: number,
): Promise<FitStream> {
  const read = readOptions(f);
  const rng = new Prng(seed ^ 0x5eed);
  let source: ChunkSource = await chunkSource(file, read, chunk.bytes);
  let kinds: Array<{ name: string; kind: ColumnKind }> | null = null;
  let fixed: Record<string, ColumnKind> = {};
  let cells: Array<Array<number | string | null>> = [];
  let ys: Array<number | string> = [];
  const labels = new Set<number | string>();
  const firstRows: number[] = [];
  let seen = 0;
  let droppedTarget = 0;
  const pass = async (): Promise<void> => {
    for (let i = 0; i < source.count; i++) {
      const t = await source.read(i, fixed);
      firstRows.push(seen);
      if (t.rows === 0) continue;
      const split = splitTarget(t, f.target, regression, file, true);
      droppedTarget += split.droppedRows;
      const X = split.X;
      if (kinds === null) {
        kinds = kindsOf(X);
        cells = X.columns.map(() => []);
        fixed = Object.fromEntries(t.columns.filter((c) => missingCount(c) < t.rows).map((c) => [c.name, c.kind]));
      }
      checkKinds(kinds, X, file);
      for (let r = 0; r < X.rows; r++, seen++) {
        if (!regression) labels.add(split.y[r] as number | string);
        let at = seen;
        if (seen >= sampleRows) {
          at = Math.floor(rng.nextFloat() * (seen + 1));
          if (at >= sampleRows) continue;
        }
        X.columns.forEach((c, j) => {
          const v = c.values[r] as number | string | null;
          (cells[j] as Array<number | string | null>)[at] = typeof v === "number" && Number.isNaN(v) ? null : v;
        });
        ys[at] = split.y[r] as number | string;
      }
    }
  };
  try {
    await pass();
  } catch (err) {
    // A quoted cell with a line break straddled a cut: read the CSV in file order instead.
    if (!(err instanceof DescentError) || err.code !== "E_FORMAT" || isTableFile(file) || !source.anyOrder) throw err;
    source = await sequentialSource(file, read, chunk.rows);
    kinds = null;
    fixed = {};
    cells = [];
    ys = [];
    labels.clear();
    firstRows.length = 0;
    seen = 0;
    droppedTarget = 0;
    await pass();
  }
  if (kinds === null || seen === 0)
    throw new DescentError("E_EMPTY", `'${file}' has a header but no rows with a target`);
  const known: Array<{ name: string; kind: ColumnKind }> = kinds;
  const sample: ColumnTable = {
    rows: ys.length,
    columns: known.map(({ name, kind }, j): Column => {
      const v = cells[j] as Array<number | string | null>;
      return kind === "string"
        ? { kind, name, values: v as Array<string | null> }
        : ({ kind, name, values: Float64Array.from(v, (x) => (x === null ? Number.NaN : (x as number))) } as Column);
    }),
  };
  const plan = planColumns(sample, f);
  const pre = plan.preprocessor;
  const src = source;
  async function* tables(
    order?: readonly number[],
  ): AsyncGenerator<{ table: ColumnTable; y: Array<number | string>; first: number }> {
    const ids = order === undefined || !src.anyOrder ? Array.from({ length: src.count }, (_, i) => i) : order;
    for (const i of ids) {
      const t = await src.read(i, fixed);
      if (t.rows === 0) continue;
      const split = splitTarget(t, f.target, regression, file, true);
      if (split.X.rows === 0) continue;
      const prepared = prepareChunk(conform(known, split.X), f, true);
      const y = prepared.keptRows === null ? split.y : prepared.keptRows.map((r) => split.y[r] as number | string);
      yield { table: prepared.table, y, first: firstRows[i] as number };
    }
  }
  return {
    preprocessing: { preprocessor: pre, inputColumns: known, flags: columnFlags(f), missing: f.missing ?? null },
    notes: plan.notes,
    rows: seen,
    droppedTarget,
    sampleRows: sample.rows,
    labels: [...labels],
    chunkCount: src.count,
    anyOrder: src.anyOrder,
    tables,
    async *chunks(order) {
      for await (const { table, y, first } of tables(order)) {
        // A row group can hold hundreds of thousands of rows: its numeric features go out in
        // slices of at most chunk.rows rows, so the matrix in memory stays within the budget.
        for (let from = 0; from < table.rows; from += chunk.rows) {
          const to = Math.min(table.rows, from + chunk.rows);
          yield { chunk: numericChunk(pre, sliceRows(table, from, to), y.slice(from, to)), first: first + from };
        }
      }
    },
    sliceRows: chunk.rows,
  };
}

/** Refuses a chunk whose columns changed kind (a Parquet row group typed otherwise), unless all missing. */
function checkKinds(kinds: Array<{ name: string; kind: ColumnKind }>, X: ColumnTable, file: string): void {
  X.columns.forEach((c, j) => {
    const k = kinds[j];
    if (k === undefined || k.name !== c.name)
      throw new DescentError("E_FORMAT", `'${file}': the columns change between chunks (column ${j} is '${c.name}')`);
    if (k.kind !== c.kind && c.values.some((v) => v !== null && !(typeof v === "number" && Number.isNaN(v))))
      throw new DescentError("E_FORMAT", `'${file}': column '${c.name}' holds ${k.kind} values, then ${c.kind} values`);
  });
}

/** A chunk's columns in the kinds of the first chunk (an all-missing column typed otherwise becomes missing cells of that kind). */
function conform(kinds: Array<{ name: string; kind: ColumnKind }>, X: ColumnTable): ColumnTable {
  return {
    rows: X.rows,
    columns: X.columns.map((c, j): Column => {
      const kind = kinds[j]?.kind ?? c.kind;
      if (kind === c.kind) return c;
      return kind === "string"
        ? { kind, name: c.name, values: new Array<string | null>(X.rows).fill(null) }
        : ({ kind, name: c.name, values: new Float64Array(X.rows).fill(Number.NaN) } as Column);
    }),
  };
}

/** Prediction rows made ready for a saved plan: read with the training kinds, cast as at fit. */
export function preparePredictTable(t: ColumnTable, p: Preprocessing): ColumnTable {
  return castColumns(t, p.flags);
}
