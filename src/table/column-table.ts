// Typed columns: the one view of a table the transformers, the CLI and the lab read. Records,
// Apache Arrow tables and record batches, matrices and nested arrays all arrive here, each column
// typed (number, string, boolean, date) with its missing cells marked, so no reader decides alone
// what a text, empty or null cell means.
import { DescentError } from "../errors.js";
import { isMatrix, type Matrix, type MatrixLike, toMatrix } from "../matrix.js";

/** What a column holds. Dates are instants (milliseconds since 1970-01-01T00:00:00Z). */
export type ColumnKind = "number" | "string" | "boolean" | "date";

/** A numeric column; a missing cell is NaN. */
export interface NumberColumn {
  /** The column's kind. */
  kind: "number";
  /** The column's name (its header). */
  name: string;
  /** One cell a row: the numbers, NaN where missing. */
  values: Float64Array;
}

/** A boolean column as 1 / 0; a missing cell is NaN. */
export interface BooleanColumn {
  /** The column's kind. */
  kind: "boolean";
  /** The column's name (its header). */
  name: string;
  /** One cell a row: 1 for true, 0 for false, NaN where missing. */
  values: Float64Array;
}

/** A date or timestamp column as milliseconds since the Unix epoch (UTC); a missing cell is NaN. */
export interface DateColumn {
  /** The column's kind. */
  kind: "date";
  /** The column's name (its header). */
  name: string;
  /** One cell a row: milliseconds since the Unix epoch (UTC), NaN where missing. */
  values: Float64Array;
}

/** A text (categorical) column; a missing cell is null. */
export interface StringColumn {
  /** The column's kind. */
  kind: "string";
  /** The column's name (its header). */
  name: string;
  /** One cell a row: the texts, null where missing. */
  values: Array<string | null>;
}

/** One typed column. */
export type Column = NumberColumn | BooleanColumn | DateColumn | StringColumn;

/** A table as typed columns of equal length. */
export interface ColumnTable {
  /** The columns, in table order. */
  columns: Column[];
  /** Rows: every column's length. */
  rows: number;
}

/** A row of a table given as records: cell values by column name. */
export type TableRecord = Record<string, number | string | boolean | Date | bigint | null | undefined>;

/**
 * The part of an Apache Arrow Table or RecordBatch read here: its fields' names and type ids, and
 * per column a vector with `get` (null for a missing cell) and `nullCount`.
 */
export interface ArrowTableView {
  /** Rows. */
  numRows: number;
  /** Columns. */
  numCols: number;
  /** The columns' names and types. */
  schema: {
    /** One field a column. */
    fields: ReadonlyArray<{
      /** The column's name. */
      name: string;
      /** Its Arrow type. */
      type?: {
        /** apache-arrow's Type id. */
        typeId?: number;
      };
    }>;
  };
  /** Column i, or null. */
  getChildAt(i: number): ArrowVectorView | null;
}

/** The part of an Arrow Vector read here. */
export interface ArrowVectorView {
  /** Cells. */
  length: number;
  /** How many cells are null. */
  nullCount: number;
  /** Cell i (null when it is null). */
  get(i: number): unknown;
  /** The values buffer (nulls hold whatever lies under them). */
  toArray(): ArrayLike<unknown>;
  /** The vector's Arrow type. */
  type?: {
    /** apache-arrow's Type id. */
    typeId?: number;
  };
}

/** Anything a transformer, a pipeline or `toColumnTable` takes as X. */
export type TableLike = Matrix | ArrayLike<ArrayLike<number>> | ArrowTableView | readonly TableRecord[] | ColumnTable;

/** True when `x` is a ColumnTable (typed columns, as the readers and transformers pass them). */
export function isColumnTable(x: unknown): x is ColumnTable {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<ColumnTable>;
  return Array.isArray(t.columns) && typeof t.rows === "number";
}

/** True when `x` looks like an Apache Arrow Table or RecordBatch. */
export function isArrowTableView(x: unknown): x is ArrowTableView {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<ArrowTableView>;
  return typeof t.numRows === "number" && typeof t.numCols === "number" && typeof t.getChildAt === "function";
}

/** True when `x` is a non-empty array of plain objects (records), not of rows. */
export function isRecords(x: unknown): x is readonly TableRecord[] {
  if (!Array.isArray(x) || x.length === 0) return false;
  const first = x[0] as unknown;
  return typeof first === "object" && first !== null && !Array.isArray(first) && !ArrayBuffer.isView(first);
}

