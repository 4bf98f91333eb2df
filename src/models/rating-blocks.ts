// The block schedule of a parallel matrix-factorisation epoch (the stratification of DSGD, Gemulla
// et al., KDD 2011). Users fall into w blocks and items into w blocks, so the ratings fall into
// w × w blocks (user block a, item block b). An epoch runs in w rounds; in round s, worker t takes
// block (t, (t + s) mod w). The blocks of a round share no user and no item, so the workers never
// write the same factor row or bias: no locks, no lost updates, and the result does not depend on
// timing. It equals running the same blocks one after another on one thread, bit for bit.

import type { Backend } from "../backend/backend.js";
import { ThreadedBackend } from "../backend/threaded-backend.js";
import type { RatingRange } from "../kernels/js-kernels.js";

export type { RatingRange } from "../kernels/js-kernels.js";

import type { MfStep } from "../kernels/js-kernels.js";
import { Prng } from "../kernels/prng.js";
import type { Buffer, FloatBuffer, IndexBuffer } from "../runtime/buffer.js";

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

/** The backend buffers of a matrix-factorisation fit: triples (grouped by block), factors, biases. */
export interface MfBuffers {
  users: IndexBuffer;
  items: IndexBuffer;
  ratings: Buffer<Float64Array>;
  P: FloatBuffer;
  Q: FloatBuffer;
  bu: FloatBuffer;
  bi: FloatBuffer;
}

/**
 * One epoch of the block schedule: with `rng`, every block reshuffled by a generator of its own
 * (seeded from rng, so workers can shuffle side by side with the same result as in turn), then the
 * w rounds, a round's blocks on the workers of a ThreadedBackend or else one after another.
 * Returns the sum of squared errors, added round by round in worker order (the same bits either way).
 */
export async function blockEpoch(
  backend: Backend,
  b: MfBuffers,
  blocks: RatingBlocks,
  k: number,
  step: MfStep,
  rng: Prng | null,
): Promise<number> {
  const threaded = backend instanceof ThreadedBackend ? backend : null;
  if (rng !== null) {
    const all = blockRanges(blocks.offsets);
    const rngs = all.map(() => new Prng(rng.nextUint32()));
    if (threaded !== null) await threaded.shuffleRanges(b.users, b.items, b.ratings, all, rngs);
    else {
      for (const [i, r] of all.entries())
        backend.shuffleTriples(b.users, b.items, b.ratings, r.start, r.count, rngs[i] as Prng);
    }
  }
  let sse = 0;
  for (let s = 0; s < blocks.w; s++) {
    const ranges = roundRanges(blocks.offsets, blocks.w, s);
    const parts =
      threaded !== null
        ? await threaded.mfEpochRanges(b.users, b.items, b.ratings, ranges, k, b.P, b.Q, b.bu, b.bi, step)
        : ranges.map((r) =>
            backend.mfEpoch(b.users, b.items, b.ratings, r.start, r.count, k, b.P, b.Q, b.bu, b.bi, step),
          );
    for (const part of parts) sse += part;
  }
  return sse;
}
