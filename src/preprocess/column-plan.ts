// What `descent fit` (and the lab's Train tab) does with each column of a table as it comes: numbers imputed, dates
// expanded, text one-hot encoded (wide columns capped), empty columns left out; the flags
// --categorical, --numeric and --impute override. The plan is a fitted ColumnTransformer (saved in
// the model, so predict and the ONNX export repeat it) and one note per column for the report.
import { DescentError } from "../errors.js";
import { type ColumnPart, ColumnTransformer } from "../preprocess/column-transformer.js";
import { DateFeatures } from "../preprocess/date-features.js";
import { OneHotEncoder } from "../preprocess/one-hot-encoder.js";
import { Pipeline } from "../preprocess/pipeline.js";
import { type ImputeStrategy, SimpleImputer } from "../preprocess/simple-imputer.js";
import { decimalOf } from "../table/column-builder.js";
import {
  type Column,
  type ColumnKind,
  type ColumnTable,
  isMissing,
  missingCount,
  takeRows,
} from "../table/column-table.js";

/**
 * A word as a shell reads it back: as it is when it is plain, else in single quotes (so a hint
 * such as --drop 'Beak Length (mm)' pastes without a syntax error).
 */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_.,:/=+@%-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** The column flags of `descent fit` (and the lab's column list). */
export interface ColumnFlags {
  /** Columns read as categories (one-hot) whatever they hold. */
  categorical?: string[];
  /** Columns read as numbers (a text cell is an error). */
  numeric?: string[];
  /** How missing numbers and dates are filled: mean, median (default), mostFrequent, or drop-rows. */
  impute?: string;
  /** At most this many one-hot columns per text column (default 20; the rest grouped as infrequent). */
  maxCategories?: number;
}

/** What was done with one column (a line of the fit report, an entry of --json's columns). */
export interface ColumnNote {
  name: string;
  kind: ColumnKind;
  missing: number;
  treatment: string;
  /** Model inputs made from it. */
  outputs: number;
}

/** A fitted plan: the prepared table, its transformer, and the notes. */
export interface ColumnPlan {
  /** The table with --categorical / --numeric applied (and rows dropped by --impute drop-rows). */
  table: ColumnTable;
  preprocessor: ColumnTransformer;
  notes: ColumnNote[];
  /** The rows kept by --impute drop-rows (null: every row). */
  keptRows: number[] | null;
  /** Kinds of the input columns after the flags (what predict reads the columns as). */
  kinds: Record<string, ColumnKind>;
}

const IMPUTE = ["mean", "median", "mostFrequent", "drop-rows"];
/** The default cap on one-hot columns per text column. */
export const DEFAULT_MAX_CATEGORIES = 20;

function bad(message: string): never {
  throw new DescentError("E_OPTION", message);
}

/** A column as categories: numbers, booleans and dates as text. */
function asCategories(c: Column): Column {
  if (c.kind === "string") return c;
  const values = Array.from(c.values, (v) =>
    Number.isNaN(v)
      ? null
      : c.kind === "boolean"
        ? String(v === 1)
        : c.kind === "date"
          ? new Date(v).toISOString()
          : String(v),
  );
  return { kind: "string", name: c.name, values };
}

/** A column as numbers; E_FORMAT names the first text cell. */
function asNumbers(c: Column): Column {
  if (c.kind !== "string") return { kind: "number", name: c.name, values: c.values };
  const values = new Float64Array(c.values.length);
  c.values.forEach((t, r) => {
    const v = t === null ? Number.NaN : decimalOf(t);
    if (t !== null && Number.isNaN(v))
      throw new DescentError("E_FORMAT", `--numeric: column '${c.name}' has '${t}' at row ${r + 1}, not a number`);
    values[r] = v;
  });
  return { kind: "number", name: c.name, values };
}

/** Rows of t without a missing cell. */
function completeRows(t: ColumnTable): number[] {
  const keep: number[] = [];
  for (let r = 0; r < t.rows; r++) if (t.columns.every((c) => !isMissing(c, r))) keep.push(r);
  return keep;
}

/** The columns of t with --categorical and --numeric applied (names checked). */
export function castColumns(t: ColumnTable, f: ColumnFlags): ColumnTable {
  const names = t.columns.map((c) => c.name);
  const cat = f.categorical ?? [];
  const num = f.numeric ?? [];
  for (const [flag, list] of [
    ["--categorical", cat],
    ["--numeric", num],
  ] as const)
    for (const n of list)
      if (!names.includes(n)) bad(`${flag}: there is no feature column ${shellWord(n)} (columns: ${names.join(", ")})`);
  const both = cat.find((n) => num.includes(n));
  if (both !== undefined) bad(`column ${shellWord(both)} is given to both --categorical and --numeric`);
  return {
    rows: t.rows,
    columns: t.columns.map((c) => (cat.includes(c.name) ? asCategories(c) : num.includes(c.name) ? asNumbers(c) : c)),
  };
}

/**
 * A later chunk (or predict's rows) made ready for the fitted plan: the casts, and under --impute
 * drop-rows the rows with a missing cell taken out (keptRows lists the rows kept; null: all).
 */
export function prepareChunk(
  t: ColumnTable,
  f: ColumnFlags,
  dropRows: boolean,
): { table: ColumnTable; keptRows: number[] | null } {
  const cast = castColumns(t, f);
  if (!dropRows || f.impute !== "drop-rows") return { table: cast, keptRows: null };
  const keep = completeRows(cast);
  return keep.length === cast.rows ? { table: cast, keptRows: null } : { table: takeRows(cast, keep), keptRows: keep };
}

/** Plans and fits the preprocessing of the feature columns `t` as the flags say. */
export function planColumns(t: ColumnTable, f: ColumnFlags): ColumnPlan {
  const names = t.columns.map((c) => c.name);
  const impute = f.impute ?? "median";
  if (!IMPUTE.includes(impute)) bad(`--impute must be one of ${IMPUTE.join(", ")} (got ${shellWord(impute)})`);
  const maxCategories = f.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  if (!Number.isInteger(maxCategories) || maxCategories < 2) bad(`--max-categories must be a whole number >= 2`);

  const notes: ColumnNote[] = [];
  let columns = castColumns(t, f).columns;
  // A column with no value at all carries nothing: it is left out and said so.
  const empty = new Set(columns.filter((c) => missingCount(c) === c.values.length).map((c) => c.name));
  for (const c of columns)
    if (empty.has(c.name))
      notes.push({
        name: c.name,
        kind: c.kind,
        missing: t.rows,
        treatment: "every cell missing → left out",
        outputs: 0,
      });
  columns = columns.filter((c) => !empty.has(c.name));
  if (columns.length === 0) throw new DescentError("E_FORMAT", "every feature column is empty (all cells missing)");
  let table: ColumnTable = { columns, rows: t.rows };
  const missingOf = new Map(columns.map((c) => [c.name, missingCount(c)]));
  let keptRows: number[] | null = null;
  if (impute === "drop-rows") {
    const keep = completeRows(table);
    if (keep.length === 0)
      throw new DescentError("E_EMPTY", "--impute drop-rows leaves no row: every row has a missing cell");
    if (keep.length < table.rows) {
      table = takeRows(table, keep);
      keptRows = keep;
    }
  }
  const strategy: ImputeStrategy = impute === "drop-rows" ? "median" : (impute as ImputeStrategy);
  const numeric = table.columns.filter((c) => c.kind === "number" || c.kind === "boolean").map((c) => c.name);
  const dates = table.columns.filter((c) => c.kind === "date").map((c) => c.name);
  const text = table.columns.filter((c) => c.kind === "string").map((c) => c.name);
  const encoder = new OneHotEncoder({ handleUnknown: "infrequentIfExist", maxCategories });
  const parts: ColumnPart[] = [];
  if (numeric.length > 0) parts.push(["num", new SimpleImputer({ strategy }), numeric]);
  if (dates.length > 0)
    parts.push([
      "date",
      new Pipeline([
        ["parts", new DateFeatures()],
        ["impute", new SimpleImputer({ strategy })],
      ]),
      dates,
    ]);
  if (text.length > 0)
    parts.push([
      "cat",
      new Pipeline([
        ["impute", new SimpleImputer({ strategy: "constant", fillValue: "missing" })],
        ["onehot", encoder],
      ]),
      text,
    ]);
  const preprocessor = new ColumnTransformer(parts, { verboseFeatureNamesOut: false });
  preprocessor.fitTable(table);

  const widths = text.length > 0 ? encoder.outputWidths : [];
  const categories = text.length > 0 ? encoder.categories : [];
  for (const c of table.columns) {
    const missing = missingOf.get(c.name) ?? 0;
    const filled =
      missing === 0
        ? ""
        : impute === "drop-rows"
          ? `, ${missing} missing → rows dropped`
          : `, ${missing} missing → ${strategy} imputed`;
    if (c.kind === "string") {
      const j = text.indexOf(c.name);
      // The imputer made 'missing' a category of its own where cells were empty.
      const k = (categories[j] ?? []).length - (missing > 0 ? 1 : 0);
      const w = widths[j] ?? 0;
      const capped = w < k + (missing > 0 ? 1 : 0) ? `, the ${w - 1} most frequent + infrequent` : "";
      notes.push({
        name: c.name,
        kind: c.kind,
        missing,
        treatment: `text, ${k} categories${missing > 0 ? ` (+ 'missing' for ${missing} empty)` : ""} → one-hot${capped} (${w} columns)`,
        outputs: w,
      });
    } else if (c.kind === "date")
      notes.push({
        name: c.name,
        kind: c.kind,
        missing,
        treatment: `date → epoch seconds, year, month, day of week, hour (UTC)${filled}`,
        outputs: 5,
      });
    else
      notes.push({
        name: c.name,
        kind: c.kind,
        missing,
        treatment: `${c.kind === "boolean" ? "boolean (0/1)" : "number"}${filled}`,
        outputs: 1,
      });
  }
  const order = new Map(names.map((n, i) => [n, i]));
  notes.sort((a, b) => (order.get(a.name) as number) - (order.get(b.name) as number));
  const kinds = Object.fromEntries(table.columns.map((c) => [c.name, c.kind])) as Record<string, ColumnKind>;
  return { table, preprocessor, notes, keptRows, kinds };
}
