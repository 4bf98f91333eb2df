// Matrix factorisation throughput: ratings per second of per-rating SGD with 50 factors (1,000 users
// × 1,000 items), for the JS backend, both single-thread WASM builds and the block schedule on 2
// worker threads, in float64 and float32. Timed over the epochs (shuffle and kernel), not the setup. The
// JS fits run in a clean isolate (src/bench/clean-isolate.ts), the others in this one.
import { CleanIsolate } from "../src/bench/clean-isolate.js";
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import { Prng } from "../src/kernels/prng.js";
import type { MatrixFactorizationOptions } from "../src/models/matrix-factorization.js";
import { sharedArray } from "../src/runtime/shared-array.js";
import { timeMfFit } from "./timed-fits.js";

const TIMED_FITS = new URL("./timed-fits.js", import.meta.url).href;

/** One throughput result. */
export interface MfResult {
  task: string;
  ratings: number;
  factors: number;
  epochs: number;
  medianMs: number;
  ratingsPerSecond: number;
  vsJs: number;
}

/** Times `repeats` rounds of one fit per task (after a warm-up) on a seeded random rating set. */
export async function runMfBench(repeats = 3, n = 200_000, factors = 50, epochs = 5): Promise<MfResult[]> {
  const rng = new Prng(8);
  const users = sharedArray(Int32Array, n);
  const items = sharedArray(Int32Array, n);
  const ratings = sharedArray(Float64Array, n);
  for (let r = 0; r < n; r++) users[r] = rng.nextInt(1000);
  for (let r = 0; r < n; r++) items[r] = rng.nextInt(1000);
  for (let r = 0; r < n; r++) ratings[r] = 1 + 4 * rng.nextFloat();
  const tasks: Array<[string, MatrixFactorizationOptions]> = [
    ["js", { backend: "js" }],
    ["wasm-scalar", { backend: "wasm-scalar" }],
    ["wasm-simd", { backend: "wasm-simd" }],
    ["wasm-simd 2 threads", { backend: "wasm-simd", threads: 2 }],
    ["js float32", { backend: "js", dtype: "float32" }],
    ["wasm-simd float32", { backend: "wasm-simd", dtype: "float32" }],
    ["wasm-simd float32 2 threads", { backend: "wasm-simd", dtype: "float32", threads: 2 }],
  ];
  const isolate = new CleanIsolate();
  try {
    const fitMs = (o: MatrixFactorizationOptions): Promise<number> =>
      isolate.run(o.backend === "js", TIMED_FITS, timeMfFit, o, users, items, ratings);
    for (const [, o] of tasks) await fitMs({ ...o, factors, epochs: 1, seed: 1 });
    // Rounds go over every task in turn, so a slow spell of this shared machine hits all of them.
    const times: number[][] = tasks.map(() => []);
    for (let r = 0; r < repeats; r++) {
      for (const [t, [, o]] of tasks.entries()) times[t]?.push(await fitMs({ ...o, factors, epochs, seed: 1 }));
    }
    const out: MfResult[] = tasks.map(([task], t) => {
      const medianMs = median(times[t] ?? []);
      return {
        task,
        ratings: n,
        factors,
        epochs,
        medianMs,
        ratingsPerSecond: (n * epochs) / (medianMs / 1000),
        vsJs: 0,
      };
    });
    // Each row against the JS backend of the same dtype.
    const js64 = out.find((r) => r.task === "js")?.medianMs ?? Number.NaN;
    const js32 = out.find((r) => r.task === "js float32")?.medianMs ?? Number.NaN;
    for (const r of out) r.vsJs = (r.task.includes("float32") ? js32 : js64) / r.medianMs;
    return out;
  } finally {
    await isolate.close();
  }
}

/** The results as an aligned table. */
export function formatMf(results: readonly MfResult[]): string {
  const header = ["task", "train ms", "ratings/s", "× js (same dtype)"];
  const rows = results.map((r) => [
    r.task,
    r.medianMs.toFixed(1),
    `${(r.ratingsPerSecond / 1e6).toFixed(2)} M`,
    `${r.vsJs.toFixed(2)}×`,
  ]);
  return formatTable(header, rows);
}
