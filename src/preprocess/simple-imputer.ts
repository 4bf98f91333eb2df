import { DescentError } from "../errors.js";
import { field, readEnvelope, readStrings, writeModel } from "../io/model-json.js";
import { type Column, type ColumnTable, isMissing, missingCount, type TableLike } from "../table/column-table.js";
import { ColumnTransformerBase, type FloatOutput, notFitted } from "./transformer.js";

/** How SimpleImputer fills a missing cell (scikit-learn's strategies, camelCase). */
export type ImputeStrategy = "mean" | "median" | "mostFrequent" | "constant";

/** Options of SimpleImputer. */
export interface SimpleImputerOptions {
  /** `'mean'` (default) and `'median'` for numeric columns; `'mostFrequent'` and `'constant'` for any. */
  strategy?: ImputeStrategy;
  /** The value of `'constant'`: default 0 for numeric columns and `'missing_value'` for text. */
  fillValue?: number | string;
  /** Append a 0/1 column `missingindicator_<name>` for each column that had a missing cell at fit. */
  addIndicator?: boolean;
}

const STRATEGIES: readonly ImputeStrategy[] = ["mean", "median", "mostFrequent", "constant"];

/** The fill of one column: a number (numeric, boolean and date columns) or a text. */
export type Fill = number | string;

/** The most frequent of `values` (ties: the smallest, as scikit-learn). */
function mostFrequent<T extends number | string>(values: T[]): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [v, n] of counts)
    if (n > bestCount || (n === bestCount && best !== undefined && v < best)) {
      best = v;
      bestCount = n;
    }
  return best as T;
}

/**
 * Fills missing cells column by column with the column's mean, median, most frequent value or a
 * constant learnt at fit, as scikit-learn's SimpleImputer. A missing cell is NaN, null or undefined
 * (an empty or NA cell in a file). Text columns keep their text (mostFrequent or constant); a
 * column with no value at all is refused (E_EMPTY) unless the strategy is constant.
 */
export class SimpleImputer extends ColumnTransformerBase {
  /** The strategy. */
  readonly strategy: ImputeStrategy;
  /** The constant's value, when given. */
  readonly fillValue: number | string | undefined;
  /** Whether missing-indicator columns are appended. */
  readonly addIndicator: boolean;
  /** The fill of each column (scikit-learn's statistics_); null before fit. */
  statistics: Fill[] | null = null;
  /** Kinds of the columns seen at fit. */
  private kinds: Column["kind"][] = [];
  /** Columns that had a missing cell at fit (those get an indicator). */
  private indicated: number[] = [];

  constructor(options: SimpleImputerOptions = {}) {
    super();
    const strategy = options.strategy ?? "mean";
    if (!STRATEGIES.includes(strategy))
      throw new DescentError(
        "E_OPTION",
        `SimpleImputer option 'strategy' must be one of ${STRATEGIES.join(", ")} (got ${JSON.stringify(strategy)})`,
      );
    const fill = options.fillValue;
    if (fill !== undefined && typeof fill !== "string" && !(typeof fill === "number" && Number.isFinite(fill)))
      throw new DescentError("E_OPTION", "SimpleImputer option 'fillValue' must be a finite number or a string");
    this.strategy = strategy;
    this.fillValue = fill;
    this.addIndicator = options.addIndicator ?? false;
  }

  protected learn(t: ColumnTable): void {
    this.kinds = t.columns.map((c) => c.kind);
    this.indicated = [];
    this.statistics = t.columns.map((c, j) => {
      const missing = missingCount(c);
      if (missing > 0) this.indicated.push(j);
      return this.fillOf(c, t.rows - missing);
    });
  }

  /** The fill of column `c`, which has `present` non-missing cells. */
  private fillOf(c: Column, present: number): Fill {
    const text = c.kind === "string";
    if (this.strategy === "constant") {
      const v = this.fillValue ?? (text ? "missing_value" : 0);
      if (!text && typeof v === "string")
        throw new DescentError(
          "E_OPTION",
          `SimpleImputer: fillValue '${v}' is text but column '${c.name}' is ${c.kind}: give a number`,
        );
      return text ? String(v) : v;
    }
    if (present === 0)
      throw new DescentError(
        "E_EMPTY",
        `SimpleImputer: column '${c.name}' has no value (every cell is missing); drop it or use strategy 'constant'`,
      );
    if (c.kind === "string") {
      if (this.strategy === "mostFrequent") return mostFrequent(c.values.filter((v): v is string => v !== null));
      throw new DescentError(
        "E_OPTION",
        `SimpleImputer strategy '${this.strategy}' needs numbers, but column '${c.name}' holds text: use 'mostFrequent' or 'constant'`,
      );
    }
    const nums = new Float64Array(present);
    let k = 0;
    for (const v of c.values) if (!Number.isNaN(v)) nums[k++] = v;
    if (this.strategy === "mostFrequent") return mostFrequent(Array.from(nums));
    if (this.strategy === "mean") {
      let s = 0;
      for (const v of nums) s += v;
      return s / nums.length;
    }
    return median(nums);
  }

  /** The columns (indices) that get a missing-indicator column, in output order. */
  get indicatorColumns(): number[] {
    return this.addIndicator ? [...this.indicated] : [];
  }

  get nFeaturesOut(): number {
    if (this.statistics === null) throw notFitted("SimpleImputer");
    return this.statistics.length + (this.addIndicator ? this.indicated.length : 0);
  }

