import { createBackend } from "../backend/create-backend.js";
import { type Dataset, isDataset, rowsAndTargets, type StagedRows } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import type { SavedState } from "../io/model-json.js";
import { buildOnnx, type OnnxExportOptions, type OnnxLayer, type OnnxSpec } from "../io/onnx-export.js";
import type { PenaltyConfig } from "../kernels/penalty.js";
import { Prng } from "../kernels/prng.js";
import {
  type DType,
  dtypeOfData,
  firstNonFinite,
  isArrowTable,
  isMatrix,
  type Matrix,
  type MatrixLike,
  nonFiniteError,
  toMatrix,
  toVector,
} from "../matrix.js";
import { makeSchedule, normaliseSchedule } from "../optim/schedules.js";
import { formatBytes } from "../runtime/arena.js";
import type { FloatBuffer } from "../runtime/buffer.js";
import { emptyHistory, type History, type StopReason } from "../train/history.js";
import { averageStart, optimizerOf, type ResolvedSgdOptions, rowsPerStep } from "../train/options.js";
import { newProgress, type TrainProgress, trainLoop } from "../train/train-loop.js";
import type { ShardedOutcome, ShardedStart } from "./sharded-fits.js";
import {
  bindObjective,
  longestRun,
  type StagedX,
  type SubProblem,
  sumHistories,
  takeValidationRows,
  WASM_MEMORY_LIMIT,
  zeroModelObjective,
} from "./sub-problems.js";

export {
  linearScores,
  type StagedX,
  type SubProblem,
  takeEntries,
  takeRows,
  takeValidationRows,
  WASM_MEMORY_LIMIT,
} from "./sub-problems.js";

/** Options of `fit` and `partialFit`. */
export interface FitOptions {
  /** Non-negative weight per row, multiplying that row's loss. */
  sampleWeight?: ArrayLike<number>;
  /**
   * `fit` only: the weights to start from (scikit-learn's coef_init): d numbers for a single
   * output, or outputs × d (rows of numbers, or a Matrix) for 3+ classes. Default zeros.
   */
  coefInit?: ArrayLike<number> | ArrayLike<ArrayLike<number>> | Matrix;
  /** `fit` only: the intercept(s) to start from, one per output (a number for one). Default 0. */
  interceptInit?: number | ArrayLike<number>;
}

/** Where sub-problem k of `count` sits in a model's parameters (d features, `outputs` outputs). */
interface SubProblemSlot {
  d: number;
  outputs: number;
  k: number;
  count: number;
  problem: SubProblem;
}

/**
 * Shared machinery of the linear estimators: parameters [W (outputs × d), b (outputs)] kept in
 * float64 on the JS side between calls, data copied into the backend once per fit and freed after,
 * one training state per sub-problem.
 */
export abstract class LinearModel {
  /** Per-epoch record of the last fit and any partialFit after it (one-vs-rest: summed over classes). */
  history: History = emptyHistory();
  /** Why the last fit stopped; null before the first fit. */
  stopReason: StopReason | null = null;
  /** Epochs run so far (the most of any sub-problem). */
  nEpochs = 0;

  protected readonly opts: ResolvedSgdOptions;
  /** The parameters the model predicts with (under averaged SGD, the averages once begun). */
  protected params: Float64Array | null = null;
  /** Under averaged SGD, the parameters training continues from (the last step's); else null. */
  protected trainParams: Float64Array | null = null;
  protected nOutputs = 1;
  protected progress: TrainProgress[] = [];
  protected subHistories: History[] = [];
  private disposed = false;

  protected constructor(opts: ResolvedSgdOptions) {
    this.opts = opts;
  }

  /** Name used in messages and in the model JSON. */
  protected abstract get modelName(): string;

  /** Number of features seen at fit; 0 before. */
  get nFeatures(): number {
    return this.params === null ? 0 : this.params.length / this.nOutputs - 1;
  }

  /** Frees what the model holds; any later call throws E_STATE. */
  dispose(): void {
    this.disposed = true;
    this.params = null;
    this.trainParams = null;
    this.progress = [];
  }

  protected assertUsable(): void {
    if (this.disposed) throw new DescentError("E_STATE", `${this.modelName} was disposed; create a new model`);
  }

