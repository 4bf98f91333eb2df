import { BACKEND_NAMES, type BackendName } from "../backend/create-backend.js";
import type { Penalty } from "../kernels/penalty.js";
import type { DTypeOption } from "../matrix.js";
import { type OptimizerSpec, type ResolvedOptimizer, resolveOptimizer } from "../optim/optimizer-spec.js";
import { normaliseSchedule, type ScheduleName, type ScheduleSpec } from "../optim/schedules.js";
import { checkOptions, type OptionRule, type OptionTable, optionError, specRule } from "../options/option-table.js";
import type { EpochInfo } from "./history.js";

/** How the rows are ordered for training (see SgdOptions.shuffle). */
export type ShuffleMode = boolean | "once";

/** Regularisation term R(w) (the intercept is never penalised). */
export type { Penalty } from "../kernels/penalty.js";
/** Optimizer names. */
export type OptimizerName = "sgd" | "momentum" | "nesterov" | "adagrad" | "rmsprop" | "adam" | "adamw";
/** Learning-rate schedule names (defined with the schedules). */
export type { ScheduleName };

/** Options every gradient-descent estimator takes (defaults in docs/options.md). */
export interface SgdOptions {
  /** Rows per step: 1 = stochastic, k = mini-batch, 'full' = batch gradient descent. Default 32. */
  batchSize?: number | "full";
  /** Update rule: a name or `{ name, ...params }` (TensorFlow.js names). Default 'sgd'. */
  optimizer?: OptimizerName | OptimizerSpec;
  /** Base step size eta (>0). Default 0.01. */
  learningRate?: number;
  /** How the step size changes: a name or `{ name, ...params }`. Default 'constant'. */
  schedule?: ScheduleSpec;
  /** Regulariser R(w). Default 'l2'. */
  penalty?: Penalty;
  /** Regularisation strength alpha (>= 0). Default 1e-4. */
  alpha?: number;
  /** Share of L1 in 'elasticnet', in [0, 1]. Default 0.15. */
  l1Ratio?: number;
  /** Upper bound on passes over the data. Default 1000. */
  maxEpochs?: number;
  /** Stop when the epoch objective has not improved by tol for nIterNoChange epochs; null disables. Default 1e-4. */
  tol?: number | null;
  /** Epochs without improvement before stopping. Default 5. */
  nIterNoChange?: number;
  /** Stop when the gradient norm falls below this; null disables. Default null. */
  gradTol?: number | null;
  /** Hold out validationFraction of the rows and stop when their score stops improving. Default false. */
  earlyStopping?: boolean;
  /** Share of rows held out for earlyStopping, in (0, 1). Default 0.1. */
  validationFraction?: number;
  /**
   * Row order (default true): true reshuffles the rows every epoch; 'once' copies them into training memory in
   * one seeded random order and reads them in that order every epoch; false keeps the given order.
   */
  shuffle?: ShuffleMode;
  /** Seed of the shuffling stream (any safe integer). Default 0. */
  seed?: number;
  /** Kernel implementation. Default 'wasm'. */
  backend?: BackendName;
  /**
   * Element type of the data and parameters during training; 'auto' takes the data's (float32 for
   * a Float32Array matrix or a float32 Dataset, else float64). Default 'auto'.
   */
  dtype?: DTypeOption;
  /** Worker threads for the gradient. Default 1. */
  threads?: number;
  /** Called after every epoch; return false to stop. */
  onEpoch?: (info: EpochInfo) => boolean | undefined | Promise<boolean | undefined>;
  /** Learn the intercept b. Default true. */
  fitIntercept?: boolean;
  /** Start from the current coefficients on the next fit. Default false. */
  warmStart?: boolean;
  /**
   * Averaged SGD (optimizer 'sgd' only): true averages the parameters after every step, an integer
   * k from step k on (steps are rows when batchSize is 1, as scikit-learn's samples); coef and
   * intercept are then the averages. false or 0: off. Default false.
   */
  average?: boolean | number;
}

