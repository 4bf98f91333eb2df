/** The element with this id, of the expected type (throws when the page lacks it). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`lab: #${id} is missing or not a ${type.name}`);
  return el;
}

/** A number from an input, or the fallback when it is empty or not finite. */
export function numberOf(input: HTMLInputElement, fallback: number): number {
  const v = Number(input.value);
  return input.value.trim() !== "" && Number.isFinite(v) ? v : fallback;
}

/** What a number field accepts. */
export interface NumberRule {
  /** Values must be above this (exclusive). */
  above?: number;
  /** Values must be at least this. */
  atLeast?: number;
  /** Values must be whole numbers. */
  whole?: boolean;
}

/**
 * The number in a form field, or an Error naming the field and what it holds: a malformed entry
 * ("64a", or what a number input refuses) is never replaced by a default silently.
 */
export function readNumber(input: HTMLInputElement, label: string, rule: NumberRule = {}): number {
  const text = input.value.trim();
  const v = Number(text);
  if (input.validity.badInput || text === "" || !Number.isFinite(v))
    throw new Error(`${label}: '${input.validity.badInput ? "(not a number)" : text}' is not a number`);
  if (rule.whole === true && !Number.isInteger(v)) throw new Error(`${label}: ${text} is not a whole number`);
  if (rule.above !== undefined && !(v > rule.above)) throw new Error(`${label}: ${text} must be above ${rule.above}`);
  if (rule.atLeast !== undefined && !(v >= rule.atLeast))
    throw new Error(`${label}: ${text} must be at least ${rule.atLeast}`);
  return v;
}

/** Parses CSV text with csv-parse's browser build (served by the lab server) into header and rows. */
export async function parseCsvText(text: string): Promise<{ header: string[]; rows: string[][] }> {
  const url = "/vendor/csv-parse.js";
  const mod = (await import(url)) as { parse: (t: string, o: object) => string[][] };
  const records = mod.parse(text, { bom: true, skip_empty_lines: true, trim: true });
  const [header, ...rows] = records;
  if (header === undefined) throw new Error("the CSV is empty");
  return { header, rows };
}

/**
 * A Parquet file's rows as records (hyparquet's browser modules, served by the lab server): numbers,
 * text, booleans, dates and nulls as hyparquet reads them, typed by the same rules as a CSV's.
 */
export async function parseParquetRecords(file: File): Promise<Array<Record<string, unknown>>> {
  const url = "/vendor/hyparquet/index.js";
  const mod = (await import(url)) as {
    parquetReadObjects: (o: { file: ArrayBuffer; compressors: unknown }) => Promise<Array<Record<string, unknown>>>;
  };
  const codecs = "/vendor/hyparquet-compressors/index.js";
  const { compressors } = (await import(codecs)) as { compressors: unknown };
  return mod.parquetReadObjects({ file: await file.arrayBuffer(), compressors });
}

/** Fills a definition list with (term, value) pairs; `bad` marks the values as an error. */
export function showPairs(list: HTMLDListElement, pairs: ReadonlyArray<[string, string]>, bad = false): void {
  list.replaceChildren(
    ...pairs.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      if (bad) dd.className = "bad";
      return [dt, dd];
    }),
  );
}
