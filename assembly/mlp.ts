// Multi-layer perceptrons: whole minibatch steps (gather, forward, loss, backward, update) over a
// slice of an epoch in one call, as scikit-learn's MLPClassifier / MLPRegressor compute them.
//
// The network is described by an i32 array `net`: [L, hidden activation, output kind, u0, u1, …,
// uL] (u0 inputs, uL outputs, L weight layers). Parameters are packed as every layer's weights
// W_l (u_l × u_{l+1}, row-major, scikit-learn's coefs_[l]) in turn, then every layer's intercepts.
// `scratch` holds, for `batch` rows, the activations A_0 … A_L, two delta buffers, room for the
// largest weight matrix transposed and a GEMM panel (four rows of the widest layer).
//
// Summation orders (mirrored operation for operation by src/kernels/mlp.ts, so float64 results
// are the same bits): each output of A·W, Aᵀ·δ and δ·Wᵀ sums its products in ascending order of
// the inner index, starting from 0, the intercept added last. No fused multiply-add anywhere.

import { Gemm } from "./gemm";
import { OwnMath } from "./math";
import { Net } from "./mlp-net";
import { mlpUpdate } from "./mlp-update";
import { P_BATCH, P_L2, P_LAST_RATE, P_LOSS_SUM, P_OPT, P_ROWS, P_STEP, Plan } from "./plan";
import { Rows } from "./rows";
import { Simd } from "./simd";
import { StepPlan } from "./step-plan";

