// The pure-JS multi-layer perceptron kernels: the speed baseline and the float64 oracle of
// assembly/mlp.ts, which they mirror operation for operation (see the summation orders there).

import type { FloatArray } from "../runtime/buffer.js";
import type { StepArrays } from "./js-kernels.js";
import { ownExpNonPositive, ownLog } from "./math.js";
import { MlpActivation, MlpOutput, type NetShape } from "./mlp-net.js";
import { mlpUpdate } from "./mlp-update.js";
import { PlanSlot } from "./plan.js";
import { rateOf } from "./step-plan.js";

/** Mirror of assembly/mlp.ts Act.logistic. */
export function logisticJs(z: number): number {
  const e = ownExpNonPositive(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** Mirror of assembly/mlp.ts Act.tanh. */
export function tanhJs(z: number): number {
  const e = ownExpNonPositive(-2 * Math.abs(z));
  const t = (1 - e) / (1 + e);
  return z < 0 ? -t : t;
}

/** Mirror of assembly/mlp.ts Gemm.run: C[i, c] = Σ_k L(i, k)·R[k, c] (k ascending) + bias[c]. */
export function gemmJs(
  L: FloatArray,
  lo: number,
  li: number,
  lk: number,
  R: FloatArray,
  ro: number,
  C: FloatArray,
  co: number,
  m: number,
  kk: number,
  n: number,
  bias: FloatArray | null,
  bo: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let k = 0; k < kk; k++) acc += L[lo + i * li + k * lk] * R[ro + k * n + c];
      if (bias !== null) acc += bias[bo + c];
      C[co + i * n + c] = acc;
    }
  }
}

/** Mirror of assembly/mlp.ts Act.apply. */
function applyActivation(a: FloatArray, ao: number, n: number, act: number): void {
  if (act === MlpActivation.identity) return;
  for (let j = ao; j < ao + n; j++) {
    const z = a[j];
    a[j] = act === MlpActivation.relu ? (z > 0 ? z : 0) : act === MlpActivation.logistic ? logisticJs(z) : tanhJs(z);
  }
}

/** Mirror of assembly/mlp.ts Act.derive. */
function deriveActivation(d: FloatArray, dOff: number, a: FloatArray, aOff: number, n: number, act: number): void {
  if (act === MlpActivation.identity) return;
  for (let j = 0; j < n; j++) {
    const dv = d[dOff + j];
    const av = a[aOff + j];
    d[dOff + j] =
      act === MlpActivation.relu
        ? av > 0
          ? dv
          : 0
        : act === MlpActivation.tanh
          ? dv * (1 - av * av)
          : dv * (av * (1 - av));
  }
}

/** Mirror of assembly/mlp.ts outputs: the output function in place. */
function applyOutputs(out: number, z: FloatArray, zo: number, rows: number, u: number): void {
  if (out === MlpOutput.identity) return;
  for (let r = 0; r < rows; r++) {
    const at = zo + r * u;
    if (out === MlpOutput.logistic) {
      for (let c = 0; c < u; c++) z[at + c] = logisticJs(z[at + c]);
      continue;
    }
    let top = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < u; c++) top = Math.max(top, z[at + c]);
    let sum = 0;
    for (let c = 0; c < u; c++) {
      z[at + c] = ownExpNonPositive(z[at + c] - top);
      sum += z[at + c];
    }
    for (let c = 0; c < u; c++) z[at + c] = z[at + c] / sum;
  }
}

/** The smallest probability the log losses take the log of (the dtype's machine epsilon). */
function probabilityFloor(p: FloatArray): number {
  return p instanceof Float32Array ? 1.1920928955078125e-7 : 2.220446049250313e-16;
}

