import { Bench } from "tinybench";
import type { Backend } from "../backend/backend.js";
import { createBackend } from "../backend/create-backend.js";
import { ThreadedBackend } from "../backend/threaded-backend.js";
import { Prng } from "../kernels/prng.js";
import type { DType } from "../matrix.js";
import { sharedArray } from "../runtime/shared-array.js";
import { CleanIsolate } from "./clean-isolate.js";
import { formatTable } from "./text-table.js";

/** One problem size of the ladder. */
export interface LadderSize {
  n: number;
  d: number;
}

/** Losses the ladder can measure ('softmax' with 4 classes). */
export type LadderLoss = "squared" | "log" | "hinge" | "softmax";

/** Classes of the softmax rung. */
export const SOFTMAX_CLASSES = 4;

/**
 * A task from outside the library (a peer such as TensorFlow.js): given the problem, it returns the
 * function to time, or null when it cannot run that problem (for example float64).
 */
export interface PeerTask {
  name: string;
  prepare(
    size: LadderSize,
    dtype: DType,
    loss: LadderLoss,
    data: { X: Float32Array | Float64Array; y: Float64Array },
  ): Promise<{ run: () => void; dispose: () => void } | null>;
}

/** One measured rung: one task computing one full-batch fused gradient of one size. */
export interface LadderResult {
  n: number;
  d: number;
  dtype: DType;
  loss: LadderLoss;
  task: string;
  /** Median time of one full gradient, in milliseconds. */
  medianMs: number;
  /** 4·n·d·outputs floating-point operations per gradient (dot and axpy, a multiply and an add each). */
  gflops: number;
  /** Bytes of X read per gradient, per second, in GB/s (1e9 bytes). */
  gbps: number;
  /** Speed relative to the js task of the same size and dtype (js median / this median). */
  vsJs: number;
  samples: number;
}

/** The library's tasks of the ladder, slowest (the baseline) first; the threaded one uses `threads` workers. */
export const LADDER_TASKS = ["js", "wasm-scalar", "wasm-simd", "wasm-simd-threads"] as const;
/** One of the library's ladder tasks. */
export type LadderTask = (typeof LADDER_TASKS)[number];

/** The synthetic problem of a rung: X uniform in [−1, 1), targets suited to the loss (shared memory). */
export function ladderData(size: LadderSize, loss: LadderLoss, seed = 17): { X: Float64Array; y: Float64Array } {
  const { n, d } = size;
  const rng = new Prng(seed);
  const X = sharedArray(Float64Array, n * d);
  for (let i = 0; i < n * d; i++) X[i] = rng.nextFloat() * 2 - 1;
  const y = sharedArray(Float64Array, n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextFloat();
    y[i] = loss === "squared" ? u * 2 - 1 : loss === "softmax" ? Math.floor(u * SOFTMAX_CLASSES) : u < 0.5 ? -1 : 1;
  }
  return { X, y };
}

async function prepareOwn(
  task: LadderTask,
  dtype: DType,
  size: LadderSize,
  loss: LadderLoss,
  data: { X: Float64Array; y: Float64Array },
  threads: number,
): Promise<{ backend: Backend; run: () => void | Promise<void>; free: () => void }> {
  const backend =
    task === "wasm-simd-threads" ? await createBackend("wasm-simd", dtype, threads) : await createBackend(task, dtype);
  const { n, d } = size;
  const outputs = loss === "softmax" ? SOFTMAX_CLASSES : 1;
  const X = backend.alloc(n * d);
  X.view.set(data.X);
  const y = backend.alloc(n);
  y.view.set(data.y);
  const params = backend.alloc(outputs * (d + 1));
  const pv = params.view;
  const rng = new Prng(3);
  for (let j = 0; j < pv.length; j++) pv[j] = (rng.nextFloat() - 0.5) * 0.1;
  const grad = backend.alloc(outputs * (d + 1));
  const idx = backend.allocIndex(n);
  const iv = idx.view;
  for (let i = 0; i < n; i++) iv[i] = i;
  const scratch = backend.allocF64(SOFTMAX_CLASSES);
  let sink = 0;
  const check = (): void => {
    if (Number.isNaN(sink)) throw new Error("gradient produced NaN");
  };
  let run: () => void | Promise<void>;
  if (backend instanceof ThreadedBackend) {
    run =
      loss === "softmax"
        ? async () => {
            sink += await backend.softmaxGradParallel(X, y, null, idx, 0, n, d, SOFTMAX_CLASSES, params, grad, scratch);
            check();
          }
        : async () => {
            sink += await backend.linearGradParallel(loss, X, y, null, idx, 0, n, d, params, grad, 0);
            check();
          };
  } else {
    run =
      loss === "softmax"
        ? () => {
            sink += backend.softmaxGrad(X, y, null, idx, 0, n, d, SOFTMAX_CLASSES, params, grad, scratch);
            check();
          }
        : () => {
            sink += backend.linearGrad(loss, X, y, null, idx, 0, n, d, params, grad, 0);
            check();
          };
  }
  return {
    backend,
    run,
    free: () => {
      for (const b of [X, y, params, grad, idx, scratch]) backend.free(b);
      backend.dispose();
    },
  };
}

