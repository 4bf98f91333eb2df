// Powers and cosine written operation for operation like src/train/portable-math.ts, so the
// schedules' step sizes and Adam's bias corrections computed inside the step kernels are the bits
// the JS side computes (only + − × ÷, floor and our own exp/log; no engine Math.pow or Math.cos).
import { OwnMath } from "./math";

// π/2 split for the argument reduction (fdlibm's pio2_1, pio2_1t), as portable-math.ts.
const PIO2_HI: f64 = 1.5707963267341256;
const PIO2_LO: f64 = 6.077100506506192e-11;

export class Portable {
  /** base^n for an integer n ≥ 0 (as a double), by repeated squaring; exactly 1 for n = 0. */
  static powInt(base: f64, n: f64): f64 {
    let result: f64 = 1;
    let b = base;
    let e = n;
    while (e > 0) {
      if (e % 2 == 1) result *= b;
      e = Math.floor(e / 2);
      if (e > 0) b *= b;
    }
    return result;
  }

  /** x^y for x ≥ 0: repeated squaring for integer y, else e^(y·ln x). */
  static pow(x: f64, y: f64): f64 {
    if (isFinite<f64>(y) && Math.floor(y) == y) {
      return y >= 0 ? Portable.powInt(x, y) : 1 / Portable.powInt(x, -y);
    }
    if (x == 0) return y > 0 ? 0 : Infinity;
    return OwnMath.exp(y * OwnMath.log(x));
  }

  /** The integer nearest v, halves rounded up (JavaScript's Math.round). */
  @inline
  static round(v: f64): f64 {
    const fl = Math.floor(v);
    return v - fl >= 0.5 ? fl + 1 : fl;
  }

  /** cos x: x reduced by the nearest multiple of π/2, then Taylor polynomials of cos and sin. */
  static cos(x: f64): f64 {
    const k = Portable.round(x / (Math.PI / 2));
    const r = x - k * PIO2_HI - k * PIO2_LO;
    const r2 = r * r;
    const c =
      1 +
      r2 *
        (-1 / 2 +
          r2 *
            (1 / 24 +
              r2 *
                (-1 / 720 + r2 * (1 / 40320 + r2 * (-1 / 3628800 + r2 * (1 / 479001600 + r2 * (-1 / 87178291200)))))));
    const s =
      r *
      (1 +
        r2 *
          (-1 / 6 +
            r2 *
              (1 / 120 +
                r2 *
                  (-1 / 5040 +
                    r2 * (1 / 362880 + r2 * (-1 / 39916800 + r2 * (1 / 6227020800 + r2 * (-1 / 1307674368000))))))));
    const q = ((k % 4) + 4) % 4;
    if (q == 0) return c;
    if (q == 1) return -s;
    if (q == 2) return -c;
    return s;
  }
}
