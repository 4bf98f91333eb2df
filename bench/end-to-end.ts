// End-to-end training: n = 100,000, d = 32, float32, batch 256, 10 epochs of plain SGD, by our
// LinearRegression on each backend and by TensorFlow.js (wasm and cpu backends). Our js fits run in
// a clean isolate (src/bench/clean-isolate.ts), the rest in this one.
import { CleanIsolate } from "../src/bench/clean-isolate.js";
import { median } from "../src/bench/median.js";
import { sharedArray } from "../src/bench/shared-array.js";
import type { LinearRegressionOptions } from "../src/models/linear-regression.js";
import { Prng } from "../src/train/prng.js";
import { collectGarbage } from "./collect-garbage.js";
import { type TfBackend, tfjsFit } from "./peers/tfjs.js";
import { type TimedLinearFit, timeLinearFit } from "./timed-fits.js";

const TIMED_FITS = new URL("./timed-fits.js", import.meta.url).href;

/** One end-to-end result. */
export interface EndToEndResult {
  task: string;
  n: number;
  d: number;
  dtype: "float32";
  batchSize: number;
  epochs: number;
  /** Median wall time of the timed fits, ms. */
  medianMs: number;
  /** Final objective 0.5·mean((Xw + b − y)²) on the training data. */
  objective: number;
  /** js median / this median. */
  vsJs: number;
}

function objectiveOf(X: Float32Array, y: Float32Array, n: number, d: number, w: ArrayLike<number>, b: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let f = b;
    for (let j = 0; j < d; j++) f += (X[i * d + j] as number) * (w[j] as number);
    s += 0.5 * (f - (y[i] as number)) ** 2;
  }
  return s / n;
}

/**
 * Runs every end-to-end task `repeats` times after a warm-up (TensorFlow.js at most 3 times, its
 * cpu backend once) and returns their medians.
 */
export async function runEndToEnd(repeats = 3, n = 100_000, d = 32): Promise<EndToEndResult[]> {
  const batchSize = 256;
  const epochs = 10;
  const learningRate = 0.05;
  const rng = new Prng(21);
  const X = sharedArray(Float32Array, n * d);
  for (let i = 0; i < n * d; i++) X[i] = rng.nextFloat() * 2 - 1;
  const wTrue = Float64Array.from({ length: d }, (_, j) => Math.sin(j + 1));
  const y = sharedArray(Float32Array, n);
  for (let i = 0; i < n; i++) {
    let s = 0.5;
    for (let j = 0; j < d; j++) s += (X[i * d + j] as number) * (wTrue[j] as number);
    y[i] = s + 0.1 * (rng.nextFloat() - 0.5);
  }
  const out: EndToEndResult[] = [];
  const backends = ["js", "wasm-scalar", "wasm-simd"] as const;
  const opts = (backend: (typeof backends)[number]): LinearRegressionOptions => ({
    batchSize,
    maxEpochs: epochs,
    tol: null,
    learningRate,
    penalty: "none",
    dtype: "float32",
    backend,
    seed: 1,
  });
  const isolate = new CleanIsolate();
  const timedFit = (o: LinearRegressionOptions): Promise<TimedLinearFit> =>
    isolate.run(o.backend === "js", TIMED_FITS, timeLinearFit, o, X, y, n, d);
  // Rounds go over the backends in turn, so a slow spell of this shared machine hits all of them.
  const times: number[][] = backends.map(() => []);
  const fits: Array<TimedLinearFit | null> = backends.map(() => null);
  try {
    for (const backend of backends) await timedFit({ ...opts(backend), maxEpochs: 1 });
    for (let r = 0; r < repeats; r++) {
      for (const [t, backend] of backends.entries()) {
        const f = await timedFit(opts(backend));
        fits[t] = f;
        times[t]?.push(f.ms);
      }
    }
  } finally {
    await isolate.close();
  }
  for (const [t, backend] of backends.entries()) {
    const m = fits[t] as TimedLinearFit;
    out.push({
      task: `descent ${backend}`,
      n,
      d,
      dtype: "float32",
      batchSize,
      epochs,
      medianMs: median(times[t] ?? []),
      objective: objectiveOf(X, y, n, d, m.coef, m.intercept),
      vsJs: 0,
    });
  }
  for (const backend of ["wasm", "cpu"] as TfBackend[]) {
    for (const preSliced of [false, true]) {
      const o = { batchSize, epochs, learningRate, preSliced, seed: 1 };
      await tfjsFit(backend, X, y, n, d, { ...o, epochs: 1 });
      const runs = backend === "cpu" ? 1 : Math.min(repeats, 3);
      const times: number[] = [];
      let w: Float32Array = new Float32Array(d);
      let b = Number.NaN;
      for (let r = 0; r < runs; r++) {
        collectGarbage();
        const res = await tfjsFit(backend, X, y, n, d, o);
        times.push(res.ms);
        w = res.w;
        b = res.b;
      }
      out.push({
        task: `tfjs-${backend}${preSliced ? " (pre-sliced batches, no shuffle)" : " (shuffle + gather per step)"}`,
        n,
        d,
        dtype: "float32",
        batchSize,
        epochs,
        medianMs: median(times),
        objective: objectiveOf(X, y, n, d, w, b),
        vsJs: 0,
      });
    }
  }
  const js = out.find((r) => r.task === "descent js")?.medianMs ?? Number.NaN;
  for (const r of out) r.vsJs = js / r.medianMs;
  return out;
}

/** The end-to-end results as an aligned table with ratios to js and to the fastest tfjs run. */
export function formatEndToEnd(results: readonly EndToEndResult[]): string {
  const simd = results.find((r) => r.task === "descent wasm-simd")?.medianMs ?? Number.NaN;
  const header = ["task", "wall ms", "× js", "wasm-simd is ×", "objective"];
  const rows = results.map((r) => [
    r.task,
    r.medianMs.toFixed(1),
    `${r.vsJs.toFixed(2)}×`,
    `${(r.medianMs / simd).toFixed(2)}×`,
    Number.isFinite(r.objective) ? r.objective.toFixed(6) : "—",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)].join("\n");
}
