// End-to-end training, each a whole `fit` on a { data, rows, cols } Float32Array (staging, checks,
// every epoch): (1) n = 100,000, d = 32, batch 256, 10 epochs of plain SGD (rate 0.05, no penalty)
// by our LinearRegression on each backend and by TensorFlow.js (wasm and cpu backends); (2)
// n = 200,000, d = 32, batch 256, 5 epochs with the default options (rate 0.01, L2 1e-4, shuffle
// true), and with shuffle 'once' and false, against the JS backend, with the bare speed of reading
// X (one WASM pass over the staged copy) as the yardstick of an epoch. Our js fits run in a clean
// isolate (src/bench/clean-isolate.ts), the rest in this one.
import { createBackend } from "../src/backend/create-backend.js";
import { CleanIsolate } from "../src/bench/clean-isolate.js";
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import type { LinearRegressionOptions } from "../src/models/linear-regression.js";
import type { ShuffleMode } from "../src/train/options.js";
import { type BenchData, benchData } from "./bench-data.js";
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
  /** Median over the timed fits of their median epoch, ms (descent only; NaN otherwise). */
  epochMs: number;
  /** Final objective 0.5·mean((Xw + b − y)²) on the training data. */
  objective: number;
  /** js median / this median (for the same training). */
  vsJs: number;
}

function objectiveOf(
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  d: number,
  w: ArrayLike<number>,
  b: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let f = b;
    for (let j = 0; j < d; j++) f += (X[i * d + j] as number) * (w[j] as number);
    s += 0.5 * (f - (y[i] as number)) ** 2;
  }
  return s / n;
}

/**
 * Times our backends on one training, `repeats` rounds after a warm-up, the backends in turn so a
 * slow spell of this shared machine hits all of them; the js fits in the clean isolate.
 */
async function timeDescent(
  isolate: CleanIsolate,
  data: BenchData,
  label: string,
  options: LinearRegressionOptions,
  backends: ReadonlyArray<"js" | "wasm-scalar" | "wasm-simd">,
  repeats: number,
): Promise<EndToEndResult[]> {
  const { X, y, n, d } = data;
  const timedFit = (o: LinearRegressionOptions): Promise<TimedLinearFit> =>
    isolate.run(o.backend === "js", TIMED_FITS, timeLinearFit, o, X as Float32Array, y as Float32Array, n, d);
  const times: number[][] = backends.map(() => []);
  const epochs: number[][] = backends.map(() => []);
  const fits: Array<TimedLinearFit | null> = backends.map(() => null);
  for (const backend of backends) await timedFit({ ...options, backend, maxEpochs: 1 });
  for (let r = 0; r < repeats; r++) {
    for (const [t, backend] of backends.entries()) {
      const f = await timedFit({ ...options, backend });
      fits[t] = f;
      times[t]?.push(f.ms);
      epochs[t]?.push(median(f.epochMs));
    }
  }
  const js = backends.indexOf("js");
  return backends.map((backend, t) => {
    const m = fits[t] as TimedLinearFit;
    return {
      task: `descent ${backend}${label}`,
      n,
      d,
      dtype: "float32" as const,
      batchSize: options.batchSize as number,
      epochs: options.maxEpochs as number,
      medianMs: median(times[t] ?? []),
      epochMs: median(epochs[t] ?? []),
      objective: objectiveOf(X, y, n, d, m.coef, m.intercept),
      vsJs: js < 0 ? Number.NaN : median(times[js] ?? []) / median(times[t] ?? []),
    };
  });
}

/**
 * Task 1: every backend and TensorFlow.js on n × d (default 100,000 × 32), batch 256, 10 epochs,
 * rate 0.05, no penalty, our default shuffle (rows reshuffled every epoch).
 */
