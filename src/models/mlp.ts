import type { Backend, MlpNet } from "../backend/backend.js";
import { createBackend } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import type { JsonObject } from "../io/model-json.js";
import { buildOnnx, type OnnxExportOptions } from "../io/onnx-export.js";
import { ownLog } from "../kernels/math.js";
import { mlpPredictJs } from "../kernels/mlp.js";
import { MlpActivation, MlpOutput, NetShape } from "../kernels/mlp-net.js";
import { type DType, dtypeOfData, type Matrix, type MatrixLike, nonFiniteError, toMatrix } from "../matrix.js";
import { ScheduleId, type ScheduleParams } from "../optim/schedules.js";
import { formatBytes } from "../runtime/arena.js";
import type { FloatBuffer } from "../runtime/buffer.js";
import { emptyHistory, type History, type StopReason } from "../train/history.js";
import { rowsPerStep } from "../train/options.js";
import { type LoopOptions, newProgress, type Objective, type TrainProgress, trainLoop } from "../train/train-loop.js";
import type { Label } from "./labels.js";
import { WASM_MEMORY_LIMIT } from "./linear-model.js";
import { fitMlpLbfgsRestarts } from "./mlp-lbfgs.js";
import { mlpOnnxSpec } from "./mlp-onnx.js";
import {
  checkMlpFitOptions,
  type MLPOptions,
  mlpUpdateRule,
  type ResolvedMlpOptions,
  resolveMlpOptions,
} from "./mlp-options.js";
import { readMlpState } from "./mlp-state.js";
import { glorotWeights, packInitialWeights } from "./mlp-weights.js";
import { takeRows } from "./sub-problems.js";
import { validationSplit } from "./validation-split.js";

/** The training targets of a network and how its outputs are read. */
export interface MlpTargets {
  /**
   * The targets, row-major: one class index per row (softmax), else `outputs` per row (real values
   * for an identity output, 0/1 for logistic ones).
   */
  y: Float64Array;
  /** Output units. */
  outputs: number;
  /** The output layer (MlpOutput). */
  output: number;
  /** Class indices of the rows for a stratified validation split (classifiers), else null. */
  strata: Float64Array | null;
}

/** Rows of the predictions' scratch at a time. */
const PREDICT_ROWS = 256;

/**
 * Shared machinery of MLPClassifier and MLPRegressor: a multi-layer perceptron trained by the
 * library's training loop on the MLP step kernels, scikit-learn's conventions throughout.
 * Parameters are packed as in NetShape (all weights, then all intercepts), float64 between calls.
 */
export abstract class MultiLayerPerceptron {
  /** Per-epoch record of the last fit and any partialFit after it (of the kept restart under nInit). */
  history: History = emptyHistory();
  /** Why the last fit stopped; null before the first fit. */
  stopReason: StopReason | null = null;
  /** Epochs run so far. */
  nEpochs = 0;

  /** scikit-learn's `n_iter_`: the epochs run so far (nEpochs). */
  get nIter(): number {
    return this.nEpochs;
  }

  /** scikit-learn's `loss_`: the last epoch's (or L-BFGS iteration's) objective; null before a fit. */
  get loss(): number | null {
    return this.history.loss.at(-1) ?? null;
  }

  /** scikit-learn's `loss_curve_`: each epoch's training loss (history.loss). */
  get lossCurve(): number[] {
    return [...this.history.loss];
  }

  /** scikit-learn's `best_loss_`: the lowest epoch loss (null under early stopping, as there, or before a fit). */
  get bestLoss(): number | null {
    if (this.opts.earlyStopping || this.history.loss.length === 0) return null;
    return Math.min(...this.history.loss);
  }

  /** scikit-learn's `validation_scores_`: each epoch's validation score under early stopping (else null). */
  get validationScores(): number[] | null {
    return this.history.valScore === undefined ? null : [...this.history.valScore];
  }

  /** scikit-learn's `best_validation_score_`: the best of validationScores (else null). */
  get bestValidationScore(): number | null {
    const v = this.history.valScore;
    return v === undefined || v.length === 0 ? null : Math.max(...v);
  }

