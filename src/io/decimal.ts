// Reading decimal numbers out of CSV bytes (UTF-8, as read from the file) without making a string per cell.

/** Powers of ten that are exact doubles (10^0 .. 10^22). */
const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Where the last call of plainDecimalCell stopped: the comma after its cell, or the limit. */
export let decimalEnd = 0;

/**
 * The number written in the bytes from `a` up to the first comma or `limit`, when it is a plain decimal
 * (optional sign, digits, an optional point and digits, no exponent, no spaces) with at most 15
 * significant digits and at most 22 after the point; NaN otherwise (the caller then uses Number()
 * on the cell). Within those limits the digits form an exact integer m < 2^53 and the value is
 * m / 10^k with both exact: one correctly rounded division, the same double Number() gives
 * (Clinger's fast path). Sets decimalEnd to where the cell ends.
 */
export function plainDecimalCell(bytes: Uint8Array, a: number, limit: number): number {
  let i = a;
  let negative = false;
  const c0 = i < limit ? (bytes[i] as number) : 0;
  if (c0 === 45 /* - */) {
    negative = true;
    i++;
  } else if (c0 === 43 /* + */) i++;
  let m = 0;
  let digits = 0;
  let seen = 0;
  let c = 0;
  // The integer part (leading zeros are not significant).
  for (; i < limit; i++) {
    c = (bytes[i] as number) - 48;
    if (c < 0 || c > 9) break;
    seen++;
    if (m !== 0 || c !== 0) {
      m = m * 10 + c;
      digits++;
    }
  }
  let fraction = 0;
  if (i < limit && c === -2 /* . */) {
    for (i++; i < limit; i++) {
      c = (bytes[i] as number) - 48;
      if (c < 0 || c > 9) break;
      seen++;
      if (m !== 0 || c !== 0) {
        m = m * 10 + c;
        digits++;
      }
      fraction++;
    }
  }
  decimalEnd = i;
  // The cell must end here (a comma or the limit), with a digit, within the exact range.
  if ((i < limit && c !== -4) /* , */ || seen === 0 || digits > 15 || fraction > 22) return Number.NaN;
  const v = fraction > 0 ? m / (EXACT_POWERS[fraction] as number) : m;
  return negative ? -v : v;
}

/** The number bytes[a..b) hold when it is a plain decimal (see plainDecimalCell), else NaN. */
export function plainDecimal(bytes: Uint8Array, a: number, b: number): number {
  const v = plainDecimalCell(bytes, a, b);
  return decimalEnd === b ? v : Number.NaN;
}
