// Options declared as tables (as scikit-learn's parameter constraints): for each option what it
// accepts, its default and one line of documentation. One checker turns a table into the
// E_OPTION messages every estimator gives, and the option tables of the guides (docs/options.md,
// docs/neural-networks.md) are printed from the same tables (scripts/option-tables.mjs; a test
// keeps the guides equal to them).

import { DescentError } from "../errors.js";

/** What one option accepts. */
export type OptionRule =
  /** A safe integer in [min, max] (either bound optional). */
  | { readonly type: "integer"; readonly min?: number; readonly max?: number }
  /**
   * A finite number; `min`/`max` inclusive bounds, `above`/`below` exclusive ones.
   */
  | {
      readonly type: "number";
      readonly min?: number;
      readonly max?: number;
      readonly above?: number;
      readonly below?: number;
    }
  /** true or false. */
  | { readonly type: "boolean" }
  /** One of the listed strings or booleans. */
  | { readonly type: "choice"; readonly values: readonly (string | boolean)[] }
  /** A function. */
  | { readonly type: "function" }
  /** null or what `rule` accepts. */
  | { readonly type: "nullable"; readonly rule: OptionRule }
  /** What any of `rules` accepts (tried in order; the first that accepts wins). */
  | { readonly type: "either"; readonly rules: readonly OptionRule[] }
  /**
   * Checked by `check`, which returns the value to keep or throws (an E_OPTION of its own, or any
   * error: it becomes "option 'x' must be <accepts>"); `accepts` says what it takes.
   */
  | { readonly type: "custom"; readonly accepts: string; readonly check: (value: unknown) => unknown };

/** One option of a table. */
export interface OptionEntry {
  /** What it accepts. */
  readonly rule: OptionRule;
  /** Its default: a value, or `{ from: name }` for the value another option of the table resolved to. */
  readonly default: unknown;
  /** One line for the option tables of the guides (Markdown). */
  readonly doc: string;
  /** The default as the guides print it, where printing the value would not say it well. */
  readonly shownDefault?: string;
}

/** An estimator's options: name → entry, in the order the guides list them. */
export type OptionTable = Readonly<Record<string, OptionEntry>>;

/**
 * A `{ name, ...params }` option's rule (an optimizer, a schedule): `check` validates the value
 * (throwing E_OPTION); the option keeps a bare name as given and a spec as a copy.
 */
export function specRule(accepts: string, check: (value: unknown) => void): OptionRule {
  return {
    type: "custom",
    accepts,
    check: (v) => {
      check(v);
      return typeof v === "string" ? v : { ...(v as object) };
    },
  };
}

/** A default taken from another option of the same table. */
export function defaultFrom(name: string): { readonly from: string } {
  return { from: name };
}

function isFrom(d: unknown): d is { from: string } {
  return d !== null && typeof d === "object" && !Array.isArray(d) && typeof (d as { from?: unknown }).from === "string";
}

/** What a rule accepts, in words ("an integer >= 1", "a finite number in (0, 1)", …). */
export function describeRule(rule: OptionRule): string {
  switch (rule.type) {
    case "integer":
      if (rule.min === undefined) return rule.max === undefined ? "an integer" : `an integer <= ${rule.max}`;
      return rule.max === undefined ? `an integer >= ${rule.min}` : `an integer in [${rule.min}, ${rule.max}]`;
    case "number": {
      const low = rule.min !== undefined ? `[${rule.min}` : rule.above !== undefined ? `(${rule.above}` : null;
      const high = rule.max !== undefined ? `${rule.max}]` : rule.below !== undefined ? `${rule.below})` : null;
      if (low !== null && high !== null) return `a number in ${low}, ${high}`;
      if (rule.min !== undefined) return `a finite number >= ${rule.min}`;
      if (rule.above !== undefined) return `a finite number > ${rule.above}`;
      if (rule.max !== undefined) return `a finite number <= ${rule.max}`;
      if (rule.below !== undefined) return `a finite number < ${rule.below}`;
      return "a finite number";
    }
    case "boolean":
      return "true or false";
    case "choice": {
      const shown = rule.values.map((v) => (typeof v === "string" ? `'${v}'` : String(v)));
      if (shown.length === 1) return shown[0] as string;
      // "true, false or 'once'" reads better than "one of true, false, 'once'".
      if (rule.values.some((v) => typeof v === "boolean"))
        return `${shown.slice(0, -1).join(", ")} or ${shown.at(-1) as string}`;
      return `one of ${shown.join(", ")}`;
    }
    case "function":
      return "a function";
    case "nullable":
      return `${describeRule(rule.rule)} or null`;
    case "either":
      return rule.rules.map(describeRule).join(" or ");
    case "custom":
      return rule.accepts;
  }
}

