import { Bench } from "tinybench";
import type { Backend, BackendKind } from "../backend/backend.js";
import { createBackend } from "../backend/create-backend.js";
import type { DType } from "../matrix.js";
import { Prng } from "../train/prng.js";

/** One problem size of the ladder. */
export interface LadderSize {
  n: number;
  d: number;
}

/** One measured rung: a backend computing the full fused squared-loss gradient of one size. */
export interface LadderResult {
  n: number;
  d: number;
  dtype: DType;
  task: BackendKind;
  /** Median time of one full gradient, in milliseconds. */
  medianMs: number;
  /** 4·n·d floating-point operations per gradient (dot and axpy, a multiply and an add each). */
  gflops: number;
  /** Bytes of X read per gradient, per second, in GB/s (1e9 bytes). */
  gbps: number;
  /** Speed relative to the js task of the same size and dtype (js median / this median). */
  vsJs: number;
  samples: number;
}

/** Tasks of the ladder, slowest (the baseline) first. */
export const LADDER_TASKS: readonly BackendKind[] = ["js", "wasm-scalar", "wasm-simd"];

interface Prepared {
  backend: Backend;
  run: () => void;
}

async function prepare(task: BackendKind, dtype: DType, size: LadderSize, seed: number): Promise<Prepared> {
  const backend = await createBackend(task, dtype);
  const { n, d } = size;
  const rng = new Prng(seed);
  const X = backend.alloc(n * d);
  const xv = X.view;
  for (let i = 0; i < n * d; i++) xv[i] = rng.nextFloat() * 2 - 1;
  const y = backend.alloc(n);
  const yv = y.view;
  for (let i = 0; i < n; i++) yv[i] = rng.nextFloat() * 2 - 1;
  const params = backend.alloc(d + 1);
  const pv = params.view;
  for (let j = 0; j <= d; j++) pv[j] = (rng.nextFloat() - 0.5) * 0.1;
  const grad = backend.alloc(d + 1);
  const idx = backend.allocIndex(n);
  const iv = idx.view;
  for (let i = 0; i < n; i++) iv[i] = i;
  let sink = 0;
  return {
    backend,
    run: () => {
      sink += backend.linearGrad("squared", X, y, null, idx, 0, n, d, params, grad, 0);
      if (Number.isNaN(sink)) throw new Error("gradient produced NaN");
    },
  };
}

/**
 * Measures the full-batch fused squared-loss gradient for every size × dtype × task with tinybench
 * (data built outside the timed function) and returns one result per rung.
 */
export async function runGradientLadder(
  sizes: readonly LadderSize[],
  dtypes: readonly DType[],
  options: { timeMs?: number; onRung?: (r: LadderResult) => void } = {},
): Promise<LadderResult[]> {
  const results: LadderResult[] = [];
  for (const size of sizes) {
    for (const dtype of dtypes) {
      const bench = new Bench({ time: options.timeMs ?? 400, warmupTime: 100 });
      const prepared = new Map<BackendKind, Prepared>();
      for (const task of LADDER_TASKS) {
        const p = await prepare(task, dtype, size, 17);
        prepared.set(task, p);
        bench.add(task, p.run);
      }
      await bench.run();
      let jsMedian = Number.NaN;
      for (const t of bench.tasks) {
        const r = t.result;
        if (r.state !== "completed") throw new Error(`bench task ${t.name} ${r.state}`);
        const medianMs = r.latency.p50;
        if (t.name === "js") jsMedian = medianMs;
        const bytes = size.n * size.d * (dtype === "float64" ? 8 : 4);
        const rung: LadderResult = {
          n: size.n,
          d: size.d,
          dtype,
          task: t.name as BackendKind,
          medianMs,
          gflops: (4 * size.n * size.d) / (medianMs * 1e6),
          gbps: bytes / (medianMs * 1e6),
          vsJs: jsMedian / medianMs,
          samples: r.latency.samplesCount,
        };
        results.push(rung);
        options.onRung?.(rung);
      }
    }
  }
  return results;
}

/** The ladder as an aligned text table. */
export function formatLadder(results: readonly LadderResult[]): string {
  const header = ["n", "d", "dtype", "task", "median", "GFLOP/s", "GB/s", "× js"];
  const rows = results.map((r) => [
    String(r.n),
    String(r.d),
    r.dtype,
    r.task,
    r.medianMs >= 1 ? `${r.medianMs.toFixed(2)} ms` : `${(r.medianMs * 1000).toFixed(1)} µs`,
    r.gflops.toFixed(2),
    r.gbps.toFixed(2),
    `${r.vsJs.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join("  ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)].join("\n");
}