/** Hidden activations. MUST MATCH src/kernels/mlp-net.ts. */
export const ACT_IDENTITY: i32 = 0;
export const ACT_LOGISTIC: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
/** Output layers: identity + half squared error, logistic + binary log loss, softmax + log loss. */
export const OUT_IDENTITY: i32 = 0;
export const OUT_LOGISTIC: i32 = 1;
export const OUT_SOFTMAX: i32 = 2;
/** Activation functions and their derivatives (computed from the activation's output, as scikit-learn). */
class Act {
  /** The logistic function, from exp of a non-positive argument. */
  @inline
  static logistic(z: f64): f64 {
    const e = OwnMath.expNonPositive(-abs<f64>(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  /** tanh, from exp of a non-positive argument. */
  @inline
  static tanh(z: f64): f64 {
    const e = OwnMath.expNonPositive(-2 * abs<f64>(z));
    const t = (1 - e) / (1 + e);
    return z < 0 ? -t : t;
  }

  /** Applies the hidden activation to n values in place. */
  static apply<T>(a: usize, n: i32, act: i32): void {
    if (act == ACT_IDENTITY) return;
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (act == ACT_RELU) {
      if (ASC_FEATURE_SIMD) {
        const lanes = sizeof<T>() == 8 ? 2 : 4;
        const zero = v128.splat<T>(0);
        for (; j + lanes <= n; j += lanes) {
          const o = a + ((<usize>j) << s);
          const v = v128.load(o);
          v128.store(o, v128.bitselect(v, zero, v128.gt<T>(v, zero)));
        }
      }
      for (; j < n; j++) {
        const o = a + ((<usize>j) << s);
        const v = load<T>(o);
        store<T>(o, v > 0 ? v : <T>0);
      }
      return;
    }
    for (; j < n; j++) {
      const o = a + ((<usize>j) << s);
      const z = <f64>load<T>(o);
      store<T>(o, <T>(act == ACT_LOGISTIC ? Act.logistic(z) : Act.tanh(z)));
    }
  }

  /** δ ← δ·f'(A) for n values, f' from the activation's output A. */
  static derive<T>(d: usize, a: usize, n: i32, act: i32): void {
    if (act == ACT_IDENTITY) return;
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const zero = v128.splat<T>(0);
      const one = v128.splat<T>(1);
      for (; j + lanes <= n; j += lanes) {
        const o = (<usize>j) << s;
        const dv = v128.load(d + o);
        const av = v128.load(a + o);
        let r: v128;
        if (act == ACT_RELU) r = v128.bitselect(dv, zero, v128.gt<T>(av, zero));
        else if (act == ACT_TANH) r = v128.mul<T>(dv, v128.sub<T>(one, v128.mul<T>(av, av)));
        else r = v128.mul<T>(dv, v128.mul<T>(av, v128.sub<T>(one, av)));
        v128.store(d + o, r);
      }
    }
    for (; j < n; j++) {
      const o = (<usize>j) << s;
      const dv = load<T>(d + o);
      const av = load<T>(a + o);
      let r: T;
      if (act == ACT_RELU) r = av > 0 ? dv : <T>0;
      else if (act == ACT_TANH) r = dv * (<T>1 - av * av);
      else r = dv * (av * (<T>1 - av));
      store<T>(d + o, r);
    }
  }
}

/** The smallest probability the log losses take the log of (scikit-learn clips at the dtype's eps). */
function probabilityFloor<T>(): f64 {
  return sizeof<T>() == 8 ? 2.220446049250313e-16 : 1.1920928955078125e-7;
}

/** The output function in place over `rows` rows of u pre-activations at z. */
function outputs<T>(out: i32, z: usize, rows: i32, u: i32): void {
  if (out == OUT_IDENTITY) return;
  const s = Simd.shiftOf<T>();
  for (let r = 0; r < rows; r++) {
    const zr = z + ((<usize>(r * u)) << s);
    if (out == OUT_LOGISTIC) {
      for (let c = 0; c < u; c++) {
        const o = zr + ((<usize>c) << s);
        store<T>(o, <T>Act.logistic(<f64>load<T>(o)));
      }
      continue;
    }
    let top: f64 = -Infinity;
    for (let c = 0; c < u; c++) top = max<f64>(top, <f64>load<T>(zr + ((<usize>c) << s)));
    let sum: f64 = 0;
    for (let c = 0; c < u; c++) {
      const o = zr + ((<usize>c) << s);
      const e = <T>OwnMath.expNonPositive(<f64>load<T>(o) - top);
      store<T>(o, e);
      sum += <f64>e;
    }
    for (let c = 0; c < u; c++) {
      const o = zr + ((<usize>c) << s);
      store<T>(o, <T>(<f64>load<T>(o) / sum));
    }
  }
}

/**
 * The data loss of `rows` rows of outputs p (rows × u, after the output function) against their
 * targets, summed, and δ = p − target into d (0 skips δ). Targets y of the rows idx[start..]: one
 * class index per row (softmax), else u per row, row-major (real values for identity, 0/1 for
 * logistic). With u > 1 identity outputs the half squared error is averaged over the outputs, as
 * scikit-learn's squared_loss (a mean over every entry); the log losses are summed over them.
 */
function lossAndDelta<T>(out: i32, p: usize, d: usize, rows: i32, u: i32, y: usize, idx: usize, start: i32): f64 {
  const s = Simd.shiftOf<T>();
  const eps = probabilityFloor<T>();
  let total: f64 = 0;
  const perRow = out == OUT_SOFTMAX ? 1 : u;
  for (let r = 0; r < rows; r++) {
    const yRow = y + ((Rows.at(idx, start + r) * <usize>perRow) << s);
    const label = <i32>load<T>(yRow);
    for (let c = 0; c < u; c++) {
      const o = (<usize>(r * u + c)) << s;
      const pv = load<T>(p + o);
      let target: T;
      if (out == OUT_SOFTMAX) {
        target = c == label ? <T>1 : <T>0;
        if (c == label) total -= OwnMath.log(min<f64>(max<f64>(<f64>pv, eps), 1 - eps));
      } else {
        const yi = <f64>load<T>(yRow + ((<usize>c) << s));
        target = <T>yi;
        if (out == OUT_LOGISTIC) {
          const q = min<f64>(max<f64>(<f64>pv, eps), 1 - eps);
          total -= yi > 0 ? OwnMath.log(q) : OwnMath.log(1 - q);
        } else {
          const e = <f64>pv - yi;
          total += 0.5 * (e * e);
        }
      }
      if (d != 0) store<T>(d + o, pv - target);
    }
  }
  return out == OUT_IDENTITY && u > 1 ? total / <f64>u : total;
}

/** The last touches of a layer's gradient, lane by lane (the same operations as one at a time). */
class Grad {
  /** g ← (g + a·w)/n over count entries. */
  @inline
  static finish<T>(g: usize, w: usize, count: i32, a: T, n: T): void {
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const av = v128.splat<T>(a);
      const nv = v128.splat<T>(n);
      for (; j + lanes <= count; j += lanes) {
        const o = (<usize>j) << s;
        v128.store(g + o, v128.div<T>(v128.add<T>(v128.load(g + o), v128.mul<T>(av, v128.load(w + o))), nv));
      }
    }
    for (; j < count; j++) {
      const o = (<usize>j) << s;
      store<T>(g + o, (load<T>(g + o) + a * load<T>(w + o)) / n);
    }
  }

  /** out[c] ← (Σ_r d[r, c], r ascending)/n for the `cols` columns of a rows × cols matrix. */
  @inline
  static columnMeans<T>(d: usize, rows: i32, cols: i32, out: usize, n: T): void {
    const s = Simd.shiftOf<T>();
    const rowBytes = (<usize>cols) << s;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const nv = v128.splat<T>(n);
      for (; c + lanes <= cols; c += lanes) {
        let sum = v128.splat<T>(0);
        let p = d + ((<usize>c) << s);
        for (let r = 0; r < rows; r++) {
          sum = v128.add<T>(sum, v128.load(p));
          p += rowBytes;
        }
        v128.store(out + ((<usize>c) << s), v128.div<T>(sum, nv));
      }
    }
    for (; c < cols; c++) {
      let sum: T = 0;
      for (let r = 0; r < rows; r++) sum += load<T>(d + ((<usize>(r * cols + c)) << s));
      store<T>(out + ((<usize>c) << s), sum / n);
    }
  }
}

