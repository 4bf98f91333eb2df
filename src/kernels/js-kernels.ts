// The pure-JS kernels: the speed baseline and the test oracle. Each mirrors assembly/ operation
// for operation (see the summation-order contract in assembly/simd.ts), so float64 results match
// the WASM builds to the bit. Float32 data is read from Float32Arrays but computed in doubles.

import type { FloatArray } from "../runtime/buffer.js";
import { LossId } from "./losses.js";
import { ownExp, ownExpNonPositive, ownLog, ownLog1pUnit } from "./math.js";
import { PlanSlot } from "./plan.js";
import { powInt } from "./portable.js";
import { activeOf, hasSgdExtras, proxL1Of, rateOf, runWeight } from "./step-plan.js";
import { OptimizerId } from "./update.js";

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

/** The row loss of the last `rowSlope` call (module state, so a row's loss and slope come from one call). */
let rowLossValue = 0;

/**
 * dl/df of row loss `loss` at prediction f for target yi (eps: Huber's threshold); the loss itself
 * is left in `rowLossValue`. Mirror of assembly/linear.ts LossEval (the same operations).
 */
function rowSlope(loss: number, yi: number, f: number, eps: number): number {
  if (loss === LossId.squared) {
    const r = f - yi;
    rowLossValue = 0.5 * r * r;
    return r;
  }
  if (loss === LossId.huber) {
    const r = f - yi;
    const a = Math.abs(r);
    if (a <= eps) {
      rowLossValue = 0.5 * r * r;
      return r;
    }
    rowLossValue = eps * a - 0.5 * eps * eps;
    return r > 0 ? eps : -eps;
  }
  if (loss === LossId.hinge) {
    const m = 1 - yi * f;
    rowLossValue = m > 0 ? m : 0;
    return m > 0 ? -yi : 0;
  }
  if (loss === LossId.squaredHinge) {
    const m = 1 - yi * f;
    rowLossValue = m > 0 ? m * m : 0;
    return m > 0 ? -2 * yi * m : 0;
  }
  if (loss === LossId.log) {
    const z = yi * f;
    const e = ownExpNonPositive(-Math.abs(z));
    rowLossValue = ownLog1pUnit(e) + Math.max(-z, 0);
    const sig = (z > 0 ? e : 1.0) / (1.0 + e);
    return -yi * sig;
  }
  if (loss === LossId.epsilonInsensitive) {
    const z = yi - f;
    const r = Math.abs(z) - eps;
    rowLossValue = r > 0 ? r : 0;
    return z > eps ? -1 : -z > eps ? 1 : 0;
  }
  if (loss === LossId.squaredEpsilonInsensitive) {
    const z = yi - f;
    const r = Math.abs(z) - eps;
    rowLossValue = r > 0 ? r * r : 0;
    return z > eps ? -2 * (z - eps) : z < -eps ? 2 * (-z - eps) : 0;
  }
  if (loss === LossId.modifiedHuber) {
    const z = yi * f;
    const m = 1 - z;
    rowLossValue = z >= 1 ? 0 : z >= -1 ? m * m : -4 * z;
    return z >= 1 ? 0 : z >= -1 ? 2 * (1 - z) * -yi : -4 * yi;
  }
  if (loss === LossId.perceptron) {
    const z = yi * f;
    rowLossValue = z <= 0 ? -z : 0;
    return z <= 0 ? -yi : 0;
  }
  rowLossValue = 0;
  return 0;
}

/** Mirror of assembly/update.ts L1Cumulative.apply: the cumulative L1 penalty u over w[0..n), q received. */
function l1CumulativeJs(w: FloatArray, q: FloatArray, n: number, u: number): void {
  for (let j = 0; j < n; j++) {
    const z = w[j];
    const qj = q[j];
    let wn = z;
    if (z > 0) wn = Math.max(0, z - (u + qj));
    else if (z < 0) wn = Math.min(0, z + (u - qj));
    w[j] = wn;
    q[j] = qj + (wn - z);
  }
}

/** Mirror of assembly/update.ts Average.update: avg ← avg + (w − avg)/c over n entries. */
function averageJs(avg: FloatArray, w: FloatArray, n: number, c: number): void {
  for (let j = 0; j < n; j++) {
    const a = avg[j];
    avg[j] = a + (w[j] - a) / c;
  }
}