  protected fitted(): Float64Array {
    this.assertUsable();
    if (this.params === null) throw new DescentError("E_STATE", `${this.modelName} is not fitted yet: call fit first`);
    return this.params;
  }

  /**
   * E_MEMORY before anything is read or copied when X cannot fit in WebAssembly memory (4 GiB with
   * the row buffers), with the size it needs and what to do instead.
   */
  protected assertFitsMemory(X: MatrixLike): void {
    if (this.opts.backend === "js" || this.source !== null) return;
    let rows = 0;
    let cols = 0;
    if (isMatrix(X)) [rows, cols] = [X.rows, X.cols];
    else if (isArrowTable(X)) [rows, cols] = [X.numRows, X.numCols];
    else if (X !== null && typeof X === "object" && typeof X.length === "number")
      [rows, cols] = [X.length, X[0]?.length ?? 0];
    const elem = this.dataDtype === "float64" ? 8 : 4;
    const bytes = rows * cols * elem + rows * (2 * elem + 4);
    if (bytes > WASM_MEMORY_LIMIT) {
      throw new DescentError(
        "E_MEMORY",
        `${this.modelName}: ${rows} × ${cols} ${this.dataDtype} needs ${formatBytes(bytes)} of WebAssembly memory, which holds at most 4 GiB: ` +
          `use dtype 'float32', train on a sample, or stream the data through partialFit (the CLI's descent fit --memory does this for CSV files)`,
      );
    }
  }

  /**
   * Validated X; with `matchFit`, also the number of columns seen at fit. `checkFinite` false leaves
   * the NaN/Infinity scan of a Matrix to `stageX`, which scans the backend's copy.
   */
  protected checkX(X: MatrixLike, matchFit = true, checkFinite = true): Matrix {
    // A Dataset trained in place was checked when staged; its rows stay where they are.
    const m = this.source !== null && X === this.source.shape ? X : toMatrix(X, "X", checkFinite);
    if (matchFit && this.params !== null && m.cols !== this.nFeatures) {
      throw new DescentError(
        "E_SHAPE",
        `X has ${m.cols} columns but ${this.modelName} was fitted with ${this.nFeatures}`,
      );
    }
    return m;
  }

  /**
   * Validated sample weights (finite, >= 0), or null. For training (`training` true) they must
   * not all be 0, which leaves nothing to learn from (E_OPTION, as scikit-learn refuses it).
   */
  protected checkWeights(
    sampleWeight: ArrayLike<number> | undefined,
    n: number,
    training = false,
  ): Float64Array | null {
    if (sampleWeight === undefined) return null;
    const sw = toVector(sampleWeight, n, "sampleWeight");
    const neg = sw.findIndex((v) => v < 0);
    if (neg >= 0) throw new DescentError("E_NONFINITE", `sampleWeight is negative (${sw[neg]}) at row ${neg}`);
    if (training && sw.every((v) => v === 0)) {
      throw new DescentError("E_OPTION", `option 'sampleWeight' is 0 for all ${n} rows: there is nothing to train on`);
    }
    return sw;
  }

  /**
   * The parameter vector [W (outputs × d), b (outputs)] that `fit` starts from when options give
   * coefInit or interceptInit (the other part zero), or null. E_SHAPE for a wrong shape,
   * E_NONFINITE for NaN/Infinity, naming the option.
   */
  protected initialParams(options: FitOptions, outputs: number, d: number): Float64Array | null {
    const { coefInit, interceptInit } = options;
    if (coefInit === undefined && interceptInit === undefined) return null;
    const out = new Float64Array(outputs * (d + 1));
    const shapeName = outputs === 1 ? `${d} numbers` : `${outputs} × ${d} (classes × features)`;
    if (coefInit !== undefined) {
      let flat: Float64Array;
      if (isMatrix(coefInit)) {
        if (coefInit.rows !== outputs || coefInit.cols !== d)
          throw new DescentError("E_SHAPE", `coefInit is ${coefInit.rows} × ${coefInit.cols}, expected ${shapeName}`);
        flat = Float64Array.from(coefInit.data);
      } else {
        const first = (coefInit as ArrayLike<unknown>)[0];
        const nested = first !== null && typeof first === "object";
        if (nested) {
          const m = toMatrix(coefInit as ArrayLike<ArrayLike<number>> as number[][], "coefInit");
          if (m.rows !== outputs || m.cols !== d)
            throw new DescentError("E_SHAPE", `coefInit is ${m.rows} × ${m.cols}, expected ${shapeName}`);
          flat = Float64Array.from(m.data);
        } else {
          if (outputs !== 1)
            throw new DescentError("E_SHAPE", `coefInit has ${coefInit.length} numbers, expected ${shapeName}`);
          flat = toVector(coefInit as ArrayLike<number>, d, "coefInit");
        }
      }
      const bad = firstNonFinite(flat);
      if (bad >= 0) throw new DescentError("E_NONFINITE", `coefInit has ${flat[bad]} at entry ${bad}`);
      out.set(flat);
    }
    if (interceptInit !== undefined) {
      const b = toVector(typeof interceptInit === "number" ? [interceptInit] : interceptInit, outputs, "interceptInit");
      out.set(b, outputs * d);
    }
    return out;
  }