/** Σ w² over the first n parameters, in index order. */
function sumOfSquares<T>(w: usize, n: i32): f64 {
  const s = Simd.shiftOf<T>();
  let total: f64 = 0;
  for (let j = 0; j < n; j++) {
    const v = <f64>load<T>(w + ((<usize>j) << s));
    total += v * v;
  }
  return total;
}

/**
 * The forward pass over `rows` rows (positions start.. through idx) into the scratch's activations;
 * returns the address of A_L. A_0 is the gathered rows.
 */
function forward<T>(net: usize, x: usize, idx: usize, start: i32, rows: i32, params: usize, scratch: usize): usize {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const d = Net.units(net, 0);
  const stride = (<usize>d) << s;
  for (let r = 0; r < rows; r++) {
    memory.copy(scratch + <usize>r * stride, x + Rows.at(idx, start + r) * stride, stride);
  }
  const panel = scratch + ((<usize>Net.panelAt(net, rows)) << s);
  let a = scratch;
  for (let l = 0; l < L; l++) {
    const fanIn = Net.units(net, l);
    const fanOut = Net.units(net, l + 1);
    const z = scratch + ((<usize>Net.activationAt(net, l + 1, rows)) << s);
    const w = params + ((<usize>Net.weightAt(net, l)) << s);
    const b = params + ((<usize>Net.biasAt(net, l)) << s);
    Gemm.run<T>(a, fanIn, 1, w, z, rows, fanIn, fanOut, b, panel);
    if (l + 1 < L) Act.apply<T>(z, rows * fanOut, Net.act(net));
    a = z;
  }
  return a;
}

/**
 * The gradient of one batch of `rows` rows into grad (scikit-learn's: (Aᵀ·δ + alpha·W)/rows for the
 * weights, the mean δ for the intercepts), or with `finish` false the bare sums Aᵀ·δ and Σδ;
 * returns the batch's data loss sum.
 */