/** Mirror of assembly/step-plan.ts SgdExtras.after: the cumulative L1 penalty, then averaging. */
function sgdExtrasAfter(plan: Float64Array, t: number, lr: number, a: StepArrays): void {
  if (plan[PlanSlot.l1Cumulative] !== 0) {
    const u = plan[PlanSlot.l1Total] + lr * plan[PlanSlot.l1];
    plan[PlanSlot.l1Total] = u;
    l1CumulativeJs(a.params, a.s1 as FloatArray, plan[PlanSlot.nPen], u);
  }
  const k = plan[PlanSlot.avgStart];
  if (k > 0 && t >= k) averageJs(a.s2 as FloatArray, a.params, plan[PlanSlot.nAll], t - k + 1);
}

/**
 * Mirror of assembly/linear.ts GeneralKernel.run: the unscaled gradient of the rows idx[start ..
 * start+count) (rows start .. start+count in order when idx is null) into grad; returns the
 * weighted loss sum.
 */
export function linearGradJs(
  loss: number,
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array | null,
  start: number,
  count: number,
  d: number,
  params: FloatArray,
  grad: FloatArray,
  lossParam: number,
): number {
  grad.fill(0, 0, d);
  const b = params[d];
  let gb = 0;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const i = idx === null ? start + k : idx[start + k];
    const ro = i * d;
    const f = dotJs(X, ro, params, 0, d) + b;
    const wi = sw !== null ? sw[i] : 1;
    const dl = rowSlope(loss, y[i], f, lossParam);
    const c = wi * dl;
    if (c !== 0) for (let j = 0; j < d; j++) grad[j] = grad[j] + c * X[ro + j];
    gb += c;
    total += wi * rowLossValue;
  }
  grad[d] = gb;
  return total;
}

/**
 * Mirror of assembly/softmax.ts softmaxGradImpl; scratch holds `classes` doubles; idx null means
 * rows in order.
 */
