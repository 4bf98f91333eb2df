import type { Id } from "../models/matrix-factorization.js";

/**
 * A CSV column of user or item ids: numbers when every cell reads as a finite number (so "7" and
 * 7 name the same id as in the JS API), else the strings as they are.
 */
export function idColumn(cells: readonly string[]): Id[] {
  return cells.every((v) => v !== "" && Number.isFinite(Number(v))) ? cells.map(Number) : [...cells];
}