  protected opts: ResolvedMlpOptions;
  protected params: Float64Array | null = null;
  protected shape: NetShape | null = null;
  protected progress: TrainProgress | null = null;
  private disposed = false;

  protected constructor(options: MLPOptions | undefined) {
    this.opts = resolveMlpOptions(options);
  }

  /** Name in messages and model files. */
  protected abstract get modelName(): string;

  /** Number of features seen at fit; 0 before. */
  get nFeatures(): number {
    return this.shape === null ? 0 : (this.shape.units[0] as number);
  }

  /** Units of each layer, inputs first and outputs last (empty before fit). */
  get layerUnits(): number[] {
    return this.shape === null ? [] : [...this.shape.units];
  }

  /** scikit-learn's coefs_: coefs[l] is the fanIn × fanOut weight matrix of layer l (copies). */
  get coefs(): Matrix[] {
    const { p, shape } = this.fitted();
    return Array.from({ length: shape.layers }, (_, l) => {
      const rows = shape.units[l] as number;
      const cols = shape.units[l + 1] as number;
      const at = shape.weightAt(l);
      return { data: p.slice(at, at + rows * cols), rows, cols };
    });
  }

  /** scikit-learn's intercepts_: one Float64Array per layer (copies). */
  get intercepts(): Float64Array[] {
    const { p, shape } = this.fitted();
    return Array.from({ length: shape.layers }, (_, l) => p.slice(shape.biasAt(l), shape.biasAt(l + 1)));
  }

  /**
   * The network as an ONNX graph (see LinearModel.toONNX for the inputs, outputs and options):
   * each layer a MatMul, an Add and its activation, the output function last.
   */
  toONNX(options: OnnxExportOptions = {}): Uint8Array {
    const { p, shape } = this.fitted();
    return buildOnnx(mlpOnnxSpec(shape, p, this.opts.activation, this.exportClasses(), this.modelName), options);
  }

  /** The class labels an export carries (null for regression). */
  protected abstract exportClasses(): Label[] | null;

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Record<string, unknown> {
    const { onEpoch: _drop, powerT, schedule, initialWeights: _w, ...rest } = this.opts;
    return { ...rest, schedule: schedule === "invscaling" ? { name: "invscaling", powerT } : schedule };
  }

  /** Changes options (validated as the constructor does); weights and state stay. Returns the model. */
  setOptions(options: MLPOptions): this {
    this.assertUsable();
    const merged = {
      ...this.getOptions(),
      ...(this.opts.onEpoch === null ? {} : { onEpoch: this.opts.onEpoch }),
      ...options,
    } as MLPOptions;
    this.opts = resolveMlpOptions(merged);
    return this;
  }

  /** Frees what the model holds; any later call throws E_STATE. */
  dispose(): void {
    this.disposed = true;
    this.params = null;
    this.progress = null;
  }

  protected assertUsable(): void {
    if (this.disposed) throw new DescentError("E_STATE", `${this.modelName} was disposed; create a new model`);
  }

  protected fitted(): { p: Float64Array; shape: NetShape } {
    this.assertUsable();
    if (this.params === null || this.shape === null)
      throw new DescentError("E_STATE", `${this.modelName} is not fitted yet: call fit first`);
    return { p: this.params, shape: this.shape };
  }

  /** E_OPTION for fit options the MLPs do not take (see checkMlpFitOptions). */
  protected checkFitOptions(options: object | undefined): void {
    checkMlpFitOptions(this.modelName, options);
  }

  /** E_MEMORY before anything is copied when X cannot fit in WebAssembly memory. */
  protected assertFitsMemory(m: Matrix): void {
    if (this.opts.backend === "js") return;
    const elem = this.dataDtype === "float64" ? 8 : 4;
    const bytes = (m.rows * m.cols + m.rows) * elem;
    if (bytes > WASM_MEMORY_LIMIT) {
      throw new DescentError(
        "E_MEMORY",
        `${this.modelName}: ${m.rows} × ${m.cols} ${this.dataDtype} needs ${formatBytes(bytes)} of WebAssembly memory, which holds at most 4 GiB: use dtype 'float32', a sample, or partialFit over chunks`,
      );
    }
  }

