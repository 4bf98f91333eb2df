import { DescentError } from "../errors.js";
import { field, readEnvelope, readStrings, writeModel } from "../io/model-json.js";
import type { Matrix } from "../matrix.js";
import {
  type ColumnKind,
  type ColumnTable,
  columnNames,
  conformKinds,
  matrixColumns,
  selectColumns,
  type TableLike,
  toColumnTable,
} from "../table/column-table.js";
import { type FloatOutput, isTableStep, notFitted, outputMatrix, stepFromJSON, type TableStep } from "./transformer.js";

/** A function choosing columns by what they hold (see makeColumnSelector). */
export type ColumnSelector = (t: ColumnTable) => string[];

/** The columns a part of a ColumnTransformer reads: names, indices, one of either, or a selector. */
export type ColumnSpec = readonly string[] | readonly number[] | string | number | ColumnSelector;

/** A part of a ColumnTransformer: [name, transformer (or pipeline of them) | 'drop' | 'passthrough', columns]. */
export type ColumnPart = readonly [string, TableStep | "drop" | "passthrough", ColumnSpec];

/** Options of ColumnTransformer. */
export interface ColumnTransformerOptions {
  /** What happens to the columns no part names: `'drop'` (default) or `'passthrough'` (numeric only). */
  remainder?: "drop" | "passthrough";
  /** Prefix every output name with its part's name and `__` (default true, as scikit-learn). */
  verboseFeatureNamesOut?: boolean;
}

/** Options of makeColumnSelector. */
export interface ColumnSelectorOptions {
  /** Keep columns of these kinds. */
  dtypeInclude?: ColumnKind | readonly ColumnKind[];
  /** Leave out columns of these kinds. */
  dtypeExclude?: ColumnKind | readonly ColumnKind[];
  /** Keep columns whose name matches (a RegExp, or its source text). */
  pattern?: RegExp | string;
}

/**
 * A selector of columns by kind and name, as scikit-learn's make_column_selector: e.g.
 * `makeColumnSelector({ dtypeInclude: 'string' })` picks the text columns.
 */
export function makeColumnSelector(options: ColumnSelectorOptions = {}): ColumnSelector {
  const list = (v: ColumnKind | readonly ColumnKind[] | undefined): readonly ColumnKind[] | null =>
    v === undefined ? null : typeof v === "string" ? [v] : v;
  const include = list(options.dtypeInclude);
  const exclude = list(options.dtypeExclude);
  const pattern =
    options.pattern === undefined
      ? null
      : typeof options.pattern === "string"
        ? new RegExp(options.pattern)
        : options.pattern;
  const selector: ColumnSelector = (t) =>
    t.columns
      .filter(
        (c) =>
          (include === null || include.includes(c.kind)) &&
          (exclude === null || !exclude.includes(c.kind)) &&
          (pattern === null || pattern.test(c.name)),
      )
      .map((c) => c.name);
  return selector;
}

/** A fitted part: its step and the names of the columns it reads. */
export interface FittedPart {
  /** The part's name. */
  name: string;
  /** Its fitted transformer, or 'passthrough' (the columns as they are). */
  step: TableStep | "passthrough";
  /** The input columns it read. */
  columns: string[];
  /** The output columns it writes. */
  width: number;
}

/**
 * Applies a transformer (or a pipeline of them) to each group of columns and sets their outputs
 * side by side, as scikit-learn's ColumnTransformer: parts in order, then the remainder. Every
 * part writes straight into the one output matrix. Columns are found by name at transform, so a
 * table may hold its columns in another order or hold more of them.
 */
export class ColumnTransformer implements TableStep {
  /** The parts as given. */
  readonly transformers: readonly ColumnPart[];
  /** The remainder rule. */
  readonly remainder: "drop" | "passthrough";
  /** Whether output names carry their part's name. */
  readonly verboseFeatureNamesOut: boolean;
  /** Names of the columns seen at fit; null before fit. */
  featureNamesIn: string[] | null = null;
  private fitted: FittedPart[] | null = null;
  /** Kinds of the columns seen at fit, by name (a column with no value at transform takes its kind). */
  private kindsIn = new Map<string, ColumnKind>();

