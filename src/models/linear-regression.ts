import { hostBackend } from "../backend/js-backend.js";
import type { Dataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { MODEL_VERSION, readCount, readModel, readState, writeModel } from "../io/model-json.js";
import type { OnnxSpec } from "../io/onnx-export.js";
import { penaltyValue } from "../kernels/penalty.js";
import { type MatrixLike, toVector } from "../matrix.js";
import { checkOwnOptions, type OptionTable, optionError } from "../options/option-table.js";
import type { GradientShard, LocalSgdShard } from "../parallel/gradient-shard.js";
import { type ResolvedSgdOptions, resolveSgdOptions, type SgdOptions, serializableOptions } from "../train/options.js";
import { type ShardedCheckpoint, type ShardedFitOptions, shardedSolver } from "../train/sharded-checkpoint.js";
import { type FitOptions, LinearModel, linearScores, type SubProblem, takeEntries } from "./linear-model.js";
import { r2Score } from "./metrics.js";
import { fullBatchOnShards, lbfgsOnShards, localSgdOnShards } from "./sharded-fits.js";
import { validationSplit } from "./validation-split.js";

/** Losses of LinearRegression. */
export type RegressionLoss = "squared" | "huber" | "epsilonInsensitive" | "squaredEpsilonInsensitive";

const REGRESSION_LOSSES: readonly RegressionLoss[] = [
  "squared",
  "huber",
  "epsilonInsensitive",
  "squaredEpsilonInsensitive",
];

/** Options of LinearRegression: the common ones plus the loss. */
export interface LinearRegressionOptions extends SgdOptions {
  /**
   * 'squared' (0.5 (y − f)², default), 'huber', or the linear SVR losses 'epsilonInsensitive'
   * max(0, |y − f| − epsilon) and 'squaredEpsilonInsensitive' (its square).
   */
  loss?: RegressionLoss;
  /**
   * Huber's threshold on |y − f|, or the width of the epsilon-insensitive tube (> 0 for Huber,
   * >= 0 for the tube). Default 0.1, as scikit-learn's SGDRegressor.
   */
  epsilon?: number;
}

/** LinearRegression's own options (beside SGD_OPTION_TABLE). */
export const LINEAR_REGRESSION_OPTION_TABLE: OptionTable = {
  loss: {
    rule: { type: "choice", values: REGRESSION_LOSSES },
    default: "squared",
    doc: "`'squared'`, `'huber'`, or the linear SVR losses `'epsilonInsensitive'` and `'squaredEpsilonInsensitive'`",
  },
  epsilon: {
    rule: { type: "number", min: 0 },
    default: 0.1,
    doc: "Huber threshold (> 0), or the tube's half-width (≥ 0)",
  },
};

/**
 * Linear regression f(x) = w·x + b trained by gradient descent on
 * J = (1/n) Σ sw_i loss(y_i, f(x_i)) + alpha·R(w): with loss 'squared', penalty 'l2' is ridge
 * regression, 'l1' the lasso, 'elasticnet' the elastic net and 'none' ordinary least squares.
 */
export class LinearRegression extends LinearModel {
  /** The loss minimised. */
  readonly loss: RegressionLoss;
  /** Huber threshold, or the epsilon-insensitive tube's half-width. */
  readonly epsilon: number;

  constructor(options?: LinearRegressionOptions) {
    const opts = resolveSgdOptions(options, Object.keys(LINEAR_REGRESSION_OPTION_TABLE));
    super(opts);
    const own = checkOwnOptions(LINEAR_REGRESSION_OPTION_TABLE, options);
    const loss = own.loss as RegressionLoss;
    const epsilon = own.epsilon as number;
    const tube = loss === "epsilonInsensitive" || loss === "squaredEpsilonInsensitive";
    if (epsilon === 0 && !tube)
      throw optionError("epsilon", "must be a finite number > 0 (got 0; only the tube losses take 0)");
    this.loss = loss;
    this.epsilon = epsilon;
  }

  protected get modelName(): string {
    return "LinearRegression";
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

  private problem(y: Float64Array, sw: Float64Array | null, validate: SubProblem["validate"]): SubProblem {
    return { kind: "linear", loss: this.loss, lossParam: this.epsilon, outputs: 1, y, sampleWeight: sw, validate };
  }

  /** Trains from scratch (or from the current weights with warmStart) until a stop rule fires. */
  async fit(data: MatrixLike | Dataset, target?: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    this.assertUsable();
    const { X, y } = this.fitInput(data, target);
    this.assertFitsMemory(X);
    // NaN/Infinity: the backend scans the rows it trains on; validation rows are scanned below.
    const m = this.checkX(X, this.opts.warmStart, false);
    const yv = toVector(y, m.rows, "y");
    const sw = this.checkWeights(options.sampleWeight, m.rows, true);
    const init = this.initialParams(options, 1, m.cols);
    if (!this.opts.earlyStopping) {
      const problems = [this.problem(yv, sw, null)];
      await this.trainProblems(await this.stageX(m), problems, 1, this.opts.maxEpochs, true, init);
      return this;
    }
    const { train, validation } = validationSplit(m.rows, this.opts.validationFraction, this.opts.seed, null);
    const mv = this.validationRows(m, validation);
    const yval = takeEntries(yv, validation);
    const swv = sw === null ? null : takeEntries(sw, validation);
    const validate = (p: Float64Array): number => r2Score(yval, linearScores(mv, p, 1), swv);
    const problem = this.problem(takeEntries(yv, train), sw === null ? null : takeEntries(sw, train), validate);
    await this.trainProblems(await this.stageX(m, train), [problem], 1, this.opts.maxEpochs, true, init);
    return this;
  }

  /**
   * Full-batch training over shards of the rows held elsewhere (see GradientShard and `descent
   * worker`): by default the optimizer's steps, the same result as fit with batchSize 'full' on
   * all the rows to 1e-12; with `solver: 'lbfgs'` L-BFGS (far fewer round trips to the shards).
   * With `checkpoint`, the coordinator's state is saved after every epoch and a stopped fit resumes.
   */
  async fitSharded(shards: readonly GradientShard[], options: ShardedFitOptions = {}): Promise<this> {
    const start = this.shardedStart();
    if (shardedSolver(options, `${this.modelName}.fitSharded`) === "lbfgs")
      this.adoptSharded(await lbfgsOnShards(start, shards, this.loss, this.epsilon));
    else this.adoptSharded(await fullBatchOnShards(start, shards, this.loss, this.epsilon, options.checkpoint));
    return this;
  }

  /**
   * Local SGD with averaging over shards held elsewhere (see LinearModel.mixOnShards): maxEpochs
   * rounds of one local epoch per shard, then the row-weighted average. With `checkpoint`, the
   * coordinator's state is saved after every round and a stopped fit resumes.
   */
  async fitLocalSgd(shards: readonly LocalSgdShard[], options: { checkpoint?: ShardedCheckpoint } = {}): Promise<this> {
    this.adoptSharded(await localSgdOnShards(this.shardedStart(), shards, this.loss, this.epsilon, options.checkpoint));
    return this;
  }

  /** One more epoch over (X, y), continuing the step count, shuffle stream, optimizer state and history. */
  async partialFit(data: MatrixLike | Dataset, target?: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    this.assertUsable();
    const { X, y } = this.fitInput(data, target);
    this.assertPartialFitOptions(options);
    this.assertFitsMemory(X);
    const m = this.checkX(X, true, false);
    const yv = toVector(y, m.rows, "y");
    const sw = this.checkWeights(options.sampleWeight, m.rows, true);
    await this.trainProblems(await this.stageX(m), [this.problem(yv, sw, null)], 1, 1, false);
    return this;
  }

  /** Predictions f(x) = w·x + b, one per row, computed in float64. */
  predict(X: MatrixLike): Float64Array {
    const p = this.fitted();
    return linearScores(this.checkX(X), p, 1);
  }

  /** Coefficient of determination R² of the predictions on (X, y). */
  score(X: MatrixLike, y: ArrayLike<number>, sampleWeight?: ArrayLike<number>): number {
    const pred = this.predict(X);
    const yv = toVector(y, pred.length, "y");
    return r2Score(yv, pred, this.checkWeights(sampleWeight, pred.length));
  }

  /** The training objective J(w, b) on (X, y): mean weighted loss plus alpha·R(w), in float64. */
  objective(X: MatrixLike, y: ArrayLike<number>, options: FitOptions = {}): number {
    const p = this.fitted();
    const m = this.checkX(X);
    const yv = toVector(y, m.rows, "y");
    const sw = this.checkWeights(options.sampleWeight, m.rows);
    const h = hostBackend;
    const sum = h.linearGrad(
      this.loss,
      h.wrap(m.data),
      h.wrap(yv),
      sw === null ? null : h.wrap(sw),
      null,
      0,
      m.rows,
      m.cols,
      h.wrap(p),
      h.alloc(p.length),
      this.epsilon,
    );
    return sum / m.rows + penaltyValue(p, m.cols, this.penalty);
  }

  /** A versioned, JSON-safe snapshot: options, weights, history, optimizer and schedule state. */
  toJSON(): Record<string, unknown> {
    const p = this.fitted();
    return writeModel("LinearRegression", {
      options: this.getOptions(),
      nFeatures: p.length - 1,
      ...this.stateJSON(),
    });
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): LinearRegression {
    const { o, model } = readModel(
      json,
      "LinearRegression",
      (options) => new LinearRegression(options as LinearRegressionOptions),
    );
    const d = readCount(o, "nFeatures");
    if (d < 1) throw new DescentError("E_FORMAT", "model JSON: 'nFeatures' must be at least 1");
    const state = readState(o, d);
    if (state.nOutputs !== 1) throw new DescentError("E_FORMAT", "model JSON: LinearRegression has one output");
    model.restoreState(state);
    return model;
  }

  protected onnxSpec(): OnnxSpec {
    return {
      modelName: "LinearRegression",
      layers: [this.onnxLayer()],
      classes: null,
      pick: "sign",
      probabilities: null,
      outputIsProbability: false,
      producerVersion: String(MODEL_VERSION),
    };
  }

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Omit<ResolvedSgdOptions, "onEpoch"> & {
    /** The regression loss. */
    loss: string;
    /** Huber's and the epsilon-insensitive losses' ε. */
    epsilon: number;
  } {
    return { ...serializableOptions(this.opts), loss: this.loss, epsilon: this.epsilon };
  }
}
