import type { Id } from "../table/label-types.js";

/**
 * A CSV column of user or item ids: numbers when every cell reads as a finite number (so "7" and
 * 7 name the same id as in the JS API), else the strings as they are.
 */
export function idColumn(cells: readonly string[]): Id[] {
  return cells.every((v) => v !== "" && Number.isFinite(Number(v))) ? cells.map(Number) : [...cells];
}

/** An id typed as text (a command-line argument, a form field) read as the fitted ids are: a number when they are numbers and the text reads as one. */
export function idFromText(text: string, numericIds: boolean): Id {
  const t = text.trim();
  return numericIds && t !== "" && Number.isFinite(Number(t)) ? Number(t) : text;
}