/** Mirror of assembly/mlp.ts lossAndDelta (d null skips δ). */
function lossAndDelta(
  out: number,
  p: FloatArray,
  po: number,
  d: FloatArray | null,
  dOff: number,
  rows: number,
  u: number,
  y: FloatArray,
  idx: Int32Array | null,
  start: number,
): number {
  const eps = probabilityFloor(p);
  const perRow = out === MlpOutput.softmax ? 1 : u;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const yRow = (idx === null ? start + r : (idx[start + r] as number)) * perRow;
    const label = y[yRow] as number;
    for (let c = 0; c < u; c++) {
      const pv = p[po + r * u + c];
      let target: number;
      if (out === MlpOutput.softmax) {
        target = c === label ? 1 : 0;
        if (c === label) total -= ownLog(Math.min(Math.max(pv, eps), 1 - eps));
      } else {
        const yi = y[yRow + c];
        target = yi;
        if (out === MlpOutput.logistic) {
          const q = Math.min(Math.max(pv, eps), 1 - eps);
          total -= yi > 0 ? ownLog(q) : ownLog(1 - q);
        } else {
          const e = pv - yi;
          total += 0.5 * (e * e);
        }
      }
      if (d !== null) d[dOff + r * u + c] = pv - target;
    }
  }
  return out === MlpOutput.identity && u > 1 ? total / u : total;
}

/** Mirror of assembly/mlp.ts forward: returns the offset of A_L in the scratch. */
function forward(
  net: NetShape,
  X: FloatArray,
  idx: Int32Array | null,
  start: number,
  rows: number,
  params: FloatArray,
  scratch: FloatArray,
): number {
  const d = net.units[0] as number;
  for (let r = 0; r < rows; r++) {
    const i = idx === null ? start + r : (idx[start + r] as number);
    for (let j = 0; j < d; j++) scratch[r * d + j] = X[i * d + j];
  }
  let a = 0;
  for (let l = 0; l < net.layers; l++) {
    const fanIn = net.units[l] as number;
    const fanOut = net.units[l + 1] as number;
    const z = net.activationAt(l + 1, rows);
    gemmJs(scratch, a, fanIn, 1, params, net.weightAt(l), scratch, z, rows, fanIn, fanOut, params, net.biasAt(l));
    if (l + 1 < net.layers) applyActivation(scratch, z, rows * fanOut, net.activation);
    a = z;
  }
  return a;
}

/**
 * Mirror of assembly/mlp.ts backprop: one batch's gradient into grad (at gradAt), or with `finish`
 * false the bare sums Aᵀ·δ and Σδ; returns its data loss sum.
 */
function backprop(
  net: NetShape,
  X: FloatArray,
  y: FloatArray,
  idx: Int32Array | null,
  start: number,
  rows: number,
  params: FloatArray,
  grad: FloatArray,
  alpha: number,
  scratch: FloatArray,
  finish = true,
  gradAt = 0,
): number {
  const L = net.layers;
  const top = forward(net, X, idx, start, rows, params, scratch);
  const deltas = net.activationAt(L + 1, rows);
  const span = rows * net.widest;
  let dCur = deltas;
  let dNext = deltas + span;
  applyOutputs(net.output, scratch, top, rows, net.units[L] as number);
  const loss = lossAndDelta(net.output, scratch, top, scratch, dCur, rows, net.units[L] as number, y, idx, start);
  for (let l = L - 1; l >= 0; l--) {
    const fanIn = net.units[l] as number;
    const fanOut = net.units[l + 1] as number;
    const aPrev = net.activationAt(l, rows);
    const w = net.weightAt(l);
    const gw = gradAt + net.weightAt(l);
    const gb = gradAt + net.biasAt(l);
    gemmJs(scratch, aPrev, 1, fanIn, scratch, dCur, grad, gw, fanIn, rows, fanOut, null, 0);
    if (finish) for (let j = 0; j < fanIn * fanOut; j++) grad[gw + j] = (grad[gw + j] + alpha * params[w + j]) / rows;
    for (let c = 0; c < fanOut; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += scratch[dCur + r * fanOut + c];
      grad[gb + c] = finish ? sum / rows : sum;
    }
    if (l === 0) break;
    const wt = deltas + 2 * span;
    for (let k = 0; k < fanIn; k++) {
      for (let c = 0; c < fanOut; c++) scratch[wt + c * fanIn + k] = params[w + k * fanOut + c];
    }
    gemmJs(scratch, dCur, fanOut, 1, scratch, wt, scratch, dNext, rows, fanOut, fanIn, null, 0);
    deriveActivation(scratch, dNext, scratch, aPrev, rows * fanIn, net.activation);
    const t = dCur;
    dCur = dNext;
    dNext = t;
  }
  return loss;
}