  /** The dtype the current fit trains in (options.dtype, or under 'auto' the data's; set by checkFitX). */
  protected dataDtype: DType = "float64";

  /** checkX for a fit call, which also takes the dtype of X under dtype 'auto'. */
  protected checkFitX(X: MatrixLike, matchFit: boolean): Matrix {
    this.dataDtype = dtypeOfData(this.opts.dtype, X);
    return this.checkX(X, matchFit);
  }

  /** Validated X; with `matchFit`, its column count must be the one seen at fit. */
  protected checkX(X: MatrixLike, matchFit: boolean): Matrix {
    const m = toMatrix(X, "X", true);
    if (m.rows === 0 || m.cols === 0) throw new DescentError("E_EMPTY", "X has no rows or no columns");
    if (matchFit && this.shape !== null && m.cols !== this.shape.units[0]) {
      throw new DescentError(
        "E_SHAPE",
        `X has ${m.cols} columns but ${this.modelName} was fitted with ${this.shape.units[0]}`,
      );
    }
    return m;
  }

  /** The network's outputs (after the output function) for X, rows × outputs, in float64. */
  protected outputsOf(m: Matrix): Matrix {
    const { p, shape } = this.fitted();
    return { data: this.outputsAt(shape, p, m), rows: m.rows, cols: shape.units[shape.layers] as number };
  }

  /**
   * The training objective on rows m with targets t, in float64: the mean data loss plus
   * (alpha/2)·‖W‖²/n, scikit-learn's loss_ over the whole data as one batch.
   */
  protected objectiveOf(m: Matrix, t: MlpTargets): number {
    const { p, shape } = this.fitted();
    const loss = this.forward(shape, p, m, t.y).loss;
    let sq = 0;
    for (let j = 0; j < shape.weightAt(shape.layers); j++) sq += (p[j] as number) ** 2;
    return loss / m.rows + (0.5 * this.opts.alpha * sq) / m.rows;
  }

  /** The all-zero network's objective, the divergence guard's yardstick. */
  private zeroObjective(t: MlpTargets): number {
    if (t.output === MlpOutput.softmax) return ownLog(t.outputs);
    if (t.output === MlpOutput.logistic) return Math.LN2 * t.outputs;
    let s = 0;
    for (const v of t.y) s += 0.5 * v * v;
    return s / t.y.length;
  }

  /** The training loop's options for these MLP options (batch resolved). */
  private loopOptions(batch: number): LoopOptions {
    const o = this.opts;
    return {
      batchSize: batch,
      shuffle: o.shuffle,
      seed: o.seed,
      tol: o.tol,
      // scikit-learn stops once the count of epochs without improvement exceeds nIterNoChange.
      nIterNoChange: o.nIterNoChange + 1,
      gradTol: null,
      fitIntercept: true,
      average: false,
      onEpoch: o.onEpoch ?? null,
    };
  }