/** A rejected value as messages show it. */
function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (typeof v === "object" && v !== null) {
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** Why a value fails a rule (null: it passes), and the value to keep. */
function apply(rule: OptionRule, v: unknown): { ok: true; value: unknown } | { ok: false; error?: unknown } {
  switch (rule.type) {
    case "integer":
      return typeof v === "number" &&
        Number.isSafeInteger(v) &&
        (rule.min === undefined || v >= rule.min) &&
        (rule.max === undefined || v <= rule.max)
        ? { ok: true, value: v }
        : { ok: false };
    case "number": {
      if (typeof v !== "number" || !Number.isFinite(v)) return { ok: false };
      const fits =
        (rule.min === undefined || v >= rule.min) &&
        (rule.max === undefined || v <= rule.max) &&
        (rule.above === undefined || v > rule.above) &&
        (rule.below === undefined || v < rule.below);
      return fits ? { ok: true, value: v } : { ok: false };
    }
    case "boolean":
      return typeof v === "boolean" ? { ok: true, value: v } : { ok: false };
    case "choice":
      return rule.values.includes(v as string | boolean) ? { ok: true, value: v } : { ok: false };
    case "function":
      return typeof v === "function" ? { ok: true, value: v } : { ok: false };
    case "nullable":
      return v === null ? { ok: true, value: null } : apply(rule.rule, v);
    case "either": {
      let error: unknown;
      for (const r of rule.rules) {
        const got = apply(r, v);
        if (got.ok) return got;
        error ??= got.error;
      }
      return error === undefined ? { ok: false } : { ok: false, error };
    }
    case "custom":
      try {
        return { ok: true, value: rule.check(v) };
      } catch (error) {
        return { ok: false, error };
      }
  }
}

/** E_OPTION naming the option: "option 'name' <why>". */
export function optionError(name: string, why: string): DescentError {
  return new DescentError("E_OPTION", `option '${name}' ${why}`);
}

/** Checks one value against an option's rule; returns the value to keep or throws E_OPTION naming it. */
export function checkOption(name: string, rule: OptionRule, value: unknown): unknown {
  const got = apply(rule, value);
  if (got.ok) return got.value;
  // A custom check's own E_OPTION says more than the summary; other errors become the summary.
  if (got.error instanceof DescentError && got.error.code === "E_OPTION") throw got.error;
  if (rule.type === "integer" && rule.max !== undefined && Number.isSafeInteger(value) && (value as number) > rule.max)
    throw optionError(name, `must be at most ${rule.max} (got ${String(value)})`);
  throw optionError(name, `must be ${describeRule(rule)} (got ${shown(value)})`);
}

/**
 * The options of a table: every given one checked (unknown names, values outside their rule: E_OPTION
 * naming the option; `unknownHint` ends the unknown-name message), then every default filled in,
 * `{ from }` defaults after the option they follow. `undefined` counts as not given. Keys of
 * `extraKeys` pass through unchecked (the caller checks them).
 */
export function checkOptions(
  table: OptionTable,
  options: unknown,
  unknownHint: string,
  extraKeys: readonly string[] = [],
): Record<string, unknown> {
  if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
    throw optionError("options", `must be an object (got ${shown(options)})`);
  }
  const given = (options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(table, key) && !extraKeys.includes(key)) throw optionError(key, `is unknown (${unknownHint})`);
  }
  // Values first (a { from } default reads the option it follows), then the result in table order,
  // so a model's options list the same way whether a default was filled in or given back.
  const value = new Map<string, unknown>();
  for (const [name, entry] of Object.entries(table)) {
    const v = given[name];
    if (v !== undefined) value.set(name, checkOption(name, entry.rule, v));
    else if (!isFrom(entry.default)) value.set(name, entry.default);
  }
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(table))
    out[name] = value.has(name) ? value.get(name) : value.get((entry.default as { from: string }).from);
  return out;
}

/** A default as the guides print it. */
function shownDefaultOf(entry: OptionEntry): string {
  if (entry.shownDefault !== undefined) return entry.shownDefault;
  const d = entry.default;
  if (isFrom(d)) return `\`${d.from}\``;
  if (d === null) return "`null`";
  if (typeof d === "string") return `\`'${d}'\``;
  if (Array.isArray(d)) return `\`${JSON.stringify(d)}\``;
  return `\`${String(d)}\``;
}

/** Text for a Markdown table cell (its pipes escaped). */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The table as Markdown: | option | default | accepts | meaning |, one row per option. */
export function optionTableMarkdown(table: OptionTable): string {
  const rows = Object.entries(table).map(
    ([name, e]) => `| \`${name}\` | ${shownDefaultOf(e)} | ${cell(describeRule(e.rule))} | ${cell(e.doc)} |`,
  );
  return ["| option | default | accepts | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/**
 * An estimator's own options (a table of its own beside a shared one): the table's keys of
 * `options` checked and defaulted; other keys are left to the shared table's check.
 */
export function checkOwnOptions(table: OptionTable, options: unknown): Record<string, unknown> {
  const given = options !== null && typeof options === "object" ? (options as Record<string, unknown>) : {};
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(table)) if (Object.hasOwn(given, key)) own[key] = given[key];
  return checkOptions(table, own, "");
}

/**
 * A `{ name, ...params }` option (an optimizer, a schedule) or its bare name: the name one of
 * `tables`' keys, each parameter checked against that name's table and defaulted. Errors are
 * E_OPTION naming the option: "option 'schedule' gamma must be …", "… 'step' has no parameter 'x'".
 */
export function checkSpec(
  option: string,
  tables: Readonly<Record<string, OptionTable>>,
  spec: unknown,
): { name: string; params: Record<string, unknown> } {
  const o: Record<string, unknown> =
    typeof spec === "string" ? { name: spec } : spec !== null && typeof spec === "object" ? { ...spec } : {};
  const name = o.name;
  if (typeof name !== "string" || !Object.hasOwn(tables, name)) {
    const names = Object.keys(tables)
      .map((k) => `'${k}'`)
      .join(", ");
    throw optionError(option, `must be one of ${names} or { name, ...params } (got ${shown(spec)})`);
  }
  const table = tables[name] as OptionTable;
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    if (key === "name") continue;
    if (!Object.hasOwn(table, key)) throw optionError(option, `'${name}' has no parameter '${key}'`);
  }
  for (const [key, entry] of Object.entries(table)) {
    const v = o[key];
    if (v === undefined) {
      params[key] = entry.default;
      continue;
    }
    const got = apply(entry.rule, v);
    if (!got.ok) throw optionError(option, `${key} must be ${describeRule(entry.rule)} (got ${shown(v)})`);
    params[key] = got.value;
  }
  return { name, params };
}
