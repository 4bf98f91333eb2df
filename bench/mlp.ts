// Neural networks: one epoch of MLPClassifier on 60,000 × 64 → 128 relu → 10 softmax (Adam, rate
// 1e-3, shuffled) in descent's backends, TensorFlow.js's `model.fit` (wasm backend) and
// scikit-learn's MLPClassifier on one thread; then the GEMM kernels alone, in cache.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CleanIsolate } from "../src/bench/clean-isolate.js";
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import { gemmJs } from "../src/kernels/mlp.js";
import type { MLPOptions } from "../src/models/mlp-options.js";
import { getRuntime } from "../src/runtime/wasm-runtime.js";
import { benchData } from "./bench-data.js";
import { clockGHz } from "./clock.js";
import { tfjsMlpEpoch } from "./peers/tfjs.js";
import { findSklearnPython, SKLEARN_HINT } from "./sklearn-peer.js";
import { timeMlpFit } from "./timed-fits.js";

const N = 60_000;
const D = 64;
const HIDDEN = 128;
const CLASSES = 10;
/** Multiply-adds of one epoch's forward and backward passes, ×2 for flops. */
const EPOCH_FLOP = 2 * N * (3 * D * HIDDEN + 3 * HIDDEN * CLASSES);

/** One row of the epoch table. */
export interface MlpEpochRow {
  task: string;
  batch: number;
  dtype: string;
  ms: number;
  loss: number;
}

/** One row of the GEMM table. */
export interface GemmRow {
  shape: string;
  dtype: string;
  task: string;
  gflops: number;
  /** GFLOP/s over the clock measured around each slice (bench/clock.ts): flops per core cycle. */
  flopPerCycle: number;
}

/** Ten classes: the bench target's deciles. */
function decileLabels(y: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(y).sort();
  const cuts = Array.from(
    { length: CLASSES - 1 },
    (_, k) => sorted[Math.floor(((k + 1) * y.length) / CLASSES)] as number,
  );
  return Float64Array.from(y, (v) => cuts.filter((c) => v >= c).length);
}

/**
 * Every task once as a warm-up, then `rounds` rounds of every task in turn (so a change in the
 * machine's load falls on all of them alike): each task's median ms and its last result.
 */
async function inTurns<R extends { ms: number }>(
  tasks: ReadonlyArray<{ run: () => Promise<R> }>,
  rounds: number,
): Promise<Array<{ ms: number; last: R }>> {
  const times = tasks.map(() => [] as number[]);
  const last: Array<R | null> = tasks.map(() => null);
  for (const t of tasks) await t.run();
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < tasks.length; i++) {
      const res = await (tasks[i] as (typeof tasks)[number]).run();
      times[i]?.push(res.ms);
      last[i] = res;
    }
  return tasks.map((_, i) => ({ ms: median(times[i] ?? []), last: last[i] as R }));
}

