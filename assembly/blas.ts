// Level-1/2 building blocks over raw pointers: dot, axpy and the matrix-vector product X·w + b.
import { Simd } from "./simd";

/** out[r] = X[r]·w + b for r < rows; X is rows × d, row-major. */
function gemvImpl<T>(x: usize, rows: i32, d: i32, w: usize, b: T, out: usize): void {
  const s = Simd.shiftOf<T>();
  const stride = (<usize>d) << s;
  for (let r = 0; r < rows; r++) {
    store<T>(out + ((<usize>r) << s), Simd.dot<T>(x + <usize>r * stride, w, d) + b);
  }
}

export function dotF64(x: usize, y: usize, n: i32): f64 {
  return Simd.dot<f64>(x, y, n);
}
export function dotF32(x: usize, y: usize, n: i32): f32 {
  return Simd.dot<f32>(x, y, n);
}
export function axpyF64(n: i32, a: f64, x: usize, y: usize): void {
  Simd.axpy<f64>(n, a, x, y);
}
export function axpyF32(n: i32, a: f32, x: usize, y: usize): void {
  Simd.axpy<f32>(n, a, x, y);
}
export function gemvF64(x: usize, rows: i32, d: i32, w: usize, b: f64, out: usize): void {
  gemvImpl<f64>(x, rows, d, w, b, out);
}
export function gemvF32(x: usize, rows: i32, d: i32, w: usize, b: f32, out: usize): void {
  gemvImpl<f32>(x, rows, d, w, b, out);
}