  /**
   * Trains on (m, targets): `epochs` epochs, fresh (new weights, or the current ones under
   * warmStart, or initialWeights) or continuing (partialFit). Under nInit, the fresh fit runs from
   * each seed in turn and keeps the best.
   */
  protected async train(m: Matrix, t: MlpTargets, epochs: number, fresh: boolean): Promise<void> {
    this.assertUsable();
    const o = this.opts;
    const units = [m.cols, ...o.hiddenLayerSizes, t.outputs];
    const shape = new NetShape(units, MlpActivation[o.activation], t.output);
    const sameShape = this.shape !== null && this.shape.units.join() === units.join() && this.params !== null;
    if (!fresh && !sameShape)
      throw new DescentError("E_SHAPE", `${this.modelName}: partialFit data does not match the network`);
    const lbfgs = o.solver === "lbfgs";
    // Targets per row: a class index (softmax), else one per output.
    const width = t.output === MlpOutput.softmax ? 1 : t.outputs;
    const pick = (r: Int32Array): Float64Array =>
      takeRows({ data: t.y, rows: t.y.length / width, cols: width }, r).data as Float64Array;
    let rows: Int32Array | null = null;
    let validation: { m: Matrix; y: Float64Array } | null = null;
    // scikit-learn's lbfgs solver has no early stopping (it sees every row at each evaluation).
    if (o.earlyStopping && fresh && !lbfgs) {
      const split = validationSplit(m.rows, o.validationFraction, o.seed, t.strata);
      rows = split.train;
      validation = { m: takeRows(m, split.validation), y: pick(split.validation) };
    }
    this.assertFitsMemory(m);
    const backend = await createBackend(o.backend, this.dataDtype, 1);
    const n = rows === null ? m.rows : rows.length;
    const batch = rowsPerStep(o.batchSize, n);
    let X: FloatBuffer | null = null;
    const held: Array<FloatBuffer | MlpNet["descriptor"]> = [];
    try {
      const checked = backend.allocChecked(m.data, rows, m.cols);
      X = checked.buffer;
      if (checked.bad >= 0) {
        const r = Math.floor(checked.bad / m.cols);
        const row = rows === null ? r : (rows[r] as number);
        throw nonFiniteError("X", m.data[row * m.cols + (checked.bad % m.cols)] as number, row, checked.bad % m.cols);
      }
      const yTrain = rows === null ? t.y : pick(rows);
      const y = backend.allocCopy(yTrain);
      const descriptor = backend.allocIndex(units.length + 3);
      descriptor.view.set(shape.descriptor());
      held.push(y, descriptor);
      const net: MlpNet = { shape, descriptor };
      if (lbfgs) {
        await this.trainLbfgs(backend, net, X, y, n, fresh && o.warmStart && sameShape);
        return;
      }
      const scratch = backend.alloc(shape.scratchSize(batch));
      held.push(scratch);
      const objective = this.stepObjective(backend, net, X, y, n, batch, scratch);
      // A warm start from an earlier fit continues its count of epochs, its history, its schedule's
      // time and its stop rules' memory, with a fresh optimizer and shuffle stream, as
      // scikit-learn's (n_iter_, loss_curve_ and t_ accumulate; the optimizer is made anew).
      const continuing = fresh && o.warmStart && sameShape && this.progress !== null && this.nEpochs > 0;
      const restarts = fresh && !continuing ? o.nInit : 1;
      let best: {
        params: Float64Array;
        progress: TrainProgress;
        history: History;
        stop: StopReason;
        score: number;
      } | null = null;
      let failure: unknown = null;
      for (let r = 0; r < restarts; r++) {
        const seed = o.seed + r;
        const start =
          !fresh || continuing
            ? (this.params as Float64Array).slice()
            : o.initialWeights !== null
              ? packInitialWeights(shape, this.opts.initialWeights)
              : o.warmStart && sameShape && this.params !== null
                ? this.params.slice()
                : glorotWeights(shape, seed, this.opts.activation);
        // The model predicts with the weights being trained (trainLoop updates `start` after each
        // epoch), so an onEpoch callback can draw them; the kept restart's are set at the end.
        this.params = start;
        this.shape = shape;
        const rule = mlpUpdateRule(o);
        const progress =
          fresh || this.progress === null ? newProgress(rule.optimizer, shape.biasAt(shape.layers)) : this.progress;
        if (continuing) progress.epoch = (this.progress as TrainProgress).epoch;
        const history = fresh && !continuing ? emptyHistory() : this.history;
        const validate =
          validation === null
            ? null
            : (p: Float64Array): number => this.validationScore(shape, p, validation as { m: Matrix; y: Float64Array });
        const outcome = await trainLoop(
          backend,
          objective,
          start,
          {
            opts: { ...this.loopOptions(batch), seed },
            optimizer: rule.optimizer,
            // A warm-started fit's optimizer is made anew: its first epoch runs at η (scikit-learn's).
            schedule: this.schedule(n, rule.optimizer.learningRate ?? o.learningRate, continuing ? progress.epoch : 0),
            adaptive: o.schedule === "adaptive",
            penalty: { penalty: "l2", alpha: o.alpha, l1Ratio: 0 },
            validate,
            zeroObjective: this.zeroObjective(t),
            ...(continuing ? { resumed: { startParams: start.slice() } } : {}),
          },
          progress,
          history,
          epochs,
        );
        const score =
          validate !== null && history.valScore !== undefined
            ? -Math.max(...history.valScore)
            : (history.loss[history.loss.length - 1] ?? Number.POSITIVE_INFINITY);
        const stop = outcome.stopReason;
        if (outcome.callbackError !== undefined || stop === "diverged") {
          // The run's last finite weights are kept (the caller sees why).
          best = { params: start, progress, history, stop, score };
          failure =
            outcome.callbackError !== undefined
              ? outcome.callbackError
              : new DescentError(
                  "E_DIVERGED",
                  `${this.modelName} diverged: ${outcome.divergence ?? "the loss is not finite"}. The model keeps the last finite weights. Try a smaller learningRate (now ${o.learningRate}), a larger alpha, or scale the features (StandardScaler).`,
                );
          break;
        }
        if (best === null || score < best.score) best = { params: start, progress, history, stop, score };
      }
      if (best !== null) {
        this.assertUsable();
        this.params = best.params;
        this.shape = shape;
        this.progress = best.progress;
        this.history = best.history;
        this.stopReason = best.stop;
        this.nEpochs = best.progress.epoch;
      }
      if (failure !== null) throw failure;
    } finally {
      for (const b of held) backend.free(b);
      if (X !== null) backend.free(X);
      backend.dispose();
    }
  }

