import { DescentError } from "../errors.js";
import {
  field,
  MODEL_FORMAT,
  MODEL_VERSION,
  readCount,
  readEnvelope,
  readHistory,
  readNumber,
  readNumbers,
  readObject,
  readStopReason,
} from "../io/model-json.js";
import { type MatrixLike, toVector } from "../matrix.js";
import { type ResolvedSgdOptions, resolveSgdOptions, type SgdOptions, serializableOptions } from "../train/options.js";
import type { LinearTask } from "../train/train-linear.js";
import { type FitOptions, LinearModel } from "./linear-model.js";
import { r2Score } from "./metrics.js";

/** Options of LinearRegression: the common ones plus the loss. */
export interface LinearRegressionOptions extends SgdOptions {
  /** 'squared' (0.5 (y - f)^2, default) or 'huber'. */
  loss?: "squared" | "huber";
  /** Huber threshold on |y - f| (> 0). Default 0.1, as scikit-learn's SGDRegressor. */
  epsilon?: number;
}

const OWN_KEYS = ["loss", "epsilon"] as const;

/**
 * Linear regression f(x) = w·x + b trained by gradient descent on
 * J = (1/n) Σ sw_i loss(y_i, f(x_i)) + alpha·R(w); with loss 'squared' and penalty 'l2' this is
 * ridge regression, with penalty 'none' ordinary least squares.
 */
export class LinearRegression extends LinearModel {
  /** The loss minimised. */
  readonly loss: "squared" | "huber";
  /** Huber threshold. */
  readonly epsilon: number;

  constructor(options?: LinearRegressionOptions) {
    const opts = resolveSgdOptions(options, OWN_KEYS);
    super(opts);
    const o = (options ?? {}) as LinearRegressionOptions;
    const loss = o.loss ?? "squared";
    if (loss !== "squared" && loss !== "huber") {
      throw new DescentError("E_OPTION", `option 'loss' must be 'squared' or 'huber' (got ${JSON.stringify(loss)})`);
    }
    const epsilon = o.epsilon ?? 0.1;
    if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) {
      throw new DescentError("E_OPTION", `option 'epsilon' must be a finite number > 0 (got ${String(epsilon)})`);
    }
    this.loss = loss;
    this.epsilon = epsilon;
  }

  protected get modelName(): string {
    return "LinearRegression";
  }

  private get task(): LinearTask {
    return { loss: this.loss, lossParam: this.epsilon };
  }

  /** Trains from scratch (or from the current weights with warmStart) until a stop rule fires. */
  async fit(X: MatrixLike, y: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    this.assertUsable();
    const m = this.checkXForFit(X);
    const yv = toVector(y, m.rows, "y");
    const sw = this.checkWeights(options.sampleWeight, m.rows);
    await this.train(m, yv, sw, this.task, this.opts.maxEpochs, true);
    return this;
  }

  /** One more epoch over (X, y), continuing the step count, shuffle stream and history. */
  async partialFit(X: MatrixLike, y: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    this.assertUsable();
    const m = this.checkX(X);
    const yv = toVector(y, m.rows, "y");
    const sw = this.checkWeights(options.sampleWeight, m.rows);
    await this.train(m, yv, sw, this.task, 1, false);
    return this;
  }

  /** Predictions f(x) = w·x + b, one per row, computed in float64. */
  predict(X: MatrixLike): Float64Array {
    this.fitted();
    return this.linearOutput(this.checkX(X));
  }

  /** Coefficient of determination R² of the predictions on (X, y). */
  score(X: MatrixLike, y: ArrayLike<number>, sampleWeight?: ArrayLike<number>): number {
    const pred = this.predict(X);
    const yv = toVector(y, pred.length, "y");
    return r2Score(yv, pred, this.checkWeights(sampleWeight, pred.length));
  }

  /** The training objective J(w, b) on (X, y): mean weighted loss plus alpha·R(w), in float64. */
  objective(X: MatrixLike, y: ArrayLike<number>, options: FitOptions = {}): number {
    this.fitted();
    const m = this.checkX(X);
    const yv = toVector(y, m.rows, "y");
    return this.objectiveOf(m, yv, this.checkWeights(options.sampleWeight, m.rows), this.task);
  }

  /** A versioned, JSON-safe snapshot: options, weights, history and the training counters. */
  toJSON(): Record<string, unknown> {
    const p = this.fitted();
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      model: "LinearRegression",
      options: { ...serializableOptions(this.opts), loss: this.loss, epsilon: this.epsilon },
      nFeatures: p.length - 1,
      coef: Array.from(p.subarray(0, -1)),
      intercept: p[p.length - 1],
      history: this.history,
      stopReason: this.stopReason,
      nEpochs: this.nEpochs,
      progress: { ...this.progress },
    };
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): LinearRegression {
    const o = readEnvelope(json, "LinearRegression");
    const options = readObject(o, "options");
    let model: LinearRegression;
    try {
      model = new LinearRegression(options as LinearRegressionOptions);
    } catch (err) {
      throw new DescentError("E_FORMAT", `model JSON: bad 'options': ${(err as Error).message}`, { cause: err });
    }
    const d = readCount(o, "nFeatures");
    if (d < 1) throw new DescentError("E_FORMAT", "model JSON: 'nFeatures' must be at least 1");
    const coef = readNumbers(o, "coef", d);
    const params = new Float64Array(d + 1);
    params.set(coef);
    params[d] = readNumber(o, "intercept");
    model.params = params;
    model.history = readHistory(o, "history");
    model.stopReason = readStopReason(o, "stopReason");
    model.nEpochs = readCount(o, "nEpochs");
    const progress = readObject(o, "progress");
    const rng = field(progress, "rng");
    model.progress = {
      step: readCount(progress, "step"),
      epoch: readCount(progress, "epoch"),
      rng:
        rng === null || rng === undefined
          ? null
          : (Array.from(readNumbers(progress, "rng", 4)) as [number, number, number, number]),
    };
    return model;
  }

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Omit<ResolvedSgdOptions, "onEpoch"> & { loss: string; epsilon: number } {
    return { ...serializableOptions(this.opts), loss: this.loss, epsilon: this.epsilon };
  }

  private checkXForFit(X: MatrixLike) {
    // A fresh fit may change the number of features (unless warm-starting).
    if (this.opts.warmStart) return this.checkX(X);
    const saved = this.params;
    this.params = null;
    try {
      return this.checkX(X);
    } finally {
      this.params = saved;
    }
  }
}
