// The pure-JS kernels: the speed baseline and the test oracle. Each mirrors assembly/ operation
// for operation (see the summation-order contract in assembly/simd.ts), so float64 results match
// the WASM builds to the bit. Float32 data is read from Float32Arrays but computed in doubles.
import type { FloatArray } from "./buffer.js";
import { ownExp, ownLog, ownLog1p } from "./js-math.js";
import { LossId } from "./loss-id.js";
import { OptimizerId, type StepParams } from "./optimizer-id.js";

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
    } else if (loss === LossId.log) {
      const z = yi * f;
      const e = ownExp(-Math.abs(z));
      li = ownLog1p(e) + Math.max(-z, 0);
      const sig = (z > 0 ? e : 1.0) / (1.0 + e);
      dl = -yi * sig;
    }
    const c = wi * dl;
    if (c !== 0) for (let j = 0; j < d; j++) grad[j] = grad[j] + c * X[ro + j];
    gb += c;
    total += wi * li;
  }
  grad[d] = gb;
  return total;
}

/** Mirror of assembly/softmax.ts softmaxGradImpl; scratch holds `classes` doubles. */
export function softmaxGradJs(
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array,
  start: number,
  count: number,
  d: number,
  classes: number,
  params: FloatArray,
  grad: FloatArray,
  scratch: Float64Array,
): number {
  grad.fill(0, 0, classes * (d + 1));
  const bias = classes * d;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const i = idx[start + k];
    const ro = i * d;
    const label = Math.trunc(y[i]);
    const wi = sw !== null ? sw[i] : 1;
    let top = Number.NEGATIVE_INFINITY;
    let zy = 0;
    for (let c = 0; c < classes; c++) {
      const z = dotJs(X, ro, params, c * d, d) + params[bias + c];
      scratch[c] = z;
      if (z > top) top = z;
      if (c === label) zy = z;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = ownExp(scratch[c] - top);
      scratch[c] = e;
      sum += e;
    }
    const li = ownLog(sum) + top - zy;
    total += wi * li;
    for (let c = 0; c < classes; c++) {
      const p = scratch[c] / sum;
      const coef = wi * (c === label ? p - 1.0 : p);
      if (coef !== 0) for (let j = 0; j < d; j++) grad[c * d + j] = grad[c * d + j] + coef * X[ro + j];
      grad[bias + c] = grad[bias + c] + coef;
    }
  }
  return total;
}

/** Mirror of assembly/update.ts optimizerStepImpl (see there for the formulas). */
export function optimizerStepJs(
  params: FloatArray,
  grad: FloatArray,
  s1: FloatArray | null,
  s2: FloatArray | null,
  nAll: number,
  p: StepParams,
  acc: FloatArray | null,
): void {
  const opt = OptimizerId[p.kind];
  const { nPen, scale, l2, lr, l1, h1, h2, h3, h4, h5, accWeight } = p;
  const m1 = s1 as FloatArray;
  const m2 = s2 as FloatArray;
  for (let j = 0; j < nAll; j++) {
    const penalised = j < nPen;
    const w = params[j];
    let g = grad[j] * scale;
    if (penalised && opt !== OptimizerId.adamw) g = g + l2 * w;
    grad[j] = g;
    if (!penalised && !p.fitIntercept) continue;
    let step: number;
    if (opt === OptimizerId.sgd) {
      step = lr * g;
    } else if (opt === OptimizerId.momentum || opt === OptimizerId.nesterov) {
      const v = h1 * m1[j] + g;
      m1[j] = v;
      step = opt === OptimizerId.nesterov ? lr * (g + h1 * v) : lr * v;
    } else if (opt === OptimizerId.adagrad) {
      const a = m1[j] + g * g;
      m1[j] = a;
      step = lr * (g / Math.sqrt(a + h1));
    } else if (opt === OptimizerId.rmsprop) {
      const ms = h1 * m1[j] + (1 - h1) * (g * g);
      m1[j] = ms;
      const mom = h2 * m2[j] + lr * (g / Math.sqrt(ms + h3));
      m2[j] = mom;
      step = mom;
    } else {
      const m = h1 * m1[j] + (1 - h1) * g;
      const v = h2 * m2[j] + (1 - h2) * (g * g);
      m1[j] = m;
      m2[j] = v;
      let u = m / h4 / (Math.sqrt(v / h5) + h3);
      if (opt === OptimizerId.adamw && penalised) u = u + l2 * w;
      step = lr * u;
    }
    let wn = w - step;
    if (penalised && l1 > 0) wn = wn > l1 ? wn - l1 : wn < -l1 ? wn + l1 : 0;
    params[j] = wn;
    if (acc !== null) acc[j] = acc[j] + accWeight * (penalised && l1 > 0 ? (w - wn) / lr : g);
  }
}

/** Learning rates and regularisation of one matrix-factorisation pass (see assembly/mf.ts). */
export interface MfStep {
  mu: number;
  lrBu: number;
  lrBi: number;
  lrP: number;
  lrQ: number;
  regBu: number;
  regBi: number;
  regP: number;
  regQ: number;
  biased: boolean;
}

/** Mirror of assembly/mf.ts mfEpochF64 (same dot order, same element-wise updates). */
export function mfEpochJs(
  users: Int32Array,
  items: Int32Array,
  ratings: Float64Array,
  start: number,
  count: number,
  k: number,
  P: FloatArray,
  Q: FloatArray,
  bu: FloatArray,
  bi: FloatArray,
  s: MfStep,
): number {
  let sse = 0;
  const decayP = 1 - s.lrP * s.regP;
  const decayQ = 1 - s.lrQ * s.regQ;
  for (let n = 0; n < count; n++) {
    const r = start + n;
    const u = users[r];
    const i = items[r];
    const pu = u * k;
    const qi = i * k;
    const bU = bu[u];
    const bI = bi[i];
    const e = ratings[r] - (s.mu + bU + bI + dotJs(P, pu, Q, qi, k));
    sse += e * e;
    if (s.biased) {
      bu[u] = bU + s.lrBu * (e - s.regBu * bU);
      bi[i] = bI + s.lrBi * (e - s.regBi * bI);
    }
    const aP = s.lrP * e;
    const aQ = s.lrQ * e;
    for (let f = 0; f < k; f++) {
      const p = P[pu + f];
      const q = Q[qi + f];
      P[pu + f] = decayP * p + aP * q;
      Q[qi + f] = decayQ * q + aQ * p;
    }
  }
  return sse;
}
