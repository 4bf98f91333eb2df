// The contract every transformer keeps (scikit-learn's fit / transform / fitTransform /
// get_feature_names_out), and the one base class that turns "write my output columns here" into
// all of it. Output goes straight into one row-major matrix: a ColumnTransformer hands each part
// its column offset in the final matrix, so nothing is built twice.
import { DescentError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import {
  type ColumnKind,
  type ColumnTable,
  columnNames,
  conformKinds,
  matrixColumns,
  sliceRows,
  type TableLike,
  toColumnTable,
} from "../table/column-table.js";

/** Float output of a transformer: a row-major matrix's data. */
export type FloatOutput = Float64Array | Float32Array;

/**
 * A preprocessing step with scikit-learn's semantics. `transform` gives a float64 row-major
 * Matrix; `transformTable` gives typed columns (text kept as text, as SimpleImputer's output on a
 * text column is); `transformInto` writes the output columns into a matrix another step owns.
 */
export interface TableTransformer extends TableStep {
  /** Learns from X (typed columns, records, an Arrow table or a matrix); y is ignored. */
  fit(X: TableLike, y?: unknown): this;
  /** X transformed, as a float64 row-major Matrix. */
  transform(X: TableLike): Matrix;
  /** fit(X) then transform(X). */
  fitTransform(X: TableLike, y?: unknown): Matrix;
}

/**
 * What a step inside a ColumnTransformer or a Pipeline is asked to do: learn from typed columns
 * (at once, nothing awaited), and write or hand back its output. Transformers and pipelines of
 * transformers keep it.
 */
export interface TableStep {
  /** Learns from typed columns. */
  fitTable(t: ColumnTable): void;
  /** X transformed, as typed columns named as getFeatureNamesOut says. */
  transformTable(X: TableLike): ColumnTable;
  /**
   * Writes the output of `t` into `out` (row-major, `stride` values a row), starting at column
   * `offset` of each row.
   */
  transformInto(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void;
  /** Output column count (after fit). */
  readonly nFeaturesOut: number;
  /** Names of the output columns; `inputFeatures` stand in for the names seen at fit. */
  getFeatureNamesOut(inputFeatures?: readonly string[]): string[];
  /** A versioned JSON snapshot (rebuilt by the class's static fromJSON or transformerFromJSON). */
  toJSON(): Record<string, unknown>;
}

/** True when `x` can be a step of a ColumnTransformer (a transformer, or a pipeline of them). */
export function isTableStep(x: unknown): x is TableStep {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<TableStep>;
  return typeof t.fitTable === "function" && typeof t.transformInto === "function";
}

/** How a saved step is rebuilt from its JSON, by the kind its JSON names. */
const rebuilders = new Map<string, (json: unknown) => unknown>();

/** Makes `fromJSON` the rebuilder of saved steps of `kind` (stepFromJSON reads them). */
export function registerStep(kind: string, fromJSON: (json: unknown) => unknown): void {
  rebuilders.set(kind, fromJSON);
}

/** A saved transformer, estimator or pipeline rebuilt by the kind its JSON names; E_FORMAT for an unknown kind. */
export function stepFromJSON(json: unknown): unknown {
  const kind =
    json !== null && typeof json === "object" && !Array.isArray(json) && Object.hasOwn(json, "model")
      ? (json as { model: unknown }).model
      : undefined;
  const rebuild = typeof kind === "string" ? rebuilders.get(kind) : undefined;
  if (rebuild === undefined)
    throw new DescentError("E_FORMAT", `model JSON: unknown step kind ${JSON.stringify(kind)}`);
  return rebuild(json);
}

/** The E_STATE error of a transformer used before fit. */
export function notFitted(kind: string): DescentError {
  return new DescentError("E_STATE", `${kind} is not fitted yet: call fit first`);
}

/**
 * Base of the column-wise transformers: a subclass learns in `learn` and writes its output columns
 * in `writeColumns`; the rest of the contract (matrix and table output, input checks, the names
 * seen at fit) is here once.
 */
export abstract class ColumnTransformerBase implements TableTransformer {
  /** Names of the columns seen at fit (x0, x1, … for a matrix); null before fit. */
  featureNamesIn: string[] | null = null;
  /** Kinds of the columns seen at fit, by name. */
  private kindsIn = new Map<string, ColumnKind>();

  /** Learns from typed columns (already checked to be non-empty). */
  protected abstract learn(t: ColumnTable): void;
  /** Writes the output for `t` into out[r * stride + offset + j]. */
  protected abstract writeColumns(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void;
  /** Output names, given the input names. */
  protected abstract namesOut(input: readonly string[]): string[];
  /** Output column count, after fit. */
  abstract get nFeaturesOut(): number;
  /** A versioned JSON snapshot. */
  abstract toJSON(): Record<string, unknown>;

  /** The class's name in messages and JSON. */
  protected get kind(): string {
    return this.constructor.name;
  }

  fit(X: TableLike, _y?: unknown): this {
    this.fitTable(toColumnTable(X));
    return this;
  }

  fitTable(t: ColumnTable): void {
    this.learn(t);
    this.featureNamesIn = columnNames(t);
    this.kindsIn = new Map(t.columns.map((c) => [c.name, c.kind]));
  }

  transform(X: TableLike): Matrix {
    return outputMatrix(this, this.checked(X));
  }

  fitTransform(X: TableLike, y?: unknown): Matrix {
    const t = toColumnTable(X);
    return this.fit(t, y).transform(t);
  }

  /** X transformed, as typed (numeric) columns named as getFeatureNamesOut says. */
  transformTable(X: TableLike): ColumnTable {
    return matrixColumns(this.transform(X), this.getFeatureNamesOut());
  }

  transformInto(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    this.writeColumns(this.checked(t), out, stride, offset);
  }

  getFeatureNamesOut(inputFeatures?: readonly string[]): string[] {
    const seen = this.featureNamesIn;
    if (seen === null) throw notFitted(this.kind);
    if (inputFeatures !== undefined && inputFeatures.length !== seen.length)
      throw new DescentError(
        "E_SHAPE",
        `${this.kind}.getFeatureNamesOut: ${inputFeatures.length} input names for ${seen.length} columns`,
      );
    return this.namesOut(inputFeatures ?? seen);
  }

  /** X as typed columns, checked against the columns seen at fit (count; names when both have them). */
  protected checked(X: TableLike): ColumnTable {
    const seen = this.featureNamesIn;
    if (seen === null) throw notFitted(this.kind);
    const t = conformKinds(toColumnTable(X), this.kindsIn);
    if (t.columns.length !== seen.length)
      throw new DescentError(
        "E_SHAPE",
        `X has ${t.columns.length} columns but ${this.kind} was fitted with ${seen.length} (${seen.join(", ")})`,
      );
    return t;
  }
}

/** Rows per block when a step writes a large matrix (its rows then stay in cache while every column is written). */
const BLOCK_ROWS = 2048;

/**
 * step.transformInto over t block by block of rows: each step writes its columns for a few
 * thousand rows at a time, so the row-major output is filled while it is in cache (column by
 * column over millions of rows, every write would miss it).
 */
function transformBlocked(step: TableStep, t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
  if (t.rows <= BLOCK_ROWS) {
    step.transformInto(t, out, stride, offset);
    return;
  }
  for (let from = 0; from < t.rows; from += BLOCK_ROWS) {
    const to = Math.min(t.rows, from + BLOCK_ROWS);
    step.transformInto(sliceRows(t, from, to), out.subarray(from * stride, to * stride), stride, offset);
  }
}

/** A step's output for t as a new float64 row-major matrix (written block by block). */
export function outputMatrix(step: TableStep, t: ColumnTable): Matrix {
  const cols = step.nFeaturesOut;
  const data = new Float64Array(t.rows * cols);
  transformBlocked(step, t, data, cols, 0);
  return { data, rows: t.rows, cols };
}