  /** The constructor's options. */
  getOptions(): SimpleImputerOptions {
    return {
      strategy: this.strategy,
      ...(this.fillValue === undefined ? {} : { fillValue: this.fillValue }),
      addIndicator: this.addIndicator,
    };
  }

  protected namesOut(input: readonly string[]): string[] {
    const names = [...input];
    if (this.addIndicator) for (const j of this.indicated) names.push(`missingindicator_${input[j]}`);
    return names;
  }

  /** The imputed columns (text stays text), then the indicators. */
  override transformTable(X: TableLike): ColumnTable {
    const t = this.checked(X);
    const stats = this.statistics as Fill[];
    const names = this.getFeatureNamesOut(t.columns.map((c) => c.name));
    const columns: Column[] = t.columns.map((c, j) => {
      const fill = stats[j] as Fill;
      if (c.kind === "string") {
        const values = c.values.map((v) => v ?? String(fill));
        return { kind: "string", name: c.name, values };
      }
      if (typeof fill === "string") throw this.kindChanged(c, j);
      const values = Float64Array.from(c.values, (v) => (Number.isNaN(v) ? fill : v));
      const kind = this.strategy === "mean" || this.strategy === "median" ? "number" : c.kind;
      return { kind, name: c.name, values } as Column;
    });
    if (this.addIndicator)
      this.indicated.forEach((j, k) => {
        const c = t.columns[j] as Column;
        const values = new Float64Array(t.rows);
        for (let r = 0; r < t.rows; r++) values[r] = isMissing(c, r) ? 1 : 0;
        columns.push({ kind: "number", name: names[t.columns.length + k] as string, values });
      });
    return { columns, rows: t.rows };
  }

  protected writeColumns(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const stats = this.statistics as Fill[];
    t.columns.forEach((c, j) => {
      const fill = stats[j] as Fill;
      if (c.kind === "string" || typeof fill === "string")
        throw new DescentError(
          "E_SHAPE",
          `SimpleImputer: column '${c.name}' holds text, which has no number to write; follow the imputer with a OneHotEncoder (a Pipeline), or read transformTable`,
        );
      for (let r = 0; r < t.rows; r++) {
        const v = c.values[r] as number;
        out[r * stride + offset + j] = Number.isNaN(v) ? fill : v;
      }
    });
    if (this.addIndicator)
      this.indicated.forEach((j, k) => {
        const c = t.columns[j] as Column;
        const at = offset + t.columns.length + k;
        for (let r = 0; r < t.rows; r++) out[r * stride + at] = isMissing(c, r) ? 1 : 0;
      });
  }

  private kindChanged(c: Column, j: number): DescentError {
    return new DescentError(
      "E_SHAPE",
      `SimpleImputer: column '${c.name}' (${j}) is ${c.kind} but held text at fit (${this.kinds[j]})`,
    );
  }

  toJSON(): Record<string, unknown> {
    if (this.statistics === null) throw notFitted("SimpleImputer");
    return writeModel("SimpleImputer", {
      strategy: this.strategy,
      ...(this.fillValue === undefined ? {} : { fillValue: this.fillValue }),
      addIndicator: this.addIndicator,
      featureNamesIn: this.featureNamesIn,
      kinds: this.kinds,
      statistics: this.statistics,
      indicated: this.indicated,
    });
  }

  /** Rebuilds an imputer from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): SimpleImputer {
    const o = readEnvelope(json, "SimpleImputer");
    const fillValue = field(o, "fillValue");
    const imp = new SimpleImputer({
      strategy: field(o, "strategy") as ImputeStrategy,
      ...(fillValue === undefined ? {} : { fillValue: fillValue as number | string }),
      addIndicator: field(o, "addIndicator") === true,
    });
    const names = readStrings(o, "featureNamesIn");
    const stats = field(o, "statistics");
    const kinds = field(o, "kinds");
    const indicated = field(o, "indicated");
    if (
      !Array.isArray(stats) ||
      stats.length !== names.length ||
      !stats.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))
    )
      throw new DescentError("E_FORMAT", "model JSON: SimpleImputer 'statistics' must hold one fill per column");
    if (!Array.isArray(kinds) || kinds.length !== names.length)
      throw new DescentError("E_FORMAT", "model JSON: SimpleImputer 'kinds' must name one kind per column");
    if (
      !Array.isArray(indicated) ||
      !indicated.every((j) => Number.isInteger(j) && (j as number) >= 0 && (j as number) < names.length)
    )
      throw new DescentError("E_FORMAT", "model JSON: SimpleImputer 'indicated' must be column indices");
    imp.featureNamesIn = names;
    imp.statistics = stats as Fill[];
    imp.kinds = kinds as Column["kind"][];
    imp.indicated = indicated as number[];
    return imp;
  }
}

/** The k-th smallest of a[lo..hi] (0-based k), reordering a (Hoare's quickselect, middle pivot). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}

/** The median of a (the mean of the two middle values for an even count, as numpy's), reordering a. */
function median(a: Float64Array): number {
  const mid = a.length >> 1;
  if (a.length % 2 === 1) return select(a, mid);
  const upper = select(a, mid);
  // After selecting the upper middle, everything before it is no larger: the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if ((a[i] as number) > lower) lower = a[i] as number;
  return (lower + upper) / 2;
}