function backprop<T>(
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  rows: i32,
  params: usize,
  grad: usize,
  alpha: f64,
  scratch: usize,
  finish: bool,
): f64 {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const top = forward<T>(net, x, idx, start, rows, params, scratch);
  const deltas = scratch + ((<usize>Net.activationAt(net, L + 1, rows)) << s);
  const span = (<usize>(rows * Net.widest(net))) << s;
  const panel = scratch + ((<usize>Net.panelAt(net, rows)) << s);
  let dCur = deltas;
  let dNext = deltas + span;
  outputs<T>(Net.out(net), top, rows, Net.units(net, L));
  const loss = lossAndDelta<T>(Net.out(net), top, dCur, rows, Net.units(net, L), y, idx, start);
  const n = <T>rows;
  const a = <T>alpha;
  for (let l = L - 1; l >= 0; l--) {
    const fanIn = Net.units(net, l);
    const fanOut = Net.units(net, l + 1);
    const aPrev = scratch + ((<usize>Net.activationAt(net, l, rows)) << s);
    const w = params + ((<usize>Net.weightAt(net, l)) << s);
    const gw = grad + ((<usize>Net.weightAt(net, l)) << s);
    const gb = grad + ((<usize>Net.biasAt(net, l)) << s);
    // Aᵀ·δ: the left operand is A_l read by columns.
    Gemm.run<T>(aPrev, 1, fanIn, dCur, gw, fanIn, rows, fanOut, 0, 0);
    if (finish) Grad.finish<T>(gw, w, fanIn * fanOut, a, n);
    Grad.columnMeans<T>(dCur, rows, fanOut, gb, finish ? n : <T>1);
    if (l == 0) break;
    // δ_prev = δ·Wᵀ (a product with W transposed into the scratch), then the activation's derivative.
    const wt = deltas + 2 * span;
    for (let k = 0; k < fanIn; k++) {
      for (let c = 0; c < fanOut; c++) {
        store<T>(wt + ((<usize>(c * fanIn + k)) << s), load<T>(w + ((<usize>(k * fanOut + c)) << s)));
      }
    }
    Gemm.run<T>(dCur, fanOut, 1, wt, dNext, rows, fanOut, fanIn, 0, panel);
    Act.derive<T>(dNext, aPrev, rows * fanIn, Net.act(net));
    const t = dCur;
    dCur = dNext;
    dNext = t;
  }
  return loss;
}

/**
 * The minibatch steps of an MLP over the positions start .. end of an epoch (rows idx[pos], or pos
 * itself when idx is 0): each batch's gradient, the schedule's rate for its step, the update. Adds
 * each batch's data loss plus (alpha/2)·‖W‖² (scikit-learn's loss_ terms) to the plan's running
 * sum and advances its step count. alpha is the plan's P_L2.
 */
function mlpStepsImpl<T>(
  plan: usize,
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  end: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  scratch: usize,
): void {
  const n = Plan.int(plan, P_ROWS);
  const batch = Plan.int(plan, P_BATCH);
  const alpha = Plan.get(plan, P_L2);
  const opt = Plan.int(plan, P_OPT);
  const L = Net.layers(net);
  const nW = Net.weightAt(net, L);
  const nAll = Net.biasAt(net, L);
  let step = Plan.get(plan, P_STEP);
  let total = Plan.get(plan, P_LOSS_SUM);
  let lr = Plan.get(plan, P_LAST_RATE);
  for (let off = start; off < end; ) {
    const count = min<i32>(batch, n - off);
    const t = step + 1;
    lr = StepPlan.rate(plan, t);
    const penalty = 0.5 * alpha * sumOfSquares<T>(params, nW);
    total += backprop<T>(net, x, y, idx, off, count, params, grad, alpha, scratch, true) + penalty;
    mlpUpdate<T>(plan, opt, nAll, t, lr, params, grad, s1, s2, acc, <f64>count / <f64>n);
    step = t;
    off += count;
  }
  Plan.set(plan, P_STEP, step);
  Plan.set(plan, P_LOSS_SUM, total);
  Plan.set(plan, P_LAST_RATE, lr);
}

