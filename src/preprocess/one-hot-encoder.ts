import { DescentError } from "../errors.js";
import { field, readEnvelope, readStrings, writeModel } from "../io/model-json.js";
import type { Column, ColumnTable } from "../table/column-table.js";
import { ColumnTransformerBase, type FloatOutput, notFitted } from "./transformer.js";

/** What OneHotEncoder does with a category it did not see at fit. */
export type HandleUnknown = "error" | "ignore" | "infrequentIfExist";

/** Options of OneHotEncoder (scikit-learn's, camelCase). */
export interface OneHotEncoderOptions {
  /** `'error'` (default): E_LABELS names the column and value; `'ignore'`: all zeros; `'infrequentIfExist'`: the infrequent column when there is one. */
  handleUnknown?: HandleUnknown;
  /** Drop one column per feature: `'first'`, `'ifBinary'` (only two-category features), or null (default). */
  drop?: "first" | "ifBinary" | null;
  /** A category seen fewer times (a count ≥ 1) or in a smaller share of the rows (a fraction in (0, 1)) is infrequent. */
  minFrequency?: number;
  /** At most this many output columns per feature, the infrequent one included (≥ 1). */
  maxCategories?: number;
}

/** A category: a text, a number (numeric, boolean and date columns), or null for a missing cell. */
export type Category = string | number | null;

/** One feature's encoding, learnt at fit. */
interface FeatureCode {
  kind: Column["kind"];
  /** Every category seen, sorted (scikit-learn's categories_; missing last). */
  categories: Category[];
  /** Indices into categories of the infrequent ones (grouped into one column, last). */
  infrequent: number[];
  /** Index of the dropped output column, or −1. */
  dropped: number;
  /** Category → output column (−1: dropped), built from the above. */
  slot: Map<Category, number>;
  /** Output column of an unseen category: the infrequent column, or −1 for none. */
  unknownSlot: number;
  /** Output column count. */
  width: number;
}

/** The key of cell r: text, number, or null when missing. */
function cellOf(c: Column, r: number): Category {
  const v = c.values[r];
  if (c.kind === "string") return (v as string | null) ?? null;
  return Number.isNaN(v as number) ? null : (v as number);
}

