// exp, log and log1p of our own, written operation for operation like src/backend/js-math.ts, so
// the logistic and softmax losses give the same bits in JS and WASM (V8's Math.exp and
// AssemblyScript's differ in the last bit). Accuracy: a few ulp over the whole double range.

import { EXP2_64, INV1P_64, LOG1P_64 } from "./log-loss-tables";

const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;

/** 64/ln 2, and ln2/64 split so that k·L64_HI is exact for the k of every exp argument. */
const INV_L64: f64 = 92.33248261689366;
const L64_HI: f64 = 0.010830424696223417;
const L64_LO: f64 = 2.572804622327669e-14;

export class OwnMath {
  /** 2^k for -1022 <= k <= 1023, built from its bits. */
  @inline
  static pow2(k: i32): f64 {
    return reinterpret<f64>((<i64>(k + 1023)) << 52);
  }

  /** e^x: x = k·ln2 + r with |r| <= ln2/2 (Cody–Waite), e^r by its Taylor series to degree 13. */
  static exp(x: f64): f64 {
    if (isNaN<f64>(x)) return x;
    if (x > 709.782712893384) return Infinity;
    if (x < -745.1332191019412) return 0;
    const kf = Math.floor(x * Math.LOG2E + 0.5);
    const r = x - kf * LN2_HI - kf * LN2_LO;
    // Taylor series to degree 13 by Estrin's scheme (short dependency chains).
    const r2 = r * r;
    const r4 = r2 * r2;
    const r8 = r4 * r4;
    const q0 = 1.0 + r;
    const q1 = 0.5 + (1.0 / 6.0) * r;
    const q2 = 1.0 / 24.0 + (1.0 / 120.0) * r;
    const q3 = 1.0 / 720.0 + (1.0 / 5040.0) * r;
    const q4 = 1.0 / 40320.0 + (1.0 / 362880.0) * r;
    const q5 = 1.0 / 3628800.0 + (1.0 / 39916800.0) * r;
    const q6 = 1.0 / 479001600.0 + (1.0 / 6227020800.0) * r;
    const t0 = q0 + q1 * r2 + (q2 + q3 * r2) * r4;
    const t1 = q4 + q5 * r2 + q6 * r4;
    const p = t0 + t1 * r8;
    const k = <i32>kf;
    if (k < -1021) return p * OwnMath.pow2(k + 1000) * OwnMath.pow2(-1000);
    if (k > 1023) return p * OwnMath.pow2(k - 1023) * OwnMath.pow2(1023);
    return p * OwnMath.pow2(k);
  }

  /** ln x for x > 0: x = 2^e·m with m in [√½, √2], ln m = 2·atanh((m−1)/(m+1)) by its series. */
  static log(x: f64): f64 {
    if (isNaN<f64>(x) || x < 0) return NaN;
    if (x == 0) return -Infinity;
    if (x == Infinity) return x;
    let e: i32 = 0;
    let v = x;
    if (v < 2.2250738585072014e-308) {
      v = v * 18014398509481984.0; // 2^54
      e = -54;
    }
    const bits = reinterpret<u64>(v);
    e += <i32>((bits >> 52) & 0x7ff) - 1023;
    const m1 = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
    const high = m1 > Math.SQRT2;
    const m = select<f64>(m1 * 0.5, m1, high);
    e += select<i32>(1, 0, high);
    const s = (m - 1.0) / (m + 1.0);
    const s2 = s * s;
    // t = 1/3 + s²/5 + s⁴/7 + … + s²⁰/23 by Estrin's scheme in u = s².
    const u2 = s2 * s2;
    const u4 = u2 * u2;
    const u8 = u4 * u4;
    const a0 = 1.0 / 3.0 + (1.0 / 5.0) * s2;
    const a1 = 1.0 / 7.0 + (1.0 / 9.0) * s2;
    const a2 = 1.0 / 11.0 + (1.0 / 13.0) * s2;
    const a3 = 1.0 / 15.0 + (1.0 / 17.0) * s2;
    const a4 = 1.0 / 19.0 + (1.0 / 21.0) * s2;
    const t = a0 + a1 * u2 + (a2 + a3 * u2) * u4 + (a4 + (1.0 / 23.0) * u2) * u8;
    const lm = 2.0 * s + 2.0 * s * (s2 * t);
    const ef = <f64>e;
    return ef * LN2_HI + (lm + ef * LN2_LO);
  }

  /**
   * e^x for x ≤ 0 (or NaN), the log loss's exp: x = (64m + j)·ln2/64 + r with |r| ≤ ln2/128, so
   * e^x = 2^m · 2^(j/64) · e^r, e^r − 1 by its Taylor polynomial to degree 5 (error below 4e-17).
   * A few operations and a table load, against the general exp's degree-13 series.
   */
  static expNonPositive(x: f64): f64 {
    if (isNaN<f64>(x)) return x;
    if (x < -745.1332191019412) return 0;
    const kf = Math.floor(x * INV_L64 + 0.5);
    const r = x - kf * L64_HI - kf * L64_LO;
    const k = <i32>kf;
    const r2 = r * r;
    const p = r + r2 * (0.5 + (1.0 / 6.0) * r + r2 * (1.0 / 24.0 + (1.0 / 120.0) * r));
    const t = load<f64>(EXP2_64 + ((<usize>(k & 63)) << 3));
    const v = t + t * p;
    const m = k >> 6;
    if (m < -1021) return v * OwnMath.pow2(m + 1000) * OwnMath.pow2(-1000);
    return v * OwnMath.pow2(m);
  }

  /**
   * ln(1 + e) for 0 ≤ e ≤ 1, the log loss's log1p: with j = ⌊64e⌋, ln(1 + e) = ln(1 + j/64) +
   * ln(1 + t), t = (e − j/64)/(1 + j/64) (0 ≤ t < 1/64; e − j/64 is exact, and both terms are
   * positive, so nothing cancels), ln(1 + t) by its series to degree 9 (error below 6e-18
   * relative). No division and no branch; j = 0 leaves the series in e itself, accurate to the last
   * bits for tiny e.
   */
  static log1pUnit(e: f64): f64 {
    const j = <i32>Math.floor(e * 64);
    const t = (e - <f64>j * (1.0 / 64.0)) * load<f64>(INV1P_64 + ((<usize>j) << 3));
    const t2 = t * t;
    const t4 = t2 * t2;
    const q =
      1.0 -
      0.5 * t +
      t2 * (1.0 / 3.0 - 0.25 * t) +
      t4 * (0.2 - (1.0 / 6.0) * t + t2 * (1.0 / 7.0 - 0.125 * t) + t4 * (1.0 / 9.0));
    return load<f64>(LOG1P_64 + ((<usize>j) << 3)) + t * q;
  }

  /** ln(1 + u) for u > -1, accurate for tiny u: log(v)·u/(v−1) with v = 1 + u rounded. */
  static log1p(u: f64): f64 {
    const v = 1.0 + u;
    if (v == 1.0) return u;
    if (v == Infinity) return v;
    return OwnMath.log(v) * (u / (v - 1.0));
  }
}
