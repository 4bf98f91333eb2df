import { BACKEND_NAMES, type BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import type { Penalty } from "../kernels/penalty.js";
import type { DType } from "../matrix.js";
import { type OptimizerSpec, type ResolvedOptimizer, resolveOptimizer } from "../optim/optimizer-spec.js";
import { normaliseSchedule, type ScheduleName, type ScheduleSpec } from "../optim/schedules.js";
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
  /** Element type of the data and parameters during training. Default 'float64'. */
  dtype?: DType;
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
  /** The staged data's float width. */
  dtype: DType;
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

/** The defaults of the contract (shared/API.md). */
export const SGD_DEFAULTS: Readonly<ResolvedSgdOptions> = {
  batchSize: 32,
  optimizer: "sgd",
  learningRate: 0.01,
  schedule: "constant",
  penalty: "l2",
  alpha: 1e-4,
  l1Ratio: 0.15,
  maxEpochs: 1000,
  tol: 1e-4,
  nIterNoChange: 5,
  gradTol: null,
  earlyStopping: false,
  validationFraction: 0.1,
  shuffle: true,
  seed: 0,
  backend: "wasm",
  dtype: "float64",
  threads: 1,
  onEpoch: null,
  fitIntercept: true,
  warmStart: false,
  average: false,
};

const PENALTIES: readonly Penalty[] = ["l2", "none", "l1", "elasticnet"];

function fail(name: string, why: string): never {
  throw new DescentError("E_OPTION", `option '${name}' ${why}`);
}

function positive(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
    fail(name, `must be a finite number > 0 (got ${String(v)})`);
  return v;
}

function nonNegative(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    fail(name, `must be a finite number >= 0 (got ${String(v)})`);
  return v;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1)
    fail(name, `must be an integer >= 1 (got ${String(v)})`);
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    fail(name, `must be one of ${allowed.map((a) => `'${a}'`).join(", ")} (got ${JSON.stringify(v)})`);
  }
  return v as T;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") fail(name, `must be true or false (got ${String(v)})`);
  return v;
}

function nullable(name: string, v: unknown): number | null {
  return v === null ? null : nonNegative(name, v);
}

/**
 * Checks user options against the contract and fills in defaults. Unknown keys and out-of-range
 * values throw E_OPTION naming the option. `extraKeys` are the estimator's own options, which the
 * caller validates.
 */
export function resolveSgdOptions(options: object | undefined, extraKeys: readonly string[] = []): ResolvedSgdOptions {
  const out: ResolvedSgdOptions = { ...SGD_DEFAULTS };
  if (options === undefined) return out;
  if (options === null || typeof options !== "object") fail("options", "must be an object");
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(key in SGD_DEFAULTS) && !extraKeys.includes(key)) {
      fail(key, "is unknown (see the option table in docs/options.md; names are camelCase)");
    }
  }
  const has = (k: keyof ResolvedSgdOptions): boolean => Object.hasOwn(o, k) && o[k] !== undefined;
  if (has("batchSize")) out.batchSize = o.batchSize === "full" ? "full" : positiveInt("batchSize", o.batchSize);
  if (has("optimizer")) {
    resolveOptimizer(o.optimizer);
    out.optimizer = (typeof o.optimizer === "string" ? o.optimizer : { ...(o.optimizer as object) }) as OptimizerSpec;
  }
  if (has("learningRate")) out.learningRate = positive("learningRate", o.learningRate);
  if (has("schedule")) {
    const { name, params } = normaliseSchedule(o.schedule);
    out.schedule = (Object.keys(params).length === 0 ? name : { name, ...params }) as ScheduleSpec;
  }
  if (has("penalty")) out.penalty = oneOf("penalty", o.penalty, PENALTIES);
  if (has("alpha")) out.alpha = nonNegative("alpha", o.alpha);
  if (has("l1Ratio")) {
    out.l1Ratio = nonNegative("l1Ratio", o.l1Ratio);
    if (out.l1Ratio > 1) fail("l1Ratio", `must be in [0, 1] (got ${out.l1Ratio})`);
  }
  if (has("maxEpochs")) out.maxEpochs = positiveInt("maxEpochs", o.maxEpochs);
  if (Object.hasOwn(o, "tol")) out.tol = nullable("tol", o.tol);
  if (has("nIterNoChange")) out.nIterNoChange = positiveInt("nIterNoChange", o.nIterNoChange);
  if (Object.hasOwn(o, "gradTol")) out.gradTol = nullable("gradTol", o.gradTol);
  if (has("earlyStopping")) out.earlyStopping = bool("earlyStopping", o.earlyStopping);
  if (has("validationFraction")) {
    const v = positive("validationFraction", o.validationFraction);
    if (v >= 1) fail("validationFraction", `must be in (0, 1) (got ${v})`);
    out.validationFraction = v;
  }
  if (has("shuffle")) {
    if (o.shuffle !== true && o.shuffle !== false && o.shuffle !== "once") {
      fail("shuffle", `must be true, false or 'once' (got ${JSON.stringify(o.shuffle)})`);
    }
    out.shuffle = o.shuffle;
  }
  if (has("seed")) {
    if (typeof o.seed !== "number" || !Number.isSafeInteger(o.seed))
      fail("seed", `must be an integer (got ${String(o.seed)})`);
    out.seed = o.seed;
  }
  if (has("backend")) out.backend = oneOf("backend", o.backend, BACKEND_NAMES);
  if (has("dtype")) out.dtype = oneOf("dtype", o.dtype, ["float64", "float32"] as const);
  if (has("threads")) {
    out.threads = positiveInt("threads", o.threads);
    if (out.threads > 64) fail("threads", `must be at most 64 (got ${out.threads})`);
  }
  if (has("onEpoch")) {
    if (typeof o.onEpoch !== "function") fail("onEpoch", "must be a function");
    out.onEpoch = o.onEpoch as ResolvedSgdOptions["onEpoch"];
  }
  if (has("fitIntercept")) out.fitIntercept = bool("fitIntercept", o.fitIntercept);
  if (has("warmStart")) out.warmStart = bool("warmStart", o.warmStart);
  if (has("average")) {
    const a = o.average;
    if (typeof a !== "boolean" && (typeof a !== "number" || !Number.isSafeInteger(a) || a < 0)) {
      fail("average", `must be true, false or an integer >= 0 (got ${JSON.stringify(a)})`);
    }
    out.average = a;
  }
  if (averageStart(out) > 0 && resolveOptimizer(out.optimizer).kind !== "sgd") {
    fail("average", "needs optimizer 'sgd' (averaging is part of plain SGD, as in scikit-learn)");
  }
  if (out.threads > 1 && (out.backend === "js" || out.backend === "wasm-scalar")) {
    fail("threads", `needs backend 'wasm' or 'wasm-simd' (got '${out.backend}')`);
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
