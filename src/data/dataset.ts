// Staged data: a matrix copied into a backend's memory once (and scanned for NaN/Infinity there),
// with its targets, so that every fit, cross-validation fold and search candidate trains on it, or
// on a subset of its rows by index, without copying X again.

import type { Backend } from "../backend/backend.js";
import { type BackendName, createBackend } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import { type DType, type Matrix, type MatrixLike, nonFiniteError, toMatrix } from "../matrix.js";
import { checkOptions, type OptionTable } from "../options/option-table.js";
import type { FloatBuffer } from "../runtime/buffer.js";
import { type ColumnTable, type TableLike, toColumnTable, toNumericMatrix } from "../table/column-table.js";
import { splitTarget } from "../table/target-column.js";
import { RULES } from "../train/options.js";

/** Where and how a Dataset is staged. */
export interface DatasetOptions {
  /** Element type in the backend (a model trains on it without a copy when its dtype is the same). Default 'float64'. */
  dtype?: DType;
  /** The kernels' backend (as the estimators' option). Default 'wasm'. */
  backend?: BackendName;
  /** Worker threads of the backend (as the estimators' option). Default 1. */
  threads?: number;
}

const DATASET_OPTIONS: OptionTable = {
  dtype: { rule: RULES.dtype, default: "float64", doc: "element type in the backend" },
  backend: { rule: RULES.backend, default: "wasm", doc: "the kernels' backend" },
  threads: { rule: RULES.threads, default: 1, doc: "worker threads of the backend" },
};

/** What the estimators read of a Dataset to train on it in place. */
export interface StagedRows {
  /** The backend holding X. */
  backend: Backend;
  /** All rows of the root Dataset, rows × cols in the backend's dtype. */
  X: FloatBuffer;
  /** Rows of X in the root Dataset. */
  totalRows: number;
  /** The rows of X this Dataset holds, in its order (null: every row, in order). */
  rowIds: Int32Array | null;
}

/** The memory a Dataset and its subsets share. */
interface Root {
  backend: Backend;
  X: FloatBuffer;
  host: Matrix;
  options: Required<DatasetOptions>;
  disposed: boolean;
}

/**
 * X (and optionally its targets) staged once in a backend's memory. `fit(ds)` on an estimator with
 * the same backend, dtype and threads trains on it without copying X and gives the same bits as
 * `fit(X, y)`; `ds.subset(rows)` is a view of some rows, trained on by index (what cross-validation
 * and the searches use). An estimator whose backend, dtype or threads differ copies the rows it
 * needs, as fit(X, y) would. `dispose()` frees the memory (subsets share it and need no dispose).
 */
export class Dataset<T = unknown> {
  private readonly root: Root;
  private readonly ids: Int32Array | null;
  /** The root's targets: a Float64Array when they are all numbers (picked faster), else a list. */
  private readonly y: ArrayLike<T> | null;
  /** The backend fits train through when not the root's (a search's StepGroup), else null. */
  private readonly via: Backend | null;

  private constructor(root: Root, ids: Int32Array | null, y: ArrayLike<T> | null, via: Backend | null = null) {
    this.root = root;
    this.ids = ids;
    this.y = y;
    this.via = via;
  }

  /**
   * Copies X into a new backend's memory (E_NONFINITE names the first NaN or ±Infinity by row and
   * column, E_SHAPE a y of the wrong length) and keeps y as the targets fit uses when given none.
   */
  static async from<T = unknown>(
    X: MatrixLike,
    y: ArrayLike<T> | null = null,
    options: DatasetOptions = {},
  ): Promise<Dataset<T>> {
    const o = checkOptions(DATASET_OPTIONS, options, "Dataset.from takes dtype, backend and threads") as Required<DatasetOptions>;
    const host = toMatrix(X, "X", false);
    if (host.rows === 0) throw new DescentError("E_EMPTY", "X has no rows");
    if (y !== null && (typeof y !== "object" || y.length !== host.rows))
      throw new DescentError("E_SHAPE", `y has ${String(y?.length)} values but X has ${host.rows} rows`);
    const backend = await createBackend(o.backend, o.dtype, o.threads);
    const checked = backend.allocChecked(host.data);
    if (checked.bad >= 0) {
      backend.free(checked.buffer);
      backend.dispose();
      const r = Math.floor(checked.bad / host.cols);
      throw nonFiniteError("X", host.data[checked.bad] as number, r, checked.bad % host.cols);
    }
    const root: Root = { backend, X: checked.buffer, host, options: o, disposed: false };
    return new Dataset<T>(root, null, y === null ? null : targetCopy(y));
  }

  /**
   * A table (typed columns as `readTable` and `readCsvTable` give them, records, an Arrow table)
   * staged with its `target` column as the targets: rows whose target is missing are left out, and
   * the other columns become X through `transform` (for example `(t) => pipeline.fitTransform(t)`,
   * or a fitted pipeline's `transform`), or as they are when they all hold numbers (E_SHAPE names a
   * text column, E_NONFINITE a missing cell). E_FORMAT when there is no such target column.
   */
  static async fromTable(
    table: TableLike,
    target: string,
    options: DatasetOptions & {
      /** How the feature columns become the matrix (default: all-numeric columns as they are). */
      transform?: (features: ColumnTable) => Matrix;
    } = {},
  ): Promise<Dataset<number | string>> {
    const { transform, ...staging } = options;
    const split = splitTarget(toColumnTable(table, "table"), target, false, "the table");
    const X = transform === undefined ? toNumericMatrix(split.X, "table") : transform(split.X);
    return Dataset.from(X, split.y, staging);
  }

  /** Rows of this Dataset (of the subset, for a subset). */
  get rows(): number {
    return this.ids === null ? this.root.host.rows : this.ids.length;
  }

