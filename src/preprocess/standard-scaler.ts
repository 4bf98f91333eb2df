import { DescentError } from "../errors.js";
import { field, readCount, readEnvelope, readNumbers, readStrings, writeModel } from "../io/model-json.js";
import type { Matrix } from "../matrix.js";
import {
  type ColumnTable,
  isArrowTableView,
  isColumnTable,
  isRecords,
  matrixColumns,
  type TableLike,
  toColumnTable,
  toNumericMatrix,
} from "../table/column-table.js";
import type { FloatOutput, TableTransformer } from "./transformer.js";

/** Column names of a table input (x0, x1, … for a matrix or nested arrays). */
function namesOf(X: TableLike, cols: number): string[] {
  if (isColumnTable(X) || isRecords(X) || isArrowTableView(X)) return toColumnTable(X).columns.map((c) => c.name);
  return Array.from({ length: cols }, (_, j) => `x${j}`);
}

/**
 * Standardises each column to zero mean and unit variance: z = (x - mean) / scale, where scale is
 * the population standard deviation (ddof 0) and 1 for a zero-variance column.
 */
export class StandardScaler implements TableTransformer {
  /** Names of the columns seen at fit (x0, x1, … for a matrix); null before fit. */
  featureNamesIn: string[] | null = null;
  /** Column means; null before fit. */
  mean: Float64Array | null = null;
  /** Column scales (population std, 1 where the std is 0); null before fit. */
  scale: Float64Array | null = null;
  /** Rows the statistics cover (fit sets it; partialFit adds to it). */
  nSeen = 0;
  private m2: Float64Array | null = null;

