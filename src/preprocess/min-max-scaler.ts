import { DescentError } from "../errors.js";
import { field, readEnvelope, readNumbers, readStrings, writeModel } from "../io/model-json.js";
import type { ColumnTable } from "../table/column-table.js";
import { ColumnTransformerBase, type FloatOutput, notFitted } from "./transformer.js";

/** Options of MinMaxScaler. */
export interface MinMaxScalerOptions {
  /** The range each column is mapped to, [low, high] with low < high (default [0, 1]). */
  featureRange?: readonly [number, number];
}

/**
 * Maps each column linearly onto featureRange, as scikit-learn's MinMaxScaler: x · scale + min
 * with scale = (high − low) / (max − min) (1 where max = min) and min = low − dataMin · scale.
 * Missing cells (NaN) are left out of the minimum and maximum and stay missing.
 */
export class MinMaxScaler extends ColumnTransformerBase {
  /** The target range. */
  readonly featureRange: readonly [number, number];
  /** Per column: the minimum and maximum seen at fit; null before fit. */
  dataMin: Float64Array | null = null;
  /** Per column: the maximum seen at fit; null before fit. */
  dataMax: Float64Array | null = null;
  /** Per column: the factor and the offset of the map (scikit-learn's scale_ and min_). */
  scale: Float64Array | null = null;
  /** Per column: the offset of the map (scikit-learn's min_); null before fit. */
  min: Float64Array | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.featureRange ?? [0, 1];
    const [lo, hi] = range;
    if (!Array.isArray(range) || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi))
      throw new DescentError(
        "E_OPTION",
        `MinMaxScaler option 'featureRange' must be [low, high] with low < high (got ${JSON.stringify(range)})`,
      );
    this.featureRange = [lo, hi];
  }

  /** The constructor's options (a new scaler made with them learns the same way). */
  getOptions(): MinMaxScalerOptions {
    return { featureRange: [...this.featureRange] as [number, number] };
  }

  protected learn(t: ColumnTable): void {
    const d = t.columns.length;
    const lo = new Float64Array(d);
    const hi = new Float64Array(d);
    t.columns.forEach((c, j) => {
      if (c.kind === "string")
        throw new DescentError("E_SHAPE", `MinMaxScaler: column '${c.name}' holds text; encode it first`);
      let a = Number.POSITIVE_INFINITY;
      let b = Number.NEGATIVE_INFINITY;
      for (const v of c.values) {
        if (v < a) a = v;
        if (v > b) b = v;
      }
      if (a > b)
        throw new DescentError("E_EMPTY", `MinMaxScaler: column '${c.name}' has no value (every cell is missing)`);
      lo[j] = a;
      hi[j] = b;
    });
    this.setRange(lo, hi);
  }

  private setRange(lo: Float64Array, hi: Float64Array): void {
    const [a, b] = this.featureRange;
    this.dataMin = lo;
    this.dataMax = hi;
    this.scale = lo.map((v, j) => {
      const range = (hi[j] as number) - v;
      // scikit-learn's _handle_zeros_in_scale: a range below 10 ulps of 1 counts as none.
      return (b - a) / (range < 10 * Number.EPSILON ? 1 : range);
    });
    this.min = lo.map((v, j) => a - v * ((this.scale as Float64Array)[j] as number));
  }

  get nFeaturesOut(): number {
    if (this.scale === null) throw notFitted("MinMaxScaler");
    return this.scale.length;
  }

  protected namesOut(input: readonly string[]): string[] {
    return [...input];
  }

  protected writeColumns(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const scale = this.scale as Float64Array;
    const min = this.min as Float64Array;
    t.columns.forEach((c, j) => {
      if (c.kind === "string")
        throw new DescentError("E_SHAPE", `MinMaxScaler: column '${c.name}' holds text; encode it first`);
      const s = scale[j] as number;
      const m = min[j] as number;
      for (let r = 0; r < t.rows; r++) out[r * stride + offset + j] = (c.values[r] as number) * s + m;
    });
  }

  toJSON(): Record<string, unknown> {
    if (this.dataMin === null || this.dataMax === null) throw notFitted("MinMaxScaler");
    return writeModel("MinMaxScaler", {
      featureRange: this.featureRange,
      featureNamesIn: this.featureNamesIn,
      dataMin: Array.from(this.dataMin),
      dataMax: Array.from(this.dataMax),
    });
  }

  /** Rebuilds a scaler from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): MinMaxScaler {
    const o = readEnvelope(json, "MinMaxScaler");
    const s = new MinMaxScaler({ featureRange: field(o, "featureRange") as [number, number] });
    const names = readStrings(o, "featureNamesIn");
    s.setRange(readNumbers(o, "dataMin", names.length), readNumbers(o, "dataMax", names.length));
    s.featureNamesIn = names;
    return s;
  }
}