/** One of the library's ladder tasks on one problem, as plain data (it may be sent to a worker). */
export interface LadderTaskRequest {
  task: LadderTask;
  dtype: DType;
  size: LadderSize;
  loss: LadderLoss;
  data: { X: Float64Array; y: Float64Array };
  /** tinybench measuring time, ms. */
  timeMs: number;
  threads: number;
}

/** The median time of one call and the number of timed calls. */
export interface TaskTiming {
  medianMs: number;
  samples: number;
}

async function timeWithTinybench(name: string, fn: () => void | Promise<void>, timeMs: number): Promise<TaskTiming> {
  const bench = new Bench({ time: timeMs, warmupTime: 100 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]?.result;
  if (r === undefined || r.state !== "completed") throw new Error(`bench task ${name} ${r?.state ?? "missing"}`);
  return { medianMs: r.latency.p50, samples: r.latency.samplesCount };
}

/** Times one of the library's tasks with tinybench (setup and teardown outside the timing). */
export async function timeLadderTask(req: LadderTaskRequest): Promise<TaskTiming> {
  const p = await prepareOwn(req.task, req.dtype, req.size, req.loss, req.data, req.threads);
  try {
    return await timeWithTinybench(req.task, p.run, req.timeMs);
  } finally {
    p.free();
  }
}

/**
 * Measures one full-batch fused gradient for every size × dtype × loss with tinybench: the
 * library's tasks (js, wasm-scalar, wasm-simd, wasm-simd-threads) and any peers, data built
 * outside the timed function. The js task runs in a clean isolate (src/bench/clean-isolate.ts), as
 * it would in an app that never loads WebAssembly; the others in this one, one after another.
 */
export async function runGradientLadder(
  plan: ReadonlyArray<{ size: LadderSize; dtypes: readonly DType[]; losses: readonly LadderLoss[] }>,
  options: { timeMs?: number; threads?: number; peers?: readonly PeerTask[]; onRung?: (r: LadderResult) => void } = {},
): Promise<LadderResult[]> {
  const results: LadderResult[] = [];
  const timeMs = options.timeMs ?? 400;
  const isolate = new CleanIsolate();
  try {
    for (const { size, dtypes, losses } of plan) {
      for (const loss of losses) {
        const data = ladderData(size, loss);
        for (const dtype of dtypes) {
          const timings: Array<{ name: string } & TaskTiming> = [];
          for (const task of LADDER_TASKS) {
            const req: LadderTaskRequest = { task, dtype, size, loss, data, timeMs, threads: options.threads ?? 2 };
            const timing = await isolate.run(task === "js", import.meta.url, timeLadderTask, req);
            timings.push({ name: task, ...timing });
          }
          // Each peer is timed on its own (TensorFlow.js tensors belong to one backend at a time).
          for (const peer of options.peers ?? []) {
            const X = dtype === "float32" ? Float32Array.from(data.X) : data.X;
            const prepared = await peer.prepare(size, dtype, loss, { X, y: data.y });
            if (prepared === null) continue;
            try {
              timings.push({ name: peer.name, ...(await timeWithTinybench(peer.name, prepared.run, timeMs)) });
            } finally {
              prepared.dispose();
            }
          }
          const jsMedian = timings.find((t) => t.name === "js")?.medianMs ?? Number.NaN;
          const outputs = loss === "softmax" ? SOFTMAX_CLASSES : 1;
          const bytes = size.n * size.d * (dtype === "float64" ? 8 : 4);
          for (const t of timings) {
            const rung: LadderResult = {
              n: size.n,
              d: size.d,
              dtype,
              loss,
              task: t.name,
              medianMs: t.medianMs,
              gflops: (4 * size.n * size.d * outputs) / (t.medianMs * 1e6),
              gbps: bytes / (t.medianMs * 1e6),
              vsJs: jsMedian / t.medianMs,
              samples: t.samples,
            };
            results.push(rung);
            options.onRung?.(rung);
          }
        }
      }
    }
  } finally {
    await isolate.close();
  }
  return results;
}

/** The ladder as an aligned text table. */
export function formatLadder(results: readonly LadderResult[]): string {
  const header = ["n", "d", "dtype", "loss", "task", "median", "GFLOP/s", "GB/s", "× js"];
  const rows = results.map((r) => [
    String(r.n),
    String(r.d),
    r.dtype,
    r.loss,
    r.task,
    r.medianMs >= 1 ? `${r.medianMs.toFixed(2)} ms` : `${(r.medianMs * 1000).toFixed(1)} µs`,
    r.gflops.toFixed(2),
    r.gbps.toFixed(2),
    `${r.vsJs.toFixed(2)}×`,
  ]);
  return formatTable(header, rows, 0);
}
