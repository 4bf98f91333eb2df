// exp, log and log1p mirrored operation for operation from assembly/math.ts (see there), so the
// JS backend's logistic and softmax losses equal the WASM ones to the bit.

import { EXP2_64, INV1P_64, LOG1P_64 } from "./log-loss-tables.js";

const LN2_HI = 0.6931471803691238;
/** 64/ln 2, and ln2/64 split so that k·L64_HI is exact (assembly/math.ts). */
const INV_L64 = 92.33248261689366;
const L64_HI = 0.010830424696223417;
const L64_LO = 2.572804622327669e-14;
const LN2_LO = 1.9082149292705877e-10;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high word: every JS engine in use is little-endian, but do not assume it.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function pow2(k: number): number {
  u32[LO] = 0;
  u32[HI] = (k + 1023) << 20;
  return f64[0] as number;
}

/** e^x, bit-identical to the WASM kernels' exp. */
export function ownExp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.782712893384) return Number.POSITIVE_INFINITY;
  if (x < -745.1332191019412) return 0;
  const kf = Math.floor(x * Math.LOG2E + 0.5);
  const r = x - kf * LN2_HI - kf * LN2_LO;
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
  const k = kf;
  if (k < -1021) return p * pow2(k + 1000) * pow2(-1000);
  if (k > 1023) return p * pow2(k - 1023) * pow2(1023);
  return p * pow2(k);
}

/** ln x, bit-identical to the WASM kernels' log. */
export function ownLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let e = 0;
  let v = x;
  if (v < 2.2250738585072014e-308) {
    v = v * 18014398509481984.0;
    e = -54;
  }
  f64[0] = v;
  const hi = u32[HI] as number;
  e += ((hi >>> 20) & 0x7ff) - 1023;
  u32[HI] = (hi & 0xfffff) | 0x3ff00000;
  let m = f64[0] as number;
  if (m > Math.SQRT2) {
    m = m * 0.5;
    e += 1;
  }
  const s = (m - 1.0) / (m + 1.0);
  const s2 = s * s;
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
  return e * LN2_HI + (lm + e * LN2_LO);
}

/** ln(1 + u), bit-identical to the WASM kernels' log1p. */
export function ownLog1p(u: number): number {
  const v = 1.0 + u;
  if (v === 1.0) return u;
  if (v === Number.POSITIVE_INFINITY) return v;
  return ownLog(v) * (u / (v - 1.0));
}

/** e^x for x ≤ 0 (or NaN), bit-identical to the WASM kernels' OwnMath.expNonPositive (see there). */
export function ownExpNonPositive(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < -745.1332191019412) return 0;
  const kf = Math.floor(x * INV_L64 + 0.5);
  const r = x - kf * L64_HI - kf * L64_LO;
  const k = kf | 0;
  const r2 = r * r;
  const p = r + r2 * (0.5 + (1.0 / 6.0) * r + r2 * (1.0 / 24.0 + (1.0 / 120.0) * r));
  const t = EXP2_64[k & 63] as number;
  const v = t + t * p;
  const m = k >> 6;
  if (m < -1021) return v * pow2(m + 1000) * pow2(-1000);
  return v * pow2(m);
}

/** ln(1 + e) for 0 ≤ e ≤ 1, bit-identical to the WASM kernels' OwnMath.log1pUnit (see there). */
export function ownLog1pUnit(e: number): number {
  const j = Math.floor(e * 64);
  const t = (e - j * (1.0 / 64.0)) * (INV1P_64[j] as number);
  const t2 = t * t;
  const t4 = t2 * t2;
  const q =
    1.0 -
    0.5 * t +
    t2 * (1.0 / 3.0 - 0.25 * t) +
    t4 * (0.2 - (1.0 / 6.0) * t + t2 * (1.0 / 7.0 - 0.125 * t) + t4 * (1.0 / 9.0));
  return (LOG1P_64[j] as number) + t * q;
}