  /**
   * Changes options of this model (validated as the constructor does, E_OPTION naming a bad
   * one); the weights, history and training state stay, so a later `fit` with warmStart or a
   * `partialFit` continues from them under the new options. Returns the model.
   */
  setOptions(options: object): this {
    this.assertUsable();
    const merged = {
      ...this.getOptions(),
      ...(this.opts.onEpoch === null ? {} : { onEpoch: this.opts.onEpoch }),
      ...options,
    };
    const Same = this.constructor as new (o: object) => LinearModel;
    const next = new Same(merged) as unknown as Record<string, unknown>;
    const self = this as unknown as Record<string, unknown>;
    for (const key of ["opts", "loss", "epsilon", "multiClass", "classWeight"]) {
      if (Object.hasOwn(next, key)) self[key] = next[key];
    }
    return this;
  }

  /** The options in force, with defaults filled in (no callback). */
  abstract getOptions(): Record<string, unknown>;

  /** What the ONNX export writes for this model (see src/io/onnx-export.ts). */
  protected abstract onnxSpec(): OnnxSpec;

  /**
   * The model as an ONNX graph (bytes of a ModelProto, opset 17): input "X" (rows × features),
   * outputs "variable" for regression, "label" and (where predictProba exists) "probabilities" for
   * classifiers, as predict and predictProba compute them; float64 unless options.dtype is
   * 'float32'; options.scaler folds a standardisation in front.
   */
  toONNX(options: OnnxExportOptions = {}): Uint8Array {
    return buildOnnx(this.onnxSpec(), options);
  }

