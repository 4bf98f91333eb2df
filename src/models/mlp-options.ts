import { BACKEND_NAMES, type BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import { type ActivationName, MlpActivation, MlpOptimizerId } from "../kernels/mlp-net.js";
import { optimizerHyperParameters } from "../kernels/plan.js";
import { OptimizerId } from "../kernels/update.js";
import type { DType } from "../matrix.js";
import { type OptimizerSpec, type ResolvedOptimizer, resolveOptimizer } from "../optim/optimizer-spec.js";
import type { EpochInfo } from "../train/history.js";
import type { OptimizerName } from "../train/options.js";

/** Starting weights in scikit-learn's layout: coefs[l] is fanIn × fanOut, intercepts[l] fanOut. */
export interface InitialWeights {
  /** Layer l's weights, u_l rows of u_{l+1} (scikit-learn's coefs_[l]). */
  coefs: ArrayLike<ArrayLike<number>>[];
  /** Layer l's intercepts, u_{l+1} of them (scikit-learn's intercepts_[l]). */
  intercepts: ArrayLike<number>[];
}

/** Learning-rate schedules of the MLP estimators (scikit-learn's `learning_rate`). */
export type MLPSchedule =
  | "constant"
  | "invscaling"
  | "adaptive"
  | {
      /** The schedule's name. */
      name: "invscaling";
      /** The power of the step count (default 0.5). */
      powerT?: number;
    };

/** Options of MLPClassifier and MLPRegressor: scikit-learn's, in camelCase (defaults in docs/neural-networks.md). */
export interface MLPOptions {
  /** Units of each hidden layer. Default [100]. */
  hiddenLayerSizes?: number[];
  /** Hidden activation. Default 'relu'. */
  activation?: ActivationName;
  /**
   * 'sgd' (scikit-learn's: momentum, Nesterov), 'adam' (scikit-learn's form), or any of descent's
   * optimizers by name or spec (their own forms). Default 'adam'.
   */
  solver?: "sgd" | "adam" | OptimizerName | OptimizerSpec;
  /** L2 strength on the weights (never the intercepts), scaled per batch as scikit-learn's: alpha/|B|. Default 1e-4. */
  alpha?: number;
  /** Rows per step; 'auto' = min(200, n); 'full' = every row. Default 'auto'. */
  batchSize?: number | "auto" | "full";
  /** Base step size (learning_rate_init). Default 1e-3. */
  learningRate?: number;
  /** 'constant', 'invscaling' (η / (t + 1)^powerT, t the rows seen before the epoch; powerT 0.5) or 'adaptive'. */
  schedule?: MLPSchedule;
  /** The 'sgd' solver's momentum. Default 0.9. */
  momentum?: number;
  /** Nesterov's momentum for the 'sgd' solver. Default true. */
  nesterovsMomentum?: boolean;
  /** Adam's β₁, β₂ and ε. Defaults 0.9, 0.999, 1e-8. */
  beta1?: number;
  /** Adam's β₂. Default 0.999. */
  beta2?: number;
  /** Adam's ε. Default 1e-8. */
  epsilon?: number;
  /** Hold out validationFraction of the rows, stop when their score stops improving, keep the best weights. */
  earlyStopping?: boolean;
  /** Default 0.1. */
  validationFraction?: number;
  /** Improvement the loss (or validation score) must make; null: run every epoch. Default 1e-4. */
  tol?: number | null;
  /** Epochs without improvement before stopping: training stops after more than this many. Default 10. */
  nIterNoChange?: number;
  /** Default 200. */
  maxEpochs?: number;
  /** Reshuffle the rows every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the initial weights and of the shuffles. Default 0. */
  seed?: number;
  /** Restarts from seeds seed, seed+1, …; the one with the lowest final loss (best validation score) is kept. Default 1. */
  nInit?: number;
  /** The staged data's float width. Default 'float64'. */
  dtype?: DType;
  /** Where the kernels run. Default 'wasm'. */
  backend?: BackendName;
  /** Called after every epoch; return false to stop. */
  onEpoch?: (info: EpochInfo) => boolean | undefined | Promise<boolean | undefined>;
  /** fit starts from the current weights. Default false. */
  warmStart?: boolean;
  /** Weights to start from instead of the Glorot-uniform draw. */
  initialWeights?: InitialWeights;
}

/** MLPOptions with every default filled in and checked. */
export interface ResolvedMlpOptions {
  hiddenLayerSizes: number[];
  activation: ActivationName;
  solver: "sgd" | "adam" | OptimizerName | OptimizerSpec;
  alpha: number;
  batchSize: number | "auto" | "full";
  learningRate: number;
  schedule: "constant" | "invscaling" | "adaptive";
  powerT: number;
  momentum: number;
  nesterovsMomentum: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  earlyStopping: boolean;
  validationFraction: number;
  tol: number | null;
  nIterNoChange: number;
  maxEpochs: number;
  shuffle: boolean;
  seed: number;
  nInit: number;
  dtype: DType;
  backend: BackendName;
  onEpoch: MLPOptions["onEpoch"] | null;
  warmStart: boolean;
  initialWeights: InitialWeights | null;
}

const DEFAULTS: Omit<ResolvedMlpOptions, "hiddenLayerSizes"> = {
  activation: "relu",
  solver: "adam",
  alpha: 1e-4,
  batchSize: "auto",
  learningRate: 1e-3,
  schedule: "constant",
  powerT: 0.5,
  momentum: 0.9,
  nesterovsMomentum: true,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  earlyStopping: false,
  validationFraction: 0.1,
  tol: 1e-4,
  nIterNoChange: 10,
  maxEpochs: 200,
  shuffle: true,
  seed: 0,
  nInit: 1,
  dtype: "float64",
  backend: "wasm",
  onEpoch: null,
  warmStart: false,
  initialWeights: null,
};

const KEYS = ["hiddenLayerSizes", ...Object.keys(DEFAULTS).filter((k) => k !== "powerT")];

function fail(name: string, why: string): never {
  throw new DescentError("E_OPTION", `option '${name}' ${why}`);
}

function finite(name: string, v: unknown, ok: (x: number) => boolean, range: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) fail(name, `must be ${range} (got ${String(v)})`);
  return v;
}

