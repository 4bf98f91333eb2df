// Math whose results are the same bits in every JS engine, for what decides a training run: step
// sizes (schedules, Adam's bias correction) and random initial values. Math.pow, Math.cos,
// Math.sin, Math.log and Math.exp are not specified to the bit, and engines differ: Chromium 156
// and Node 20 disagree in the last bit on 2–10% of arguments (measured), which made a seeded
// fit in a page differ from the same fit in Node. These use only IEEE-exact operations (+ − × ÷,
// sqrt, floor, round) and our own exp/log (src/backend/js-math.ts).
import { ownExp, ownLog } from "./math.js";

/** base^n for an integer n ≥ 0, by repeated squaring (exactly 1 for n = 0). */
export function powInt(base: number, n: number): number {
  let result = 1;
  let b = base;
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result *= b;
    e = Math.floor(e / 2);
    if (e > 0) b *= b;
  }
  return result;
}

/**
 * x^y for x ≥ 0: by repeated squaring for integer y (|y| < 2^53), else e^(y·ln x). Relative error
 * about |y·ln x|·2^-53 against the exact power, the same bits everywhere.
 */
export function portablePow(x: number, y: number): number {
  if (Number.isInteger(y)) return y >= 0 ? powInt(x, y) : 1 / powInt(x, -y);
  if (x === 0) return y > 0 ? 0 : Number.POSITIVE_INFINITY;
  return ownExp(y * ownLog(x));
}

/**
 * The integer nearest v, halves rounded up: Math.round's result, written with floor so that
 * assembly/portable.ts can spell it the same way.
 */
export function roundHalfUp(v: number): number {
  const fl = Math.floor(v);
  return v - fl >= 0.5 ? fl + 1 : fl;
}

// π/2 split for the argument reduction: the first 33 bits, and the rest (fdlibm's pio2_1, pio2_1t).
const PIO2_HI = 1.5707963267341256;
const PIO2_LO = 6.077100506506192e-11;

/**
 * cos x (radians), accurate to about 1e-16 for |x| up to 1e6: x reduced by the nearest multiple
 * of π/2 to |r| ≤ π/4, then the Taylor polynomials of cos and sin in r.
 */
export function portableCos(x: number): number {
  const k = roundHalfUp(x / (Math.PI / 2));
  const r = x - k * PIO2_HI - k * PIO2_LO;
  const r2 = r * r;
  const cos =
    1 +
    r2 *
      (-1 / 2 +
        r2 *
          (1 / 24 +
            r2 * (-1 / 720 + r2 * (1 / 40320 + r2 * (-1 / 3628800 + r2 * (1 / 479001600 + r2 * (-1 / 87178291200)))))));
  const sin =
    r *
    (1 +
      r2 *
        (-1 / 6 +
          r2 *
            (1 / 120 +
              r2 *
                (-1 / 5040 +
                  r2 * (1 / 362880 + r2 * (-1 / 39916800 + r2 * (1 / 6227020800 + r2 * (-1 / 1307674368000))))))));
  switch (((k % 4) + 4) % 4) {
    case 0:
      return cos;
    case 1:
      return -sin;
    case 2:
      return -cos;
    default:
      return sin;
  }
}

/**
 * n draws from N(0, std²) by Marsaglia's polar method: points (u, v) uniform in the unit disc
 * (others drawn again), each giving u·f and v·f with f = √(−2 ln s / s), s = u² + v².
 */
export function portableNormals(nextFloat: () => number, n: number, std: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    const u = 2 * nextFloat() - 1;
    const v = 2 * nextFloat() - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * ownLog(s)) / s) * std;
    out[i++] = u * f;
    if (i < n) out[i++] = v * f;
  }
  return out;
}
