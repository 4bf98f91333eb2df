// Mirror of assembly/mf.ts: per-rating SGD of matrix factorisation over a range of the ratings,
// reading shapes, mu, rates and regularisation from the plan and advancing its step count, loss
// sum and rate factor sum. Same dot order and element-wise updates, so float64 results equal the
// WASM builds' to the bit (the pipelining there changes no value).

import type { FloatArray } from "../runtime/buffer.js";
import { dotJs } from "./js-kernels.js";
import { PlanSlot } from "./plan.js";
import { ScheduleId } from "./schedule.js";
import { rateOf } from "./step-plan.js";

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

/** Fixed rates of a run of ratings (see assembly/mf.ts mfRange). */
interface MfRates {
  mu: number;
  rBu: number;
  rBi: number;
  rP: number;
  rQ: number;
  regBu: number;
  regBi: number;
  decayP: number;
  decayQ: number;
  biased: boolean;
}

/** Mirror of assembly/mf.ts mfRange: ratings start .. start+count under fixed rates; returns sse plus their squared errors. */
function mfRangeJs(
  t: { users: Int32Array; items: Int32Array; ratings: Float64Array },
  start: number,
  count: number,
  params: FloatArray,
  at: { k: number; q: number; bu: number; bi: number },
  c: MfRates,
  sseIn: number,
): number {
  const { users, items, ratings } = t;
  const { k, q: oq, bu: obu, bi: obi } = at;
  let sse = sseIn;
  for (let n = 0; n < count; n++) {
    const r = start + n;
    const u = users[r];
    const i = items[r];
    const pu = u * k;
    const qi = oq + i * k;
    const bU = params[obu + u];
    const bI = params[obi + i];
    const e = ratings[r] - (c.mu + bU + bI + dotJs(params, pu, params, qi, k));
    sse += e * e;
    if (c.biased) {
      params[obu + u] = bU + c.rBu * (e - c.regBu * bU);
      params[obi + i] = bI + c.rBi * (e - c.regBi * bI);
    }
    const aP = c.rP * e;
    const aQ = c.rQ * e;
    const decayP = c.decayP;
    const decayQ = c.decayQ;
    for (let f = 0; f < k; f++) {
      const p = params[pu + f];
      const q = params[qi + f];
      params[pu + f] = decayP * p + aP * q;
      params[qi + f] = decayQ * q + aQ * p;
    }
  }
  return sse;
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
  const offsets = mfOffsets({ factors: k, users: plan[PlanSlot.mfUsers] | 0, items: plan[PlanSlot.mfItems] | 0 });
  const at = { k, q: offsets.q, bu: offsets.bu, bi: offsets.bi };
  const eta = plan[PlanSlot.eta];
  const kind = plan[PlanSlot.schedule];
  const perStep = kind === ScheduleId.invscaling || kind === ScheduleId.optimal || kind === ScheduleId.cosine;
  const step0 = plan[PlanSlot.step];
  let sse = plan[PlanSlot.lossSum];
  let factorSum = plan[PlanSlot.rateFactorSum];
  let rate = 0;
  const runs = perStep ? count : 1;
  for (let j = 0; j < runs; j++) {
    rate = rateOf(plan, step0 + 1 + j);
    const f = rate / eta;
    const rP = plan[PlanSlot.mfLrP] * f;
    const rQ = plan[PlanSlot.mfLrQ] * f;
    const n = perStep ? 1 : count;
    sse = mfRangeJs(
      { users, items, ratings },
      start + j,
      n,
      params,
      at,
      {
        mu: plan[PlanSlot.mfMu],
        rBu: plan[PlanSlot.mfLrBu] * f,
        rBi: plan[PlanSlot.mfLrBi] * f,
        rP,
        rQ,
        regBu: plan[PlanSlot.mfRegBu],
        regBi: plan[PlanSlot.mfRegBi],
        decayP: 1 - rP * plan[PlanSlot.mfRegP],
        decayQ: 1 - rQ * plan[PlanSlot.mfRegQ],
        biased: plan[PlanSlot.mfBiased] !== 0,
      },
      sse,
    );
    factorSum += f * n;
  }
  plan[PlanSlot.step] = step0 + count;
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
