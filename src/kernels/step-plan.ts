// Mirror of assembly/step-plan.ts: what the plan says about a step (its rate, the parameters the
// gradient accumulator covers, the SGD extras). Plain numbers and the plan only, so the float32
// and float64 instances of js-kernels.ts share these functions without mixing their type feedback.
import { PlanSlot } from "./plan.js";
import { scheduleRate } from "./schedule.js";

/** Mirror of assembly/step-plan.ts StepPlan.rate: the rate of step t. */
export function rateOf(plan: Float64Array, t: number): number {
  return (
    scheduleRate(
      plan[PlanSlot.schedule],
      plan[PlanSlot.eta],
      plan[PlanSlot.schedA],
      plan[PlanSlot.schedB],
      plan[PlanSlot.schedC],
      t,
      plan[PlanSlot.epoch],
    ) * plan[PlanSlot.rateScale]
  );
}

/** Mirror of assembly/step-plan.ts StepPlan.active: the parameters the accumulator covers. */
export function activeOf(plan: Float64Array): number {
  return plan[PlanSlot.fitIntercept] !== 0 ? plan[PlanSlot.nAll] : plan[PlanSlot.nPen];
}

/** Mirror of assembly/step-plan.ts SgdRuns.weight: |B|/(n·rate), 0 at rate 0. */
export function runWeight(count: number, n: number, lr: number): number {
  return lr > 0 ? count / n / lr : 0;
}

/** Mirror of assembly/step-plan.ts SgdExtras.proxL1: the L1 coefficient of the proximal step. */
export function proxL1Of(plan: Float64Array): number {
  return plan[PlanSlot.l1Cumulative] !== 0 ? 0 : plan[PlanSlot.l1];
}

/** Mirror of assembly/step-plan.ts SgdExtras.any. */
export function hasSgdExtras(plan: Float64Array): boolean {
  return plan[PlanSlot.l1Cumulative] !== 0 || plan[PlanSlot.avgStart] > 0;
}
