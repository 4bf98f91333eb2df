import type { OptimizerKind, ResolvedOptimizer } from "../kernels/update.js";
import { checkSpec, type OptionEntry, type OptionTable } from "../options/option-table.js";

export type { ResolvedOptimizer } from "../kernels/update.js";

/** What every optimizer spec may carry. */
interface SpecBase {
  /** The step size η; when given, it replaces the estimator's `learningRate` option. */
  learningRate?: number;
}

/** Plain gradient descent: w ← w − η·g. */
export interface SgdSpec extends SpecBase {
  /** The optimizer's name. */
  name: "sgd";
}

/** Heavy-ball momentum: v ← μ·v + g; w ← w − η·v (Nesterov's look-ahead with useNesterov). */
export interface MomentumSpec extends SpecBase {
  /** The optimizer's name. */
  name: "momentum";
  /** μ, the share of the last velocity kept (default 0.9). */
  momentum?: number;
  /** Take Nesterov's look-ahead step (default false). */
  useNesterov?: boolean;
}

/** Nesterov momentum (momentum with useNesterov). */
export interface NesterovSpec extends SpecBase {
  /** The optimizer's name. */
  name: "nesterov";
  /** μ, the share of the last velocity kept (default 0.9). */
  momentum?: number;
}

/** Adagrad: each coordinate's step divided by the root of its summed squared gradients. */
export interface AdagradSpec extends SpecBase {
  /** The optimizer's name. */
  name: "adagrad";
  /** The accumulator's starting value (default 0.1). */
  initialAccumulatorValue?: number;
  /** Added under the root (default 1e-7). */
  epsilon?: number;
}

/** RMSProp: each step divided by the root of a decaying mean of squared gradients. */
export interface RmspropSpec extends SpecBase {
  /** The optimizer's name. */
  name: "rmsprop";
  /** ρ, the share of the mean kept each step (default 0.9). */
  decay?: number;
  /** Momentum on the scaled steps (default 0). */
  momentum?: number;
  /** Added under the root (default 1e-7). */
  epsilon?: number;
}

