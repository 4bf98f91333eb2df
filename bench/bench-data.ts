// The synthetic data every timing bench shares: n × d features uniform in [−1, 1), a linear target
// with weights sin(j + 1), intercept 0.5 and a little uniform noise, and a ±1 class label (the sign
// of the target around its mean, flipped by the same noise). Built from our seeded generator, in
// shared memory so a clean isolate reads it in place.

import { Prng } from "../src/kernels/prng.js";
import { sharedArray } from "../src/runtime/shared-array.js";

/** One bench data set. */
export interface BenchData {
  n: number;
  d: number;
  X: Float64Array | Float32Array;
  /** Regression target. */
  y: Float64Array | Float32Array;
  /** Classification target in {−1, +1}. */
  label: Float64Array | Float32Array;
}

/** The bench data of n × d in `dtype` (the same values for a seed whatever the dtype, rounded). */
export function benchData(n: number, d: number, dtype: "float64" | "float32", seed = 21): BenchData {
  const make = (length: number): Float64Array | Float32Array =>
    dtype === "float64" ? sharedArray(Float64Array, length) : sharedArray(Float32Array, length);
  const rng = new Prng(seed);
  const X = make(n * d);
  for (let i = 0; i < n * d; i++) X[i] = rng.nextFloat() * 2 - 1;
  const w = Float64Array.from({ length: d }, (_, j) => Math.sin(j + 1));
  const y = make(n);
  const label = make(n);
  for (let i = 0; i < n; i++) {
    let s = 0.5;
    for (let j = 0; j < d; j++) s += (X[i * d + j] as number) * (w[j] as number);
    const noise = 0.1 * (rng.nextFloat() - 0.5);
    y[i] = s + noise;
    label[i] = s - 0.5 + 4 * noise > 0 ? 1 : -1;
  }
  return { n, d, X, y, label };
}