/**
 * The gradient of the objective over rows start .. start+count in order, as one batch (scikit-learn's
 * _loss_grad_lbfgs: (Aᵀ·δ + alpha·W)/count for the weights, the mean δ for the intercepts) into
 * grad, computed `chunk` rows at a time so the activations stay in cache: each chunk's sums Aᵀ·δ
 * and Σδ go to the end of the scratch and are added to grad in chunk order. `scratch` holds the
 * network's scratch for `chunk` rows and then every parameter. Returns the data loss sum plus
 * (alpha/2)·‖W‖² (the objective times count).
 */
function mlpGradientImpl<T>(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  chunk: i32,
  params: usize,
  grad: usize,
  alpha: f64,
  scratch: usize,
): f64 {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const nW = Net.weightAt(net, L);
  const nAll = Net.biasAt(net, L);
  const part = scratch + ((<usize>(Net.panelAt(net, chunk) + 4 * Net.widest(net))) << s);
  memory.fill(grad, 0, (<usize>nAll) << s);
  let total: f64 = 0;
  for (let off = start; off < start + count; off += chunk) {
    const rows = min<i32>(chunk, start + count - off);
    total += backprop<T>(net, x, y, 0, off, rows, params, part, alpha, scratch, false);
    for (let j = 0; j < nAll; j++) {
      const o = (<usize>j) << s;
      store<T>(grad + o, load<T>(grad + o) + load<T>(part + o));
    }
  }
  Grad.finish<T>(grad, params, nW, <T>alpha, <T>count);
  for (let j = nW; j < nAll; j++) {
    const o = (<usize>j) << s;
    store<T>(grad + o, load<T>(grad + o) / <T>count);
  }
  return total + 0.5 * alpha * sumOfSquares<T>(params, nW);
}

/**
 * The network's outputs (after the output function) for rows start .. start+count in order, into
 * out (count × uL), `batch` rows at a time through the scratch; returns the data loss sum against
 * y when y != 0.
 */
function mlpPredictImpl<T>(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  batch: i32,
  params: usize,
  out: usize,
  scratch: usize,
): f64 {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const u = Net.units(net, L);
  let total: f64 = 0;
  for (let off = 0; off < count; off += batch) {
    const rows = min<i32>(batch, count - off);
    const top = forward<T>(net, x, 0, start + off, rows, params, scratch);
    outputs<T>(Net.out(net), top, rows, u);
    if (y != 0) total += lossAndDelta<T>(Net.out(net), top, 0, rows, u, y, 0, start + off);
    memory.copy(out + ((<usize>(off * u)) << s), top, (<usize>(rows * u)) << s);
  }
  return total;
}

export function mlpStepsF64(
  plan: usize,
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  end: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  scratch: usize,
): void {
  mlpStepsImpl<f64>(plan, net, x, y, idx, start, end, params, grad, s1, s2, acc, scratch);
}

export function mlpStepsF32(
  plan: usize,
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  end: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  scratch: usize,
): void {
  mlpStepsImpl<f32>(plan, net, x, y, idx, start, end, params, grad, s1, s2, acc, scratch);
}

export function mlpPredictF64(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  batch: i32,
  params: usize,
  out: usize,
  scratch: usize,
): f64 {
  return mlpPredictImpl<f64>(net, x, y, start, count, batch, params, out, scratch);
}

export function mlpPredictF32(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  batch: i32,
  params: usize,
  out: usize,
  scratch: usize,
): f64 {
  return mlpPredictImpl<f32>(net, x, y, start, count, batch, params, out, scratch);
}

export function mlpGradientF64(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  chunk: i32,
  params: usize,
  grad: usize,
  alpha: f64,
  scratch: usize,
): f64 {
  return mlpGradientImpl<f64>(net, x, y, start, count, chunk, params, grad, alpha, scratch);
}

export function mlpGradientF32(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  chunk: i32,
  params: usize,
  grad: usize,
  alpha: f64,
  scratch: usize,
): f64 {
  return mlpGradientImpl<f32>(net, x, y, start, count, chunk, params, grad, alpha, scratch);
}