/** Sort order of categories: numbers ascending or texts by code unit; missing last. */
function compareCategories(a: Category, b: Category): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A category as it reads in an output name (Python's spelling of booleans and missing). */
function categoryName(kind: Column["kind"], v: Category): string {
  if (v === null) return "nan";
  if (kind === "boolean") return v === 1 ? "True" : "False";
  if (kind === "date") return new Date(v as number).toISOString();
  return String(v);
}

/**
 * Encodes categorical columns as one 0/1 column per category, as scikit-learn's OneHotEncoder
 * (sparse_output=False): categories sorted, a missing cell its own category ('nan', last); rare
 * categories grouped by minFrequency / maxCategories into one `<name>_infrequent_sklearn` column;
 * `drop` and `handleUnknown` as there. Output names are `<column>_<category>`.
 */
export class OneHotEncoder extends ColumnTransformerBase {
  /** The unknown-category rule. */
  readonly handleUnknown: HandleUnknown;
  /** The drop rule. */
  readonly drop: "first" | "ifBinary" | null;
  /** The infrequency threshold, if any. */
  readonly minFrequency: number | undefined;
  /** The cap on columns per feature, if any. */
  readonly maxCategories: number | undefined;
  private codes: FeatureCode[] | null = null;

  constructor(options: OneHotEncoderOptions = {}) {
    super();
    const hu = options.handleUnknown ?? "error";
    if (!["error", "ignore", "infrequentIfExist"].includes(hu))
      throw new DescentError(
        "E_OPTION",
        `OneHotEncoder option 'handleUnknown' must be 'error', 'ignore' or 'infrequentIfExist' (got ${JSON.stringify(hu)})`,
      );
    const drop = options.drop ?? null;
    if (drop !== null && drop !== "first" && drop !== "ifBinary")
      throw new DescentError(
        "E_OPTION",
        `OneHotEncoder option 'drop' must be 'first', 'ifBinary' or null (got ${JSON.stringify(drop)})`,
      );
    const mf = options.minFrequency;
    if (mf !== undefined && !(Number.isFinite(mf) && mf > 0 && (Number.isInteger(mf) || mf < 1)))
      throw new DescentError(
        "E_OPTION",
        `OneHotEncoder option 'minFrequency' must be a count >= 1 or a fraction in (0, 1) (got ${mf})`,
      );
    const mc = options.maxCategories;
    if (mc !== undefined && !(Number.isInteger(mc) && mc >= 1))
      throw new DescentError("E_OPTION", `OneHotEncoder option 'maxCategories' must be an integer >= 1 (got ${mc})`);
    this.handleUnknown = hu;
    this.drop = drop;
    this.minFrequency = mf;
    this.maxCategories = mc;
  }

  /** The sorted categories of each feature (scikit-learn's categories_). */
  get categories(): Category[][] {
    if (this.codes === null) throw notFitted("OneHotEncoder");
    return this.codes.map((f) => [...f.categories]);
  }

  /** The infrequent categories of each feature, or null where there are none. */
  get infrequentCategories(): Array<Category[] | null> {
    if (this.codes === null) throw notFitted("OneHotEncoder");
    return this.codes.map((f) => (f.infrequent.length === 0 ? null : f.infrequent.map((i) => f.categories[i] ?? null)));
  }

  /**
   * Each feature's encoding as a lookup: every category seen, the output column it sets (−1: the
   * dropped column), the column an unseen category sets (−1: none), and the column count.
   */
  get encodings(): Array<{
    /** The input column's kind. */
    kind: Column["kind"];
    /** Every category seen at fit. */
    keys: Category[];
    /** The output column each key sets (−1: the dropped column). */
    slots: number[];
    /** The output column an unseen category sets (−1: none). */
    unknownSlot: number;
    /** The feature's output columns. */
    width: number;
  }> {
    if (this.codes === null) throw notFitted("OneHotEncoder");
    return this.codes.map((f) => ({
      kind: f.kind,
      keys: [...f.slot.keys()],
      slots: [...f.slot.values()],
      unknownSlot: this.handleUnknown === "error" ? -1 : f.unknownSlot,
      width: f.width,
    }));
  }

  /** Output columns of each feature (after grouping and drop). */
  get outputWidths(): number[] {
    if (this.codes === null) throw notFitted("OneHotEncoder");
    return this.codes.map((f) => f.width);
  }

  protected learn(t: ColumnTable): void {
    this.codes = t.columns.map((c) => {
      const counts = new Map<Category, number>();
      for (let r = 0; r < t.rows; r++) {
        const k = cellOf(c, r);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const categories = [...counts.keys()].sort(compareCategories);
      const infrequent = this.infrequentOf(
        categories.map((k) => counts.get(k) as number),
        t.rows,
      );
      return this.codeOf(c.kind, categories, infrequent);
    });
  }

  /** Indices of the infrequent categories given their counts (scikit-learn's _identify_infrequent). */
  private infrequentOf(counts: number[], rows: number): number[] {
    const mask = counts.map(() => false);
    const mf = this.minFrequency;
    if (mf !== undefined) {
      const least = Number.isInteger(mf) && mf >= 1 ? mf : mf * rows;
      counts.forEach((n, i) => {
        mask[i] = n < least;
      });
    }
    const current = counts.length - mask.filter(Boolean).length + 1;
    const mc = this.maxCategories;
    if (mc !== undefined && mc < current) {
      // A stable sort by count, as numpy's mergesort: the smallest counts, ties in category order.
      const order = counts.map((_, i) => i).sort((a, b) => (counts[a] as number) - (counts[b] as number) || a - b);
      for (const i of order.slice(0, counts.length - mc + 1)) mask[i] = true;
    }
    return mask.flatMap((m, i) => (m ? [i] : []));
  }

  /** A feature's output layout from its categories, infrequent ones and the drop rule. */
  private codeOf(kind: Column["kind"], categories: Category[], infrequent: number[]): FeatureCode {
    const isInfrequent = new Set(infrequent);
    const frequent = categories.flatMap((_, i) => (isInfrequent.has(i) ? [] : [i]));
    const columns = frequent.length + (infrequent.length > 0 ? 1 : 0);
    // Output column of each category before the drop: frequent ones in order, then the infrequent group.
    const outOf = (i: number): number => (isInfrequent.has(i) ? frequent.length : frequent.indexOf(i));
    // The drop is of the first output column, after grouping (scikit-learn's drop_idx_after_grouping).
    const dropped = this.drop === "first" || (this.drop === "ifBinary" && columns === 2) ? 0 : -1;
    const slot = new Map<Category, number>();
    categories.forEach((k, i) => {
      const o = outOf(i);
      slot.set(k, o === dropped ? -1 : o > dropped && dropped >= 0 ? o - 1 : o);
    });
    const infrequentOut = infrequent.length > 0 ? frequent.length : -1;
    const unknownSlot =
      this.handleUnknown === "infrequentIfExist" && infrequentOut >= 0 && infrequentOut !== dropped
        ? infrequentOut > dropped && dropped >= 0
          ? infrequentOut - 1
          : infrequentOut
        : -1;
    return { kind, categories, infrequent, dropped, slot, unknownSlot, width: columns - (dropped >= 0 ? 1 : 0) };
  }

  get nFeaturesOut(): number {
    if (this.codes === null) throw notFitted("OneHotEncoder");
    return this.codes.reduce((s, f) => s + f.width, 0);
  }

  protected namesOut(input: readonly string[]): string[] {
    const codes = this.codes as FeatureCode[];
    return codes.flatMap((f, j) => {
      const isInfrequent = new Set(f.infrequent);
      const names = f.categories.flatMap((k, i) =>
        isInfrequent.has(i) ? [] : [`${input[j]}_${categoryName(f.kind, k)}`],
      );
      if (f.infrequent.length > 0) names.push(`${input[j]}_infrequent_sklearn`);
      if (f.dropped >= 0) names.splice(f.dropped, 1);
      return names;
    });
  }

  protected writeColumns(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const codes = this.codes as FeatureCode[];
    let at = offset;
    for (let j = 0; j < t.columns.length; j++) {
      const c = t.columns[j] as Column;
      const f = codes[j] as FeatureCode;
      const slots = this.slotsOf(c, f);
      const width = f.width;
      for (let r = 0; r < t.rows; r++) {
        const row = r * stride + at;
        for (let k = 0; k < width; k++) out[row + k] = 0;
        const s = slots[r] as number;
        if (s >= 0) out[row + s] = 1;
      }
      at += width;
    }
  }

  /** The output column of each cell of c (−1: none), unknown categories handled as handleUnknown says. */
  private slotsOf(c: Column, f: FeatureCode): Int32Array {
    const slots = new Int32Array(c.values.length);
    const map = f.slot;
    for (let r = 0; r < slots.length; r++) {
      const k = cellOf(c, r);
      let s = map.get(k);
      if (s === undefined) {
        if (this.handleUnknown === "error")
          throw new DescentError(
            "E_LABELS",
            `OneHotEncoder: column '${c.name}' has the category ${JSON.stringify(categoryName(f.kind, k))} at row ${r}, not seen at fit (handleUnknown 'error'; use 'ignore' to encode it as all zeros)`,
          );
        s = f.unknownSlot;
      }
      slots[r] = s;
    }
    return slots;
  }

  toJSON(): Record<string, unknown> {
    if (this.codes === null) throw notFitted("OneHotEncoder");
    return writeModel("OneHotEncoder", {
      handleUnknown: this.handleUnknown,
      drop: this.drop,
      ...(this.minFrequency === undefined ? {} : { minFrequency: this.minFrequency }),
      ...(this.maxCategories === undefined ? {} : { maxCategories: this.maxCategories }),
      featureNamesIn: this.featureNamesIn,
      features: this.codes.map((f) => ({ kind: f.kind, categories: f.categories, infrequent: f.infrequent })),
    });
  }

  /** The constructor's options (a new encoder made with them learns the same way). */
  getOptions(): OneHotEncoderOptions {
    return {
      handleUnknown: this.handleUnknown,
      drop: this.drop,
      ...(this.minFrequency === undefined ? {} : { minFrequency: this.minFrequency }),
      ...(this.maxCategories === undefined ? {} : { maxCategories: this.maxCategories }),
    };
  }

  /** Rebuilds an encoder from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): OneHotEncoder {
    const o = readEnvelope(json, "OneHotEncoder");
    const opt = (k: string): number | undefined => {
      const v = field(o, k);
      return typeof v === "number" ? v : undefined;
    };
    const mf = opt("minFrequency");
    const mc = opt("maxCategories");
    const enc = new OneHotEncoder({
      handleUnknown: field(o, "handleUnknown") as HandleUnknown,
      drop: (field(o, "drop") ?? null) as OneHotEncoderOptions["drop"],
      ...(mf === undefined ? {} : { minFrequency: mf }),
      ...(mc === undefined ? {} : { maxCategories: mc }),
    });
    const names = readStrings(o, "featureNamesIn");
    const features = field(o, "features");
    if (!Array.isArray(features) || features.length !== names.length)
      throw new DescentError("E_FORMAT", "model JSON: OneHotEncoder 'features' must hold one entry per column");
    enc.codes = features.map((f, j) => {
      const e = (f ?? {}) as Record<string, unknown>;
      const cats = e.categories;
      const inf = e.infrequent;
      const kind = e.kind as Column["kind"];
      if (
        !["number", "string", "boolean", "date"].includes(kind) ||
        !Array.isArray(cats) ||
        cats.length === 0 ||
        !cats.every((v) => v === null || typeof v === (kind === "string" ? "string" : "number")) ||
        !Array.isArray(inf) ||
        !inf.every((i) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < cats.length)
      )
        throw new DescentError("E_FORMAT", `model JSON: OneHotEncoder feature ${j} is malformed`);
      return enc.codeOf(kind, cats as Category[], inf as number[]);
    });
    enc.featureNamesIn = names;
    return enc;
  }
}