  /**
   * Updates the means and scales with one more block of rows (streaming), combining running sums of
   * squared deviations pairwise (Chan et al.), so the result equals fit on all rows up to rounding.
   */
  partialFit(X: TableLike): this {
    const m = toNumericMatrix(X);
    if (this.featureNamesIn === null) this.featureNamesIn = namesOf(X, m.cols);
    const { rows, cols, data } = m;
    if (this.mean !== null && this.mean.length !== cols) this.checkCols(cols, this.mean.length);
    const bMean = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) bMean[c] += data[r * cols + c] as number;
    for (let c = 0; c < cols; c++) bMean[c] = (bMean[c] as number) / rows;
    const bM2 = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const dev = (data[r * cols + c] as number) - (bMean[c] as number);
        bM2[c] += dev * dev;
      }
    }
    const n = this.nSeen;
    if (n === 0 || this.mean === null || this.m2 === null) {
      this.mean = bMean;
      this.m2 = bM2;
    } else {
      const total = n + rows;
      for (let c = 0; c < cols; c++) {
        const delta = (bMean[c] as number) - (this.mean[c] as number);
        this.mean[c] = (this.mean[c] as number) + (delta * rows) / total;
        this.m2[c] = (this.m2[c] as number) + (bM2[c] as number) + (delta * delta * n * rows) / total;
      }
    }
    this.nSeen = n + rows;
    const scale = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      const sd = Math.sqrt((this.m2[c] as number) / this.nSeen);
      scale[c] = sd === 0 ? 1 : sd;
    }
    this.scale = scale;
    return this;
  }

  /** Learns the column means and scales of X. */
  fit(X: TableLike, _y?: unknown): this {
    const m = toNumericMatrix(X);
    this.featureNamesIn = namesOf(X, m.cols);
    const { rows, cols, data } = m;
    const mean = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c] as number;
    for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) / rows;
    const variance = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const dev = (data[r * cols + c] as number) - (mean[c] as number);
        variance[c] += dev * dev;
      }
    }
    const scale = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      const sd = Math.sqrt((variance[c] as number) / rows);
      scale[c] = sd === 0 ? 1 : sd;
    }
    this.mean = mean;
    this.scale = scale;
    this.nSeen = rows;
    this.m2 = variance;
    return this;
  }

  /** Returns the standardised copy of X as a float64 Matrix. */
  transform(X: TableLike): Matrix {
    const { mean } = this.state();
    const m = toNumericMatrix(X);
    this.checkCols(m.cols, mean.length);
    const out = new Float64Array(m.data.length);
    this.write(m, out, m.cols, 0);
    return { data: out, rows: m.rows, cols: m.cols };
  }

  /** Writes (x − mean) / scale of each cell of m into out[r * stride + offset + c]. */
  private write(m: Matrix, out: FloatOutput, stride: number, offset: number): void {
    const { mean, scale } = this.state();
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        out[r * stride + offset + c] =
          ((m.data[r * m.cols + c] as number) - (mean[c] as number)) / (scale[c] as number);
      }
    }
  }

  /** Learns from typed columns (the step contract of pipelines). */
  fitTable(t: ColumnTable): void {
    this.fit(t);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: TableLike, _y?: unknown): Matrix {
    return this.fit(X).transform(X);
  }

  /** The standardised columns as typed (number) columns, named as getFeatureNamesOut says. */
  transformTable(X: TableLike): ColumnTable {
    return matrixColumns(this.transform(X), this.getFeatureNamesOut());
  }

  /** Writes the standardised columns of t into out (row-major, `stride` a row) from column `offset`. */
  transformInto(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const m = toNumericMatrix(t);
    this.checkCols(m.cols, this.state().mean.length);
    this.write(m, out, stride, offset);
  }

  /** Output column count (the input's). */
  get nFeaturesOut(): number {
    return this.state().mean.length;
  }

  /** The input names: standardising keeps each column's name. */
  getFeatureNamesOut(inputFeatures?: readonly string[]): string[] {
    const d = this.state().mean.length;
    if (inputFeatures !== undefined && inputFeatures.length !== d)
      throw new DescentError(
        "E_SHAPE",
        `StandardScaler.getFeatureNamesOut: ${inputFeatures.length} names for ${d} columns`,
      );
    return [...(inputFeatures ?? this.featureNamesIn ?? Array.from({ length: d }, (_, j) => `x${j}`))];
  }

  /** Maps standardised values back: x = z · scale + mean. */
  inverseTransform(Z: TableLike): Matrix {
    const { mean, scale } = this.state();
    const m = toNumericMatrix(Z, "Z");
    this.checkCols(m.cols, mean.length);
    const out = new Float64Array(m.data.length);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        const i = r * m.cols + c;
        out[i] = (m.data[i] as number) * (scale[c] as number) + (mean[c] as number);
      }
    }
    return { data: out, rows: m.rows, cols: m.cols };
  }

  /** A versioned JSON snapshot. */
  toJSON(): Record<string, unknown> {
    const { mean, scale } = this.state();
    return writeModel("StandardScaler", {
      nFeatures: mean.length,
      ...(this.featureNamesIn === null ? {} : { featureNamesIn: this.featureNamesIn }),
      mean: Array.from(mean),
      scale: Array.from(scale),
    });
  }

  /** Rebuilds a scaler from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): StandardScaler {
    const o = readEnvelope(json, "StandardScaler");
    const d = readCount(o, "nFeatures");
    const s = new StandardScaler();
    s.mean = readNumbers(o, "mean", d);
    s.scale = readNumbers(o, "scale", d);
    if (field(o, "featureNamesIn") !== undefined) {
      s.featureNamesIn = readStrings(o, "featureNamesIn");
      if (s.featureNamesIn.length !== d)
        throw new DescentError("E_FORMAT", "model JSON: 'featureNamesIn' must name every column");
    }
    if (s.scale.some((v) => v <= 0)) throw new DescentError("E_FORMAT", "model JSON: every 'scale' must be > 0");
    return s;
  }

  private state(): { mean: Float64Array; scale: Float64Array } {
    if (this.mean === null || this.scale === null) {
      throw new DescentError("E_STATE", "StandardScaler is not fitted yet: call fit first");
    }
    return { mean: this.mean, scale: this.scale };
  }

  private checkCols(cols: number, expected: number): void {
    if (cols !== expected) {
      throw new DescentError("E_SHAPE", `X has ${cols} columns but the scaler was fitted with ${expected}`);
    }
  }
}
