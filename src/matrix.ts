import { DescentError } from "./errors.js";

/** A dense row-major matrix: element (r, c) is `data[r * cols + c]`. */
export interface Matrix {
  /** The cells row after row: row r, column j at r·cols + j. */
  data: Float64Array | Float32Array;
  /** Rows (samples). */
  rows: number;
  /** Columns (features). */
  cols: number;
}

/**
 * The part of an Apache Arrow Table (or RecordBatch) the estimators read: its columns, each turned
 * into an array by toArray() (a typed array over the column's buffer for numeric types).
 */
export interface ArrowTableLike {
  /** Rows. */
  numRows: number;
  /** Columns. */
  numCols: number;
  /** The columns' names. */
  schema: {
    /** One field a column. */
    fields: ReadonlyArray<{
      /** The column's name. */
      name: string;
    }>;
  };
  /** Column i, or null. */
  getChildAt(i: number): {
    /** The values buffer (nulls hold whatever lies under them). */
    toArray(): ArrayLike<unknown>;
    /** How many cells are null. */
    nullCount?: number;
    /** Cell i (null when it is null). */
    get?(i: number): unknown;
  } | null;
}

/** Anything the estimators accept as a design matrix. */
export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>> | ArrowTableLike;

/** True when `x` looks like an Apache Arrow Table or RecordBatch. */
export function isArrowTable(x: unknown): x is ArrowTableLike {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<ArrowTableLike>;
  return typeof t.numRows === "number" && typeof t.numCols === "number" && typeof t.getChildAt === "function";
}

/**
 * The numeric columns of an Arrow table as a row-major float64 Matrix, column by column (no row
 * objects); E_SHAPE names a column that is not numeric, E_NONFINITE a null or non-finite value.
 */
function arrowToMatrix(t: ArrowTableLike, name: string): Matrix {
  const rows = t.numRows;
  const cols = t.numCols;
  if (rows === 0 || cols === 0) throw new DescentError("E_EMPTY", `${name} is empty (${rows} x ${cols})`);
  const data = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    const vector = t.getChildAt(c);
    const field = t.schema.fields[c]?.name ?? String(c);
    if (vector === null) throw new DescentError("E_SHAPE", `${name}: Arrow column '${field}' is missing`);
    // toArray() hands back the values buffer without its validity bitmap (a null reads as 0 there):
    // a column with nulls is read cell by cell, a null becoming a missing cell.
    const withNulls = (vector.nullCount ?? 0) > 0 && typeof vector.get === "function";
    const column = withNulls ? null : vector.toArray();
    for (let r = 0; r < rows; r++) {
      const v = column === null ? (vector.get as (i: number) => unknown)(r) : column[r];
      if (v === null || v === undefined)
        throw new DescentError(
          "E_NONFINITE",
          `${name}: Arrow column '${field}' has a missing cell (null) at row ${r}; impute it first (SimpleImputer in a Pipeline)`,
        );
      const x = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number.NaN;
      if (typeof v !== "number" && typeof v !== "bigint" && v !== null && v !== undefined) {
        throw new DescentError(
          "E_SHAPE",
          `${name}: Arrow column '${field}' is not numeric (row ${r} holds ${typeof v})`,
        );
      }
      if (!Number.isFinite(x)) throw nonFiniteError(name, x, r, c);
      data[r * cols + c] = x;
    }
  }
  return { data, rows, cols };
}

/** Element type used for training data and parameters. */
export type DType = "float64" | "float32";

/** An estimator's dtype option: a DType, or 'auto' (the data's own: float32 for float32 input, else float64). */
export type DTypeOption = DType | "auto";

/**
 * The dtype a fit trains in: the option when it names one; under 'auto', float32 when X holds
 * float32 data (a Matrix of a Float32Array, or rows that are all Float32Arrays), else float64.
 */
export function dtypeOfData(option: DTypeOption, X: unknown): DType {
  if (option !== "auto") return option;
  if (isMatrix(X)) return X.data instanceof Float32Array ? "float32" : "float64";
  if (Array.isArray(X) && X.length > 0 && X.every((r) => r instanceof Float32Array)) return "float32";
  return "float64";
}

/** The typed-array constructor for a dtype. */
export function arrayTypeOf(dtype: DType): Float64ArrayConstructor | Float32ArrayConstructor {
  return dtype === "float64" ? Float64Array : Float32Array;
}

/** True when `x` has the `{ data, rows, cols }` shape of a Matrix. */
export function isMatrix(x: unknown): x is Matrix {
  if (typeof x !== "object" || x === null) return false;
  const m = x as Partial<Matrix>;
  return (
    (m.data instanceof Float64Array || m.data instanceof Float32Array) &&
    typeof m.rows === "number" &&
    typeof m.cols === "number"
  );
}