  /** Columns of X. */
  get cols(): number {
    return this.root.host.cols;
  }

  /** The staging options: dtype, backend and threads. */
  get options(): Required<DatasetOptions> {
    return { ...this.root.options };
  }

  /**
   * The targets of this Dataset's rows, in its order, or null when it was made without y: a
   * Float64Array when they are numbers, else a list.
   */
  get targets(): T[] | null {
    if (this.y === null) return null;
    return (this.ids === null ? targetCopy(this.y) : pickTargets(this.y, this.ids)) as T[];
  }

  /** Whether dispose() has freed the memory. */
  get disposed(): boolean {
    return this.root.disposed;
  }

  /**
   * A view of some of this Dataset's rows (indices into it, in the order given; repeats allowed):
   * same memory, no copy. E_SHAPE for an index out of range.
   */
  subset(rows: ArrayLike<number>): Dataset<T> {
    this.assertLive();
    const n = this.rows;
    const ids = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as number;
      if (!Number.isInteger(r) || r < 0 || r >= n)
        throw new DescentError("E_SHAPE", `subset: row ${String(r)} (at ${i}) is not a row of this Dataset (0 .. ${n - 1})`);
      ids[i] = this.ids === null ? r : (this.ids[r] as number);
    }
    return new Dataset<T>(this.root, ids, this.y, this.via);
  }

  /** The rows as a host Matrix (the matrix given to `from` itself for a whole Dataset; a copy for a subset). */
  matrix(): Matrix {
    this.assertLive();
    const h = this.root.host;
    if (this.ids === null) return h;
    const c = h.cols;
    // The host's element type, row by row (a typed-array copy per row, not a loop over cells).
    const data = h.data instanceof Float32Array ? new Float32Array(this.ids.length * c) : new Float64Array(this.ids.length * c);
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i] as number;
      data.set(h.data.subarray(r * c, r * c + c), i * c);
    }
    return { data, rows: ids.length, cols: c };
  }

  /**
   * The staged rows for an estimator whose backend, dtype and threads are these (null when they
   * are not: the estimator then copies `matrix()` as fit(X, y) would).
   * @internal
   */
  stagedFor(backend: BackendName, dtype: DType, threads: number): StagedRows | null {
    this.assertLive();
    const o = this.root.options;
    if (o.backend !== backend || o.dtype !== dtype || o.threads !== threads) return null;
    return { backend: this.via ?? this.root.backend, X: this.root.X, totalRows: this.root.host.rows, rowIds: this.ids };
  }

  /**
   * This Dataset (same rows, same memory) with fits on it training through `backend`, a wrapper of
   * its own backend such as a StepGroup's.
   * @internal
   */
  through(backend: Backend): Dataset<T> {
    this.assertLive();
    return new Dataset<T>(this.root, this.ids, this.y, backend);
  }

  /**
   * This Dataset's rows for reading only: a view of the host matrix when they are consecutive rows
   * of it (a fold of KFold without shuffling), else matrix()'s copy. Not for callers that write.
   * @internal
   */
  rowsToRead(): Matrix {
    this.assertLive();
    const h = this.root.host;
    const ids = this.ids;
    if (ids === null) return h;
    const first = ids[0] ?? 0;
    for (let i = 1; i < ids.length; i++) if (ids[i] !== first + i) return this.matrix();
    const c = h.cols;
    return { data: h.data.subarray(first * c, (first + ids.length) * c), rows: ids.length, cols: c };
  }

  /** Frees the backend memory (of the root Dataset and every subset). Later use throws E_STATE. */
  dispose(): void {
    if (this.root.disposed) return;
    this.root.disposed = true;
    this.root.backend.free(this.root.X);
    this.root.backend.dispose();
  }

  private assertLive(): void {
    if (this.root.disposed) throw new DescentError("E_STATE", "this Dataset was disposed; stage the data again");
  }
}

/** A copy of targets: numbers in a Float64Array, other labels in a list. */
function targetCopy<T>(y: ArrayLike<T>): ArrayLike<T> {
  if (y instanceof Float64Array) return y.slice() as unknown as ArrayLike<T>;
  for (let i = 0; i < y.length; i++) if (typeof y[i] !== "number") return Array.from(y);
  return Float64Array.from(y as unknown as ArrayLike<number>) as unknown as ArrayLike<T>;
}

/**
 * Targets at the given rows: a Float64Array for numbers (a plain loop: Float64Array.from with a
 * map function is several times slower on 100,000s of rows), else a list.
 */
export function pickTargets<T>(y: ArrayLike<T>, rows: ArrayLike<number>): ArrayLike<T> {
  if (y instanceof Float64Array || y instanceof Float32Array) {
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = y[rows[i] as number] as number;
    return out as unknown as ArrayLike<T>;
  }
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i] as number] as T;
  return out;
}

/** Whether a value is a Dataset. */
export function isDataset(x: unknown): x is Dataset {
  return x instanceof Dataset;
}

/**
 * X and y of a fit call that takes a Dataset as a matrix: its rows (copied for a subset) and its
 * targets (y, when given, replaces them); other X as given, with y required.
 */
export function rowsAndTargets<T>(X: MatrixLike | Dataset, y: ArrayLike<T> | undefined): { X: MatrixLike; y: ArrayLike<T> } {
  if (!isDataset(X)) {
    if (y === undefined || y === null)
      throw new DescentError("E_SHAPE", "y is missing: pass the targets, or a Dataset made with them");
    return { X, y };
  }
  const targets = y ?? (X.targets as T[] | null);
  if (targets === null)
    throw new DescentError("E_SHAPE", "this Dataset has no targets: pass y, or make it with Dataset.from(X, y)");
  return { X: X.matrix(), y: targets };
}