/** scikit-learn's MLPClassifier in a Python process on one BLAS thread, or why it cannot run. */
async function startSklearnMlp(X: Float64Array, labels: Float64Array) {
  const python = findSklearnPython();
  if (python === null) return { skip: `scikit-learn not found: ${SKLEARN_HINT}` } as const;
  const dir = mkdtempSync(join(tmpdir(), "descent-sklearn-mlp-"));
  const prefix = join(dir, "mlp");
  writeFileSync(`${prefix}.X.f64`, Buffer.from(X.buffer, X.byteOffset, X.byteLength));
  writeFileSync(`${prefix}.label.f64`, Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength));
  const script = fileURLToPath(new URL("../../../bench/peers/sklearn_mlp.py", import.meta.url));
  const one = { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const child = spawn(python, [script, prefix, String(N), String(D)], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, ...one },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next();
    if (r.done === true) throw new Error("the scikit-learn MLP peer exited");
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  const hello = await next();
  return {
    version: String(hello.sklearn),
    async epoch(dtype: string, batch: number): Promise<{ ms: number; loss: number }> {
      child.stdin.write(`${JSON.stringify({ dtype, batch, hidden: HIDDEN })}\n`);
      const r = await next();
      return { ms: Number(r.ms), loss: Number(r.loss) };
    },
    async lbfgs(dtype: string, iters: number): Promise<LbfgsTiming> {
      child.stdin.write(`${JSON.stringify({ dtype, solver: "lbfgs", iters, hidden: HIDDEN })}\n`);
      const r = await next();
      return {
        ms: Number(r.ms),
        loss: Number(r.loss),
        iterations: Number(r.iters),
        evaluations: Number(r.evaluations),
      };
    },
    close(): void {
      child.stdin.end(`${JSON.stringify({ quit: true })}\n`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the section's tables share: the data in both dtypes, the class labels, the scikit-learn peer and a clean isolate. */
export interface MlpBenchSetup {
  data32: ReturnType<typeof benchData>;
  data64: ReturnType<typeof benchData>;
  labels: Float64Array;
  sk: Exclude<Awaited<ReturnType<typeof startSklearnMlp>>, { skip: string }> | null;
  isolate: CleanIsolate;
  /** The peer's version, or why it did not run. */
  peer: string;
  close(): Promise<void>;
}

/** Makes the bench data once and starts the peer and the isolate the epoch and L-BFGS tables use. */
export async function openMlpBench(): Promise<MlpBenchSetup> {
  const data32 = benchData(N, D, "float32");
  const data64 = benchData(N, D, "float64");
  const labels = decileLabels(data64.y);
  const started = await startSklearnMlp(data64.X as Float64Array, labels);
  const sk = "skip" in started ? null : started;
  const isolate = new CleanIsolate();
  return {
    data32,
    data64,
    labels,
    sk,
    isolate,
    peer: sk !== null ? `scikit-learn ${sk.version} (OMP/OpenBLAS threads 1)` : (started as { skip: string }).skip,
    async close() {
      sk?.close();
      await isolate.close();
    },
  };
}

/** The module the clean isolate loads the timed fits from. */
const TIMED_FITS = new URL("./timed-fits.js", import.meta.url).href;

/**
 * Times one epoch of every task, `rounds` rounds in turn (the js fits once a batch size, in a clean
 * isolate); returns the rows and the scikit-learn peer's version or why it did not run.
 */
export async function runMlpBench(setup: MlpBenchSetup, rounds: number): Promise<MlpEpochRow[]> {
  const { data32, data64, labels, sk, isolate } = setup;
  const rows: MlpEpochRow[] = [];
  for (const batch of [128, 32]) {
    const base: MLPOptions = { hiddenLayerSizes: [HIDDEN], batchSize: batch, maxEpochs: 1, tol: null, seed: 0 };
    const tasks: Array<{ task: string; dtype: string; run: () => Promise<{ ms: number; loss: number }> }> = [
      {
        task: "descent wasm-simd",
        dtype: "float32",
        run: () => timeMlpFit({ ...base, backend: "wasm-simd", dtype: "float32" }, data32.X, labels, N, D),
      },
      {
        task: "descent wasm-simd",
        dtype: "float64",
        run: () => timeMlpFit({ ...base, backend: "wasm-simd", dtype: "float64" }, data64.X, labels, N, D),
      },
      {
        task: "descent wasm-scalar",
        dtype: "float32",
        run: () => timeMlpFit({ ...base, backend: "wasm-scalar", dtype: "float32" }, data32.X, labels, N, D),
      },
      {
        task: "tfjs-wasm model.fit",
        dtype: "float32",
        run: () => tfjsMlpEpoch("wasm", data32.X as Float32Array, labels, N, D, HIDDEN, CLASSES, batch),
      },
    ];
    if (sk !== null) {
      tasks.push({ task: "scikit-learn (1 thread)", dtype: "float32", run: () => sk.epoch("float32", batch) });
      tasks.push({ task: "scikit-learn (1 thread)", dtype: "float64", run: () => sk.epoch("float64", batch) });
    }
    const js = await isolate.call<{ ms: number; loss: number }>(
      TIMED_FITS,
      "timeMlpFit",
      { ...base, backend: "js", dtype: "float32" },
      data32.X,
      labels,
      N,
      D,
    );
    rows.push({ task: "descent js", batch, dtype: "float32", ...js });
    const timed = await inTurns(tasks, rounds);
    tasks.forEach((t, i) => {
      const { ms, last } = timed[i] as { ms: number; last: { loss: number } };
      rows.push({ task: t.task, batch, dtype: t.dtype, ms, loss: last.loss });
    });
  }
  return rows;
}

/** The epoch rows as a table: ms, GFLOP/s, × the js backend, and how many times faster descent's wasm-simd float32 is. */
export function formatMlpBench(rows: readonly MlpEpochRow[]): string {
  const header = ["task", "batch", "dtype", "epoch ms", "GFLOP/s", "× js", "wasm-simd f32 is × faster", "loss"];
  const lines = rows.map((r) => {
    const js = rows.find((o) => o.batch === r.batch && o.task === "descent js");
    const ours = rows.find((o) => o.batch === r.batch && o.task === "descent wasm-simd" && o.dtype === "float32");
    return [
      r.task,
      String(r.batch),
      r.dtype,
      r.ms.toFixed(0),
      (EPOCH_FLOP / r.ms / 1e6).toFixed(2),
      js === undefined ? "—" : `${(js.ms / r.ms).toFixed(2)}×`,
      ours === undefined ? "—" : `${(r.ms / ours.ms).toFixed(2)}×`,
      r.loss.toFixed(4),
    ];
  });
  return formatTable(header, lines, 3);
}

/**
 * GFLOP/s of the MLP GEMM kernel at the shapes of the bench network's steps, in cache: every task
 * timed in `rounds` interleaved slices of `timeMs`/`rounds` (so a change in the machine's load
 * falls on every task alike), the median slice reported, with the clock measured around each slice.
 */
export async function runGemmBench(timeMs: number, rounds = 5): Promise<GemmRow[]> {
  const shapes = [
    { shape: "A·W 128×64 · 64×128", m: 128, kk: 64, n: 128, trans: false },
    { shape: "Aᵀ·δ 64×128 · 128×128", m: 64, kk: 128, n: 128, trans: true },
    { shape: "A·W 128×128 · 128×10", m: 128, kk: 128, n: 10, trans: false },
  ];
  interface Task {
    row: GemmRow;
    flop: number;
    fn: () => void;
    rates: number[];
    clocks: number[];
  }
  const tasks: Task[] = [];
  const release: (() => void)[] = [];
  for (const dtype of ["float32", "float64"] as const) {
    for (const s of shapes) {
      const li = s.trans ? 1 : s.kk;
      const lk = s.trans ? s.m : 1;
      const flop = 2 * s.m * s.kk * s.n;
      const Arr = dtype === "float32" ? Float32Array : Float64Array;
      const filled = (length: number, f: (i: number) => number): Float32Array | Float64Array => {
        const a = new Arr(length);
        for (let i = 0; i < length; i++) a[i] = f(i);
        return a;
      };
      const L = filled(s.m * s.kk, (i) => ((i % 7) - 3) * 0.1);
      const R = filled(s.kk * s.n, (i) => ((i % 5) - 2) * 0.1);
      const C = new Arr(s.m * s.n);
      const B = new Arr(s.n);
      const add = (task: string, fn: () => void): void => {
        tasks.push({
          row: { shape: s.shape, dtype, task, gflops: 0, flopPerCycle: 0 },
          flop,
          fn,
          rates: [],
          clocks: [],
        });
      };
      add("js", () => gemmJs(L, 0, li, lk, R, 0, C, 0, s.m, s.kk, s.n, B, 0));
      for (const variant of ["scalar", "simd"] as const) {
        const rt = await getRuntime(variant);
        if (rt === null) continue;
        const el = Arr.BYTES_PER_ELEMENT;
        const at = (len: number): number => rt.arena.alloc(len * el);
        const pl = at(L.length);
        const pr = at(R.length);
        const pc = at(C.length);
        const pb = at(B.length);
        const pp = at(4 * s.kk);
        new Arr(rt.memory.buffer, pl, L.length).set(L);
        new Arr(rt.memory.buffer, pr, R.length).set(R);
        const fn = dtype === "float32" ? rt.exports.gemmF32 : rt.exports.gemmF64;
        add(`wasm-${variant}`, () => fn(pl, li, lk, pr, pc, s.m, s.kk, s.n, s.trans ? 0 : pb, pp));
        release.push(() => {
          for (const p of [pl, pr, pc, pb, pp]) rt.arena.release(p);
        });
      }
    }
  }
  const slice = timeMs / rounds;
  for (const t of tasks) for (let i = 0; i < 50; i++) t.fn();
  for (let round = 0; round < rounds; round++) {
    for (const t of tasks) {
      const before = clockGHz(5);
      let reps = 0;
      const t0 = performance.now();
      let now = t0;
      while (now - t0 < slice) {
        for (let i = 0; i < 20; i++) t.fn();
        reps += 20;
        now = performance.now();
      }
      const after = clockGHz(5);
      t.rates.push((t.flop * reps) / ((now - t0) / 1000) / 1e9);
      t.clocks.push((before + after) / 2);
    }
  }
  for (const free of release) free();
  return tasks.map((t) => ({
    ...t.row,
    gflops: median(t.rates),
    flopPerCycle: median(t.rates.map((r, i) => r / (t.clocks[i] as number))),
  }));
}

/** The GEMM rows as a table with × js. */
export function formatGemmBench(rows: readonly GemmRow[]): string {
  const header = ["product", "dtype", "task", "GFLOP/s", "flop/cycle", "× js"];
  const lines = rows.map((r) => {
    const js = rows.find((o) => o.shape === r.shape && o.dtype === r.dtype && o.task === "js");
    return [
      r.shape,
      r.dtype,
      r.task,
      r.gflops.toFixed(2),
      r.flopPerCycle.toFixed(2),
      js === undefined ? "—" : `${(r.gflops / js.gflops).toFixed(2)}×`,
    ];
  });
  return formatTable(header, lines, 3);
}

/** One L-BFGS fit's time and outcome. */
export interface LbfgsTiming {
  ms: number;
  loss: number;
  iterations: number;
  /** Objective evaluations (scikit-learn's count; null where not counted). */
  evaluations: number | null;
}

/** One row of the L-BFGS table. */
export interface LbfgsRow extends LbfgsTiming {
  task: string;
  dtype: string;
}

/**
 * L-BFGS (`solver: 'lbfgs'`) on the bench network for `iters` iterations (tol 0): descent's
 * backends against scikit-learn's on one BLAS thread, whole fit calls, `rounds` rounds in turn after
 * a warm-up (descent js: one fit in a clean isolate).
 */
export async function runLbfgsBench(setup: MlpBenchSetup, iters: number, rounds: number): Promise<LbfgsRow[]> {
  const { data32, data64, labels, sk, isolate } = setup;
  const base: MLPOptions = { hiddenLayerSizes: [HIDDEN], solver: "lbfgs", maxEpochs: iters, tol: 0, seed: 0 };
  const descent = (o: MLPOptions, X: Float32Array | Float64Array) => async (): Promise<LbfgsTiming> => ({
    ...(await timeMlpFit(o, X, labels, N, D)),
    iterations: iters,
    evaluations: null,
  });
  const tasks: Array<{ task: string; dtype: string; run: () => Promise<LbfgsTiming> }> = [
    {
      task: "descent wasm-simd",
      dtype: "float32",
      run: descent({ ...base, backend: "wasm-simd", dtype: "float32" }, data32.X),
    },
    {
      task: "descent wasm-simd",
      dtype: "float64",
      run: descent({ ...base, backend: "wasm-simd", dtype: "float64" }, data64.X),
    },
  ];
  if (sk !== null) {
    tasks.push({ task: "scikit-learn (1 thread)", dtype: "float32", run: () => sk.lbfgs("float32", iters) });
    tasks.push({ task: "scikit-learn (1 thread)", dtype: "float64", run: () => sk.lbfgs("float64", iters) });
  }
  const rows: LbfgsRow[] = [];
  const js = await isolate.call<{ ms: number; loss: number }>(
    TIMED_FITS,
    "timeMlpFit",
    { ...base, backend: "js", dtype: "float64" },
    data64.X,
    labels,
    N,
    D,
  );
  rows.push({ task: "descent js", dtype: "float64", ...js, iterations: iters, evaluations: null });
  const timed = await inTurns(tasks, rounds);
  tasks.forEach((t, i) => {
    const { ms, last } = timed[i] as { ms: number; last: LbfgsTiming };
    rows.push({ ...last, task: t.task, dtype: t.dtype, ms });
  });
  return rows;
}

/** The L-BFGS rows as a table: fit ms, per-iteration ms, and how many times faster descent's wasm-simd (same dtype) is. */
export function formatLbfgsBench(rows: readonly LbfgsRow[]): string {
  const header = ["task", "dtype", "fit ms", "ms / iteration", "evaluations", "descent wasm-simd is × faster", "loss"];
  const lines = rows.map((r) => {
    const ours = rows.find((o) => o.task === "descent wasm-simd" && o.dtype === r.dtype);
    return [
      r.task,
      r.dtype,
      r.ms.toFixed(0),
      (r.ms / r.iterations).toFixed(1),
      r.evaluations === null ? "—" : String(r.evaluations),
      ours === undefined ? "—" : `${(r.ms / ours.ms).toFixed(2)}×`,
      r.loss.toFixed(6),
    ];
  });
  return formatTable(header, lines, 2);
}