/** Adam: bias-corrected first and second moments of the gradient. */
export interface AdamSpec extends SpecBase {
  /** The optimizer's name. */
  name: "adam";
  /** β₁, the first moment's decay (default 0.9). */
  beta1?: number;
  /** β₂, the second moment's decay (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
}

/** AdamW: Adam with the L2 penalty applied as decoupled weight decay. */
export interface AdamwSpec extends SpecBase {
  /** The optimizer's name. */
  name: "adamw";
  /** β₁, the first moment's decay (default 0.9). */
  beta1?: number;
  /** β₂, the second moment's decay (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
}

/**
 * An optimizer with its hyper-parameters, named as in TensorFlow.js. `learningRate`, when given,
 * replaces the estimator's `learningRate` option.
 */
export type OptimizerSpec = SgdSpec | MomentumSpec | NesterovSpec | AdagradSpec | RmspropSpec | AdamSpec | AdamwSpec;

/** TensorFlow.js's defaults (its epsilon is 1e-7). */
export const OPTIMIZER_DEFAULTS = {
  momentum: 0.9,
  initialAccumulatorValue: 0.1,
  decay: 0.9,
  rmspropMomentum: 0,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
} as const;

const RATE: OptionEntry = {
  rule: { type: "number", above: 0 },
  default: null,
  doc: "replaces the estimator's learningRate",
};
const MOMENTUM: OptionEntry = { rule: { type: "number", min: 0, below: 1 }, default: 0.9, doc: "momentum" };
const EPSILON: OptionEntry = { rule: { type: "number", above: 0 }, default: 1e-7, doc: "ε" };
const BETAS = {
  beta1: { rule: { type: "number", min: 0, below: 1 }, default: 0.9, doc: "β₁" },
  beta2: { rule: { type: "number", min: 0, below: 1 }, default: 0.999, doc: "β₂" },
} as const;

/** Each optimizer's parameters (TensorFlow.js's names and defaults). */
const PARAMETER_TABLES: Record<OptimizerKind, OptionTable> = {
  sgd: { learningRate: RATE },
  momentum: {
    learningRate: RATE,
    momentum: MOMENTUM,
    useNesterov: { rule: { type: "boolean" }, default: false, doc: "Nesterov's variant" },
  },
  nesterov: { learningRate: RATE, momentum: MOMENTUM },
  adagrad: {
    learningRate: RATE,
    initialAccumulatorValue: { rule: { type: "number", min: 0 }, default: 0.1, doc: "the accumulator's start" },
    epsilon: EPSILON,
  },
  rmsprop: {
    learningRate: RATE,
    decay: { rule: { type: "number", min: 0, below: 1 }, default: 0.9, doc: "decay" },
    momentum: { ...MOMENTUM, default: 0 },
    epsilon: EPSILON,
  },
  adam: { learningRate: RATE, ...BETAS, epsilon: EPSILON },
  adamw: { learningRate: RATE, ...BETAS, epsilon: EPSILON },
};

/** Every optimizer name. */
export const OPTIMIZER_NAMES = Object.keys(PARAMETER_TABLES) as readonly OptimizerKind[];

/** Validates a name or spec and fills in TensorFlow.js's defaults. */
export function resolveOptimizer(spec: unknown): ResolvedOptimizer {
  const { name, params: p } = checkSpec("optimizer", PARAMETER_TABLES, spec);
  const kind: OptimizerKind = name === "momentum" && p.useNesterov === true ? "nesterov" : (name as OptimizerKind);
  const D = OPTIMIZER_DEFAULTS;
  const value = (key: string, fallback: number): number => (p[key] as number | undefined) ?? fallback;
  return {
    kind,
    learningRate: (p.learningRate as number | null | undefined) ?? null,
    momentum: value("momentum", D.momentum),
    initialAccumulatorValue: value("initialAccumulatorValue", D.initialAccumulatorValue),
    decay: value("decay", D.decay),
    beta1: value("beta1", D.beta1),
    beta2: value("beta2", D.beta2),
    epsilon: value("epsilon", D.epsilon),
    slots: kind === "sgd" ? 0 : kind === "momentum" || kind === "nesterov" || kind === "adagrad" ? 1 : 2,
  };
}

/** Plain gradient descent, `w -= learningRate·g`. */
export function sgd(learningRate?: number): OptimizerSpec {
  return learningRate === undefined ? { name: "sgd" } : { name: "sgd", learningRate };
}

/** Heavy-ball momentum (`v = momentum·v + g; w -= lr·v`), Nesterov's variant with useNesterov. */
export function momentum(learningRate: number, momentum = 0.9, useNesterov = false): OptimizerSpec {
  return { name: "momentum", learningRate, momentum, useNesterov };
}

/** Adagrad: `a += g²; w -= lr·g/√(a + ε)`, a starting at initialAccumulatorValue. */
export function adagrad(learningRate: number, initialAccumulatorValue = 0.1): OptimizerSpec {
  return { name: "adagrad", learningRate, initialAccumulatorValue };
}

/** RMSProp: `s = decay·s + (1−decay)·g²; v = momentum·v + lr·g/√(s + ε); w -= v`. */
export function rmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon = 1e-7): OptimizerSpec {
  return { name: "rmsprop", learningRate, decay, momentum, epsilon };
}

/** Adam with bias correction: `w -= lr·m̂/(√v̂ + ε)`. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): OptimizerSpec {
  return { name: "adam", learningRate, beta1, beta2, epsilon };
}

/** Adam with decoupled weight decay (the estimator's `alpha` under penalty 'l2'). */
export function adamw(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): OptimizerSpec {
  return { name: "adamw", learningRate, beta1, beta2, epsilon };
}
