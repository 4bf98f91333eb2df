// Learning-rate schedules evaluated inside the step kernels, written like src/optim/schedules.ts
// (scheduleRate) so every step's rate has the same bits in both backends.
// Schedule ids MUST MATCH src/optim/schedules.ts (ScheduleId).
import { Portable } from "./portable";

/** η (also 'adaptive', whose divisions by 5 are the plan's rate scale). */
export const SCHED_CONSTANT = 0;
/** η / t^a */
export const SCHED_INVSCALING = 1;
/** 1 / (a·(b + t − 1)): a = alpha, b = t0 */
export const SCHED_OPTIMAL = 2;
/** η·a^⌊epoch / b⌋ */
export const SCHED_STEP = 3;
/** η·a^epoch */
export const SCHED_EXPONENTIAL = 4;
/** c + (η − c)·(1 + cos(π·min(t − 1, b)/b))/2: b = decay steps, c = the floor */
export const SCHED_COSINE = 5;
/**
 * η / (b·epoch + 1)^a: scikit-learn's MLP invscaling, b = rows per epoch; η itself in the epochs
 * up to c (the epoch a fit started at: its optimizer, made anew, starts at η)
 */
export const SCHED_EPOCH_INVSCALING = 6;

/** The rate of step t (1-based) in `epoch` (0-based). */
export function scheduleRate(kind: i32, eta: f64, a: f64, b: f64, c: f64, t: f64, epoch: f64): f64 {
  if (kind == SCHED_INVSCALING) return eta / Portable.pow(t, a);
  if (kind == SCHED_OPTIMAL) return 1 / (a * (b + t - 1));
  if (kind == SCHED_STEP) return eta * Portable.powInt(a, Math.floor(epoch / b));
  if (kind == SCHED_EXPONENTIAL) return eta * Portable.powInt(a, epoch);
  if (kind == SCHED_COSINE) return c + ((eta - c) * (1 + Portable.cos((Math.PI * min<f64>(t - 1, b)) / b))) / 2;
  if (kind == SCHED_EPOCH_INVSCALING) return epoch <= c ? eta : eta / Portable.pow(b * epoch + 1, a);
  return eta;
}