/** Predictions as one value a row: a vector as it is, a one-column Matrix's data; E_SHAPE for several columns. */
export function predictionVector(p: Float64Array | Matrix, name = "the predictions"): Float64Array {
  if (!isMatrix(p)) return p;
  if (p.cols !== 1) throw new DescentError("E_SHAPE", `${name} have ${p.cols} outputs a row where one was expected`);
  return Float64Array.from(p.data);
}

/** Matrices whose cells are known finite (rows of a staged Dataset, scanned when staged). */
const knownFinite = new WeakSet<Matrix>();

/**
 * Records that m's cells are all finite, so toMatrix does not scan them again. For matrices made
 * from data already scanned (a Dataset's rows); returns m.
 */
export function markFinite(m: Matrix): Matrix {
  knownFinite.add(m);
  return m;
}

/**
 * Validates `X` and returns it as a Matrix: a float64 copy for nested arrays, the same data (float64
 * or float32, not copied) for a valid Matrix. Throws E_EMPTY, E_SHAPE (ragged rows, bad dims) or
 * E_NONFINITE with the row and column of the first bad value. `checkFinite` false skips the NaN and
 * Infinity scan of a Matrix's data (for callers that scan their own copy of it).
 */
export function toMatrix(X: MatrixLike, name = "X", checkFinite = true): Matrix {
  if (isArrowTable(X)) return arrowToMatrix(X, name);
  if (isMatrix(X)) {
    const { data, rows, cols } = X;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new DescentError("E_SHAPE", `${name}: rows and cols must be non-negative integers (got ${rows} x ${cols})`);
    }
    if (rows === 0 || cols === 0) throw new DescentError("E_EMPTY", `${name} is empty (${rows} x ${cols})`);
    if (data.length !== rows * cols) {
      throw new DescentError("E_SHAPE", `${name}: data has ${data.length} values but rows x cols = ${rows * cols}`);
    }
    const bad = checkFinite && !knownFinite.has(X) ? firstNonFinite(data) : -1;
    if (bad >= 0) throw nonFiniteError(name, data[bad] as number, Math.floor(bad / cols), bad % cols);
    return { data, rows, cols };
  }
  if (X === null || typeof X !== "object" || typeof (X as ArrayLike<unknown>).length !== "number") {
    throw new DescentError("E_SHAPE", `${name} must be an array of rows or a Matrix { data, rows, cols }`);
  }
  const rows = X.length;
  if (rows === 0) throw new DescentError("E_EMPTY", `${name} has no rows`);
  const first = X[0];
  const cols = first?.length ?? 0;
  if (cols === 0) throw new DescentError("E_EMPTY", `${name} row 0 has no columns`);
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = X[r];
    if (row === undefined || row === null || typeof row.length !== "number") {
      throw new DescentError("E_SHAPE", `${name} row ${r} is not an array`);
    }
    if (row.length !== cols) {
      throw new DescentError("E_SHAPE", `${name} is ragged: row ${r} has ${row.length} columns, row 0 has ${cols}`);
    }
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new DescentError("E_NONFINITE", `${name} has a non-finite value (${String(v)}) at row ${r}, column ${c}`);
      }
      data[r * cols + c] = v;
    }
  }
  return { data, rows, cols };
}

/**
 * The E_NONFINITE error for `value` at (row, column) of `name`: a NaN or ±Infinity, or a finite
 * value that became Infinity in a float32 copy ("beyond the float32 range").
 */
export function nonFiniteError(name: string, value: number, row: number, column: number): DescentError {
  const what = Number.isFinite(value) ? `a value beyond the float32 range (${value})` : `a non-finite value (${value})`;
  return new DescentError("E_NONFINITE", `${name} has ${what} at row ${row}, column ${column}`);
}

type FloatData = Float64Array | Float32Array;

/** True when every id is larger than the one before (rows taken in memory order). */
export function isIncreasing(ids: Int32Array): boolean {
  for (let i = 1; i < ids.length; i++) if ((ids[i] as number) <= (ids[i - 1] as number)) return false;
  return true;
}

/**
 * Where each of `rows` source rows goes when the rows `rowIds` are taken in that order: place[r]
 * is the position of row r among them, −1 for rows not taken; null when a row is taken twice.
 */
export function rowPlaces(rowIds: Int32Array, rows: number): Int32Array | null {
  const place = new Int32Array(rows).fill(-1);
  for (let i = 0; i < rowIds.length; i++) {
    const r = rowIds[i] as number;
    if ((place[r] as number) >= 0) return null;
    place[r] = i;
  }
  return place;
}
type RowCopier = (into: FloatData, source: FloatData, rowIds: Int32Array, cols: number) => void;