/** Column names of a table, in order. */
export function columnNames(t: ColumnTable): string[] {
  return t.columns.map((c) => c.name);
}

/** Whether cell `r` of a column is missing. */
export function isMissing(c: Column, r: number): boolean {
  return c.kind === "string" ? c.values[r] === null : Number.isNaN(c.values[r] as number);
}

/** How many cells of a column are missing. */
export function missingCount(c: Column): number {
  let n = 0;
  for (let r = 0; r < c.values.length; r++) if (isMissing(c, r)) n++;
  return n;
}

// Apache Arrow's Type ids (apache-arrow's enum Type), for the types read here.
const ARROW_INT = 2;
const ARROW_FLOAT = 3;
const ARROW_UTF8 = 5;
const ARROW_BOOL = 6;
const ARROW_DECIMAL = 7;
const ARROW_DATE = 8;
const ARROW_TIMESTAMP = 10;
const ARROW_LARGE_UTF8 = 20;
const ARROW_DICTIONARY = -1;

/** A date-like cell (Date, or epoch milliseconds as Arrow hands timestamps back) as epoch ms. */
function dateMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  return Number.NaN;
}

/** One Arrow column as a typed column, its validity bitmap honoured (a null is a missing cell). */
function arrowColumn(name: string, vec: ArrowVectorView, typeId: number | undefined, rows: number): Column {
  if (typeId === ARROW_UTF8 || typeId === ARROW_LARGE_UTF8 || typeId === ARROW_DICTIONARY) {
    const values: Array<string | null> = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const v = vec.get(r);
      values[r] = v === null || v === undefined ? null : String(v);
    }
    return { kind: "string", name, values };
  }
  if (typeId === ARROW_DATE || typeId === ARROW_TIMESTAMP) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = dateMs(vec.get(r));
    return { kind: "date", name, values };
  }
  if (typeId === ARROW_BOOL) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const v = vec.get(r);
      values[r] = v === null || v === undefined ? Number.NaN : v ? 1 : 0;
    }
    return { kind: "boolean", name, values };
  }
  if (typeId === ARROW_INT || typeId === ARROW_FLOAT || typeId === ARROW_DECIMAL || typeId === undefined) {
    const values = new Float64Array(rows);
    if (vec.nullCount === 0) {
      const a = vec.toArray();
      for (let r = 0; r < rows; r++) {
        const v = a[r];
        values[r] = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number.NaN;
      }
    } else
      for (let r = 0; r < rows; r++) {
        const v = vec.get(r);
        values[r] = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number.NaN;
      }
    if (typeId !== undefined) return { kind: "number", name, values };
  }
  // A type without an id here: typed by its cells, as a record column would be.
  const cells: unknown[] = new Array(rows);
  for (let r = 0; r < rows; r++) cells[r] = vec.get(r);
  return columnOfCells(name, cells);
}

/** An Arrow Table or RecordBatch as typed columns. */
function arrowTable(t: ArrowTableView, label: string): ColumnTable {
  const rows = t.numRows;
  const columns: Column[] = [];
  for (let i = 0; i < t.numCols; i++) {
    const field = t.schema.fields[i];
    const name = field?.name ?? String(i);
    const vec = t.getChildAt(i);
    if (vec === null) throw new DescentError("E_SHAPE", `${label}: Arrow column '${name}' is missing`);
    columns.push(arrowColumn(name, vec, field?.type?.typeId ?? vec.type?.typeId, rows));
  }
  return { columns, rows };
}

