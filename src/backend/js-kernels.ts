// The pure-JS kernels: the speed baseline and the test oracle. Each mirrors assembly/ operation
// for operation (see the summation-order contract in assembly/simd.ts), so float64 results match
// the WASM builds to the bit. Float32 data is read from Float32Arrays but computed in doubles.
import type { FloatArray } from "./buffer.js";
import { LossId } from "./loss-id.js";

/** x[xo..xo+n)·w[wo..wo+n) with 8 partial sums combined as the WASM kernels do. */
export function dotJs(x: FloatArray, xo: number, w: FloatArray, wo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = xo + i;
    const b = wo + i;
    s0 += x[a] * w[b];
    s1 += x[a + 1] * w[b + 1];
    s2 += x[a + 2] * w[b + 2];
    s3 += x[a + 3] * w[b + 3];
    s4 += x[a + 4] * w[b + 4];
    s5 += x[a + 5] * w[b + 5];
    s6 += x[a + 6] * w[b + 6];
    s7 += x[a + 7] * w[b + 7];
  }
  let sum = s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
  for (; i < n; i++) sum += x[xo + i] * w[wo + i];
  return sum;
}

/** y[yo+i] += a·x[xo+i] for i < n. */
export function axpyJs(n: number, a: number, x: FloatArray, xo: number, y: FloatArray, yo: number): void {
  for (let i = 0; i < n; i++) y[yo + i] = y[yo + i] + a * x[xo + i];
}

/** out[r] = X[r]·w + b, params = [w (d), b]. */
export function gemvJs(X: FloatArray, rows: number, d: number, params: FloatArray, out: FloatArray): void {
  const b = params[d];
  for (let r = 0; r < rows; r++) out[r] = dotJs(X, r * d, params, 0, d) + b;
}

/** Mirror of assembly/linear.ts linearGradImpl. */
export function linearGradJs(
  loss: number,
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array,
  start: number,
  count: number,
  d: number,
  params: FloatArray,
  grad: FloatArray,
  lossParam: number,
): number {
  grad.fill(0, 0, d);
  const b = params[d];
  const eps = lossParam;
  let gb = 0;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const i = idx[start + k];
    const ro = i * d;
    const f = dotJs(X, ro, params, 0, d) + b;
    const yi = y[i];
    const wi = sw !== null ? sw[i] : 1;
    let li = 0;
    let dl = 0;
    if (loss === LossId.squared) {
      const r = f - yi;
      li = 0.5 * r * r;
      dl = r;
    } else if (loss === LossId.huber) {
      const r = f - yi;
      const a = Math.abs(r);
      if (a <= eps) {
        li = 0.5 * r * r;
        dl = r;
      } else {
        li = eps * a - 0.5 * eps * eps;
        dl = r > 0 ? eps : -eps;
      }
    } else if (loss === LossId.hinge) {
      const m = 1 - yi * f;
      if (m > 0) {
        li = m;
        dl = -yi;
      }
    } else if (loss === LossId.squaredHinge) {
      const m = 1 - yi * f;
      if (m > 0) {
        li = m * m;
        dl = -2 * yi * m;
      }
    }
    const c = wi * dl;
    if (c !== 0) for (let j = 0; j < d; j++) grad[j] = grad[j] + c * X[ro + j];
    gb += c;
    total += wi * li;
  }
  grad[d] = gb;
  return total;
}

/** Mirror of assembly/update.ts sgdStepImpl. */
export function sgdStepJs(
  params: FloatArray,
  grad: FloatArray,
  d: number,
  fitIntercept: boolean,
  scale: number,
  alpha: number,
  lr: number,
  acc: FloatArray | null,
  accWeight: number,
): void {
  for (let j = 0; j < d; j++) {
    const w = params[j];
    const g = grad[j] * scale + alpha * w;
    grad[j] = g;
    params[j] = w - lr * g;
    if (acc !== null) acc[j] = acc[j] + accWeight * g;
  }
  const gb = grad[d] * scale;
  grad[d] = gb;
  if (fitIntercept) params[d] = params[d] - lr * gb;
  if (acc !== null) acc[d] = acc[d] + accWeight * gb;
}