  constructor(transformers: readonly ColumnPart[], options: ColumnTransformerOptions = {}) {
    if (!Array.isArray(transformers) || transformers.length === 0)
      throw new DescentError("E_OPTION", "ColumnTransformer needs a list of [name, transformer, columns] parts");
    const names = new Set<string>();
    for (const part of transformers) {
      const [name, step] = part;
      if (typeof name !== "string" || name === "" || name.includes("__"))
        throw new DescentError(
          "E_OPTION",
          `ColumnTransformer: part name ${JSON.stringify(name)} must be a non-empty name without '__'`,
        );
      if (names.has(name) || name === "remainder")
        throw new DescentError("E_OPTION", `ColumnTransformer: part name '${name}' is used twice or reserved`);
      names.add(name);
      if (step !== "drop" && step !== "passthrough" && !isTableStep(step))
        throw new DescentError(
          "E_OPTION",
          `ColumnTransformer part '${name}': the step must be a transformer, a pipeline of transformers, 'drop' or 'passthrough'`,
        );
    }
    const remainder = options.remainder ?? "drop";
    if (remainder !== "drop" && remainder !== "passthrough")
      throw new DescentError(
        "E_OPTION",
        `ColumnTransformer option 'remainder' must be 'drop' or 'passthrough' (got ${JSON.stringify(remainder)})`,
      );
    this.transformers = transformers;
    this.remainder = remainder;
    this.verboseFeatureNamesOut = options.verboseFeatureNamesOut ?? true;
  }

  /** The names of the columns `spec` picks from `t`. */
  private pick(spec: ColumnSpec, t: ColumnTable, part: string): string[] {
    const names = columnNames(t);
    if (typeof spec === "function") return spec(t);
    const list: ReadonlyArray<string | number> = typeof spec === "string" || typeof spec === "number" ? [spec] : spec;
    return list.map((c) => {
      if (typeof c === "number") {
        if (!Number.isInteger(c) || c < -names.length || c >= names.length)
          throw new DescentError(
            "E_SHAPE",
            `ColumnTransformer part '${part}': column index ${c} is out of range (${names.length} columns)`,
          );
        return names[c < 0 ? names.length + c : c] as string;
      }
      if (!names.includes(c))
        throw new DescentError(
          "E_SHAPE",
          `ColumnTransformer part '${part}': X has no column '${c}' (columns: ${names.join(", ")})`,
        );
      return c;
    });
  }

  /** Learns every part from typed columns. */
  fitTable(t: ColumnTable): void {
    const used = new Set<string>();
    const fitted: FittedPart[] = [];
    for (const [name, step, spec] of this.transformers) {
      const columns = this.pick(spec, t, name);
      for (const c of columns) used.add(c);
      if (step === "drop" || columns.length === 0) continue;
      const sub = this.columnsOf(t, columns, name);
      if (step === "passthrough") fitted.push({ name, step, columns, width: columns.length });
      else {
        step.fitTable(sub);
        fitted.push({ name, step, columns, width: step.nFeaturesOut });
      }
    }
    if (this.remainder === "passthrough") {
      const rest = columnNames(t).filter((c) => !used.has(c));
      if (rest.length > 0) fitted.push({ name: "remainder", step: "passthrough", columns: rest, width: rest.length });
    }
    // Text cannot pass through into a matrix of numbers: say so now rather than at transform.
    for (const p of fitted)
      if (p.step === "passthrough") {
        const text = this.columnsOf(t, p.columns, p.name).columns.find((c) => c.kind === "string");
        if (text !== undefined) throw textPassThrough(p.name, text.name);
      }
    this.fitted = fitted;
    this.featureNamesIn = columnNames(t);
    this.kindsIn = new Map(t.columns.map((c) => [c.name, c.kind]));
  }

  /** Learns every part from X. */
  fit(X: TableLike, _y?: unknown): this {
    this.fitTable(toColumnTable(X));
    return this;
  }

  /** The columns `names` of t, found by name. */
  private columnsOf(t: ColumnTable, names: readonly string[], part: string): ColumnTable {
    const all = columnNames(t);
    return selectColumns(
      t,
      names.map((n) => {
        const i = all.indexOf(n);
        if (i < 0)
          throw new DescentError(
            "E_SHAPE",
            `ColumnTransformer part '${part}': X has no column '${n}' (columns: ${all.join(", ")})`,
          );
        return i;
      }),
    );
  }

  private parts(): FittedPart[] {
    if (this.fitted === null) throw notFitted("ColumnTransformer");
    return this.fitted;
  }

  /** The fitted parts in output order: name, step (or 'passthrough'), the columns it reads, its output width. */
  get fittedParts(): ReadonlyArray<Readonly<FittedPart>> {
    return this.parts();
  }

  /** Output column count. */
  get nFeaturesOut(): number {
    return this.parts().reduce((s, p) => s + p.width, 0);
  }

