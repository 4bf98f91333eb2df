import { DescentError } from "../errors.js";
import { Prng } from "../kernels/prng.js";

/**
 * Splits row indices 0..n-1 into training and validation rows: a `fraction` of the rows, drawn
 * with the seeded generator; when `strata` (one class index per row) is given, that fraction of
 * each class (at least one row and at most all rows but one of every class). E_EMPTY when that
 * leaves no validation row (early stopping needs some); E_OPTION naming validationFraction when a
 * class has too few rows to give both sides one (`className` names class k in the message).
 */
export function validationSplit(
  n: number,
  fraction: number,
  seed: number,
  strata: ArrayLike<number> | null,
  className: (k: number) => string = String,
): { train: Int32Array; validation: Int32Array } {
  // scikit-learn rounds the validation share up and refuses a split that leaves no training row
  // (0.99 of 8 rows: 8 held out); so do we, rather than clamp it to one training row. (One row
  // alone has none to hold out: E_EMPTY below.)
  if (n >= 2 && n - Math.ceil(n * fraction) < 1) {
    throw new DescentError(
      "E_OPTION",
      `option 'validationFraction' (${fraction}) of ${n} rows holds out ${Math.ceil(n * fraction)}, leaving no training row: lower it or set earlyStopping false`,
    );
  }
  const rng = new Prng(seed ^ 0x5bd1e995);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = strata === null ? 0 : (strata[i] as number);
    let g = groups.get(key);
    if (g === undefined) {
      g = [];
      groups.set(key, g);
    }
    g.push(i);
  }
  const isValidation = new Uint8Array(n);
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = Int32Array.from(groups.get(key) ?? []);
    if (strata !== null && rows.length < 2) {
      throw new DescentError(
        "E_OPTION",
        `option 'validationFraction' (${fraction}) with earlyStopping needs a training and a validation row of every class, but class ${className(key)} has ${rows.length} row: add rows of it or set earlyStopping false`,
      );
    }
    rng.shuffle(rows);
    let take = Math.round(rows.length * fraction);
    if (take === 0 && rows.length >= 2) take = 1;
    if (take >= rows.length) take = rows.length - 1;
    for (let k = 0; k < take; k++) isValidation[rows[k] as number] = 1;
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < n; i++) (isValidation[i] === 1 ? validation : train).push(i);
  if (validation.length === 0) {
    throw new DescentError(
      "E_EMPTY",
      `earlyStopping needs validation rows: ${n} rows × validationFraction ${fraction} leaves none`,
    );
  }
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}
