// Mirror of assembly/mf.ts: per-rating SGD of matrix factorisation over a range of the ratings,
// reading shapes, mu, rates and regularisation from the plan and advancing its step count, loss
// sum and rate factor sum. Same dot order and element-wise updates, so float64 results equal the
// WASM builds' to the bit (the pipelining there changes no value).

import type { FloatArray } from "../runtime/buffer.js";
import { dotJs, rateOf } from "./js-kernels.js";
import { PlanSlot } from "./plan.js";
import { ScheduleId } from "./schedule.js";

/** A run of ratings [start, start + count) in the staged order. */
export interface RatingRange {
  /** First rating. */
  start: number;
  /** Ratings in the run. */
  count: number;
}

/** Where each part of the matrix-factorisation parameter block starts (P, Q, b_u, b_i; see assembly/mf.ts). */
export interface MfLayout {
  /** Latent factors per user and item. */
  factors: number;
  /** Users (rows of P, entries of b_u). */
  users: number;
  /** Items (rows of Q, entries of b_i). */
  items: number;
}

/** Offsets of Q, b_u and b_i in the parameter block (P starts at 0), and its length. */
export function mfOffsets(l: MfLayout): { q: number; bu: number; bi: number; length: number } {
  const q = l.users * l.factors;
  const bu = q + l.items * l.factors;
  const bi = bu + l.users;
  return { q, bu, bi, length: bi + l.items };
}

/** Mirror of assembly/mf.ts mfStepsImpl: ratings start .. start+count as the plan's next steps. */
export function mfStepsJs(
  plan: Float64Array,
  users: Int32Array,
  items: Int32Array,
  ratings: Float64Array,
  start: number,
  count: number,
  params: FloatArray,
): void {
  if (count <= 0) return;
  // Integers (| 0) so V8 indexes with small integers, not doubles read from the plan (−30% speed).
  const k = plan[PlanSlot.mfFactors] | 0;
  const at = mfOffsets({ factors: k, users: plan[PlanSlot.mfUsers] | 0, items: plan[PlanSlot.mfItems] | 0 });
  const oq = at.q;
  const obu = at.bu;
  const obi = at.bi;
  const biased = plan[PlanSlot.mfBiased] !== 0;
  const mu = plan[PlanSlot.mfMu];
  const lrBu = plan[PlanSlot.mfLrBu];
  const lrBi = plan[PlanSlot.mfLrBi];
  const lrP = plan[PlanSlot.mfLrP];
  const lrQ = plan[PlanSlot.mfLrQ];
  const regBu = plan[PlanSlot.mfRegBu];
  const regBi = plan[PlanSlot.mfRegBi];
  const regP = plan[PlanSlot.mfRegP];
  const regQ = plan[PlanSlot.mfRegQ];
  const eta = plan[PlanSlot.eta];
  const kind = plan[PlanSlot.schedule];
  const perStep = kind === ScheduleId.invscaling || kind === ScheduleId.optimal || kind === ScheduleId.cosine;
  let step = plan[PlanSlot.step];
  let sse = plan[PlanSlot.lossSum];
  let factorSum = plan[PlanSlot.rateFactorSum];
  let rate = rateOf(plan, step + 1);
  let f = rate / eta;
  let rBu = lrBu * f;
  let rBi = lrBi * f;
  let rP = lrP * f;
  let rQ = lrQ * f;
  let decayP = 1 - rP * regP;
  let decayQ = 1 - rQ * regQ;
  for (let n = 0; n < count; n++) {
    step += 1;
    if (perStep && n > 0) {
      rate = rateOf(plan, step);
      f = rate / eta;
      rBu = lrBu * f;
      rBi = lrBi * f;
      rP = lrP * f;
      rQ = lrQ * f;
      decayP = 1 - rP * regP;
      decayQ = 1 - rQ * regQ;
    }
    factorSum += f;
    const r = start + n;
    const u = users[r];
    const i = items[r];
    const pu = u * k;
    const qi = oq + i * k;
    const bU = params[obu + u];
    const bI = params[obi + i];
    const e = ratings[r] - (mu + bU + bI + dotJs(params, pu, params, qi, k));
    sse += e * e;
    if (biased) {
      params[obu + u] = bU + rBu * (e - regBu * bU);
      params[obi + i] = bI + rBi * (e - regBi * bI);
    }
    const aP = rP * e;
    const aQ = rQ * e;
    for (let c = 0; c < k; c++) {
      const p = params[pu + c];
      const q = params[qi + c];
      params[pu + c] = decayP * p + aP * q;
      params[qi + c] = decayQ * q + aQ * p;
    }
  }
  plan[PlanSlot.step] = step;
  plan[PlanSlot.lossSum] = sse;
  plan[PlanSlot.rateFactorSum] = factorSum;
  plan[PlanSlot.lastRate] = rate;
}

/**
 * The model's prediction mu + b_u + b_i + p_u·q_i for user index a and item index b of the
 * parameter block (−1: unknown; an unknown side adds no bias and no factor term), with the dot
 * product in the kernels' order.
 */
export function mfPredictJs(params: FloatArray, layout: MfLayout, mu: number, a: number, b: number): number {
  const at = mfOffsets(layout);
  const k = layout.factors;
  let s = mu;
  if (a >= 0) s += params[at.bu + a] as number;
  if (b >= 0) s += params[at.bi + b] as number;
  if (a >= 0 && b >= 0) s += dotJs(params, a * k, params, at.q + b * k, k);
  return s;
}
