// Matrix factorisation throughput: ratings per second of per-rating SGD with 50 factors (1,000 users
// × 1,000 items), for the JS backend, both single-thread WASM builds and Hogwild on 2 worker
// threads, in float64 and float32. Timed over the epochs (shuffle and kernel), not the setup.
import { median } from "../src/bench/median.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { Prng } from "../src/train/prng.js";
import { collectGarbage } from "./collect-garbage.js";

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
  const users = Int32Array.from({ length: n }, () => rng.nextInt(1000));
  const items = Int32Array.from({ length: n }, () => rng.nextInt(1000));
  const ratings = Float64Array.from({ length: n }, () => 1 + 4 * rng.nextFloat());
  const tasks: Array<[string, ConstructorParameters<typeof MatrixFactorization>[0]]> = [
    ["js", { backend: "js" }],
    ["wasm-scalar", { backend: "wasm-scalar" }],
    ["wasm-simd", { backend: "wasm-simd" }],
    ["wasm-simd hogwild ×2", { backend: "wasm-simd", threads: 2 }],
    ["js float32", { backend: "js", dtype: "float32" }],
    ["wasm-simd float32", { backend: "wasm-simd", dtype: "float32" }],
    ["wasm-simd float32 hogwild ×2", { backend: "wasm-simd", dtype: "float32", threads: 2 }],
  ];
  const fitOnce = (o: ConstructorParameters<typeof MatrixFactorization>[0]) =>
    new MatrixFactorization(o).fit(Array.from(users), Array.from(items), ratings);
  for (const [, o] of tasks) await fitOnce({ ...o, factors, epochs: 1, seed: 1 });
  // Rounds go over every task in turn, so a slow spell of this shared machine hits all of them.
  const times: number[][] = tasks.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (const [t, [, o]] of tasks.entries()) {
      collectGarbage();
      const mf = await fitOnce({ ...o, factors, epochs, seed: 1 });
      // The epochs themselves (shuffle + one kernel call each), without the id maps and copies.
      times[t]?.push(mf.history.ms.at(-1) ?? Number.NaN);
    }
  }
  const out: MfResult[] = tasks.map(([task], t) => {
    const medianMs = median(times[t] ?? []);
    return { task, ratings: n, factors, epochs, medianMs, ratingsPerSecond: (n * epochs) / (medianMs / 1000), vsJs: 0 };
  });
  // Each row against the JS backend of the same dtype.
  const js64 = out.find((r) => r.task === "js")?.medianMs ?? Number.NaN;
  const js32 = out.find((r) => r.task === "js float32")?.medianMs ?? Number.NaN;
  for (const r of out) r.vsJs = (r.task.includes("float32") ? js32 : js64) / r.medianMs;
  return out;
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)].join("\n");
}
