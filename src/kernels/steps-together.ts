// Mirror of assembly/steps-together.ts: per-sample SGD steps of several linear models over the same
// rows. The WASM kernel interleaves the models' steps row by row so that each row is read once for
// all of them; each model's steps depend on its own state alone, so running each model's steps in
// turn (what this twin does) gives every model the same bits.
import type { StepArrays } from "./js-kernels.js";
import { PlanSlot } from "./plan.js";
import { hasSgdExtras } from "./step-plan.js";
import { OptimizerId } from "./update.js";

/** float64 slots of a model's entry in the WASM kernel's table (assembly/steps-together.ts). */
export const MEMBER_SLOTS = 12;
/** The u32 word of an entry holding the model's row order (the six before it: see the kernel's table). */
export const MEMBER_IDX_WORD = 22;

/**
 * Whether the kernel takes a model with this plan: plain SGD with batch 1 and neither the
 * cumulative L1 penalty nor averaging. Other models run by linearSteps of their own.
 */
export function stepsTogetherTakes(plan: Float64Array): boolean {
  return plan[PlanSlot.opt] === OptimizerId.sgd && plan[PlanSlot.batch] === 1 && !hasSgdExtras(plan);
}

/** One model's part of the steps: its plan, targets, row weights (null: none), row order and state arrays. */
export interface RunArrays<A> {
  plan: Float64Array;
  y: A;
  sw: A | null;
  idx: Int32Array | null;
  arrays: StepArrays;
}

/**
 * Mirror of assembly/steps-together.ts StepsTogether.steps: each model's linearSteps (through its own row order; (`linearSteps`,
 * js-kernels.ts's linearStepsJs of the dtype) over positions start .. end, in turn.
 */
export function linearStepsTogetherJs<A>(
  runs: ReadonlyArray<RunArrays<A>>,
  X: A,
  start: number,
  end: number,
  d: number,
  linearSteps: (
    plan: Float64Array,
    X: A,
    y: A,
    sw: A | null,
    idx: Int32Array | null,
    start: number,
    end: number,
    d: number,
    a: StepArrays,
  ) => void,
): void {
  for (const r of runs) linearSteps(r.plan, X, r.y, r.sw, r.idx, start, end, d, r.arrays);
}