/** SgdOptions with every default filled in. */
export interface ResolvedSgdOptions {
  /** Rows per step, or 'full' (every step a full-batch gradient). */
  batchSize: number | "full";
  /** The optimizer: a name or a spec with its hyper-parameters. */
  optimizer: OptimizerName | OptimizerSpec;
  /** The base step size η. */
  learningRate: number;
  /** How the step size changes over the steps. */
  schedule: ScheduleSpec;
  /** The regulariser. */
  penalty: Penalty;
  /** The penalty's strength. */
  alpha: number;
  /** Elastic net's L1 share (0: L2, 1: L1). */
  l1Ratio: number;
  /** Epochs at most. */
  maxEpochs: number;
  /** The improvement of J an epoch must make to count; null: no tol stop. */
  tol: number | null;
  /** Epochs without such an improvement before stopping. */
  nIterNoChange: number;
  /** Stop once the gradient norm falls below it; null: never. */
  gradTol: number | null;
  /** Hold out validationFraction of the rows and stop when their score stops improving. */
  earlyStopping: boolean;
  /** The held-out share under earlyStopping. */
  validationFraction: number;
  /** The row order: reshuffled every epoch (true), once ('once'), or as given (false). */
  shuffle: ShuffleMode;
  /** Seed of the shuffles and the validation split. */
  seed: number;
  /** Where the kernels run. */
  backend: BackendName;
  /** The staged data's float width ('auto': the data's). */
  dtype: DTypeOption;
  /** Worker threads for large gradient calls. */
  threads: number;
  /** Called after every epoch; false stops the fit; null: none. */
  onEpoch: ((info: EpochInfo) => boolean | undefined | Promise<boolean | undefined>) | null;
  /** Train an intercept b. */
  fitIntercept: boolean;
  /** fit starts from the current parameters. */
  warmStart: boolean;
  /** Averaged SGD: true, or the step to start averaging from; false: none. */
  average: boolean | number;
}

/** A rule of the option tables (src/options/option-table.ts), shared by the estimators' tables. */
export const RULES = {
  positive: { type: "number", above: 0 },
  nonNegative: { type: "number", min: 0 },
  fraction: { type: "number", above: 0, below: 1 },
  count: { type: "integer", min: 1 },
  flag: { type: "boolean" },
  seed: { type: "integer" },
  tolerance: { type: "nullable", rule: { type: "number", min: 0 } },
  callback: { type: "nullable", rule: { type: "function" } },
  backend: { type: "choice", values: BACKEND_NAMES },
  dtype: { type: "choice", values: ["float64", "float32"] },
  dtypeOption: { type: "choice", values: ["auto", "float64", "float32"] },
  threads: { type: "integer", min: 1, max: 64 },
} as const satisfies Record<string, OptionRule>;

const PENALTIES: readonly Penalty[] = ["l2", "none", "l1", "elasticnet"];

/** The options every gradient-descent estimator takes (shared/API.md), with their defaults. */
export const SGD_OPTION_TABLE: OptionTable = {
  batchSize: {
    rule: { type: "either", rules: [{ type: "choice", values: ["full"] }, RULES.count] },
    default: 32,
    doc: "rows per step; `1` = stochastic, `'full'` = batch GD; larger than n acts as `'full'`",
  },
  learningRate: { rule: RULES.positive, default: 0.01, doc: "step size η" },
  optimizer: {
    rule: specRule("an optimizer name or { name, ...params }", resolveOptimizer),
    default: "sgd",
    doc: "a name or `{ name, ...params }`, see below",
  },
  schedule: {
    rule: specRule("a schedule name or { name, ...params }", normaliseSchedule),
    default: "constant",
    doc: "a name or `{ name, ...params }`, see below",
  },
  penalty: { rule: { type: "choice", values: PENALTIES }, default: "l2", doc: "the regulariser R(w)" },
  alpha: {
    rule: RULES.nonNegative,
    default: 1e-4,
    doc: "regularisation strength; with `'adamw'` the decoupled weight decay",
  },
  l1Ratio: { rule: { type: "number", min: 0, max: 1 }, default: 0.15, doc: "share of L1 in `'elasticnet'`" },
  maxEpochs: { rule: RULES.count, default: 1000, doc: "passes over the data at most" },
  tol: {
    rule: RULES.tolerance,
    default: 1e-4,
    doc: "stop when the epoch objective has not improved by `tol` on the best so far for `nIterNoChange` epochs; `null` disables",
  },
  nIterNoChange: { rule: RULES.count, default: 5, doc: "see `tol`" },
  gradTol: { rule: RULES.tolerance, default: null, doc: "stop when `gradNorm` falls below it" },
  earlyStopping: {
    rule: RULES.flag,
    default: false,
    doc: "hold out `validationFraction` of the rows (stratified by class for classifiers), stop when the validation score has not improved by `tol` for `nIterNoChange` epochs, and keep the best weights",
  },
  validationFraction: { rule: RULES.fraction, default: 0.1, doc: "see `earlyStopping`" },
  shuffle: {
    rule: { type: "choice", values: [true, false, "once"] },
    default: true,
    doc: "row order: `true` reshuffles every epoch, `'once'` shuffles once when the rows are staged and reads them in that order, `false` keeps the given order (see Objective conventions)",
  },
  seed: { rule: RULES.seed, default: 0, doc: "seed of the shuffle stream and the validation split" },
  backend: {
    rule: RULES.backend,
    default: "wasm",
    doc: "`'wasm'` (SIMD build, scalar build if the engine lacks SIMD), `'wasm-simd'`, `'wasm-scalar'`, `'js'`",
  },
  dtype: {
    rule: RULES.dtypeOption,
    default: "auto",
    doc: "`'float32'` halves memory traffic; parameters are returned as float64. `'auto'`: the data's own (float32 for a `Float32Array` matrix, rows of `Float32Array`s or a float32 `Dataset`, else float64)",
  },
  threads: {
    rule: RULES.threads,
    default: 1,
    doc: "worker threads for large gradient calls (Node, or a cross-origin isolated page; see [performance.md](performance.md))",
  },
  onEpoch: {
    rule: RULES.callback,
    default: null,
    shownDefault: "—",
    doc: "called after each epoch with `{ epoch, loss, gradNorm, learningRate, ms, valScore? }`; return `false` to stop (may be async)",
  },
  fitIntercept: { rule: RULES.flag, default: true, doc: "learn b" },
  warmStart: { rule: RULES.flag, default: false, doc: "`fit` starts from the current weights" },
  average: {
    rule: { type: "either", rules: [RULES.flag, { type: "integer", min: 0 }] },
    default: false,
    doc: "averaged SGD (optimizer `'sgd'`): `true` from the first step, `k` from step k; `coef`/`intercept` are then the averages",
  },
};

