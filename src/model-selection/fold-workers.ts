// Cross-validation folds on worker threads (Node): each worker imports the library, makes the
// estimator anew from its class name and options, fits its share of the folds on a copy of the
// rows and scores them by scorer name. Every fold is computed by the same code as in turn, so the
// scores do not depend on the number of workers.

import { DescentError, type DescentErrorCode } from "../errors.js";
import type { Matrix } from "../matrix.js";
import type { Targets } from "../metrics/scorers.js";
import { sharedArray } from "../runtime/shared-array.js";
import type { Label } from "../table/label-types.js";
import type { Split } from "./splitters.js";

/** One fold's result from a worker. */
export interface FoldResult {
  fold: number;
  test: number[];
  train: number[] | null;
  fitMs: number;
  scoreMs: number;
  /** The DescentError the fold's fit or scoring threw (its scores are then the error score), or null. */
  error: { code: DescentErrorCode; message: string } | null;
  /** The fitted model's toJSON() when asked for (returnEstimator), else null. */
  model: Record<string, unknown> | null;
}

/** What each worker is sent. */
interface FoldJob {
  library: string;
  className: string;
  options: Record<string, unknown>;
  X: Matrix;
  y: Array<Label | ArrayLike<number>> | Float64Array;
  sampleWeight: Float64Array | null;
  folds: Array<{ fold: number; train: Int32Array; test: Int32Array }>;
  scoring: string[];
  returnTrainScore: boolean;
  /** The score of a failed fold (NaN stands in under 'raise', where the caller throws). */
  errorScore: number;
  /** Send each fitted model back (its toJSON()). */
  returnEstimator: boolean;
}

// Runs as an ES module in the worker; the library is imported by URL (the built one).
const WORKER = `
import { parentPort, workerData } from "node:worker_threads";
const job = workerData;
const lib = await import(job.library);
// The rows staged once in this worker, as the estimator trains (so each fold trains in place).
const o = job.options;
const dtype = o.dtype === undefined || o.dtype === "auto" ? (job.X.data instanceof Float32Array ? "float32" : "float64") : o.dtype;
const ds = await lib.Dataset.from(job.X, job.y, { dtype, backend: o.backend ?? "wasm", threads: o.threads ?? 1 });
const pick = (v, r) => {
  const out = v instanceof Float64Array ? new Float64Array(r.length) : new Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = v[r[i]];
  return out;
};
const scorers = job.scoring.map((n) => lib.getScorer(n));
const results = [];
try {
  for (const f of job.folds) {
    const model = new lib[job.className](job.options);
    const t0 = performance.now();
    let fitted = false;
    try {
      const w = job.sampleWeight === null ? {} : { sampleWeight: pick(job.sampleWeight, f.train) };
      await model.fit(ds.subset(f.train), pick(job.y, f.train), w);
      fitted = true;
      const fitMs = performance.now() - t0;
      const Xt = ds.subset(f.test).matrix();
      const yt = pick(job.y, f.test);
      const st = job.sampleWeight === null ? null : pick(job.sampleWeight, f.test);
      const t1 = performance.now();
      const test = scorers.map((s) => s(model, Xt, yt, st));
      const scoreMs = performance.now() - t1;
      const train = job.returnTrainScore
        ? scorers.map((s) => s(model, ds.subset(f.train).matrix(), pick(job.y, f.train), w.sampleWeight ?? null))
        : null;
      const json = job.returnEstimator ? model.toJSON() : null;
      results.push({ fold: f.fold, test, train, fitMs, scoreMs, error: null, model: json });
    } catch (e) {
      // A failure of this fit (a DescentError) is the caller's to score or raise; anything else is not.
      if (!(e instanceof lib.DescentError)) throw e;
      const fail = scorers.map(() => job.errorScore);
      const error = { code: e.code, message: e.message };
      const json = job.returnEstimator && fitted ? model.toJSON() : null;
      results.push({ fold: f.fold, test: fail, train: job.returnTrainScore ? fail : null, fitMs: performance.now() - t0, scoreMs: 0, error, model: json });
    }
  }
} finally {
  ds.dispose();
}
parentPort.postMessage(results);
`;

/** X with its data in a SharedArrayBuffer (sent to workers without a copy), or X itself. */
function sharedCopy(X: Matrix): Matrix {
  const data =
    X.data instanceof Float32Array
      ? sharedArray(Float32Array, X.data.length)
      : sharedArray(Float64Array, X.data.length);
  data.set(X.data);
  return { data, rows: X.rows, cols: X.cols };
}

/** Whether worker threads can run folds here (Node, with the built library beside this file). */
export function canRunFoldWorkers(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return p?.versions?.node !== undefined && import.meta.url.endsWith(".js");
}

/**
 * The folds fitted and scored on `workers` worker threads (folds dealt round-robin), results in
 * fold order. `className` must name an estimator the library exports; `scoring` are scorer names.
 */
export async function foldsOnWorkers(
  workers: number,
  className: string,
  options: Record<string, unknown>,
  X: Matrix,
  y: Targets,
  sampleWeight: Float64Array | null,
  folds: readonly Split[],
  scoring: string[],
  returnTrainScore: boolean,
  errorScore: number | "raise",
  returnEstimator = false,
): Promise<FoldResult[]> {
  const { Worker } = await import("node:worker_threads");
  const library = new URL("../index.js", import.meta.url).href;
  const targets = y instanceof Float64Array ? y : Array.from(y as ArrayLike<Label | ArrayLike<number>>);
  // The rows in shared memory where the platform has it, so the workers read one copy.
  const shared = sharedCopy(X);
  const jobs: FoldJob[] = Array.from({ length: Math.min(workers, folds.length) }, () => ({
    library,
    className,
    options,
    X: shared,
    y: targets,
    sampleWeight,
    folds: [],
    scoring,
    returnTrainScore,
    errorScore: errorScore === "raise" ? Number.NaN : errorScore,
    returnEstimator,
  }));
  folds.forEach((f, i) => {
    (jobs[i % jobs.length] as FoldJob).folds.push({ fold: i, train: f.train, test: f.test });
  });
  const parts = await Promise.all(
    jobs.map(
      (job) =>
        new Promise<FoldResult[]>((resolve, reject) => {
          const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER)}`), { workerData: job });
          w.once("message", (r: FoldResult[]) => {
            resolve(r);
            void w.terminate();
          });
          w.once("error", (err) =>
            reject(
              err instanceof DescentError ? err : new DescentError("E_STATE", `a fold worker failed: ${err.message}`),
            ),
          );
          w.once("exit", (code) => {
            if (code !== 0) reject(new DescentError("E_STATE", `a fold worker exited with code ${code}`));
          });
        }),
    ),
  );
  const results = parts.flat().sort((a, b) => a.fold - b.fold);
  // Under 'raise', the first failing fold's error, as folds in turn would throw it.
  const failed = results.find((r) => r.error !== null);
  if (errorScore === "raise" && failed?.error) throw new DescentError(failed.error.code, failed.error.message);
  return results;
}
