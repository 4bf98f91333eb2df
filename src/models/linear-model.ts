import type { Backend } from "../backend/backend.js";
import { createBackend } from "../backend/create-backend.js";
import { dotJs, linearGradJs } from "../backend/js-kernels.js";
import { LossId } from "../backend/loss-id.js";
import { DescentError } from "../errors.js";
import { type Matrix, type MatrixLike, toMatrix, toVector } from "../matrix.js";
import { emptyHistory, type History, type StopReason } from "../train/history.js";
import type { ResolvedSgdOptions } from "../train/options.js";
import { type LinearData, type LinearTask, type TrainProgress, trainLinear } from "../train/train-linear.js";

/** Options of `fit`. */
export interface FitOptions {
  /** Non-negative weight per row, multiplying that row's loss. */
  sampleWeight?: ArrayLike<number>;
}

/**
 * Shared machinery of the single-output linear estimators: parameters [w, b] kept in float64 on
 * the JS side between calls, data copied into the backend once per fit, and prediction f = X·w + b.
 */
export abstract class LinearModel {
  /** Per-epoch record of the last fit (and any partialFit calls after it). */
  history: History = emptyHistory();
  /** Why the last fit stopped; null before the first fit. */
  stopReason: StopReason | null = null;
  /** Epochs run so far (across fit and partialFit since the last fresh start). */
  nEpochs = 0;

  protected readonly opts: ResolvedSgdOptions;
  protected params: Float64Array | null = null;
  protected progress: TrainProgress = { step: 0, epoch: 0, rng: null };
  private disposed = false;

  protected constructor(opts: ResolvedSgdOptions) {
    this.opts = opts;
  }

  /** Name used in messages and in the model JSON. */
  protected abstract get modelName(): string;

  /** Number of features seen at fit; 0 before. */
  get nFeatures(): number {
    return this.params === null ? 0 : this.params.length - 1;
  }

  /** Weights w (one per feature), a copy. */
  get coef(): Float64Array {
    return this.fitted().slice(0, -1);
  }

  /** Intercept b (0 when fitIntercept is false). */
  get intercept(): number {
    const p = this.fitted();
    return p[p.length - 1] as number;
  }

  /** Frees what the model holds; any later call throws E_STATE. */
  dispose(): void {
    this.disposed = true;
    this.params = null;
  }

  protected assertUsable(): void {
    if (this.disposed) throw new DescentError("E_STATE", `${this.modelName} was disposed; create a new model`);
  }

  protected fitted(): Float64Array {
    this.assertUsable();
    if (this.params === null) throw new DescentError("E_STATE", `${this.modelName} is not fitted yet: call fit first`);
    return this.params;
  }

  /** Validated X with the number of columns seen at fit (when fitted). */
  protected checkX(X: MatrixLike): Matrix {
    const m = toMatrix(X);
    if (this.params !== null && m.cols !== this.nFeatures) {
      throw new DescentError(
        "E_SHAPE",
        `X has ${m.cols} columns but ${this.modelName} was fitted with ${this.nFeatures}`,
      );
    }
    return m;
  }

  /** Validated sample weights (finite, >= 0), or null. */
  protected checkWeights(sampleWeight: ArrayLike<number> | undefined, n: number): Float64Array | null {
    if (sampleWeight === undefined) return null;
    const sw = toVector(sampleWeight, n, "sampleWeight");
    const neg = sw.findIndex((v) => v < 0);
    if (neg >= 0) throw new DescentError("E_NONFINITE", `sampleWeight is negative (${sw[neg]}) at row ${neg}`);
    return sw;
  }

  /** f = X·w + b in float64, one value per row (the same summation order as the kernels). */
  protected linearOutput(m: Matrix): Float64Array {
    const p = this.fitted();
    const d = p.length - 1;
    const b = p[d] as number;
    const out = new Float64Array(m.rows);
    for (let r = 0; r < m.rows; r++) out[r] = dotJs(m.data, r * d, p, 0, d) + b;
    return out;
  }

  /** Exact objective J(w, b) on (X, y) under the contract's convention, in float64. */
  protected objectiveOf(m: Matrix, y: Float64Array, sw: Float64Array | null, task: LinearTask): number {
    const p = this.fitted();
    const d = p.length - 1;
    const idx = new Int32Array(m.rows);
    for (let i = 0; i < m.rows; i++) idx[i] = i;
    const grad = new Float64Array(d + 1);
    const sum = linearGradJs(LossId[task.loss], m.data, y, sw, idx, 0, m.rows, d, p, grad, task.lossParam);
    let r = 0;
    if (this.opts.penalty !== "none") for (let j = 0; j < d; j++) r += (p[j] as number) ** 2;
    return sum / m.rows + 0.5 * this.opts.alpha * r;
  }

  /**
   * Trains for up to `epochs` epochs. `fresh` starts from zero parameters (unless warmStart with a
   * matching shape) and clears history; otherwise training continues from the current state.
   */
  protected async train(
    m: Matrix,
    y: Float64Array,
    sw: Float64Array | null,
    task: LinearTask,
    epochs: number,
    fresh: boolean,
  ): Promise<void> {
    this.assertUsable();
    const d = m.cols;
    const keep = this.params !== null && this.params.length === d + 1 && (!fresh || this.opts.warmStart);
    if (fresh) {
      this.history = emptyHistory();
      this.nEpochs = 0;
      this.progress = { step: 0, epoch: 0, rng: null };
    }
    const params = keep && this.params !== null ? this.params.slice() : new Float64Array(d + 1);
    const backend = await createBackend(this.opts.backend, this.opts.dtype);
    const data = copyIn(backend, m, y, sw);
    let outcome: Awaited<ReturnType<typeof trainLinear>>;
    try {
      outcome = await trainLinear(backend, data, task, params, this.opts, this.progress, this.history, epochs);
    } finally {
      backend.free(data.X);
      backend.free(data.y);
      if (data.sampleWeight !== null) backend.free(data.sampleWeight);
    }
    this.assertUsable();
    this.params = params;
    this.nEpochs = this.progress.epoch;
    this.stopReason = outcome.stopReason;
    if (outcome.stopReason === "diverged") {
      throw new DescentError(
        "E_DIVERGED",
        `${this.modelName} diverged: ${outcome.divergence ?? "the objective is not finite"}. ` +
          `The model keeps the last finite parameters. Try a smaller learningRate (now ${this.opts.learningRate}) ` +
          "or scale the features (StandardScaler).",
      );
    }
  }
}

function copyIn(backend: Backend, m: Matrix, y: Float64Array, sw: Float64Array | null): LinearData {
  const X = backend.alloc(m.rows * m.cols);
  let yb: LinearData["y"] | null = null;
  try {
    X.view.set(m.data);
    yb = backend.alloc(m.rows);
    yb.view.set(y);
    let swb: LinearData["sampleWeight"] = null;
    if (sw !== null) {
      swb = backend.alloc(m.rows);
      swb.view.set(sw);
    }
    return { X, y: yb, sampleWeight: swb, n: m.rows, d: m.cols };
  } catch (err) {
    backend.free(X);
    if (yb !== null) backend.free(yb);
    throw err;
  }
}