  /** The fitted weights as ONNX layers: W transposed to features × outputs. */
  protected onnxLayer(): OnnxLayer {
    const p = this.fitted();
    const K = this.nOutputs;
    const d = this.nFeatures;
    const W = new Float64Array(d * K);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) W[j * K + k] = p[k * d + j] as number;
    return { W, b: p.slice(K * d), fanIn: d, fanOut: K, activation: null };
  }

  /** E_OPTION for options a partialFit cannot honour (scikit-learn refuses them too). */
  protected assertPartialFitOptions(options: FitOptions): void {
    if (options.coefInit !== undefined || options.interceptInit !== undefined) {
      throw new DescentError(
        "E_OPTION",
        "options 'coefInit' and 'interceptInit' are for fit; partialFit continues from the current weights",
      );
    }
    if (this.opts.earlyStopping) {
      throw new DescentError(
        "E_OPTION",
        "option 'earlyStopping' does not work with partialFit (there is no held-out set across calls): use fit, or set earlyStopping false",
      );
    }
  }

  /** The regulariser of the options. */
  /** The dtype the current fit call trains in (options.dtype, or under 'auto' the data's; set by fitInput). */
  protected dataDtype: DType = "float64";

  /** The Dataset a fit call trains in place (set by fitInput for that call, null otherwise). */
  private source: { staged: StagedRows; ds: Dataset; shape: Matrix } | null = null;

  protected get penalty(): PenaltyConfig {
    return { penalty: this.opts.penalty, alpha: this.opts.alpha, l1Ratio: this.opts.l1Ratio };
  }

  /** Parameter vector of sub-problem k of `count` ([w_k, b_k], or the whole vector for softmax). */
  private subParams(all: Float64Array, at: SubProblemSlot): Float64Array {
    const { d, outputs, k, count, problem } = at;
    if (problem.kind === "softmax" || count === 1) return all.slice();
    const v = new Float64Array(d + 1);
    v.set(all.subarray(k * d, (k + 1) * d));
    v[d] = all[outputs * d + k] as number;
    return v;
  }

  private storeSubParams(all: Float64Array, at: SubProblemSlot, v: Float64Array): void {
    const { d, outputs, k, count, problem } = at;
    if (problem.kind === "softmax" || count === 1) {
      all.set(v);
      return;
    }
    all.set(v.subarray(0, d), k * d);
    all[outputs * d + k] = v[d] as number;
  }

  /**
   * Copies the training rows (all of m, or the rows `rowIds` of it, in that order) straight into a
   * new backend's memory and scans the copy for NaN and ±Infinity there (in float32, values beyond
   * its range become Infinity), so the check costs one fast pass over data the training reads
   * anyway. Under `shuffle: 'once'` the rows are copied in a seeded random order instead: drawn
   * from the seed for a new fit, or continuing the saved stream (`resume`, for partialFit).
   * Throws E_NONFINITE naming the row of the caller's X and the column; nothing of the model
   * changes.
   */
  protected async stageX(m: Matrix, rowIds: Int32Array | null = null, resume = false): Promise<StagedX> {
    const rows = rowIds === null ? m.rows : rowIds.length;
    const { order, rng } = this.stagingOrder(rows, resume);
    // The rows of m staged in turn: rowIds (every row when null), in the drawn order if any.
    let ids = rowIds;
    if (order !== null) ids = rowIds === null ? order : order.map((o) => rowIds[o] as number);
    if (this.source !== null) return this.stagedInPlace(this.source.staged, ids, rows, m.cols, order, rng);
    const backend = await createBackend(this.opts.backend, this.dataDtype, this.opts.threads);
    const { cols } = m;
    let X: FloatBuffer | null = null;
    try {
      const checked = backend.allocChecked(m.data, ids, cols);
      X = checked.buffer;
      const bad = checked.bad;
      if (bad >= 0) {
        const r = Math.floor(bad / cols);
        const row = ids === null ? r : (ids[r] as number);
        throw nonFiniteError("X", m.data[row * cols + (bad % cols)] as number, row, bad % cols);
      }
      return { backend, X, rows, cols, order, rng, rowIds: null, totalRows: rows, owned: true };
    } catch (e) {
      if (X !== null) backend.free(X);
      backend.dispose();
      throw e;
    }
  }

  /**
   * Under `shuffle: 'once'`, the seeded order the rows are staged in and the stream's state after
   * drawing it (drawn from the seed, or continuing the saved stream when `resume`); else nulls.
   */
  private stagingOrder(rows: number, resume: boolean): { order: Int32Array | null; rng: StagedX["rng"] } {
    if (this.opts.shuffle !== "once") return { order: null, rng: null };
    const stream = new Prng(this.opts.seed);
    const saved = resume ? (this.progress[0]?.rng ?? null) : null;
    if (saved !== null) stream.setState(saved);
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    stream.shuffle(order, rows);
    return { order, rng: stream.getState() };
  }

  /**
   * The training rows of a Dataset trained in place: `ids` (rows of the Dataset, every row in
   * order when null) as rows of its memory; nothing is copied.
   */
  private stagedInPlace(
    src: StagedRows,
    ids: Int32Array | null,
    rows: number,
    cols: number,
    order: Int32Array | null,
    rng: StagedX["rng"],
  ): StagedX {
    const base = src.rowIds;
    let rowIds: Int32Array | null = null;
    if (ids !== null) rowIds = base === null ? ids : ids.map((i) => base[i] as number);
    else if (base !== null) rowIds = base;
    // Every row of the memory in order is the layout of a copy: no index needed.
    if (rowIds === null && rows !== src.totalRows) throw new DescentError("E_STATE", "staged rows do not match");
    return { backend: src.backend, X: src.X, rows, cols, order, rng, rowIds, totalRows: src.totalRows, owned: false };
  }

  /**
   * X and y of a fit call: for a Dataset, its rows and targets (y, when given, replaces its
   * targets), trained in place when it was staged on this model's backend, dtype and threads (the
   * returned X then only carries the shape), else its rows as a matrix; other X as given.
   */
  protected fitInput<T>(X: MatrixLike | Dataset, y: ArrayLike<T> | undefined): { X: MatrixLike; y: ArrayLike<T> } {
    this.source = null;
    const auto = this.opts.dtype === "auto";
    this.dataDtype = isDataset(X) && auto ? X.options.dtype : dtypeOfData(this.opts.dtype, X);
    const staged = isDataset(X) ? X.stagedFor(this.opts.backend, this.dataDtype, this.opts.threads) : null;
    if (!isDataset(X) || staged === null) return rowsAndTargets(X, y);
    const targets = y ?? (X.targets as T[] | null);
    if (targets === null)
      throw new DescentError("E_SHAPE", "this Dataset has no targets: pass y, or make it with Dataset.from(X, y)");
    const shape: Matrix = { data: new Float64Array(0), rows: X.rows, cols: X.cols };
    this.source = { staged, ds: X, shape };
    return { X: shape, y: targets };
  }

  /** Validation rows of X (rows of a Dataset trained in place are taken from its host matrix). */
  protected validationRows(m: Matrix, rows: Int32Array): Matrix {
    if (this.source === null || m !== this.source.shape) return takeValidationRows(m, rows);
    return takeValidationRows(
      this.source.ds.subset(rows).matrix(),
      Int32Array.from(rows, (_, i) => i),
    );
  }

  /**
   * Trains every sub-problem for up to `epochs` epochs on the staged rows (freed at the end).
   * `outputs` is the number of rows of W. `fresh` starts from zero (unless warmStart with a
   * matching shape, or from `init` when given) and clears history; otherwise training continues
   * from the saved state.
   */
  protected async trainProblems(
    staged: StagedX,
    problems: SubProblem[],
    outputs: number,
    epochs: number,
    fresh: boolean,
    init: Float64Array | null = null,
  ): Promise<void> {
    try {
      await this.trainStaged(staged, problems, outputs, epochs, fresh, init);
    } finally {
      this.source = null;
      if (staged.owned) {
        staged.backend.free(staged.X);
        staged.backend.dispose();
      }
    }
  }

  /** The body of `trainProblems`, over the staged X. */
  private async trainStaged(
    staged: StagedX,
    problems: SubProblem[],
    outputs: number,
    epochs: number,
    fresh: boolean,
    init: Float64Array | null,
  ): Promise<void> {
    this.assertUsable();
    const { backend, rows: n, cols: d } = staged;
    const size = outputs * (d + 1);
    const sameShape = this.params !== null && this.params.length === size && this.nOutputs === outputs;
    const keepParams = sameShape && (!fresh || this.opts.warmStart);
    const keepState = sameShape && !fresh && this.progress.length === problems.length;
    // A warm start begins at the parameters the model predicts with (the averages, if any), as
    // scikit-learn's; a continued run at the last step's.
    const from = fresh ? this.params : (this.trainParams ?? this.params);
    const all = init !== null ? init.slice() : keepParams && from !== null ? from.slice() : new Float64Array(size);
    const { optimizer, learningRate } = optimizerOf(this.opts);
    if (!keepState) {
      this.progress = problems.map((p) => newProgress(optimizer, p.kind === "softmax" ? size : d + 1));
      this.subHistories = problems.map(() => emptyHistory());
    }
    // Every sub-problem continues the one stream the staging order was drawn from.
    if (staged.rng !== null) for (const p of this.progress) p.rng = staged.rng.slice() as StagedX["rng"];
    const batch = rowsPerStep(this.opts.batchSize, n);
    const scheduleSpec = normaliseSchedule(this.opts.schedule);
    const schedule = makeSchedule(scheduleSpec, {
      learningRate,
      alpha: this.opts.alpha,
      maxEpochs: this.opts.maxEpochs,
      stepsPerEpoch: Math.ceil(n / batch),
    });
    const outcomes: Array<{ stopReason: StopReason; divergence?: string; callbackError?: unknown }> = [];
    for (let k = 0; k < problems.length; k++) {
      const problem = problems[k] as SubProblem;
      const params = this.subParams(all, { d, outputs, k, count: problems.length, problem });
      const objective = bindObjective(staged, problem);
      const config = {
        opts: this.opts,
        optimizer,
        schedule,
        adaptive: scheduleSpec.name === "adaptive",
        penalty: this.penalty,
        validate: problem.validate,
        zeroObjective: zeroModelObjective(problem),
      };
      try {
        outcomes.push(
          await trainLoop(
            backend,
            objective.objective,
            params,
            config,
            this.progress[k] as TrainProgress,
            this.subHistories[k] as History,
            epochs,
          ),
        );
      } finally {
        objective.free();
      }
      this.storeSubParams(all, { d, outputs, k, count: problems.length, problem }, params);
      const last = outcomes[k];
      if (last?.stopReason === "diverged" || last?.callbackError !== undefined) break;
    }
    this.assertUsable();
    this.setTrained(all, problems, d, outputs);
    this.nOutputs = outputs;
    this.history = sumHistories(this.subHistories);
    this.nEpochs = Math.max(...this.progress.map((p) => p.epoch));
    const diverged = outcomes.find((o) => o.stopReason === "diverged");
    this.stopReason = diverged?.stopReason ?? longestRun(outcomes, this.progress);
    const failed = outcomes.find((o) => o.callbackError !== undefined);
    // The model keeps the parameters reached so far and stays usable; the caller gets its own error.
    if (failed !== undefined) throw failed.callbackError;
    if (diverged !== undefined) {
      // The 'optimal' schedule's rate is 1/(alpha·(t0 + t − 1)): learningRate does not enter it.
      const advice =
        scheduleSpec.name === "optimal"
          ? `Under schedule 'optimal' the rate is 1/(alpha·(t0 + t)), so try a larger alpha (now ${this.opts.alpha}), another schedule`
          : `Try a smaller learningRate (now ${learningRate})`;
      throw new DescentError(
        "E_DIVERGED",
        `${this.modelName} diverged: ${diverged.divergence ?? "the objective is not finite"}. ` +
          `The model keeps the last finite parameters. ${advice} or scale the features (StandardScaler).`,
      );
    }
  }

  /**
   * Keeps the trained parameters; under averaged SGD the model predicts with each sub-problem's
   * averages once its averaging has begun (scikit-learn's rule), and keeps `all` to continue from.
   */
  private setTrained(all: Float64Array, problems: SubProblem[], d: number, outputs: number): void {
    const start = averageStart(this.opts);
    if (start === 0) {
      this.params = all;
      this.trainParams = null;
      return;
    }
    const shown = all.slice();
    problems.forEach((problem, k) => {
      const p = this.progress[k];
      const averaged = p?.moments[1];
      if (p !== undefined && averaged !== undefined && p.step >= start)
        this.storeSubParams(shown, { d, outputs, k, count: problems.length, problem }, averaged);
    });
    this.params = shown;
    this.trainParams = all;
  }

  /** What a sharded fit (src/models/sharded-fits.ts) takes from this estimator. */
  protected shardedStart(): ShardedStart {
    this.assertUsable();
    return { modelName: this.modelName, opts: this.opts, penalty: this.penalty, warm: this.params };
  }

  /** Takes a sharded fit's trained state (single output), then throws its error, if any. */
  protected adoptSharded(o: ShardedOutcome): void {
    this.params = o.params;
    this.trainParams = null;
    this.nOutputs = 1;
    this.history = o.history;
    this.subHistories = [o.history];
    this.progress = [o.progress];
    this.nEpochs = o.nEpochs;
    this.stopReason = o.stopReason;
    if (o.error !== undefined) throw o.error;
  }

  /** Training state for the model JSON. */
  protected stateJSON(): Record<string, unknown> {
    return {
      nOutputs: this.nOutputs,
      params: Array.from(this.fitted()),
      ...(this.trainParams === null ? {} : { trainParams: Array.from(this.trainParams) }),
      history: this.history,
      subHistories: this.subHistories,
      stopReason: this.stopReason,
      nEpochs: this.nEpochs,
      progress: this.progress.map((p) => ({ ...p, moments: p.moments.map((m) => Array.from(m)) })),
    };
  }

  /** Restores what stateJSON wrote (already validated by the caller). */
  protected restoreState(s: SavedState): void {
    this.nOutputs = s.nOutputs;
    this.params = s.params;
    this.trainParams = s.trainParams;
    this.history = s.history;
    this.subHistories = s.subHistories;
    this.stopReason = s.stopReason;
    this.nEpochs = s.nEpochs;
    this.progress = s.progress;
  }
}