  /**
   * The lbfgs solver: from each restart's starting weights (the current ones under warmStart), L-BFGS
   * over every row; keeps the restart with the lowest final objective. nEpochs counts iterations
   * (scikit-learn's n_iter_), and history holds the objective after each.
   */
  private async trainLbfgs(
    backend: Backend,
    net: MlpNet,
    X: FloatBuffer,
    y: FloatBuffer,
    n: number,
    warm: boolean,
  ): Promise<void> {
    const o = this.opts;
    const { shape } = net;
    const callback = o.onEpoch ?? null;
    const kept = await fitMlpLbfgsRestarts(
      {
        backend,
        net,
        X,
        y,
        n,
        alpha: o.alpha,
        maxIterations: o.maxEpochs,
        maxEvaluations: o.maxFun,
        gradTol: o.tol,
        // The model predicts with the weights reached, so the callback can draw them.
        onEpoch:
          callback === null
            ? null
            : (info, params) => {
                this.params = params;
                return callback(info);
              },
      },
      warm ? 1 : o.nInit,
      (r) => {
        const start = warm
          ? (this.params as Float64Array).slice()
          : o.initialWeights !== null
            ? packInitialWeights(shape, o.initialWeights)
            : glorotWeights(shape, o.seed + r, o.activation);
        this.params = start;
        this.shape = shape;
        return start;
      },
    );
    this.assertUsable();
    this.params = kept.params;
    this.shape = shape;
    this.history = kept.history;
    this.stopReason = kept.stop;
    this.nEpochs = kept.history.loss.length;
    this.progress = newProgress(mlpUpdateRule({ ...o, solver: "sgd" }).optimizer, shape.biasAt(shape.layers));
    this.progress.epoch = this.nEpochs;
    if (kept.error !== null) throw kept.error;
  }

  /** The schedule's numbers: scikit-learn's MLP invscaling is set per epoch from the rows seen before it. */
  private schedule(n: number, eta: number, startEpoch: number): ScheduleParams {
    if (this.opts.schedule === "invscaling")
      return { id: ScheduleId.epochInvscaling, eta, a: this.opts.powerT, b: n, c: startEpoch };
    return { id: ScheduleId.constant, eta, a: 0, b: 0, c: 0 };
  }

