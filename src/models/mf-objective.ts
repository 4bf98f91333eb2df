// Matrix factorisation as an objective of the one training loop (src/train/train-loop.ts): the
// rating triples staged in a backend's memory (grouped into blocks with threads), the parameter
// block P, Q, b_u, b_i, and the steps, shuffles and gradient estimate the loop calls.

import type { Backend, RatingBuffers, StepBuffers } from "../backend/backend.js";
import { type MfLayout, mfOffsets, mfPredictJs } from "../kernels/mf.js";
import { PLAN_SLOTS, PlanSlot } from "../kernels/plan.js";
import type { Buffer, FloatArray } from "../runtime/buffer.js";
import type { Objective } from "../train/train-loop.js";
import type { IndexedTriples } from "./mf-options.js";
import { blockSteps, groupRatings, type RatingBlocks, shuffleBlocks } from "./rating-blocks.js";

/** What the objective is built from besides the backend and the triples. */
export interface MfProblem {
  layout: MfLayout;
  /** The global mean rating. */
  mu: number;
  /** Learn the biases. */
  biased: boolean;
  /** Base rates of b_u, b_i, P and Q. */
  lr: readonly [number, number, number, number];
  /** Regularisation of b_u, b_i, P and Q. */
  reg: readonly [number, number, number, number];
  /** Worker threads: above 1, the epoch runs on the block schedule (rating-blocks.ts). */
  threads: number;
}

/** A matrix-factorisation objective and the release of the backend memory it holds. */
export interface MfObjective {
  objective: Objective;
  /** Frees the staged triples and plans. */
  free(): void;
}

/**
 * RMSE of the parameter block on indexed triples (−1 ids: unknown), what score and
 * history.valScore report.
 */
export function rmseOf(params: FloatArray, layout: MfLayout, mu: number, t: IndexedTriples): number {
  let s = 0;
  for (let i = 0; i < t.ratings.length; i++) {
    const e = (t.ratings[i] as number) - mfPredictJs(params, layout, mu, t.users[i] as number, t.items[i] as number);
    s += e * e;
  }
  return Math.sqrt(s / t.ratings.length);
}

/** Σ (a[j] − b[j])² for j in from .. to. */
function squaredDistance(a: Float64Array, b: FloatArray, from: number, to: number): number {
  let s = 0;
  for (let j = from; j < to; j++) {
    const d = (a[j] as number) - (b[j] as number);
    s += d * d;
  }
  return s;
}

/** The mean squared error of the all-zero factors and biases (predicting mu): the loop's yardstick. */
export function zeroModelMse(ratings: Float64Array, mu: number): number {
  let s = 0;
  for (const r of ratings) s += (r - mu) * (r - mu);
  return s / ratings.length;
}

/**
 * Stages the triples (indices into the layout's users and items) in the backend, grouped by block
 * when threads > 1, and returns the objective over them: per-rating SGD steps (assembly/mf.ts),
 * the loss the MSE of the errors measured before each update, and as gradient estimate the mean
 * step direction of the epoch (Δθ of each group over its base rate times the sum of the steps'
 * rate factors), so gradTol and history.gradNorm work as for the other estimators.
 */
export function mfObjective(backend: Backend, t: IndexedTriples, p: MfProblem): MfObjective {
  const n = t.ratings.length;
  const { layout } = p;
  const at = mfOffsets(layout);
  const triples: RatingBuffers = {
    users: backend.allocIndex(n),
    items: backend.allocIndex(n),
    ratings: backend.allocF64(n),
  };
  let blocks: RatingBlocks | null = null;
  if (p.threads > 1) {
    blocks = groupRatings(t.users, t.items, t.ratings, layout.users, layout.items, p.threads, {
      users: triples.users.view,
      items: triples.items.view,
      ratings: triples.ratings.view,
    });
  } else {
    triples.users.view.set(t.users);
    triples.items.view.set(t.items);
    triples.ratings.view.set(t.ratings);
  }
  const blockPlans: Array<Buffer<Float64Array>> =
    blocks === null ? [] : Array.from({ length: p.threads }, () => backend.allocF64(PLAN_SLOTS));
  const groups = [
    { from: 0, to: at.q, rate: p.lr[2] },
    { from: at.q, to: at.bu, rate: p.lr[3] },
    { from: at.bu, to: at.bi, rate: p.lr[0] },
    { from: at.bi, to: at.length, rate: p.lr[1] },
  ];
  const objective: Objective = {
    n,
    nPen: at.length,
    nAll: at.length,
    workPerRow: 4 * layout.factors + 8,
    plan: {
      loss: "squared",
      lossParam: 0,
      classes: 1,
      mf: { ...layout, biased: p.biased, mu: p.mu, lr: p.lr, reg: p.reg },
    },
    meanLoss(params) {
      const v = params.view;
      const tr = { users: triples.users.view, items: triples.items.view, ratings: triples.ratings.view };
      const rmse = rmseOf(v, layout, p.mu, tr);
      return rmse * rmse;
    },
    steps(plan, _idx, start, end, state) {
      if (blocks === null) {
        backend.mfSteps(plan, triples, start, end - start, state.params);
        return undefined;
      }
      return blockSteps(backend, plan, blockPlans, triples, blocks, state.params);
    },
    shuffleRows(rng) {
      if (blocks === null) {
        backend.shuffleTriples(triples, 0, n, rng);
        return undefined;
      }
      return shuffleBlocks(backend, triples, blocks, rng);
    },
    wholeEpoch: blocks !== null,
    finishEpoch(plan: Buffer<Float64Array>, state: StepBuffers, epochStart: Float64Array) {
      const factorSum = plan.view[PlanSlot.rateFactorSum] as number;
      const now = state.params.view;
      let sq = 0;
      for (const g of groups) {
        const scale = g.rate > 0 && factorSum > 0 ? 1 / (g.rate * factorSum) : 0;
        sq += scale * scale * squaredDistance(epochStart, now, g.from, g.to);
      }
      return Math.sqrt(sq);
    },
  };
  return {
    objective,
    free() {
      for (const b of blockPlans) backend.free(b);
      backend.free(triples.users);
      backend.free(triples.items);
      backend.free(triples.ratings);
    },
  };
}
