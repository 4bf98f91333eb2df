import { type LinearLoss, LossId } from "./losses.js";
import { l1Coefficient, l2Coefficient, type PenaltyConfig } from "./penalty.js";
import type { ScheduleParams } from "./schedule.js";
import { OptimizerId, type ResolvedOptimizer } from "./update.js";

/**
 * Slots of a training plan, a Float64Array the step kernels read and advance (see
 * assembly/plan.ts for each slot's meaning). MUST MATCH assembly/plan.ts.
 */
export const PlanSlot = {
  opt: 0,
  fitIntercept: 1,
  nPen: 2,
  nAll: 3,
  l2: 4,
  l1: 5,
  h1: 6,
  h2: 7,
  h3: 8,
  schedule: 9,
  eta: 10,
  schedA: 11,
  schedB: 12,
  schedC: 13,
  rateScale: 14,
  epoch: 15,
  step: 16,
  rows: 17,
  batch: 18,
  loss: 19,
  lossParam: 20,
  classes: 21,
  lossSum: 22,
  lastRate: 23,
  accRate: 24,
  l1Cumulative: 25,
  l1Total: 26,
  avgStart: 27,
  mfFactors: 28,
  mfUsers: 29,
  mfItems: 30,
  mfBiased: 31,
  mfMu: 32,
  mfLrBu: 33,
  mfLrBi: 34,
  mfLrP: 35,
  mfLrQ: 36,
  mfRegBu: 37,
  mfRegBi: 38,
  mfRegP: 39,
  mfRegQ: 40,
  rateFactorSum: 41,
} as const;

/** Float64 slots a plan buffer holds. */
export const PLAN_SLOTS = 48;

/** What a plan is written from: the problem's shape, the optimizer, penalty and schedule. */
export interface PlanSpec {
  optimizer: ResolvedOptimizer;
  penalty: PenaltyConfig;
  schedule: ScheduleParams;
  /** Penalised parameters (the weights), which come first. */
  nPen: number;
  /** All parameters: weights, then intercepts. */
  nAll: number;
  fitIntercept: boolean;
  /** Rows of an epoch. */
  rows: number;
  /** Rows per step. */
  batch: number;
  /** The single-output loss (the softmax problem's is unused). */
  loss: LinearLoss;
  /** The loss's epsilon (Huber, epsilon-insensitive). */
  lossParam: number;
  /** Classes of the softmax problem (1 otherwise). */
  classes: number;
  /** Averaged SGD from this step on (1-based), or 0 for none. */
  averageStart: number;
  /**
   * An update rule of the kernel's own in place of the optimizer's (the MLP estimators' scikit-learn
   * forms, MlpOptimizerId): its id and three hyper-parameters for the h1–h3 slots.
   */
  rule?: { id: number; h: readonly [number, number, number] };
  /** Matrix factorisation's shapes, mean rating, rates and regularisation (assembly/mf.ts). */
  mf?: MfPlan;
}

/** The matrix-factorisation slots of a plan (see assembly/plan.ts P_MF_*). */
export interface MfPlan {
  /** Latent factors k. */
  factors: number;
  /** Users: rows of P and entries of b_u. */
  users: number;
  /** Items: rows of Q and entries of b_i. */
  items: number;
  /** Whether the biases are learned. */
  biased: boolean;
  /** The global mean rating. */
  mu: number;
  /** Base rates of the user biases, item biases, user factors and item factors. */
  lr: readonly [number, number, number, number];
  /** Regularisation of the same four groups. */
  reg: readonly [number, number, number, number];
}

/**
 * Whether plain SGD takes the L1 part as the cumulative penalty (batches smaller than the data;
 * the state slot s1 then holds what each weight has received) rather than the proximal step.
 */
export function l1IsCumulative(spec: Pick<PlanSpec, "optimizer" | "penalty" | "rows" | "batch">): boolean {
  return spec.optimizer.kind === "sgd" && spec.batch < spec.rows && l1Coefficient(spec.penalty) > 0;
}

