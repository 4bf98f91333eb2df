// The training plan: a small block of float64 slots in linear memory that a fit writes once
// (optimizer, penalty, schedule, shapes) and the step kernels read and advance (step count, the
// epoch's running loss sum, the rate of the last step, the open run of the SGD accumulator).
// Keeping this state in memory rather than in arguments makes a slice of an epoch resumable at
// any batch boundary with the same bits: how the host cuts an epoch into calls changes nothing.
// Slot numbers match src/kernels/plan.ts (test/kernel-constants.test.ts checks).

/** Optimizer id (update.ts). */
export const P_OPT = 0;
/** 1 when intercepts are trained, else 0. */
export const P_FIT_INTERCEPT = 1;
/** Penalised parameters (the weights), which come first. */
export const P_NPEN = 2;
/** All parameters: the weights, then the intercepts. */
export const P_NALL = 3;
/** Coefficient of the smooth penalty part (alpha, or alpha·(1 − l1Ratio)). */
export const P_L2 = 4;
/** Coefficient of the L1 part (alpha or alpha·l1Ratio); a step soft-thresholds by rate·P_L1. */
export const P_L1 = 5;
/** Optimizer hyper-parameters (see update.ts); Adam's bias corrections come from the step count. */
export const P_H1 = 6;
export const P_H2 = 7;
export const P_H3 = 8;
/** Schedule id (schedule.ts) and its parameters. */
export const P_SCHEDULE = 9;
export const P_ETA = 10;
export const P_SCHED_A = 11;
export const P_SCHED_B = 12;
export const P_SCHED_C = 13;
/** Multiplier of every rate (the 'adaptive' schedule's 1, 1/5, 1/25, …). */
export const P_RATE_SCALE = 14;
/** The current epoch, 0-based and counted across calls (the 'step' and 'exponential' schedules). */
export const P_EPOCH = 15;
/** Steps taken so far (the next step is number P_STEP + 1). */
export const P_STEP = 16;
/** Rows of an epoch. */
export const P_ROWS = 17;
/** Rows per step (the last step of an epoch may have fewer). */
export const P_BATCH = 18;
/** Loss id (losses.ts) and its parameter (Huber's epsilon). */
export const P_LOSS = 19;
export const P_LOSS_PARAM = 20;
/** Classes of the softmax loss. */
export const P_CLASSES = 21;
/** Running sum over the epoch of each batch's weighted data loss, in row order. */
export const P_LOSS_SUM = 22;
/** Rate of the last step taken. */
export const P_LAST_RATE = 23;
/**
 * Weight |B|/(n·rate) of the open run of SGD steps in the gradient accumulator (0: none open):
 * steps of one weight add weight·(params at the run's start − params now) when the run closes.
 */
export const P_ACC_RATE = 24;
/**
 * Plain SGD on batches smaller than the data takes its L1 part as the cumulative penalty of
 * Tsuruoka, Tsujii and Ananiadou (2009) when this is 1 (the proximal step otherwise): the state
 * slot s1 holds the penalty each weight has received so far.
 */
export const P_L1_CUMULATIVE = 25;
/** The L1 penalty every weight could have received so far, Σ rate·P_L1 over the steps taken. */
export const P_L1_TOTAL = 26;
/**
 * Averaged SGD from this step on (1-based; 0: off): the state slot s2 holds the mean of the
 * parameters after each step since then.
 */
export const P_AVG_START = 27;
/**
 * Matrix factorisation (mf.ts): latent factors k, users, items (the parameter block is P, users × k,
 * then Q, items × k, then the user biases, then the item biases), 1 to learn the biases, the global
 * mean rating, and each group's base rate and regularisation (a step's rate of a group is its base
 * rate times the schedule's rate over P_ETA).
 */
export const P_MF_FACTORS = 28;
export const P_MF_USERS = 29;
export const P_MF_ITEMS = 30;
export const P_MF_BIASED = 31;
export const P_MF_MU = 32;
export const P_MF_LR_BU = 33;
export const P_MF_LR_BI = 34;
export const P_MF_LR_P = 35;
export const P_MF_LR_Q = 36;
export const P_MF_REG_BU = 37;
export const P_MF_REG_BI = 38;
export const P_MF_REG_P = 39;
export const P_MF_REG_Q = 40;
/** Σ over the steps taken this epoch of rate/P_ETA (mf.ts; the host's gradient-norm estimate). */
export const P_RATE_FACTOR_SUM = 41;
/** Slots in a plan. */
export const PLAN_SLOTS = 48;

/** Reads and writes plan slots. */
export class Plan {
  @inline
  static get(plan: usize, slot: i32): f64 {
    return load<f64>(plan + ((<usize>slot) << 3));
  }

  @inline
  static int(plan: usize, slot: i32): i32 {
    return <i32>load<f64>(plan + ((<usize>slot) << 3));
  }

  @inline
  static set(plan: usize, slot: i32, value: f64): void {
    store<f64>(plan + ((<usize>slot) << 3), value);
  }
}
