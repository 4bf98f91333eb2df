import type { BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import { type ActivationName, MlpActivation, MlpOptimizerId } from "../kernels/mlp-net.js";
import { optimizerHyperParameters } from "../kernels/plan.js";
import { OptimizerId } from "../kernels/update.js";
import type { DTypeOption } from "../matrix.js";
import { type OptimizerSpec, type ResolvedOptimizer, resolveOptimizer } from "../optim/optimizer-spec.js";
import { checkOption, checkOptions, type OptionTable, optionError, specRule } from "../options/option-table.js";
import type { EpochInfo } from "../train/history.js";
import { type OptimizerName, RULES } from "../train/options.js";

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
   * 'sgd' (scikit-learn's: momentum, Nesterov), 'adam' (scikit-learn's form), 'lbfgs' (full-batch
   * L-BFGS as scikit-learn's, for small data), or any of descent's optimizers by name or spec
   * (their own forms). Default 'adam'.
   */
  solver?: "sgd" | "adam" | "lbfgs" | OptimizerName | OptimizerSpec;
  /** Evaluations of the objective at most under 'lbfgs' (max_fun). Default 15000. */
  maxFun?: number;
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
  /** The staged data's float width; 'auto' takes the data's (float32 for float32 X). Default 'auto'. */
  dtype?: DTypeOption;
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
  solver: "sgd" | "adam" | "lbfgs" | OptimizerName | OptimizerSpec;
  maxFun: number;
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
  dtype: DTypeOption;
  backend: BackendName;
  onEpoch: MLPOptions["onEpoch"] | null;
  warmStart: boolean;
  initialWeights: InitialWeights | null;
}

/** The MLP schedules' names (scikit-learn's learning_rate). */
const MLP_SCHEDULES = ["constant", "invscaling", "adaptive"] as const;

/** A schedule option read: its name and invscaling's power. */
function readMlpSchedule(sc: unknown): { name: ResolvedMlpOptions["schedule"]; powerT: number } {
  const name =
    typeof sc === "string" ? sc : sc !== null && typeof sc === "object" ? (sc as { name?: unknown }).name : sc;
  if (!MLP_SCHEDULES.includes(name as ResolvedMlpOptions["schedule"]))
    throw optionError("schedule", `must be 'constant', 'invscaling' or 'adaptive' (got ${JSON.stringify(sc)})`);
  let powerT = 0.5;
  if (typeof sc === "object" && sc !== null) {
    for (const key of Object.keys(sc))
      if (key !== "name" && key !== "powerT") throw optionError("schedule", `has no parameter '${key}'`);
    const p = (sc as { powerT?: unknown }).powerT;
    if (p !== undefined) powerT = checkOption("schedule", { type: "number", min: 0 }, p) as number;
  }
  return { name: name as ResolvedMlpOptions["schedule"], powerT };
}

/** The MLP estimators' options (scikit-learn's, camelCase), with their defaults. */
export const MLP_OPTION_TABLE: OptionTable = {
  hiddenLayerSizes: {
    rule: {
      type: "custom",
      accepts: "an array of integers >= 1",
      check: (h) => {
        if (!Array.isArray(h) || h.some((u) => typeof u !== "number" || !Number.isSafeInteger(u) || u < 1))
          throw new Error("not layer sizes");
        return [...(h as number[])];
      },
    },
    default: [100],
    doc: "units of each hidden layer (`hidden_layer_sizes`)",
  },
  activation: {
    rule: { type: "choice", values: Object.keys(MlpActivation) },
    default: "relu",
    doc: "hidden activation",
  },
  solver: {
    rule: specRule("'sgd', 'adam', 'lbfgs' or an optimizer name or { name, ...params }", (v) => {
      if (v === "sgd" || v === "adam" || v === "lbfgs") return;
      try {
        resolveOptimizer(v);
      } catch (err) {
        // The optimizer's own message names 'optimizer'; here the option is 'solver'.
        const why = err instanceof Error ? err.message.replace(/^option 'optimizer' /, "") : String(err);
        throw optionError("solver", why);
      }
    }),
    default: "adam",
    doc: "`'sgd'` (scikit-learn's, with momentum and Nesterov), `'adam'` (scikit-learn's form), `'lbfgs'` (full-batch L-BFGS as scikit-learn's: `maxEpochs` iterations, `maxFun` evaluations, `tol` on the largest gradient entry; batches, rates, shuffling and early stopping do not apply), or any optimizer of descent by name or spec (its own form)",
  },
  maxFun: {
    rule: RULES.count,
    default: 15000,
    doc: "evaluations of the objective at most under `'lbfgs'` (`max_fun`), checked after each iteration",
  },
  alpha: {
    rule: RULES.nonNegative,
    default: 1e-4,
    doc: "L2 on the weights, never the intercepts, scaled per batch as scikit-learn: a step's gradient is `(Σ_B ∇loss_i + alpha·W)/|B|` and its loss `(Σ_B loss_i)/|B| + alpha·‖W‖²/(2|B|)` (the linear models' `alpha` multiplies `R(w)` in the objective itself, whatever the batch)",
  },
  batchSize: {
    rule: { type: "either", rules: [{ type: "choice", values: ["auto", "full"] }, RULES.count] },
    default: "auto",
    doc: "rows per step; `'auto'` = min(200, n), `'full'` = every row",
  },
  learningRate: { rule: RULES.positive, default: 1e-3, doc: "base step size (`learning_rate_init`)" },
  schedule: {
    rule: specRule("'constant', 'invscaling', 'adaptive' or { name: 'invscaling', powerT }", readMlpSchedule),
    default: "constant",
    doc: "`'invscaling'` (`η/(t + 1)^powerT`, t the rows seen before the epoch, set once an epoch; `powerT` 0.5) or `'adaptive'` (divided by 5 after more than `nIterNoChange` epochs without improvement)",
  },
  momentum: { rule: { type: "number", min: 0, max: 1 }, default: 0.9, doc: "the `'sgd'` solver's momentum" },
  nesterovsMomentum: { rule: RULES.flag, default: true, doc: "Nesterov's momentum for the `'sgd'` solver" },
  beta1: { rule: { type: "number", min: 0, below: 1 }, default: 0.9, doc: "Adam's β₁" },
  beta2: { rule: { type: "number", min: 0, below: 1 }, default: 0.999, doc: "Adam's β₂" },
  epsilon: { rule: RULES.positive, default: 1e-8, doc: "Adam's ε" },
  earlyStopping: {
    rule: RULES.flag,
    default: false,
    doc: "hold out `validationFraction` of the rows (stratified for classifiers), score them each epoch, keep the best weights",
  },
  validationFraction: { rule: RULES.fraction, default: 0.1, doc: "see `earlyStopping`" },
  tol: {
    rule: RULES.tolerance,
    default: 1e-4,
    doc: "stop once more than `nIterNoChange` epochs have not improved the loss (or the validation score) by `tol`; `null` runs every epoch",
  },
  nIterNoChange: {
    rule: RULES.count,
    default: 10,
    doc: "epochs without improvement before stopping (training stops after more than this many)",
  },
  maxEpochs: { rule: RULES.count, default: 200, doc: "passes over the data at most (`max_iter`)" },
  shuffle: { rule: RULES.flag, default: true, doc: "reshuffle the rows every epoch" },
  seed: { rule: RULES.seed, default: 0, doc: "seed of the initial weights and of the shuffles (`random_state`)" },
  nInit: {
    rule: RULES.count,
    default: 1,
    doc: "restarts from seeds `seed`, `seed + 1`, …; keeps the one with the lowest final loss (the best validation score under early stopping): the answer to local minima",
  },
  dtype: {
    rule: RULES.dtypeOption,
    default: "auto",
    doc: "the staged data's float width; `'auto'` takes the data's (float32 for a `Float32Array` matrix, rows of `Float32Array`s or a float32 `Dataset`, else float64)",
  },
  backend: { rule: RULES.backend, default: "wasm", doc: "where the kernels run" },
  onEpoch: {
    rule: RULES.callback,
    default: null,
    shownDefault: "—",
    doc: "called after every epoch; return `false` to stop",
  },
  warmStart: { rule: RULES.flag, default: false, doc: "`fit` starts from the current weights" },
  initialWeights: {
    rule: {
      type: "nullable",
      rule: {
        type: "custom",
        accepts: "{ coefs: number[][][], intercepts: number[][] } (scikit-learn's layout)",
        check: (w) => {
          const v = w as InitialWeights;
          if (v === null || typeof v !== "object" || !Array.isArray(v.coefs) || !Array.isArray(v.intercepts))
            throw new Error("not weights");
          return v;
        },
      },
    },
    default: null,
    shownDefault: "—",
    doc: "`{ coefs, intercepts }` in scikit-learn's layout (`coefs[l]` fanIn × fanOut) to start from instead of the Glorot-uniform draw, shapes checked",
  },
};

/** Checks MLP options and fills in defaults; E_OPTION names an unknown or out-of-range option. */
export function resolveMlpOptions(options: MLPOptions | undefined): ResolvedMlpOptions {
  const all = checkOptions(
    MLP_OPTION_TABLE,
    options,
    "see the MLP option table in docs/neural-networks.md; names are camelCase",
  );
  const { name, powerT } = readMlpSchedule(all.schedule);
  return { ...(all as unknown as ResolvedMlpOptions), schedule: name, powerT };
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

/**
 * E_OPTION for fit options the MLPs do not take (sample weights: scikit-learn 1.2's MLPs have none
 * either; coefInit: use the initialWeights option), rather than ignoring them.
 */
export function checkMlpFitOptions(modelName: string, options: object | undefined): void {
  if (options === undefined) return;
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined || key === "classes") continue;
    throw new DescentError(
      "E_OPTION",
      key === "sampleWeight"
        ? `${modelName} does not take sampleWeight (nor do scikit-learn's MLPs): repeat or drop rows instead`
        : `${modelName}.fit has no option '${key}'${key === "coefInit" || key === "interceptInit" ? " (start from given weights with the initialWeights option)" : ""}`,
    );
  }
}
