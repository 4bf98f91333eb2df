// A linear model's training problems: one per output (one-vs-rest) or one softmax, their rows
// (training and validation subsets), their objective bound to a backend's staged data, the all-zero
// model's objective (the divergence guard's yardstick), and their histories combined.
import type { Backend } from "../backend/backend.js";
import { hostBackend } from "../backend/js-backend.js";
import type { LinearLoss } from "../kernels/losses.js";
import { ownLog } from "../kernels/math.js";
import { copyRows, firstNonFinite, type Matrix, nonFiniteError } from "../matrix.js";
import type { FloatBuffer } from "../runtime/buffer.js";
import { emptyHistory, type History, type StopReason } from "../train/history.js";
import type { Objective, TrainProgress } from "../train/train-loop.js";

/**
 * One independent problem a model trains: a single-output linear loss over [w (d), b], or the
 * softmax loss over [W (classes × d), b (classes)]. One-vs-rest classifiers train one per class.
 */
export interface SubProblem {
  kind: "linear" | "softmax";
  loss: LinearLoss;
  lossParam: number;
  /** Number of outputs the problem's parameters hold (classes for softmax, else 1). */
  outputs: number;
  /** Targets of the training rows (real values, ±1, or class indices for softmax). */
  y: Float64Array;
  sampleWeight: Float64Array | null;
  /** Score on held-out rows of the problem's parameter vector (higher is better), for early stopping. */
  validate: ((params: Float64Array) => number) | null;
}

/** Bytes a fit may ask of WebAssembly memory: 4 GiB less room for parameters and the runtime. */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3 - 64 * 1024 ** 2;

/** Rows of a matrix, copied. */
export function takeRows(m: Matrix, rows: Int32Array): Matrix {
  const data =
    m.data instanceof Float32Array ? new Float32Array(rows.length * m.cols) : new Float64Array(rows.length * m.cols);
  copyRows(data, m.data, rows, m.cols);
  return { data, rows: rows.length, cols: m.cols };
}

/**
 * The validation rows of an early-stopping fit (they are scored in float64 here and never reach a
 * backend), checked for NaN and ±Infinity; E_NONFINITE names the row in the caller's numbering.
 * The training rows are checked where they are copied to (`LinearModel.stageX`), so with early
 * stopping no row of X is scanned twice.
 */
export function takeValidationRows(m: Matrix, rows: Int32Array): Matrix {
  const v = takeRows(m, rows);
  const bad = firstNonFinite(v.data);
  if (bad >= 0) {
    throw nonFiniteError("X", v.data[bad] as number, rows[Math.floor(bad / m.cols)] as number, bad % m.cols);
  }
  return v;
}

/** Training rows copied into a backend's memory and checked (see `LinearModel.stageX`). */
export interface StagedX {
  backend: Backend;
  /** The rows × cols matrix in the backend's dtype. */
  X: FloatBuffer;
  rows: number;
  cols: number;
  /**
   * With `shuffle: 'once'`, the permutation the rows were staged in: staged row r is training row
   * order[r] (targets and weights are taken in the same order); null when staged as given.
   */
  order: Int32Array | null;
  /** With `shuffle: 'once'`, the shuffle stream's state after drawing `order`. */
  rng: [number, number, number, number] | null;
  /**
   * Set when X is a Dataset's memory, trained in place: training row r (in staged order) is row
   * rowIds[r] of X, which has `totalRows` rows. Null when the training rows were copied (row r is
   * row r of X).
   */
  rowIds: Int32Array | null;
  /** Rows of X (equal to `rows` when the training rows were copied). */
  totalRows: number;
  /** Whether X and the backend belong to this fit (freed after it) or to a Dataset. */
  owned: boolean;
}

/** Entries of a vector at the given rows. */
export function takeEntries(v: Float64Array, rows: Int32Array): Float64Array {
  // A plain loop: Float64Array.from with a map function took 35–45 ms for 200,000 entries here,
  // this loop 3.
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = v[rows[i] as number] as number;
  return out;
}

/**
 * f = X·w + b in float64 for a parameter vector [W (outputs × d), b (outputs)]: n × outputs values,
 * row-major, with the kernels' summation order (so float64 models give the WASM kernels' bits).
 */
export function linearScores(m: Matrix, params: Float64Array, outputs: number): Float64Array {
  const d = m.cols;
  const h = hostBackend;
  const X = h.wrap(m.data);
  const out = new Float64Array(m.rows * outputs);
  const wb = new Float64Array(d + 1);
  const f = new Float64Array(m.rows);
  for (let k = 0; k < outputs; k++) {
    wb.set(params.subarray(k * d, (k + 1) * d));
    wb[d] = params[outputs * d + k] as number;
    h.gemv(X, m.rows, d, h.wrap(wb), h.wrap(f));
    for (let r = 0; r < m.rows; r++) out[r * outputs + k] = f[r] as number;
  }
  return out;
}

/** The stop reason of the sub-problem that trained longest (what the model reports). */
export function longestRun(
  outcomes: { stopReason: StopReason; callbackError?: unknown }[],
  progress: TrainProgress[],
): StopReason | null {
  let best = -1;
  let reason: StopReason | null = null;
  outcomes.forEach((o, k) => {
    const e = progress[k]?.epoch ?? 0;
    if (e > best) {
      best = e;
      reason = o.stopReason;
    }
  });
  return reason;
}