/**
 * The plan's h1..h3 slots of an optimizer (see assembly/update.ts optimizerStepImpl): momentum;
 * adagrad's epsilon; rmsprop's decay, momentum, epsilon; adam's and adamw's beta1, beta2, epsilon.
 */
export function optimizerHyperParameters(o: ResolvedOptimizer): [number, number, number] {
  if (o.kind === "momentum" || o.kind === "nesterov") return [o.momentum, 0, 0];
  if (o.kind === "adagrad") return [o.epsilon, 0, 0];
  if (o.kind === "rmsprop") return [o.decay, o.momentum, o.epsilon];
  if (o.kind === "adam" || o.kind === "adamw") return [o.beta1, o.beta2, o.epsilon];
  return [0, 0, 0];
}

/**
 * Writes a plan for a run that has taken `step` steps so far: every slot from the spec, the rate
 * scale, and the epoch's running state cleared.
 */
export function writePlan(plan: Float64Array, spec: PlanSpec, step: number, epoch: number, rateScale: number): void {
  plan.fill(0);
  const o = spec.optimizer;
  plan[PlanSlot.opt] = spec.rule?.id ?? OptimizerId[o.kind];
  plan[PlanSlot.fitIntercept] = spec.fitIntercept ? 1 : 0;
  plan[PlanSlot.nPen] = spec.nPen;
  plan[PlanSlot.nAll] = spec.nAll;
  plan[PlanSlot.l2] = l2Coefficient(spec.penalty);
  plan[PlanSlot.l1] = l1Coefficient(spec.penalty);
  const [h1, h2, h3] = spec.rule?.h ?? optimizerHyperParameters(o);
  plan[PlanSlot.h1] = h1;
  plan[PlanSlot.h2] = h2;
  plan[PlanSlot.h3] = h3;
  plan[PlanSlot.schedule] = spec.schedule.id;
  plan[PlanSlot.eta] = spec.schedule.eta;
  plan[PlanSlot.schedA] = spec.schedule.a;
  plan[PlanSlot.schedB] = spec.schedule.b;
  plan[PlanSlot.schedC] = spec.schedule.c;
  plan[PlanSlot.rateScale] = rateScale;
  plan[PlanSlot.epoch] = epoch;
  plan[PlanSlot.step] = step;
  plan[PlanSlot.rows] = spec.rows;
  plan[PlanSlot.batch] = spec.batch;
  plan[PlanSlot.loss] = LossId[spec.loss];
  plan[PlanSlot.lossParam] = spec.lossParam;
  plan[PlanSlot.classes] = spec.classes;
  plan[PlanSlot.l1Cumulative] = l1IsCumulative(spec) ? 1 : 0;
  plan[PlanSlot.avgStart] = spec.optimizer.kind === "sgd" ? spec.averageStart : 0;
  const mf = spec.mf;
  if (mf !== undefined) {
    plan[PlanSlot.mfFactors] = mf.factors;
    plan[PlanSlot.mfUsers] = mf.users;
    plan[PlanSlot.mfItems] = mf.items;
    plan[PlanSlot.mfBiased] = mf.biased ? 1 : 0;
    plan[PlanSlot.mfMu] = mf.mu;
    [plan[PlanSlot.mfLrBu], plan[PlanSlot.mfLrBi], plan[PlanSlot.mfLrP], plan[PlanSlot.mfLrQ]] = mf.lr;
    [plan[PlanSlot.mfRegBu], plan[PlanSlot.mfRegBi], plan[PlanSlot.mfRegP], plan[PlanSlot.mfRegQ]] = mf.reg;
  }
}

/** Starts an epoch: its number and rate scale set, its loss sum and rate factor sum cleared. */
export function beginEpoch(plan: Float64Array, epoch: number, rateScale: number): void {
  plan[PlanSlot.epoch] = epoch;
  plan[PlanSlot.rateScale] = rateScale;
  plan[PlanSlot.lossSum] = 0;
  plan[PlanSlot.rateFactorSum] = 0;
}