export async function runEndToEnd(repeats = 3, n = 100_000, d = 32): Promise<EndToEndResult[]> {
  const batchSize = 256;
  const epochs = 10;
  const learningRate = 0.05;
  const data = benchData(n, d, "float32");
  const isolate = new CleanIsolate();
  let out: EndToEndResult[];
  try {
    out = await timeDescent(
      isolate,
      data,
      "",
      { batchSize, maxEpochs: epochs, tol: null, learningRate, penalty: "none", dtype: "float32", seed: 1 },
      ["js", "wasm-scalar", "wasm-simd"],
      repeats,
    );
  } finally {
    await isolate.close();
  }
  const js = out[0]?.medianMs ?? Number.NaN;
  for (const backend of ["wasm", "cpu"] as TfBackend[]) {
    for (const preSliced of [false, true]) {
      const o = { batchSize, epochs, learningRate, preSliced, seed: 1 };
      await tfjsFit(backend, data.X as Float32Array, data.y as Float32Array, n, d, { ...o, epochs: 1 });
      const runs = backend === "cpu" ? 1 : Math.min(repeats, 3);
      const times: number[] = [];
      let w: Float32Array = new Float32Array(d);
      let b = Number.NaN;
      for (let r = 0; r < runs; r++) {
        collectGarbage();
        const res = await tfjsFit(backend, data.X as Float32Array, data.y as Float32Array, n, d, o);
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
        epochMs: Number.NaN,
        objective: objectiveOf(data.X, data.y, n, d, w, b),
        vsJs: js / median(times),
      });
    }
  }
  return out;
}

/** Task 2's result: the trainings and the bare read of X they are measured against. */
export interface DefaultTraining {
  rows: EndToEndResult[];
  /** Median ms of one WASM pass reading the staged X (firstNonFinite over its n·d values). */
  bareReadMs: number;
  /** Bytes of X. */
  bytes: number;
}

/**
 * Task 2: n × d (default 200,000 × 32) float32, batch 256, 5 epochs, the default options, and the
 * same with shuffle 'once' and false, js against wasm-simd; plus the bare read of X.
 */
export async function runDefaultTraining(repeats = 3, n = 200_000, d = 32): Promise<DefaultTraining> {
  const data = benchData(n, d, "float32");
  const isolate = new CleanIsolate();
  const rows: EndToEndResult[] = [];
  try {
    for (const shuffle of [true, "once", false] as ShuffleMode[]) {
      const label =
        shuffle === true ? " (default: shuffle true)" : shuffle === "once" ? " (shuffle 'once')" : " (shuffle false)";
      const options: LinearRegressionOptions = { batchSize: 256, maxEpochs: 5, tol: null, dtype: "float32", shuffle };
      rows.push(...(await timeDescent(isolate, data, label, options, ["js", "wasm-simd"], repeats)));
    }
  } finally {
    await isolate.close();
  }
  const backend = await createBackend("wasm-simd", "float32");
  const X = backend.allocCopy(data.X);
  const reads: number[] = [];
  for (let r = 0; r < 11; r++) {
    const t0 = performance.now();
    backend.firstNonFinite(X, n * d);
    reads.push(performance.now() - t0);
  }
  backend.free(X);
  return { rows, bareReadMs: median(reads.slice(1)), bytes: n * d * 4 };
}

/** Task 1 as an aligned table with ratios to js and to the fastest of ours. */
export function formatEndToEnd(results: readonly EndToEndResult[]): string {
  const simd = results.find((r) => r.task === "descent wasm-simd")?.medianMs ?? Number.NaN;
  return formatTable(
    ["task", "wall ms", "× js", "wasm-simd is × faster", "objective"],
    results.map((r) => [
      r.task,
      r.medianMs.toFixed(1),
      `${r.vsJs.toFixed(2)}×`,
      `${(r.medianMs / simd).toFixed(2)}×`,
      Number.isFinite(r.objective) ? r.objective.toFixed(6) : "—",
    ]),
  );
}

/** Task 2 as a table: wall time, × js, the median epoch and its ratio to the bare read of X. */
export function formatDefaultTraining(t: DefaultTraining): string {
  const body = formatTable(
    ["task", "wall ms", "× js", "epoch ms", "epoch / bare read", "objective"],
    t.rows.map((r) => [
      r.task,
      r.medianMs.toFixed(1),
      Number.isNaN(r.vsJs) ? "—" : `${r.vsJs.toFixed(2)}×`,
      r.epochMs.toFixed(2),
      `${(r.epochMs / t.bareReadMs).toFixed(2)}×`,
      r.objective.toFixed(6),
    ]),
  );
  const gbs = t.bytes / t.bareReadMs / 1e6;
  return `${body}\nbare read of X (${(t.bytes / 1e6).toFixed(1)} MB, one WASM pass over the staged copy): ${t.bareReadMs.toFixed(2)} ms (${gbs.toFixed(1)} GB/s)`;
}