function integer(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
    fail(name, `must be an integer >= ${min} (got ${String(v)})`);
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") fail(name, `must be true or false (got ${String(v)})`);
  return v;
}

/** Checks MLP options and fills in defaults; E_OPTION names an unknown or out-of-range option. */
export function resolveMlpOptions(options: MLPOptions | undefined): ResolvedMlpOptions {
  const out: ResolvedMlpOptions = { ...DEFAULTS, hiddenLayerSizes: [100] };
  if (options === undefined) return out;
  if (options === null || typeof options !== "object") fail("options", "must be an object");
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key))
      fail(key, "is unknown (see the MLP option table in docs/neural-networks.md; names are camelCase)");
  }
  const has = (k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined;
  if (has("hiddenLayerSizes")) {
    const h = o.hiddenLayerSizes;
    if (!Array.isArray(h) || h.some((u) => typeof u !== "number" || !Number.isSafeInteger(u) || u < 1))
      fail("hiddenLayerSizes", `must be an array of integers >= 1 (got ${JSON.stringify(h)})`);
    out.hiddenLayerSizes = [...(h as number[])];
  }
  if (has("activation")) {
    if (typeof o.activation !== "string" || !Object.hasOwn(MlpActivation, o.activation))
      fail(
        "activation",
        `must be one of ${Object.keys(MlpActivation)
          .map((a) => `'${a}'`)
          .join(", ")} (got ${JSON.stringify(o.activation)})`,
      );
    out.activation = o.activation as ActivationName;
  }
  if (has("solver")) {
    if (o.solver !== "sgd" && o.solver !== "adam") resolveOptimizer(o.solver);
    out.solver = (
      typeof o.solver === "string" ? o.solver : { ...(o.solver as object) }
    ) as ResolvedMlpOptions["solver"];
  }
  if (has("alpha")) out.alpha = finite("alpha", o.alpha, (v) => v >= 0, "a finite number >= 0");
  if (has("batchSize")) {
    const b = o.batchSize;
    out.batchSize = b === "auto" || b === "full" ? b : integer("batchSize", b, 1);
  }
  if (has("learningRate"))
    out.learningRate = finite("learningRate", o.learningRate, (v) => v > 0, "a finite number > 0");
  if (has("schedule")) {
    const sc = o.schedule;
    const name =
      typeof sc === "string" ? sc : sc !== null && typeof sc === "object" ? (sc as { name?: unknown }).name : sc;
    if (name !== "constant" && name !== "invscaling" && name !== "adaptive")
      fail("schedule", `must be 'constant', 'invscaling' or 'adaptive' (got ${JSON.stringify(sc)})`);
    out.schedule = name;
    if (typeof sc === "object" && sc !== null) {
      for (const key of Object.keys(sc))
        if (key !== "name" && key !== "powerT") fail("schedule", `has no parameter '${key}'`);
      const p = (sc as { powerT?: unknown }).powerT;
      if (p !== undefined) out.powerT = finite("schedule", p, (v) => v >= 0, "given a powerT >= 0");
    }
  }
  if (has("momentum")) out.momentum = finite("momentum", o.momentum, (v) => v >= 0 && v <= 1, "in [0, 1]");
  if (has("nesterovsMomentum")) out.nesterovsMomentum = bool("nesterovsMomentum", o.nesterovsMomentum);
  if (has("beta1")) out.beta1 = finite("beta1", o.beta1, (v) => v >= 0 && v < 1, "in [0, 1)");
  if (has("beta2")) out.beta2 = finite("beta2", o.beta2, (v) => v >= 0 && v < 1, "in [0, 1)");
  if (has("epsilon")) out.epsilon = finite("epsilon", o.epsilon, (v) => v > 0, "a finite number > 0");
  if (has("earlyStopping")) out.earlyStopping = bool("earlyStopping", o.earlyStopping);
  if (has("validationFraction"))
    out.validationFraction = finite("validationFraction", o.validationFraction, (v) => v > 0 && v < 1, "in (0, 1)");
  if (Object.hasOwn(o, "tol"))
    out.tol = o.tol === null ? null : finite("tol", o.tol, (v) => v >= 0, "a finite number >= 0 or null");
  if (has("nIterNoChange")) out.nIterNoChange = integer("nIterNoChange", o.nIterNoChange, 1);
  if (has("maxEpochs")) out.maxEpochs = integer("maxEpochs", o.maxEpochs, 1);
  if (has("shuffle")) out.shuffle = bool("shuffle", o.shuffle);
  if (has("seed")) {
    if (typeof o.seed !== "number" || !Number.isSafeInteger(o.seed))
      fail("seed", `must be an integer (got ${String(o.seed)})`);
    out.seed = o.seed;
  }
  if (has("nInit")) out.nInit = integer("nInit", o.nInit, 1);
  if (has("dtype")) {
    if (o.dtype !== "float64" && o.dtype !== "float32")
      fail("dtype", `must be 'float64' or 'float32' (got ${JSON.stringify(o.dtype)})`);
    out.dtype = o.dtype;
  }
  if (has("backend")) {
    if (typeof o.backend !== "string" || !BACKEND_NAMES.includes(o.backend as BackendName))
      fail(
        "backend",
        `must be one of ${BACKEND_NAMES.map((b) => `'${b}'`).join(", ")} (got ${JSON.stringify(o.backend)})`,
      );
    out.backend = o.backend as BackendName;
  }
  if (has("onEpoch")) {
    if (typeof o.onEpoch !== "function") fail("onEpoch", "must be a function");
    out.onEpoch = o.onEpoch as ResolvedMlpOptions["onEpoch"];
  }
  if (has("warmStart")) out.warmStart = bool("warmStart", o.warmStart);
  if (has("initialWeights")) {
    const w = o.initialWeights as InitialWeights;
    if (w === null || typeof w !== "object" || !Array.isArray(w.coefs) || !Array.isArray(w.intercepts))
      fail("initialWeights", "must be { coefs: number[][][], intercepts: number[][] } (scikit-learn's layout)");
    out.initialWeights = w;
  }
  return out;
}