/** The objective of predicting f = 0 for every row: (1/n) Σ sw_i loss(y_i, 0) (no penalty at zero). */
export function zeroModelObjective(p: SubProblem): number {
  const n = p.y.length;
  const c = p.lossParam;
  const w = p.sampleWeight;
  let total = 0;
  if (p.kind !== "softmax" && p.loss === "squared" && w === null) {
    // The common case in one tight loop (this runs before every fit).
    for (let i = 0; i < n; i++) {
      const y = p.y[i] as number;
      total += 0.5 * y * y;
    }
    return total / n;
  }
  for (let i = 0; i < n; i++) {
    const y = p.y[i] as number;
    let l: number;
    if (p.kind === "softmax") l = ownLog(p.outputs);
    else if (p.loss === "squared") l = 0.5 * y * y;
    else if (p.loss === "huber") l = Math.abs(y) <= c ? 0.5 * y * y : c * Math.abs(y) - 0.5 * c * c;
    else if (p.loss === "log") l = Math.LN2;
    else if (p.loss === "epsilonInsensitive") l = Math.max(0, Math.abs(y) - c);
    else if (p.loss === "squaredEpsilonInsensitive") l = Math.max(0, Math.abs(y) - c) ** 2;
    else if (p.loss === "perceptron") l = 0;
    else l = 1;
    total += (w === null ? 1 : (w[i] as number)) * l;
  }
  return total / n;
}

/** Element-wise sum of histories of different lengths (shorter ones held at their last value). */
export function sumHistories(hs: History[]): History {
  if (hs.length === 1) return hs[0] as History;
  const out = emptyHistory();
  const len = Math.max(0, ...hs.map((h) => h.loss.length));
  const at = (a: number[], e: number): number => (a.length === 0 ? 0 : (a[Math.min(e, a.length - 1)] as number));
  for (let e = 0; e < len; e++) {
    out.loss.push(hs.reduce((s, h) => s + at(h.loss, e), 0));
    out.gradNorm.push(Math.sqrt(hs.reduce((s, h) => s + at(h.gradNorm, e) ** 2, 0)));
    out.learningRate.push(Math.max(...hs.map((h) => at(h.learningRate, e))));
    out.ms.push(Math.max(...hs.map((h) => at(h.ms, e))));
  }
  if (hs.every((h) => h.valScore !== undefined)) {
    out.valScore = [];
    for (let e = 0; e < len; e++) out.valScore.push(hs.reduce((s, h) => s + at(h.valScore ?? [], e), 0) / hs.length);
  }
  return out;
}

/** A vector's entries in the staged order (the vector itself when staged as given). */
function inStagedOrder(v: Float64Array, order: Int32Array | null): Float64Array {
  return order === null ? v : takeEntries(v, order);
}

/** A sub-problem's data in a backend and the objective over it; `free` releases its buffers. */
export function bindObjective(staged: StagedX, problem: SubProblem): { objective: Objective; free: () => void } {
  const { backend, X, rows: n, cols: d, order, rowIds, totalRows } = staged;
  // Targets and weights are read by the row of X, so in place they sit at the rows' places
  // (written straight into the backend's buffer, the rest 0).
  const placed = (v: Float64Array): FloatBuffer => {
    const inOrder = inStagedOrder(v, order);
    if (rowIds === null) return backend.allocCopy(inOrder);
    const b = backend.alloc(totalRows);
    const view = b.view;
    for (let r = 0; r < rowIds.length; r++) view[rowIds[r] as number] = inOrder[r] as number;
    return b;
  };
  const y = placed(problem.y);
  const sw = problem.sampleWeight === null ? null : placed(problem.sampleWeight);
  // The training rows for a whole-data pass (meanLoss): in place, their row ids.
  const all = rowIds === null ? null : backend.allocIndex(n);
  if (all !== null && rowIds !== null) all.view.set(rowIds);
  const free = (): void => {
    backend.free(y);
    if (sw !== null) backend.free(sw);
    if (all !== null) backend.free(all);
  };
  if (problem.kind === "softmax") {
    const K = problem.outputs;
    const scratch = backend.allocF64(K);
    return {
      objective: {
        n,
        nPen: K * d,
        nAll: K * (d + 1),
        workPerRow: K * d,
        plan: { loss: "log", lossParam: 0, classes: K },
        rowIds,
        meanLoss: (params, grad) => backend.softmaxGrad(X, y, sw, all, 0, n, d, K, params, grad, scratch) / n,
        // A threaded backend takes the gradients of large batches on its workers.
        steps: (plan, idx, start, end, state) =>
          backend.softmaxSteps(plan, X, y, sw, idx, start, end, d, state, scratch),
      },
      free: () => {
        backend.free(scratch);
        free();
      },
    };
  }
  return {
    objective: {
      n,
      nPen: d,
      nAll: d + 1,
      workPerRow: d,
      plan: { loss: problem.loss, lossParam: problem.lossParam, classes: 1 },
      rowIds,
      meanLoss: (params, grad) =>
        backend.linearGrad(problem.loss, X, y, sw, all, 0, n, d, params, grad, problem.lossParam) / n,
      steps: (plan, idx, start, end, state) => backend.linearSteps(plan, X, y, sw, idx, start, end, d, state),
    },
    free,
  };
}