  /** The objective the training loop drives: the MLP step kernels over the staged rows. */
  private stepObjective(
    backend: Backend,
    net: MlpNet,
    X: FloatBuffer,
    y: FloatBuffer,
    n: number,
    batch: number,
    scratch: FloatBuffer,
  ): Objective {
    const { shape } = net;
    const rule = mlpUpdateRule(this.opts);
    const nW = shape.weightAt(shape.layers);
    return {
      n,
      nPen: nW,
      nAll: shape.biasAt(shape.layers),
      workPerRow: 3 * nW,
      // The scikit-learn update rule in place of the optimizer's; alpha as the plan's L2 (penalty).
      plan: { loss: "squared", lossParam: 0, classes: 1, rule: { id: rule.id, h: rule.h } },
      penaltyInLoss: true,
      meanLoss: (params) => {
        const out = backend.alloc(n * (shape.units[shape.layers] as number));
        try {
          return backend.mlpPredict(net, X, y, 0, n, batch, params, out, scratch) / n;
        } finally {
          backend.free(out);
        }
      },
      steps: (plan, idx, start, end, state) => {
        backend.mlpSteps(plan, net, X, y, idx, start, end, state, scratch);
        return undefined;
      },
    };
  }

  /** The validation score of parameters p (accuracy or R², higher is better). */
  protected abstract validationScore(shape: NetShape, p: Float64Array, v: { m: Matrix; y: Float64Array }): number;

  /** The outputs of parameters p on m (for validation), rows × outputs. */
  protected outputsAt(shape: NetShape, p: Float64Array, m: Matrix): Float64Array {
    return this.forward(shape, p, m, null).out;
  }

  /**
   * A forward pass of parameters p over every row of m, PREDICT_ROWS at a time: the outputs (rows ×
   * outputs) and, when y is given, the data loss sum against it.
   */
  private forward(
    shape: NetShape,
    p: Float64Array,
    m: Matrix,
    y: Float64Array | null,
  ): { out: Float64Array; loss: number } {
    const out = new Float64Array(m.rows * (shape.units[shape.layers] as number));
    const scratch = new Float64Array(shape.scratchSize(PREDICT_ROWS));
    const loss = mlpPredictJs(shape, m.data, y, 0, m.rows, PREDICT_ROWS, p, out, scratch);
    return { out, loss };
  }

  /** E_OPTION for what partialFit cannot honour. */
  protected assertPartialFit(): void {
    if (this.opts.solver === "lbfgs")
      throw new DescentError(
        "E_OPTION",
        "partialFit needs a stochastic solver: 'lbfgs' sees every row at each step (scikit-learn has no partial_fit for it either); use 'adam' or 'sgd', or fit",
      );
    if (this.opts.earlyStopping)
      throw new DescentError(
        "E_OPTION",
        "option 'earlyStopping' does not work with partialFit: use fit, or set it false",
      );
  }

  /** The state every MLP saves. */
  protected stateJSON(): Record<string, unknown> {
    const { p, shape } = this.fitted();
    const progress = this.progress as TrainProgress;
    return {
      units: [...shape.units],
      output: shape.output,
      params: Array.from(p),
      history: this.history,
      stopReason: this.stopReason,
      nEpochs: this.nEpochs,
      progress: { ...progress, moments: progress.moments.map((x) => Array.from(x)) },
    };
  }

  /** The layer sizes and output kind of a fitted (or restored) network. */
  protected savedShape(): { units: readonly number[]; output: number } {
    const shape = this.fitted().shape;
    return { units: shape.units, output: shape.output };
  }

  /** Restores stateJSON's output (E_FORMAT names what is wrong). */
  protected restoreState(o: JsonObject): void {
    const saved = readMlpState(o, this.opts.activation);
    this.shape = saved.shape;
    this.params = saved.params;
    this.progress = saved.progress;
    this.history = saved.history;
    this.stopReason = saved.stopReason;
    this.nEpochs = saved.nEpochs;
  }
}