export function softmaxGradJs(
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array | null,
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
    const i = idx === null ? start + k : idx[start + k];
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

/** Mirror of assembly/update.ts Prox.soft. */
function softThreshold(v: number, l1: number): number {
  return v > l1 ? v - l1 : v < -l1 ? v + l1 : 0;
}

/** Mirror of assembly/update.ts sgdStepImpl (w ← decay·w − lr·(g·scale), then the L1 step). */
export function sgdStepJs(
  params: FloatArray,
  grad: FloatArray,
  nPen: number,
  nAll: number,
  fitIntercept: boolean,
  scale: number,
  decay: number,
  lr: number,
  l1: number,
): void {
  for (let j = 0; j < nPen; j++) {
    let wn = decay * params[j] - lr * (grad[j] * scale);
    if (l1 > 0) wn = softThreshold(wn, l1);
    params[j] = wn;
  }
  if (!fitIntercept) return;
  for (let j = nPen; j < nAll; j++) params[j] = params[j] - lr * (grad[j] * scale);
}

/** Mirror of assembly/update.ts optimizerStepImpl, every optimizer but plain SGD (see there). */
export function optimizerStepJs(
  opt: number,
  params: FloatArray,
  grad: FloatArray,
  s1: FloatArray | null,
  s2: FloatArray | null,
  nPen: number,
  nAll: number,
  fitIntercept: boolean,
  scale: number,
  l2: number,
  lr: number,
  l1: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
  h5: number,
  acc: FloatArray | null,
  accWeight: number,
): void {
  const m1 = s1 as FloatArray;
  const m2 = s2 as FloatArray;
  for (let j = 0; j < nAll; j++) {
    const penalised = j < nPen;
    if (!penalised && !fitIntercept) continue;
    const w = params[j];
    let g = grad[j] * scale;
    if (penalised && opt !== OptimizerId.adamw) g = g + l2 * w;
    let step: number;
    if (opt === OptimizerId.momentum || opt === OptimizerId.nesterov) {
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
    if (penalised && l1 > 0) wn = softThreshold(wn, l1);
    params[j] = wn;
    if (acc !== null) acc[j] = acc[j] + accWeight * (penalised && l1 > 0 ? (w - wn) / lr : g);
  }
}

/** The parameters, optimizer state and accumulators a run of training steps works on. */
export interface StepArrays {
  params: FloatArray;
  grad: FloatArray;
  s1: FloatArray | null;
  s2: FloatArray | null;
  acc: FloatArray;
  mark: FloatArray;
}

/** Mirror of assembly/step-plan.ts SgdRuns.close: acc += k·(mark − params). */
function closeRun(a: StepArrays, n: number, k: number): void {
  const { acc, mark, params } = a;
  for (let j = 0; j < n; j++) acc[j] = acc[j] + k * (mark[j] - params[j]);
}

/** Mirror of assembly/step-plan.ts SgdRuns.before: a new run when the weight k changes. */
function sgdRun(plan: Float64Array, k: number, a: StepArrays): void {
  const open = plan[PlanSlot.accRate];
  if (k === open) return;
  const n = activeOf(plan);
  if (open !== 0) closeRun(a, n, open);
  a.mark.set(a.params.subarray(0, n));
  plan[PlanSlot.accRate] = k;
}

/** Mirror of assembly/train.ts Update.apply: one optimizer step at rate lr. */
function applyUpdate(plan: Float64Array, count: number, t: number, lr: number, a: StepArrays): void {
  const opt = plan[PlanSlot.opt];
  const nPen = plan[PlanSlot.nPen];
  const nAll = plan[PlanSlot.nAll];
  const fit = plan[PlanSlot.fitIntercept] !== 0;
  const n = plan[PlanSlot.rows];
  const l1 = lr * plan[PlanSlot.l1];
  if (opt === OptimizerId.sgd) {
    sgdRun(plan, runWeight(count, n, lr), a);
    const decay = Math.max(0, 1 - lr * plan[PlanSlot.l2]);
    sgdStepJs(a.params, a.grad, nPen, nAll, fit, 1 / count, decay, lr, lr * proxL1Of(plan));
    if (hasSgdExtras(plan)) sgdExtrasAfter(plan, t, lr, a);
    return;
  }
  let h4 = 1;
  let h5 = 1;
  if (opt === OptimizerId.adam || opt === OptimizerId.adamw) {
    h4 = 1 - powInt(plan[PlanSlot.h1], t);
    h5 = 1 - powInt(plan[PlanSlot.h2], t);
  }
  optimizerStepJs(
    opt,
    a.params,
    a.grad,
    a.s1,
    a.s2,
    nPen,
    nAll,
    fit,
    1 / count,
    plan[PlanSlot.l2],
    lr,
    l1,
    plan[PlanSlot.h1],
    plan[PlanSlot.h2],
    plan[PlanSlot.h3],
    h4,
    h5,
    a.acc,
    count / n,
  );
}

/**
 * Mirror of assembly/per-sample.ts PerSample: a plain SGD step on the row at X[ro..ro+d): its
 * prediction by dotJs, then w ← decay·w − (rate·c)·x with the L1 step, and b ← b − rate·c.
 * Returns the row's weighted loss.
 */
function sgdRowStep(
  loss: number,
  X: FloatArray,
  ro: number,
  yi: number,
  wi: number,
  eps: number,
  d: number,
  params: FloatArray,
  fit: boolean,
  decay: number,
  lr: number,
  l1: number,
): number {
  const b = params[d];
  const f = dotJs(X, ro, params, 0, d) + b;
  const dl = rowSlope(loss, yi, f, eps);
  const li = rowLossValue;
  const a = lr * (wi * dl);
  for (let j = 0; j < d; j++) {
    let wn = decay * params[j] - a * X[ro + j];
    if (l1 > 0) wn = softThreshold(wn, l1);
    params[j] = wn;
  }
  if (fit) params[d] = b - a;
  return wi * li;
}

/** Mirror of assembly/train.ts linearStepsImpl (rows in order when idx is null). */
export function linearStepsJs(
  plan: Float64Array,
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array | null,
  start: number,
  end: number,
  d: number,
  a: StepArrays,
): void {
  if (plan[PlanSlot.opt] !== OptimizerId.sgd || plan[PlanSlot.batch] !== 1) {
    batchStepsJs(plan, X, y, sw, idx, start, end, d, a, 0, null);
    return;
  }
  const n = plan[PlanSlot.rows];
  const loss = plan[PlanSlot.loss];
  const lossParam = plan[PlanSlot.lossParam];
  const fit = plan[PlanSlot.fitIntercept] !== 0;
  const l2 = plan[PlanSlot.l2];
  const l1c = proxL1Of(plan);
  const extras = hasSgdExtras(plan);
  let step = plan[PlanSlot.step];
  let total = plan[PlanSlot.lossSum];
  let lr = plan[PlanSlot.lastRate];
  for (let off = start; off < end; off++) {
    step += 1;
    lr = rateOf(plan, step);
    sgdRun(plan, runWeight(1, n, lr), a);
    const i = idx === null ? off : idx[off];
    total += sgdRowStep(
      loss,
      X,
      i * d,
      y[i],
      sw !== null ? sw[i] : 1,
      lossParam,
      d,
      a.params,
      fit,
      Math.max(0, 1 - lr * l2),
      lr,
      lr * l1c,
    );
    if (extras) sgdExtrasAfter(plan, step, lr, a);
  }
  plan[PlanSlot.step] = step;
  plan[PlanSlot.lossSum] = total;
  plan[PlanSlot.lastRate] = lr;
}

/** Mirror of assembly/train.ts softmaxStepsImpl. */
export function softmaxStepsJs(
  plan: Float64Array,
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array | null,
  start: number,
  end: number,
  d: number,
  a: StepArrays,
  scratch: Float64Array,
): void {
  batchStepsJs(plan, X, y, sw, idx, start, end, d, a, plan[PlanSlot.classes], scratch);
}

/**
 * Mirror of assembly/train.ts batchSteps: each mini-batch's fused gradient, then the optimizer's
 * update at the step's rate; classes > 0 is the softmax model, 0 the single-output linear model.
 */
function batchStepsJs(
  plan: Float64Array,
  X: FloatArray,
  y: FloatArray,
  sw: FloatArray | null,
  idx: Int32Array | null,
  start: number,
  end: number,
  d: number,
  a: StepArrays,
  classes: number,
  scratch: Float64Array | null,
): void {
  const n = plan[PlanSlot.rows];
  const batch = plan[PlanSlot.batch];
  const loss = plan[PlanSlot.loss];
  const lossParam = plan[PlanSlot.lossParam];
  let step = plan[PlanSlot.step];
  let total = plan[PlanSlot.lossSum];
  let lr = plan[PlanSlot.lastRate];
  for (let off = start; off < end; ) {
    const count = Math.min(batch, n - off);
    const t = step + 1;
    lr = rateOf(plan, t);
    total +=
      classes > 0 && scratch !== null
        ? softmaxGradJs(X, y, sw, idx, off, count, d, classes, a.params, a.grad, scratch)
        : linearGradJs(loss, X, y, sw, idx, off, count, d, a.params, a.grad, lossParam);
    applyUpdate(plan, count, t, lr, a);
    step = t;
    off += count;
  }
  plan[PlanSlot.step] = step;
  plan[PlanSlot.lossSum] = total;
  plan[PlanSlot.lastRate] = lr;
}

/** Mirror of assembly/train.ts gradientStepImpl: one step over a gradient already in a.grad. */
export function gradientStepJs(plan: Float64Array, count: number, batchLoss: number, a: StepArrays): void {
  const t = plan[PlanSlot.step] + 1;
  const lr = rateOf(plan, t);
  plan[PlanSlot.lossSum] = plan[PlanSlot.lossSum] + batchLoss;
  applyUpdate(plan, count, t, lr, a);
  plan[PlanSlot.step] = t;
  plan[PlanSlot.lastRate] = lr;
}

/** Mirror of assembly/train.ts finishEpochImpl: closes the open SGD run into acc. */
export function finishEpochJs(plan: Float64Array, a: StepArrays): void {
  const open = plan[PlanSlot.accRate];
  if (open !== 0) closeRun(a, activeOf(plan), open);
  plan[PlanSlot.accRate] = 0;
}
