// How a text cell of a file becomes a typed value: the one typing rule of the CSV readers, the
// CLI and the lab. A column is numbers while every cell reads as one; booleans when every cell is
// true/false; dates when every cell is an ISO 8601 date or timestamp (or JavaScript's Date text);
// text otherwise. Missing cells (empty, NA, NaN, null, N/A by default) never decide a type.
import { DescentError } from "../errors.js";
import type { Column, ColumnKind } from "./column-table.js";

/** The cell texts read as missing by default (compared case-insensitively, after trimming). */
export const DEFAULT_MISSING = ["", "na", "nan", "null", "n/a"] as const;

/** A set of missing-cell spellings, lower case. */
export function missingSet(spellings: readonly string[] = DEFAULT_MISSING): Set<string> {
  return new Set(spellings.map((s) => s.trim().toLowerCase()));
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
// ISO 8601 dates and timestamps, and the text of JavaScript's Date.prototype.toString.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
const JS_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}/;

/** A cell's number, or NaN when it is not a decimal number (no hex, no words). */
export function decimalOf(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/**
 * A date cell as milliseconds since the epoch, or NaN when it is not one. A time without a zone is
 * read as UTC (so a file means the same everywhere).
 */
export function dateOf(text: string): number {
  if (ISO_DATE.test(text)) {
    const hasZone = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text) && text.length > 10;
    const iso = text.replace(" ", "T");
    return Date.parse(text.length === 10 ? `${iso}T00:00:00Z` : hasZone ? iso : `${iso}Z`);
  }
  if (JS_DATE.test(text)) return Date.parse(text);
  return Number.NaN;
}

/**
 * Gathers one column's cells as a file is read and types it at the end. Cells go in as numbers
 * (already read from bytes) or texts; a column holds numbers in a Float64Array until a text that
 * is no number arrives, then turns to text (its earlier numbers as JavaScript writes them). A
 * fixed `kind` (the types of a first pass, for later chunks) is kept: a cell that does not fit is
 * an E_FORMAT naming the line and column.
 */
export class ColumnBuilder {
  /** The column's name. */
  readonly name: string;
  private numbers: Float64Array;
  private texts: Array<string | null> | null = null;
  private n = 0;
  private readonly fixed: ColumnKind | null;
  private readonly missing: Set<string>;

  constructor(name: string, missing: Set<string>, fixed: ColumnKind | null = null, capacity = 1024) {
    this.name = name;
    this.missing = missing;
    this.fixed = fixed;
    this.numbers = new Float64Array(Math.max(16, capacity));
    if (fixed === "string" || fixed === "boolean" || fixed === "date") this.texts = [];
  }

  /** Whether the column still takes numbers straight (so a reader may read them from bytes). */
  get takesNumbers(): boolean {
    return this.texts === null;
  }

  /** Cells so far. */
  get length(): number {
    return this.n;
  }

  /** Appends a number read from bytes (only while takesNumbers). */
  pushNumber(v: number): void {
    if (this.n === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.n++] = v;
  }

  /** Appends a cell's text (trimmed), `line` naming it in errors. */
  pushText(text: string, line: number): void {
    const t = text.trim();
    if (this.missing.has(t.toLowerCase())) {
      if (this.texts === null) this.pushNumber(Number.NaN);
      else {
        this.texts.push(null);
        this.n++;
      }
      return;
    }
    if (this.texts === null) {
      const v = decimalOf(t);
      if (!Number.isNaN(v)) {
        this.pushNumber(v);
        return;
      }
      if (this.fixed === "number")
        throw new DescentError(
          "E_FORMAT",
          `line ${line}, column '${this.name}': '${t}' is not a number, though the rows read before held numbers (name the column in --categorical to read it as text)`,
        );
      // The first text of the column: its numbers so far become texts.
      const texts: Array<string | null> = new Array(this.n);
      for (let i = 0; i < this.n; i++) {
        const x = this.numbers[i] as number;
        texts[i] = Number.isNaN(x) ? null : String(x);
      }
      this.texts = texts;
      this.numbers = new Float64Array(0);
    }
    this.texts.push(t);
    this.n++;
  }

  /** The typed column of the cells so far (texts that are all booleans or all dates become those). */
  finish(): Column {
    const name = this.name;
    if (this.texts === null) return { kind: "number", name, values: this.numbers.slice(0, this.n) };
    const texts = this.texts;
    const kind = this.fixed ?? inferTextKind(texts);
    if (kind === "boolean" || kind === "date") {
      const values = new Float64Array(texts.length);
      texts.forEach((t, i) => {
        if (t === null) values[i] = Number.NaN;
        else {
          const v =
            kind === "boolean" ? (BOOLEAN.test(t) ? Number(t.toLowerCase() === "true") : Number.NaN) : dateOf(t);
          if (Number.isNaN(v))
            throw new DescentError("E_FORMAT", `row ${i + 1}, column '${name}': '${t}' is not a ${kind}`);
          values[i] = v;
        }
      });
      return { kind, name, values };
    }
    return { kind: "string", name, values: texts };
  }
}

/** The kind of a column of texts: boolean or date when every present cell is one, else string. */
function inferTextKind(texts: ReadonlyArray<string | null>): ColumnKind {
  let booleans = true;
  let dates = true;
  let present = 0;
  for (const t of texts) {
    if (t === null) continue;
    present++;
    if (booleans && !BOOLEAN.test(t)) booleans = false;
    if (dates && Number.isNaN(dateOf(t))) dates = false;
    if (!booleans && !dates) return "string";
  }
  if (present === 0) return "string";
  return booleans ? "boolean" : dates ? "date" : "string";
}

/**
 * Texts of a table (a header and rows of cells, as a CSV parser gives them) as typed columns,
 * typed by the rules above; `missing` lists the missing-cell spellings.
 */
export function typeRows(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  missing: readonly string[] = DEFAULT_MISSING,
): Column[] {
  const set = missingSet(missing);
  const builders = header.map((h) => new ColumnBuilder(h, set, null, rows.length));
  rows.forEach((cells, r) => {
    if (cells.length !== header.length)
      throw new DescentError(
        "E_FORMAT",
        `CSV line ${r + 2}: ragged row (${cells.length} fields where the header has ${header.length})`,
      );
    builders.forEach((b, c) => {
      b.pushText(cells[c] as string, r + 2);
    });
  });
  return builders.map((b) => b.finish());
}