/** The defaults of the contract (shared/API.md). */
export const SGD_DEFAULTS: Readonly<ResolvedSgdOptions> = checkOptions(
  SGD_OPTION_TABLE,
  {},
  "",
) as unknown as ResolvedSgdOptions;

/**
 * Checks user options against the contract and fills in defaults. Unknown keys and out-of-range
 * values throw E_OPTION naming the option. `extraKeys` are the estimator's own options, which the
 * caller validates.
 */
export function resolveSgdOptions(options: object | undefined, extraKeys: readonly string[] = []): ResolvedSgdOptions {
  const all = checkOptions(
    SGD_OPTION_TABLE,
    options,
    "see the option table in docs/options.md; names are camelCase",
    extraKeys,
  );
  const out = all as unknown as ResolvedSgdOptions;
  if (averageStart(out) > 0 && resolveOptimizer(out.optimizer).kind !== "sgd") {
    throw optionError("average", "needs optimizer 'sgd' (averaging is part of plain SGD, as in scikit-learn)");
  }
  if (out.threads > 1 && (out.backend === "js" || out.backend === "wasm-scalar")) {
    throw optionError("threads", `needs backend 'wasm' or 'wasm-simd' (got '${out.backend}')`);
  }
  return out;
}

/** The step averaging starts at (1-based), or 0 when averaging is off. */
export function averageStart(o: Pick<ResolvedSgdOptions, "average">): number {
  return o.average === true ? 1 : o.average === false ? 0 : o.average;
}

/** Options of a resolved set that survive JSON (everything but the callback). */
export function serializableOptions(o: ResolvedSgdOptions): Omit<ResolvedSgdOptions, "onEpoch"> {
  const { onEpoch: _drop, ...rest } = o;
  return rest;
}

/** The optimizer of a resolved option set, with the base learning rate it runs at. */
export function optimizerOf(o: ResolvedSgdOptions): { optimizer: ResolvedOptimizer; learningRate: number } {
  const optimizer = resolveOptimizer(o.optimizer);
  return { optimizer, learningRate: optimizer.learningRate ?? o.learningRate };
}

/**
 * Rows per step for a batchSize option over `rows` rows: 'full' is every row, 'auto' (the MLPs')
 * min(200, rows), a number at most every row.
 */
export function rowsPerStep(batchSize: number | "full" | "auto", rows: number): number {
  if (batchSize === "full") return rows;
  if (batchSize === "auto") return Math.min(200, rows);
  return Math.min(batchSize, rows);
}