/** Whether a record cell is a missing value (null, undefined, NaN). */
function missingCell(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/**
 * A column from its cells, typed as records are: all numbers (bigints included) → number; all
 * booleans → boolean; all Dates → date; any string → string (other cells as their text).
 */
export function columnOfCells(name: string, cells: ArrayLike<unknown>): Column {
  const rows = cells.length;
  let numbers = 0;
  let booleans = 0;
  let dates = 0;
  let strings = 0;
  for (let r = 0; r < rows; r++) {
    const v = cells[r];
    if (missingCell(v)) continue;
    if (typeof v === "number" || typeof v === "bigint") numbers++;
    else if (typeof v === "boolean") booleans++;
    else if (v instanceof Date) dates++;
    else if (typeof v === "string") strings++;
    else
      throw new DescentError(
        "E_FORMAT",
        `column '${name}', row ${r}: a ${typeof v} cell is not a number, string, boolean or Date`,
      );
  }
  const present = numbers + booleans + dates + strings;
  if (strings > 0 || (present > 0 && numbers !== present && booleans !== present && dates !== present)) {
    const values: Array<string | null> = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const v = cells[r];
      values[r] = missingCell(v) ? null : v instanceof Date ? v.toISOString() : String(v);
    }
    return { kind: "string", name, values };
  }
  const values = new Float64Array(rows);
  const kind: ColumnKind = booleans > 0 ? "boolean" : dates > 0 ? "date" : "number";
  for (let r = 0; r < rows; r++) {
    const v = cells[r];
    values[r] = missingCell(v) ? Number.NaN : kind === "date" ? dateMs(v) : Number(v);
  }
  return { kind, name, values } as Column;
}

/** Records as typed columns: the columns are the keys in order of first appearance. */
function recordsTable(records: readonly TableRecord[], label: string): ColumnTable {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let r = 0; r < records.length; r++) {
    const rec = records[r];
    if (rec === null || typeof rec !== "object" || Array.isArray(rec))
      throw new DescentError("E_SHAPE", `${label} row ${r} is not a record (an object of cells)`);
    for (const k of Object.keys(rec))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  }
  const columns = names.map((name) => {
    const cells: unknown[] = new Array(records.length);
    for (let r = 0; r < records.length; r++) cells[r] = (records[r] as TableRecord)[name];
    return columnOfCells(name, cells);
  });
  return { columns, rows: records.length };
}

/** A numeric matrix (NaN = missing) as number columns named x0, x1, … as scikit-learn names them. */
function matrixTable(m: Matrix): ColumnTable {
  const columns: Column[] = [];
  for (let c = 0; c < m.cols; c++) {
    const values = new Float64Array(m.rows);
    for (let r = 0; r < m.rows; r++) values[r] = m.data[r * m.cols + c] as number;
    columns.push({ kind: "number", name: `x${c}`, values });
  }
  return { columns, rows: m.rows };
}

/** Nested arrays of numbers (NaN, null and undefined = missing) as number columns x0, x1, …. */
function rowsTable(X: ArrayLike<ArrayLike<unknown>>, label: string): ColumnTable {
  const rows = X.length;
  const cols = X[0]?.length ?? 0;
  const columns: Column[] = [];
  for (let c = 0; c < cols; c++) columns.push({ kind: "number", name: `x${c}`, values: new Float64Array(rows) });
  for (let r = 0; r < rows; r++) {
    const row = X[r];
    if (row === null || row === undefined || typeof row.length !== "number")
      throw new DescentError("E_SHAPE", `${label} row ${r} is not an array`);
    if (row.length !== cols)
      throw new DescentError("E_SHAPE", `${label} is ragged: row ${r} has ${row.length} columns, row 0 has ${cols}`);
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      let x: number;
      if (missingCell(v)) x = Number.NaN;
      else if (typeof v === "number") x = v;
      else
        throw new DescentError(
          "E_SHAPE",
          `${label} row ${r}, column ${c} holds ${typeof v} '${String(v)}': nested arrays hold numbers; give text columns as records or an Arrow table`,
        );
      (columns[c] as NumberColumn).values[r] = x;
    }
  }
  return { columns, rows };
}

/**
 * Any table input as typed columns: a ColumnTable as it is; records (keys are column names); an
 * Apache Arrow Table or RecordBatch (string, dictionary, boolean, date, timestamp and numeric
 * columns; a null is a missing cell); a Matrix or nested arrays (number columns x0, x1, …; NaN
 * is a missing cell). E_EMPTY for no rows or columns, E_SHAPE for ragged rows.
 */
export function toColumnTable(X: TableLike, label = "X"): ColumnTable {
  let t: ColumnTable;
  if (isColumnTable(X)) t = X;
  else if (isArrowTableView(X)) t = arrowTable(X, label);
  else if (isMatrix(X)) t = matrixTable(X);
  else if (isRecords(X)) t = recordsTable(X, label);
  else if (X !== null && typeof X === "object" && typeof (X as ArrayLike<unknown>).length === "number") {
    t = rowsTable(X as ArrayLike<ArrayLike<unknown>>, label);
  } else throw new DescentError("E_SHAPE", `${label} must be records, an Arrow table, a Matrix or an array of rows`);
  if (t.rows === 0 || t.columns.length === 0)
    throw new DescentError("E_EMPTY", `${label} is empty (${t.rows} rows × ${t.columns.length} columns)`);
  return t;
}