/** Mirror of assembly/mlp.ts mlpStepsImpl. */
export function mlpStepsJs(
  plan: Float64Array,
  net: NetShape,
  X: FloatArray,
  y: FloatArray,
  idx: Int32Array | null,
  start: number,
  end: number,
  a: StepArrays,
  scratch: FloatArray,
): void {
  const n = plan[PlanSlot.rows] as number;
  const batch = plan[PlanSlot.batch] as number;
  const alpha = plan[PlanSlot.l2] as number;
  const opt = plan[PlanSlot.opt] as number;
  const nW = net.weightAt(net.layers);
  const nAll = net.biasAt(net.layers);
  let step = plan[PlanSlot.step] as number;
  let total = plan[PlanSlot.lossSum] as number;
  let lr = plan[PlanSlot.lastRate] as number;
  for (let off = start; off < end; ) {
    const count = Math.min(batch, n - off);
    const t = step + 1;
    lr = rateOf(plan, t);
    let sq = 0;
    for (let j = 0; j < nW; j++) sq += a.params[j] * a.params[j];
    const penalty = 0.5 * alpha * sq;
    total += backprop(net, X, y, idx, off, count, a.params, a.grad, alpha, scratch) + penalty;
    mlpUpdate(plan, opt, nAll, t, lr, a, count / n);
    step = t;
    off += count;
  }
  plan[PlanSlot.step] = step;
  plan[PlanSlot.lossSum] = total;
  plan[PlanSlot.lastRate] = lr;
}

/**
 * Mirror of assembly/mlp.ts mlpGradientImpl: rows start .. start+count as one batch, `chunk` rows
 * at a time, each chunk's sums written after the scratch of `chunk` rows and added to grad.
 */
export function mlpGradientJs(
  net: NetShape,
  X: FloatArray,
  y: FloatArray,
  start: number,
  count: number,
  chunk: number,
  params: FloatArray,
  grad: FloatArray,
  alpha: number,
  scratch: FloatArray,
): number {
  const nW = net.weightAt(net.layers);
  const nAll = net.biasAt(net.layers);
  const part = net.scratchSize(chunk);
  grad.fill(0, 0, nAll);
  let total = 0;
  for (let off = start; off < start + count; off += chunk) {
    const rows = Math.min(chunk, start + count - off);
    total += backprop(net, X, y, null, off, rows, params, scratch, alpha, scratch, false, part);
    for (let j = 0; j < nAll; j++) grad[j] = grad[j] + scratch[part + j];
  }
  for (let j = 0; j < nW; j++) grad[j] = (grad[j] + alpha * params[j]) / count;
  for (let j = nW; j < nAll; j++) grad[j] = grad[j] / count;
  let sq = 0;
  for (let j = 0; j < nW; j++) sq += params[j] * params[j];
  return total + 0.5 * alpha * sq;
}

/**
 * Mirror of assembly/mlp.ts mlpPredictImpl: the outputs of rows start .. start+count in order into
 * out, `batch` rows at a time; the data loss sum against y (0 without y).
 */
export function mlpPredictJs(
  net: NetShape,
  X: FloatArray,
  y: FloatArray | null,
  start: number,
  count: number,
  batch: number,
  params: FloatArray,
  out: FloatArray,
  scratch: FloatArray,
): number {
  const L = net.layers;
  const u = net.units[L] as number;
  let total = 0;
  for (let off = 0; off < count; off += batch) {
    const rows = Math.min(batch, count - off);
    const top = forward(net, X, null, start + off, rows, params, scratch);
    applyOutputs(net.output, scratch, top, rows, u);
    if (y !== null) total += lossAndDelta(net.output, scratch, top, null, 0, rows, u, y, null, start + off);
    for (let j = 0; j < rows * u; j++) out[off * u + j] = scratch[top + j];
  }
  return total;
}
