// The schedules as the step kernels compute them: ids, the numbers a plan holds, and the rate of a
// step. The JS twin of assembly/schedule.ts (the same operations, portable math only); the
// user-facing names and their parsing are src/optim/schedules.ts.
import { portableCos, portablePow, powInt } from "./portable.js";

/**
 * Schedule ids of the step kernels. MUST MATCH assembly/schedule.ts. 'adaptive' runs as constant:
 * its divisions by 5 are the training loop's rate scale.
 */
export const ScheduleId = {
  constant: 0,
  invscaling: 1,
  optimal: 2,
  step: 3,
  exponential: 4,
  cosine: 5,
  /**
   * scikit-learn's MLP invscaling, set once an epoch from the rows seen before it:
   * η / (b·epoch + 1)^a, b = rows per epoch (not a user-facing name: the MLP estimators' 'invscaling').
   */
  epochInvscaling: 6,
} as const;

/**
 * A schedule as numbers, the form the step kernels read from the training plan: its id, the base
 * rate eta and up to three parameters (see `scheduleRate` for what a, b and c mean per schedule).
 */
export interface ScheduleParams {
  id: number;
  eta: number;
  a: number;
  b: number;
  c: number;
}

/**
 * The rate of step t (1-based, counted across partialFit calls), which belongs to the 0-based
 * `epoch`: invscaling η / t^a; optimal 1 / (a·(b + t − 1)) with a = alpha, b = t0; step
 * η·a^⌊epoch / b⌋; exponential η·a^epoch; cosine c + (η − c)·(1 + cos(π·min(t − 1, b)/b))/2;
 * otherwise η. Portable math only, written like assembly/schedule.ts, so both backends' kernels
 * and the host compute the same bits.
 */
export function scheduleRate(
  id: number,
  eta: number,
  a: number,
  b: number,
  c: number,
  t: number,
  epoch: number,
): number {
  if (id === ScheduleId.invscaling) return eta / portablePow(t, a);
  if (id === ScheduleId.optimal) return 1 / (a * (b + t - 1));
  if (id === ScheduleId.step) return eta * powInt(a, Math.floor(epoch / b));
  if (id === ScheduleId.exponential) return eta * powInt(a, epoch);
  if (id === ScheduleId.cosine) return c + ((eta - c) * (1 + portableCos((Math.PI * Math.min(t - 1, b)) / b))) / 2;
  if (id === ScheduleId.epochInvscaling) return epoch <= c ? eta : eta / portablePow(b * epoch + 1, a);
  return eta;
}

/** `scheduleRate` of a ScheduleParams. */
export function rateAt(p: ScheduleParams, t: number, epoch: number): number {
  return scheduleRate(p.id, p.eta, p.a, p.b, p.c, t, epoch);
}