/** The update rule of a solver: the plan's optimizer id and hyper-parameters, and its state slots. */
export interface MlpUpdateRule {
  /** Optimizer id in the plan (MlpOptimizerId for 'sgd' and 'adam', else OptimizerId). */
  id: number;
  h: [number, number, number];
  /** The optimizer whose state slots (and learning rate, if a spec gives one) the loop uses. */
  optimizer: ResolvedOptimizer;
}

/** The update rule of resolved options. */
export function mlpUpdateRule(o: ResolvedMlpOptions): MlpUpdateRule {
  if (o.solver === "sgd") {
    return {
      id: MlpOptimizerId.sklearnSgd,
      h: [o.momentum, o.nesterovsMomentum ? 1 : 0, 0],
      optimizer: resolveOptimizer({ name: "momentum", momentum: o.momentum }),
    };
  }
  if (o.solver === "adam") {
    return {
      id: MlpOptimizerId.sklearnAdam,
      h: [o.beta1, o.beta2, o.epsilon],
      optimizer: resolveOptimizer({ name: "adam", beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon }),
    };
  }
  const r = resolveOptimizer(o.solver);
  if (r.kind === "sgd") {
    // Plain SGD is scikit-learn's rule without momentum: w += −rate·g.
    return {
      id: MlpOptimizerId.sklearnSgd,
      h: [0, 0, 0],
      optimizer: resolveOptimizer({
        name: "momentum",
        momentum: 0,
        ...(r.learningRate === null ? {} : { learningRate: r.learningRate }),
      }),
    };
  }
  return { id: OptimizerId[r.kind], h: optimizerHyperParameters(r), optimizer: r };
}
