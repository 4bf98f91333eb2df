// The block schedule of a parallel matrix-factorisation epoch (the stratification of DSGD, Gemulla
// et al., KDD 2011). Users fall into w blocks and items into w blocks, so the ratings fall into
// w × w blocks (user block a, item block b). An epoch runs in w rounds; in round s, worker t takes
// block (t, (t + s) mod w). The blocks of a round share no user and no item, so the workers never
// write the same factor row or bias: no locks, no lost updates, and the result does not depend on
// timing. It equals running the same blocks one after another on one thread, bit for bit.

import type { Backend, RatingBuffers } from "../backend/backend.js";
import type { RatingRange } from "../kernels/mf.js";
import { PlanSlot } from "../kernels/plan.js";
import { Prng } from "../kernels/prng.js";
import type { Buffer, FloatBuffer } from "../runtime/buffer.js";

export type { RatingRange } from "../kernels/mf.js";

/** Rating triples grouped by block, with where each block starts. */
export interface RatingBlocks {
  /** Blocks per side (the worker count w). */
  readonly w: number;
  /** User index of each rating, grouped by block. */
  readonly users: Int32Array;
  /** Item index of each rating, grouped by block. */
  readonly items: Int32Array;
  /** Rating values, grouped by block. */
  readonly ratings: Float64Array;
  /** Block a·w + b holds ratings offsets[a·w + b] .. offsets[a·w + b + 1] (w² + 1 entries). */
  readonly offsets: Int32Array;
}

/**
 * Splits ids 0 .. size−1 into w runs of consecutive ids with about equal rating counts (a run ends
 * once the ratings so far reach its share of the total). Consecutive ids keep each worker's biases
 * and factor rows on cache lines of its own: with ids spread over the blocks, neighbouring rows and
 * biases of different workers share lines, and the two cores pass those lines back and forth on
 * every update (measured: each worker 3.5× slower than one thread alone). The block of each id.
 */
export function contiguousBlocks(ids: Int32Array, size: number, w: number): Int32Array {
  const counts = new Float64Array(size);
  for (let r = 0; r < ids.length; r++) counts[ids[r] as number] = (counts[ids[r] as number] as number) + 1;
  const share = ids.length / w;
  const block = new Int32Array(size);
  let b = 0;
  let sum = 0;
  for (let id = 0; id < size; id++) {
    block[id] = b;
    sum += counts[id] as number;
    if (b < w - 1 && sum >= (b + 1) * share) b++;
  }
  return block;
}

/**
 * Groups the triples by block (a stable counting sort: within a block, the input order), users and
 * items cut into w runs of consecutive indices each. The grouped triples go to `into` (for example
 * a backend's buffers, so they are written once) or to new arrays.
 */
export function groupRatings(
  users: Int32Array,
  items: Int32Array,
  ratings: Float64Array,
  nUsers: number,
  nItems: number,
  w: number,
  into: Pick<RatingBlocks, "users" | "items" | "ratings"> = {
    users: new Int32Array(ratings.length),
    items: new Int32Array(ratings.length),
    ratings: new Float64Array(ratings.length),
  },
): RatingBlocks {
  const userBlock = contiguousBlocks(users, nUsers, w);
  const itemBlock = contiguousBlocks(items, nItems, w);
  const n = ratings.length;
  const blockOf = (r: number): number =>
    (userBlock[users[r] as number] as number) * w + (itemBlock[items[r] as number] as number);
  const offsets = new Int32Array(w * w + 1);
  for (let r = 0; r < n; r++) {
    const b = blockOf(r);
    offsets[b + 1] = (offsets[b + 1] as number) + 1;
  }
  for (let b = 0; b < w * w; b++) offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
  const next = offsets.slice(0, w * w);
  const out: RatingBlocks = { w, ...into, offsets };
  for (let r = 0; r < n; r++) {
    const b = blockOf(r);
    const to = next[b] as number;
    next[b] = to + 1;
    out.users[to] = users[r] as number;
    out.items[to] = items[r] as number;
    out.ratings[to] = ratings[r] as number;
  }
  return out;
}

/** The w ranges of round s (0 ≤ s < w): worker t's is block (t, (t + s) mod w). */
export function roundRanges(offsets: Int32Array, w: number, s: number): RatingRange[] {
  return Array.from({ length: w }, (_, t) => {
    const b = t * w + ((t + s) % w);
    const start = offsets[b] as number;
    return { start, count: (offsets[b + 1] as number) - start };
  });
}

/** Every block as a range, in block order (a·w + b). */
export function blockRanges(offsets: Int32Array): RatingRange[] {
  return Array.from({ length: offsets.length - 1 }, (_, b) => ({
    start: offsets[b] as number,
    count: (offsets[b + 1] as number) - (offsets[b] as number),
  }));
}

/**
 * The steps of one epoch on the block schedule: the w rounds in turn, a round's blocks through
 * Backend.mfStepsRanges (on workers at once where the backend has them). Each block runs under a
 * plan of its own (`blockPlans`, w of them): a copy of `plan` whose step count is where the block
 * starts in round order and whose loss and rate factor sums start at 0; those sums are then added
 * to `plan`'s round by round in worker order, so the bits do not depend on who ran what.
 */
export async function blockSteps(
  backend: Backend,
  plan: Buffer<Float64Array>,
  blockPlans: readonly Buffer<Float64Array>[],
  triples: RatingBuffers,
  blocks: RatingBlocks,
  params: FloatBuffer,
): Promise<void> {
  const main = plan.view;
  let step = main[PlanSlot.step] as number;
  for (let s = 0; s < blocks.w; s++) {
    const ranges = roundRanges(blocks.offsets, blocks.w, s);
    ranges.forEach((r, t) => {
      const own = (blockPlans[t] as Buffer<Float64Array>).view;
      own.set(main);
      own[PlanSlot.step] = step;
      own[PlanSlot.lossSum] = 0;
      own[PlanSlot.rateFactorSum] = 0;
      step += r.count;
    });
    await backend.mfStepsRanges(blockPlans, triples, ranges, params);
    ranges.forEach((r, t) => {
      const own = (blockPlans[t] as Buffer<Float64Array>).view;
      main[PlanSlot.lossSum] = (main[PlanSlot.lossSum] as number) + (own[PlanSlot.lossSum] as number);
      main[PlanSlot.rateFactorSum] = (main[PlanSlot.rateFactorSum] as number) + (own[PlanSlot.rateFactorSum] as number);
      if (r.count > 0) main[PlanSlot.lastRate] = own[PlanSlot.lastRate] as number;
    });
  }
  main[PlanSlot.step] = step;
}

/**
 * Reshuffles every block of the triples in place, each by a generator of its own seeded from
 * `rng` (so workers can shuffle side by side with the same result as in turn).
 */
export function shuffleBlocks(
  backend: Backend,
  triples: RatingBuffers,
  blocks: RatingBlocks,
  rng: Prng,
): Promise<void> {
  const all = blockRanges(blocks.offsets);
  return backend.shuffleTripleRanges(
    triples,
    all,
    all.map(() => new Prng(rng.nextUint32())),
  );
}