  /** Output names: `<part>__<name>` for each part's outputs, `remainder__<column>` for passed-through ones. */
  getFeatureNamesOut(_inputFeatures?: readonly string[]): string[] {
    return this.parts().flatMap((p) => {
      const names = p.step === "passthrough" ? p.columns : p.step.getFeatureNamesOut(p.columns);
      return this.verboseFeatureNamesOut ? names.map((n) => `${p.name}__${n}`) : names;
    });
  }

  /** Writes every part's output for t into out (row-major, `stride` a row) from column `offset`. */
  transformInto(table: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const t = conformKinds(table, this.kindsIn);
    let at = offset;
    for (const p of this.parts()) {
      const sub = this.columnsOf(t, p.columns, p.name);
      if (p.step === "passthrough") passThrough(sub, out, stride, at, p.name);
      else p.step.transformInto(sub, out, stride, at);
      at += p.width;
    }
  }

  /** X transformed, as a float64 row-major Matrix. */
  transform(X: TableLike): Matrix {
    return outputMatrix(this, toColumnTable(X));
  }

  /** fit(X) then transform(X). */
  fitTransform(X: TableLike, y?: unknown): Matrix {
    const t = toColumnTable(X);
    return this.fit(t, y).transform(t);
  }

  /** X transformed, as number columns named as getFeatureNamesOut says. */
  transformTable(X: TableLike): ColumnTable {
    return matrixColumns(this.transform(X), this.getFeatureNamesOut());
  }

  /** A versioned JSON snapshot (a selector is saved as the columns it chose). */
  toJSON(): Record<string, unknown> {
    return writeModel("ColumnTransformer", {
      remainder: this.remainder,
      verboseFeatureNamesOut: this.verboseFeatureNamesOut,
      featureNamesIn: this.featureNamesIn,
      featureKinds: Object.fromEntries(this.kindsIn),
      parts: this.parts().map((p) => ({
        name: p.name,
        step: p.step === "passthrough" ? "passthrough" : p.step.toJSON(),
        columns: p.columns,
      })),
    });
  }

  /** Rebuilds a fitted ColumnTransformer from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): ColumnTransformer {
    const o = readEnvelope(json, "ColumnTransformer");
    const parts = field(o, "parts");
    if (!Array.isArray(parts) || parts.length === 0)
      throw new DescentError("E_FORMAT", "model JSON: ColumnTransformer 'parts' must be a non-empty list");
    const fitted: FittedPart[] = parts.map((raw, k) => {
      const p = (raw ?? {}) as Record<string, unknown>;
      const name = p.name;
      if (typeof name !== "string")
        throw new DescentError("E_FORMAT", `model JSON: ColumnTransformer part ${k} has no name`);
      const columns = readStrings(p, "columns");
      const step = p.step === "passthrough" ? "passthrough" : stepFromJSON(p.step);
      if (step !== "passthrough" && !isTableStep(step))
        throw new DescentError("E_FORMAT", `model JSON: ColumnTransformer part '${name}' is not a transformer`);
      return { name, step, columns, width: step === "passthrough" ? columns.length : step.nFeaturesOut };
    });
    const ct = new ColumnTransformer(
      fitted.filter((p) => p.name !== "remainder").map((p) => [p.name, p.step, p.columns] as const),
      {
        remainder: field(o, "remainder") === "passthrough" ? "passthrough" : "drop",
        verboseFeatureNamesOut: field(o, "verboseFeatureNamesOut") !== false,
      },
    );
    ct.fitted = fitted;
    ct.featureNamesIn = readStrings(o, "featureNamesIn");
    const kinds = field(o, "featureKinds");
    if (kinds !== null && typeof kinds === "object" && !Array.isArray(kinds))
      for (const [name, kind] of Object.entries(kinds))
        if (["number", "string", "boolean", "date"].includes(kind as string)) ct.kindsIn.set(name, kind as ColumnKind);
    return ct;
  }
}

/** Copies numeric columns into out as they are; E_SHAPE for a text column. */
function passThrough(t: ColumnTable, out: FloatOutput, stride: number, offset: number, part: string): void {
  t.columns.forEach((c, j) => {
    if (c.kind === "string") throw textPassThrough(part, c.name);
    for (let r = 0; r < t.rows; r++) out[r * stride + offset + j] = c.values[r] as number;
  });
}

function textPassThrough(part: string, column: string): DescentError {
  return new DescentError(
    "E_SHAPE",
    `ColumnTransformer part '${part}': column '${column}' holds text and cannot pass through as a number; encode it (OneHotEncoder)`,
  );
}
