import { DescentError } from "../errors.js";
import { field, readEnvelope, readStrings, writeModel } from "../io/model-json.js";
import type { ColumnTable } from "../table/column-table.js";
import { ColumnTransformerBase, type FloatOutput, notFitted } from "./transformer.js";

/** Options of PolynomialFeatures. */
export interface PolynomialFeaturesOptions {
  /** Highest total degree of a term (default 2). */
  degree?: number;
  /** Only products of distinct columns (no powers), default false. */
  interactionOnly?: boolean;
  /** Lead with a column of ones (default false: the estimators fit their own intercept). */
  includeBias?: boolean;
}

/**
 * Every product of the input columns up to `degree`, in scikit-learn's order (degree by degree,
 * each degree's terms as combinations with replacement in column order), named as there
 * (`a`, `a^2`, `a b`). Unlike scikit-learn, `includeBias` defaults to false.
 */
export class PolynomialFeatures extends ColumnTransformerBase {
  /** The highest degree. */
  readonly degree: number;
  /** Whether powers are left out. */
  readonly interactionOnly: boolean;
  /** Whether a column of ones leads. */
  readonly includeBias: boolean;
  /** Each output term as the input columns it multiplies (empty: the bias). */
  private terms: number[][] | null = null;

  constructor(options: PolynomialFeaturesOptions = {}) {
    super();
    const degree = options.degree ?? 2;
    if (!Number.isInteger(degree) || degree < 1 || degree > 10)
      throw new DescentError(
        "E_OPTION",
        `PolynomialFeatures option 'degree' must be an integer in [1, 10] (got ${degree})`,
      );
    this.degree = degree;
    this.interactionOnly = options.interactionOnly ?? false;
    this.includeBias = options.includeBias ?? false;
  }

  protected learn(t: ColumnTable): void {
    for (const c of t.columns)
      if (c.kind === "string")
        throw new DescentError("E_SHAPE", `PolynomialFeatures: column '${c.name}' holds text; encode it first`);
    this.terms = this.termsOf(t.columns.length);
  }

  /** The terms for d input columns. */
  private termsOf(d: number): number[][] {
    const terms: number[][] = this.includeBias ? [[]] : [];
    let level: number[][] = [[]];
    for (let k = 1; k <= this.degree; k++) {
      const next: number[][] = [];
      for (const term of level) {
        const from = term.length === 0 ? 0 : (term.at(-1) as number) + (this.interactionOnly ? 1 : 0);
        for (let j = from; j < d; j++) next.push([...term, j]);
      }
      terms.push(...next);
      level = next;
    }
    if (terms.length > 1_000_000)
      throw new DescentError("E_MEMORY", `PolynomialFeatures: ${terms.length} output columns is too many`);
    return terms;
  }

  get nFeaturesOut(): number {
    if (this.terms === null) throw notFitted("PolynomialFeatures");
    return this.terms.length;
  }

  /** The constructor's options. */
  getOptions(): PolynomialFeaturesOptions {
    return { degree: this.degree, interactionOnly: this.interactionOnly, includeBias: this.includeBias };
  }

  protected namesOut(input: readonly string[]): string[] {
    return (this.terms as number[][]).map((term) => {
      if (term.length === 0) return "1";
      const parts: string[] = [];
      for (let i = 0; i < term.length; ) {
        let p = 1;
        while (term[i + p] === term[i]) p++;
        const name = input[term[i] as number] as string;
        parts.push(p === 1 ? name : `${name}^${p}`);
        i += p;
      }
      return parts.join(" ");
    });
  }

  protected writeColumns(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const terms = this.terms as number[][];
    const cols = t.columns.map((c) => c.values as Float64Array);
    terms.forEach((term, k) => {
      for (let r = 0; r < t.rows; r++) {
        let v = 1;
        for (const j of term) v *= (cols[j] as Float64Array)[r] as number;
        out[r * stride + offset + k] = v;
      }
    });
  }

  toJSON(): Record<string, unknown> {
    if (this.terms === null) throw notFitted("PolynomialFeatures");
    return writeModel("PolynomialFeatures", {
      degree: this.degree,
      interactionOnly: this.interactionOnly,
      includeBias: this.includeBias,
      featureNamesIn: this.featureNamesIn,
    });
  }

  /** Rebuilds the transformer from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): PolynomialFeatures {
    const o = readEnvelope(json, "PolynomialFeatures");
    const p = new PolynomialFeatures({
      degree: field(o, "degree") as number,
      interactionOnly: field(o, "interactionOnly") === true,
      includeBias: field(o, "includeBias") === true,
    });
    const names = readStrings(o, "featureNamesIn");
    p.terms = p.termsOf(names.length);
    p.featureNamesIn = names;
    return p;
  }
}