/** The columns of `t` at `indices`, in that order (no copy of the values). */
export function selectColumns(t: ColumnTable, indices: readonly number[]): ColumnTable {
  return { columns: indices.map((i) => t.columns[i] as Column), rows: t.rows };
}

/** Rows `rowIds` of a table, in that order (a copy). */
export function takeRows(t: ColumnTable, rowIds: ArrayLike<number>): ColumnTable {
  const n = rowIds.length;
  const columns = t.columns.map((c): Column => {
    if (c.kind === "string") {
      const values: Array<string | null> = new Array(n);
      for (let i = 0; i < n; i++) values[i] = c.values[rowIds[i] as number] ?? null;
      return { kind: "string", name: c.name, values };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = c.values[rowIds[i] as number] as number;
    return { kind: c.kind, name: c.name, values } as Column;
  });
  return { columns, rows: n };
}

/** A table's columns as a row-major float64 matrix; E_SHAPE names a text column. Missing cells stay NaN. */
export function numericMatrix(t: ColumnTable, label = "X"): Matrix {
  const cols = t.columns.length;
  const data = new Float64Array(t.rows * cols);
  t.columns.forEach((c, j) => {
    if (c.kind === "string")
      throw new DescentError(
        "E_SHAPE",
        `${label}: column '${c.name}' holds text ('${c.values.find((v) => v !== null) ?? ""}'); encode it first (OneHotEncoder in a ColumnTransformer)`,
      );
    for (let r = 0; r < t.rows; r++) data[r * cols + j] = c.values[r] as number;
  });
  return { data, rows: t.rows, cols };
}

/**
 * X as a validated float64-or-float32 Matrix for the numeric steps and estimators: a Matrix,
 * nested arrays and numeric Arrow tables as toMatrix reads them; records and typed columns through
 * their columns (E_SHAPE names a text column, E_NONFINITE a missing cell).
 */
export function toNumericMatrix(X: TableLike, label = "X"): Matrix {
  if (isColumnTable(X) || isRecords(X)) return toMatrix(numericMatrix(toColumnTable(X, label), label), label);
  return toMatrix(X as MatrixLike, label);
}

/** A row-major matrix's columns as number columns named `names`. */
export function matrixColumns(m: Matrix, names: readonly string[]): ColumnTable {
  const columns: Column[] = names.map((name, j) => {
    const values = new Float64Array(m.rows);
    for (let r = 0; r < m.rows; r++) values[r] = m.data[r * m.cols + j] as number;
    return { kind: "number", name, values };
  });
  return { columns, rows: m.rows };
}

/** Rows [from, to) of a table: views of the numeric columns, a slice of the text ones. */
export function sliceRows(t: ColumnTable, from: number, to: number): ColumnTable {
  return {
    rows: to - from,
    columns: t.columns.map(
      (c): Column =>
        c.kind === "string"
          ? { kind: "string", name: c.name, values: c.values.slice(from, to) }
          : ({ kind: c.kind, name: c.name, values: c.values.subarray(from, to) } as Column),
    ),
  };
}

/**
 * t with each column whose kind differs from the one `kinds` names for it but which holds no value
 * (every cell missing, as in a record with a null) made a missing column of that kind: one row to
 * predict with a null types its column as numbers, whatever the column held at fit.
 */
export function conformKinds(t: ColumnTable, kinds: ReadonlyMap<string, ColumnKind>): ColumnTable {
  let changed = false;
  const columns = t.columns.map((c): Column => {
    const want = kinds.get(c.name);
    if (want === undefined || want === c.kind || missingCount(c) < t.rows) return c;
    changed = true;
    return want === "string"
      ? { kind: "string", name: c.name, values: new Array<string | null>(t.rows).fill(null) }
      : ({ kind: want, name: c.name, values: new Float64Array(t.rows).fill(Number.NaN) } as Column);
  });
  return changed ? { columns, rows: t.rows } : t;
}
