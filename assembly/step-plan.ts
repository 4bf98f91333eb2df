// What the plan says about a step, and the parts of a plain SGD step besides the update itself:
// the step's rate, the runs of the gradient accumulator (see train.ts) and the extras (the
// cumulative L1 penalty, averaging). Shared by the mini-batch steps (train.ts), the per-sample
// steps (per-sample.ts), matrix factorisation and the MLP. The JS twin is src/kernels/step-plan.ts.
import {
  P_ACC_RATE,
  P_AVG_START,
  P_EPOCH,
  P_ETA,
  P_FIT_INTERCEPT,
  P_L1,
  P_L1_CUMULATIVE,
  P_L1_TOTAL,
  P_NALL,
  P_NPEN,
  P_RATE_SCALE,
  P_SCHED_A,
  P_SCHED_B,
  P_SCHED_C,
  P_SCHEDULE,
  Plan,
} from "./plan";
import { scheduleRate } from "./schedule";
import { Simd } from "./simd";
import { Average, L1Cumulative } from "./update";

/** What the plan says about a step. */
export class StepPlan {
  /** The rate of step t (1-based) under the plan's schedule and rate scale. */
  @inline
  static rate(plan: usize, t: f64): f64 {
    return (
      scheduleRate(
        Plan.int(plan, P_SCHEDULE),
        Plan.get(plan, P_ETA),
        Plan.get(plan, P_SCHED_A),
        Plan.get(plan, P_SCHED_B),
        Plan.get(plan, P_SCHED_C),
        t,
        Plan.get(plan, P_EPOCH),
      ) * Plan.get(plan, P_RATE_SCALE)
    );
  }

  /** Parameters the accumulator covers: all when intercepts are trained, else the weights. */
  @inline
  static active(plan: usize): i32 {
    return Plan.int(plan, P_FIT_INTERCEPT) != 0 ? Plan.int(plan, P_NALL) : Plan.int(plan, P_NPEN);
  }
}

/** The gradient accumulator of plain SGD, kept in runs (see the top of this file). */
export class SgdRuns {
  /** acc += k·(mark − params) over n entries. */
  @inline
  static close<T>(acc: usize, mark: usize, params: usize, n: i32, k: T): void {
    const s = Simd.shiftOf<T>();
    for (let j = 0; j < n; j++) {
      const o = (<usize>j) << s;
      store<T>(acc + o, load<T>(acc + o) + k * (load<T>(mark + o) - load<T>(params + o)));
    }
  }

  /**
   * Before an SGD step of accumulator weight k: when k differs from the open run's, closes that
   * run into acc and opens one at the current parameters.
   */
  @inline
  static before<T>(plan: usize, k: f64, params: usize, acc: usize, mark: usize): void {
    const open = Plan.get(plan, P_ACC_RATE);
    if (k == open) return;
    const n = StepPlan.active(plan);
    if (open != 0) SgdRuns.close<T>(acc, mark, params, n, <T>open);
    memory.copy(mark, params, (<usize>n) << Simd.shiftOf<T>());
    Plan.set(plan, P_ACC_RATE, k);
  }

  /** The accumulator weight |B|/(n·rate) of an SGD step (0 at rate 0, which moves nothing). */
  @inline
  static weight(count: i32, n: i32, lr: f64): f64 {
    return lr > 0 ? <f64>count / <f64>n / lr : 0;
  }
}

/** What plain SGD does after a step besides the update: the cumulative L1 penalty, averaging. */
export class SgdExtras {
  /** Whether the plan asks for either (then the step's L1 part is not the proximal step). */
  @inline
  static any(plan: usize): bool {
    return Plan.int(plan, P_L1_CUMULATIVE) != 0 || Plan.get(plan, P_AVG_START) > 0;
  }

  /** The L1 coefficient of the proximal step: 0 when the penalty is taken cumulatively. */
  @inline
  static proxL1(plan: usize): f64 {
    return Plan.int(plan, P_L1_CUMULATIVE) != 0 ? 0 : Plan.get(plan, P_L1);
  }

  /**
   * After step t at rate lr: the cumulative L1 penalty (s1 holds what each weight has received),
   * then the running mean of the parameters into s2 once averaging has begun.
   */
  @inline
  static after<T>(plan: usize, t: f64, lr: f64, params: usize, s1: usize, s2: usize): void {
    if (Plan.int(plan, P_L1_CUMULATIVE) != 0) {
      const u = Plan.get(plan, P_L1_TOTAL) + lr * Plan.get(plan, P_L1);
      Plan.set(plan, P_L1_TOTAL, u);
      L1Cumulative.apply<T>(params, s1, Plan.int(plan, P_NPEN), <T>u);
    }
    const k = Plan.get(plan, P_AVG_START);
    if (k > 0 && t >= k) Average.update<T>(s2, params, Plan.int(plan, P_NALL), <T>(t - k + 1));
  }
}
