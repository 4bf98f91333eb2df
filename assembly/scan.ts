// Finite-value scan of a float buffer: index of the first NaN or ±Infinity, or −1. For every
// finite v, v·0 is +0 or −0, and for NaN or ±Infinity it is NaN: the products are summed over
// blocks of 64 KiB, and only a block whose sum is NaN is searched element by element.
import { Simd } from "./simd";

function firstNonFiniteImpl<T>(x: usize, n: i32): i32 {
  const s = Simd.shiftOf<T>();
  const lanes = sizeof<T>() == 8 ? 2 : 4;
  const chunk = 65536 >> <i32>s;
  for (let base = 0; base < n; base += chunk) {
    const end = min(base + chunk, n);
    let i = base;
    let sum: T = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = v128.splat<T>(0);
      let a0 = zero;
      let a1 = zero;
      let a2 = zero;
      let a3 = zero;
      for (; i + 4 * lanes <= end; i += 4 * lanes) {
        const p = x + ((<usize>i) << s);
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(p), zero));
        a1 = v128.add<T>(a1, v128.mul<T>(v128.load(p, 16), zero));
        a2 = v128.add<T>(a2, v128.mul<T>(v128.load(p, 32), zero));
        a3 = v128.add<T>(a3, v128.mul<T>(v128.load(p, 48), zero));
      }
      const t = v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3));
      sum += Simd.lanesSum<T>(t);
    }
    for (; i < end; i++) sum += load<T>(x + ((<usize>i) << s)) * 0;
    if (isNaN<T>(sum)) {
      for (let j = base; j < end; j++) {
        const v = load<T>(x + ((<usize>j) << s));
        if (v - v != 0) return j;
      }
    }
  }
  return -1;
}

/** Index of the first NaN or ±Infinity among the n float64 values at x, or −1. */
export function firstNonFiniteF64(x: usize, n: i32): i32 {
  return firstNonFiniteImpl<f64>(x, n);
}

/** Index of the first NaN or ±Infinity among the n float32 values at x, or −1. */
export function firstNonFiniteF32(x: usize, n: i32): i32 {
  return firstNonFiniteImpl<f32>(x, n);
}