/**
 * A fresh copy of the row-copying loop. Each pair of array types gets its own (see rowCopier), so
 * V8 compiles every copy for one pair only: one loop fed several pairs runs about twice as slow.
 */
function makeRowCopier(): RowCopier {
  return (into, source, rowIds, cols) => {
    // Rows taken in a shuffled order, each at most once: read the source front to back and write
    // each row to its place (sequential reads and scattered writes, which retire without waiting,
    // run about twice as fast as the reverse). Otherwise row after row.
    const place = isIncreasing(rowIds) ? null : rowPlaces(rowIds, Math.floor(source.length / cols));
    if (place === null) {
      for (let i = 0; i < rowIds.length; i++) {
        const s = (rowIds[i] as number) * cols;
        const o = i * cols;
        for (let j = 0; j < cols; j++) into[o + j] = source[s + j] as number;
      }
      return;
    }
    for (let r = 0; r < place.length; r++) {
      const to = place[r] as number;
      if (to < 0) continue;
      const s = r * cols;
      const o = to * cols;
      for (let j = 0; j < cols; j++) into[o + j] = source[s + j] as number;
    }
  };
}

const rowCopiers = new Map<string, RowCopier>();

/** The row copier of one pair of array types. */
function rowCopier(into: FloatData, source: FloatData): RowCopier {
  const key = `${into.constructor.name}<-${source.constructor.name}`;
  let copier = rowCopiers.get(key);
  if (copier === undefined) {
    copier = makeRowCopier();
    rowCopiers.set(key, copier);
  }
  return copier;
}

/**
 * Copies rows `rowIds` of the row-major `source` (`cols` values a row) into `into`, one after
 * another (converting between float64 and float32 as the arrays are).
 */
export function copyRows(into: FloatData, source: FloatData, rowIds: Int32Array, cols: number): void {
  rowCopier(into, source)(into, source, rowIds, cols);
}

/** Index of the first NaN or ±Infinity in `data`, or −1. */
export function firstNonFinite(data: Float64Array | Float32Array): number {
  // v·0 is 0 for finite v and NaN otherwise: four independent sums find out fast whether there is
  // anything to look for.
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const n = data.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    a0 += (data[i] as number) * 0;
    a1 += (data[i + 1] as number) * 0;
    a2 += (data[i + 2] as number) * 0;
    a3 += (data[i + 3] as number) * 0;
  }
  for (; i < n; i++) a0 += (data[i] as number) * 0;
  if (a0 + a1 + a2 + a3 === 0) return -1;
  for (let k = 0; k < n; k++) {
    const v = data[k] as number;
    if (v - v !== 0) return k;
  }
  return -1;
}

/** An Apache Arrow Vector's values as an array (other array-likes as they are). */
export function arrayOf<T>(v: ArrayLike<T>): ArrayLike<T> {
  const maybe = v as unknown as { toArray?: unknown; get?: unknown };
  return maybe !== null &&
    typeof maybe === "object" &&
    typeof maybe.toArray === "function" &&
    typeof maybe.get === "function"
    ? ((maybe.toArray as () => ArrayLike<T>)() as ArrayLike<T>)
    : v;
}

/**
 * Validates a numeric vector (targets or sample weights) of the expected length and returns a
 * float64 copy. Throws E_SHAPE on a length mismatch and E_NONFINITE naming the row.
 */
export function toVector(given: ArrayLike<number>, expected: number, name: string): Float64Array {
  // An Arrow Vector (no index access) reads through toArray().
  const v = arrayOf(given);
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new DescentError("E_SHAPE", `${name} must be an array of numbers`);
  }
  if (v.length !== expected) {
    throw new DescentError("E_SHAPE", `${name} has ${v.length} values but X has ${expected} rows`);
  }
  const out = new Float64Array(expected);
  if (v instanceof Float64Array || v instanceof Float32Array) {
    // Typed arrays hold numbers only: one copy, then one pass for NaN and ±Infinity.
    out.set(v);
    for (let i = 0; i < expected; i++) {
      const x = out[i] as number;
      if (x - x !== 0) throw new DescentError("E_NONFINITE", `${name} has a non-finite value (${x}) at row ${i}`);
    }
    return out;
  }
  for (let i = 0; i < expected; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      const row = x as unknown;
      if (row !== null && typeof row === "object" && typeof (row as ArrayLike<unknown>).length === "number") {
        throw new DescentError(
          "E_SHAPE",
          `${name} row ${i} is a list of ${(row as ArrayLike<unknown>).length} values: give one number a row (several outputs are not supported yet)`,
        );
      }
      throw new DescentError("E_NONFINITE", `${name} has a non-finite value (${String(x)}) at row ${i}`);
    }
    out[i] = x;
  }
  return out;
}
