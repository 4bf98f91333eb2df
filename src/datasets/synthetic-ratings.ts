// A seeded low-rank rating matrix to try matrix factorisation on (the lab's Recommend panel, the
// tests): rating(u, i) = mean + b_u + b_i + p_u·q_i + noise, observed on distinct random cells.
import { portableNormals } from "../kernels/portable.js";
import { Prng } from "../kernels/prng.js";

/** The shape of a synthetic rating set. */
export interface SyntheticRatingsOptions {
  /** Users (ids 0 .. users − 1). */
  users: number;
  /** Items (ids 0 .. items − 1). */
  items: number;
  /** Rank of the hidden factor matrices (factors drawn from N(0, 0.5²)). */
  rank: number;
  /** Observed (user, item) cells, all distinct; at most users × items. */
  observed: number;
  /** Standard deviation of the Gaussian noise added to every rating. */
  noise: number;
  /** Seed of every draw. */
  seed: number;
  /** The global mean the ratings are built around. Default 3.5. */
  mean?: number;
}

/** Synthetic ratings as parallel arrays, with the hidden (noise-free) rating of each cell. */
export interface SyntheticRatings {
  users: number[];
  items: number[];
  ratings: number[];
  /** mean + b_u + b_i + p_u·q_i of each rating's cell: what a perfect model predicts. */
  truth: number[];
  /** The noise-free rating of any cell (user, item), observed or not. */
  expected(user: number, item: number): number;
}

/**
 * Draws a seeded low-rank rating set: factors from N(0, 0.5²), biases from N(0, 0.3²), cells
 * uniform without repetition. The same seed gives the same bits in every JS engine (the normals use
 * portable math).
 */
export function syntheticRatings(o: SyntheticRatingsOptions): SyntheticRatings {
  const { users, items, rank, observed, noise, seed } = o;
  const mean = o.mean ?? 3.5;
  if (!(observed <= users * items)) throw new RangeError(`observed (${observed}) exceeds users × items`);
  const rng = new Prng(seed);
  const next = (): number => rng.nextFloat();
  const P = portableNormals(next, users * rank, 0.5);
  const Q = portableNormals(next, items * rank, 0.5);
  const bu = portableNormals(next, users, 0.3);
  const bi = portableNormals(next, items, 0.3);
  const expected = (a: number, b: number): number => {
    let dot = 0;
    for (let f = 0; f < rank; f++) dot += (P[a * rank + f] as number) * (Q[b * rank + f] as number);
    return mean + (bu[a] as number) + (bi[b] as number) + dot;
  };
  const seen = new Set<number>();
  const out: SyntheticRatings = { users: [], items: [], ratings: [], truth: [], expected };
  while (out.users.length < observed) {
    const a = rng.nextInt(users);
    const b = rng.nextInt(items);
    if (seen.has(a * items + b)) continue;
    seen.add(a * items + b);
    out.users.push(a);
    out.items.push(b);
    out.truth.push(expected(a, b));
  }
  const e = portableNormals(next, observed, noise);
  out.ratings = out.truth.map((t, i) => t + (e[i] as number));
  return out;
}
