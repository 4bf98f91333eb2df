import { DescentError } from "../errors.js";
import type { CsvChunk } from "../io/csv-stream.js";

/**
 * Deterministic held-out rows for `descent fit --validation`: row i (0-based, in file order) is a
 * validation row when a hash of (i, seed) falls below the fraction. The same rows in memory and
 * streamed, and for every model kind.
 */
export function isValidationRow(i: number, seed: number, fraction: number): boolean {
  let h = Math.imul(i ^ seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < fraction;
}

/** Refuses a --validation fraction outside (0, 1) with E_OPTION (exit code 2); undefined is fine. */
export function checkValidationFraction(fraction: number | undefined): void {
  if (fraction !== undefined && !(fraction > 0 && fraction < 1))
    throw new DescentError("E_OPTION", `--validation must be in (0, 1) (got ${fraction})`);
}

/** A chunk's rows split into training and --validation rows (rows numbered from firstRow in the file). */
export function splitValidation(chunk: CsvChunk, firstRow: number, seed: number, fraction: number | undefined) {
  const d = chunk.featureNames.length;
  if (fraction === undefined) return { train: chunk, val: null };
  const keep: number[] = [];
  const held: number[] = [];
  for (let r = 0; r < chunk.rows; r++) (isValidationRow(firstRow + r, seed, fraction) ? held : keep).push(r);
  const pick = (rows: number[]): CsvChunk => {
    const X = new Float64Array(rows.length * d);
    rows.forEach((r, k) => {
      X.set(chunk.X.subarray(r * d, (r + 1) * d), k * d);
    });
    return { ...chunk, X, rows: rows.length, y: rows.map((r) => chunk.y[r] as number | string) };
  };
  return { train: pick(keep), val: held.length > 0 ? pick(held) : null };
}
