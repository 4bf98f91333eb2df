// Per-sample SGD steps of several linear models over the same rows, each row read once for all of
// them: the candidates of a search that differ only in the plan's scalars (alpha, the rate, the
// schedule's parameters) train on a fold together. The models take turns over blocks of
// TOGETHER_BLOCK rows (each model's state in registers over its turn, the block's rows in the
// first-level cache for all of them). Each model's step is PerSample.run's, operation for
// operation, so every model ends with the bits it would have from linearSteps of its own; only the
// order in which the models' steps interleave changes, and the models share nothing. The JS twin
// (src/kernels/steps-together.ts) runs each model's per-sample steps in turn.
//
// The models are described by a table in memory, MEMBER_SLOTS float64 slots (96 bytes) each: the
// byte offsets (u32) of the model's plan, parameters, targets, row weights (0: none) and
// gradient-accumulator run (acc, mark), then room for what the single loop keeps in registers:
// two flags of the plan (intercept trained, rate changing every step), the state a step carries to
// the next (the prediction for the next row, the rate, decay and L1 step, the step count and the
// epoch's loss sum) and the loss's parameter; last, the model's row order (u32, 0: memory order).
// A model whose order differs from the first model's over the positions is left untouched, its
// entry moved behind the others', for the host to run on its own. (Fits of a search on one fold have the same order: the fold's rows, shuffled by the
// same seed.) Only plain SGD with batch 1, one loss for all, and neither the cumulative L1 penalty
// nor averaging (SgdExtras) is taken here; the host runs any other model by linearSteps of its own.
import { LossEval } from "./linear";
import {
  HingeLoss,
  HuberLoss,
  LOSS_HINGE,
  LOSS_HUBER,
  LOSS_LOG,
  LOSS_SQUARED,
  LOSS_SQUARED_HINGE,
  LogLoss,
  LossType,
  SquaredHingeLoss,
  SquaredLoss,
} from "./losses";
import { PerSample } from "./per-sample";
import {
  P_FIT_INTERCEPT,
  P_L2,
  P_LAST_RATE,
  P_LOSS,
  P_LOSS_PARAM,
  P_LOSS_SUM,
  P_ROWS,
  P_SCHEDULE,
  P_STEP,
  Plan,
} from "./plan";
import { Rows } from "./rows";
import { SCHED_COSINE, SCHED_INVSCALING, SCHED_OPTIMAL } from "./schedule";
import { Simd } from "./simd";
import { SgdExtras, SgdRuns, StepPlan } from "./step-plan";
import { Touch } from "./touch";
import { Weights } from "./weights";

/** Byte offsets in a model's entry: six u32 byte offsets, two i32 flags, then float64 state. */
const M_PLAN = 0;
const M_PARAMS = 4;
const M_Y = 8;
const M_SW = 12;
const M_ACC = 16;
const M_MARK = 20;
const M_FIT = 24;
const M_PER_STEP = 28;
const M_F = 32;
const M_RATE = 40;
const M_DECAY = 48;
const M_L1 = 56;
const M_STEP = 64;
const M_TOTAL = 72;
const M_EPS = 80;
/** The u32 word of an entry holding the model's row order (src/kernels/steps-together.ts's twin). */
export const MEMBER_IDX_WORD = 22;
const M_IDX = MEMBER_IDX_WORD << 2;
/**
 * Positions each model steps through before the next model's turn: its state stays in registers
 * over the block, and the block's rows (2 KB at d = 32 in float64) stay in the first-level cache
 * for all the models.
 */
const TOGETHER_BLOCK: i32 = 8;
/** float64 slots of a model's entry (src/kernels/steps-together.ts's MEMBER_SLOTS). */
export const MEMBER_SLOTS = 12;

/** Per-sample steps of several models over the same rows. */
export class StepsTogether {
  /** The float64 at byte k of the entry at m. */
  @inline
  static get(m: usize, k: usize): f64 {
    return load<f64>(m + k);
  }

  /** Stores v as the float64 at byte k of the entry at m. */
  @inline
  static set(m: usize, k: usize, v: f64): void {
    store<f64>(m + k, v);
  }

  /** The byte offset (a u32) at byte k of the entry at m. */
  @inline
  static ptr(m: usize, k: usize): usize {
    return <usize>load<u32>(m + k);
  }

  /** Whether the plan's rate changes from step to step (as PerSample.run's perStep). */
  @inline
  static perStep(plan: usize): bool {
    const kind = Plan.int(plan, P_SCHEDULE);
    return kind == SCHED_INVSCALING || kind == SCHED_OPTIMAL || kind == SCHED_COSINE;
  }

  /** The rate of the model's next step, with its decay and L1 step (as PerSample.run sets them). */
  @inline
  static rateOf<T>(m: usize, plan: usize, step: f64): void {
    const lr = StepPlan.rate(plan, step + 1);
    StepsTogether.set(m, M_RATE, lr);
    StepsTogether.set(m, M_DECAY, <f64>(<T>max<f64>(0, 1 - lr * Plan.get(plan, P_L2))));
    StepsTogether.set(m, M_L1, <f64>(<T>(lr * SgdExtras.proxL1(plan))));
  }

  /**
   * Moves the entries whose row order agrees with the first model's at positions start .. end to
   * the front of the table (in their order); returns how many agree.
   */
  static agreeing(table: usize, count: i32, start: i32, end: i32): i32 {
    const entry = (<usize>MEMBER_SLOTS) << 3;
    const idx = StepsTogether.ptr(table, M_IDX);
    let kept = table;
    for (let m = table; m < table + <usize>count * entry; m += entry) {
      if (!Rows.same(idx, StepsTogether.ptr(m, M_IDX), start, end)) continue;
      if (m != kept) {
        for (let o: usize = 0; o < entry; o += 8) {
          const t = load<f64>(kept + o);
          store<f64>(kept + o, load<f64>(m + o));
          store<f64>(m + o, t);
        }
      }
      kept += entry;
    }
    return <i32>((kept - table) / entry);
  }

  /**
   * Steps over positions start .. end for the first `count` models of the table, for a loss fixed
   * at compile time.
   */
  @inline
  static run<T>(loss: i32, table: usize, count: i32, x: usize, start: i32, end: i32, d: i32): void {
    const s = Simd.shiftOf<T>();
    const stride = (<usize>d) << s;
    const entry = (<usize>MEMBER_SLOTS) << 3;
    const tableEnd = table + <usize>count * entry;
    const idx = StepsTogether.ptr(table, M_IDX);
    const i = Rows.at(idx, start);
    for (let m = table; m < tableEnd; m += entry) {
      const plan = StepsTogether.ptr(m, M_PLAN);
      const params = StepsTogether.ptr(m, M_PARAMS);
      const step = Plan.get(plan, P_STEP);
      StepsTogether.rateOf<T>(m, plan, step);
      store<i32>(m + M_FIT, Plan.int(plan, P_FIT_INTERCEPT));
      store<i32>(m + M_PER_STEP, StepsTogether.perStep(plan) ? 1 : 0);
      StepsTogether.set(m, M_EPS, Plan.get(plan, P_LOSS_PARAM));
      if (!StepsTogether.perStep(plan)) {
        const k = SgdRuns.weight(1, Plan.int(plan, P_ROWS), StepsTogether.get(m, M_RATE));
        SgdRuns.before<T>(plan, k, params, StepsTogether.ptr(m, M_ACC), StepsTogether.ptr(m, M_MARK));
      }
      StepsTogether.set(m, M_STEP, step);
      StepsTogether.set(m, M_TOTAL, Plan.get(plan, P_LOSS_SUM));
      const f = Simd.dot<T>(x + i * stride, params, d) + load<T>(params + stride);
      StepsTogether.set(m, M_F, <f64>f);
    }
    const first = StepsTogether.ptr(table, M_PLAN);
    const chunk = Touch.begin(first, x, idx, start, end, stride);
    const fromMemory = Touch.fromMemory(Plan.int(first, P_ROWS), stride);
    let sink: i32 = 0;
    for (let cs = start; cs < end; ) {
      const ce = chunk > 0 ? min<i32>(end, cs + chunk) : end;
      if (ce < end) Touch.rows(x, idx, ce, min<i32>(end, ce + chunk), stride);
      const pages = fromMemory && Touch.consecutive(idx, cs, ce);
      // A block of positions at a time: each model takes its steps over the block's rows (in the
      // caches after the first model) with its state in registers.
      for (let pos = cs; pos < ce; pos += TOGETHER_BLOCK) {
        const bend = min<i32>(ce, pos + TOGETHER_BLOCK);
        if (pages) for (let p = pos; p < bend; p++) sink ^= Touch.page(x + Rows.at(idx, p) * stride);
        for (let m = table; m < tableEnd; m += entry) StepsTogether.block<T>(loss, m, x, idx, pos, bend, end, d);
      }
      cs = ce;
    }
    Touch.keep(sink);
    for (let m = table; m < tableEnd; m += entry) {
      const plan = StepsTogether.ptr(m, M_PLAN);
      // The step count moves in the loop only under a rate that changes every step.
      const steps = load<i32>(m + M_PER_STEP) != 0 ? 0 : <f64>(end - start);
      Plan.set(plan, P_STEP, StepsTogether.get(m, M_STEP) + steps);
      Plan.set(plan, P_LAST_RATE, StepsTogether.get(m, M_RATE));
      Plan.set(plan, P_LOSS_SUM, StepsTogether.get(m, M_TOTAL));
    }
  }

  /**
   * One model's steps over positions pos .. bend (of an epoch ending at `end`), its state loaded
   * once and stored back at the end: PerSample.run's loop, operation for operation.
   */
  @inline
  static block<T>(loss: i32, m: usize, x: usize, idx: usize, pos: i32, bend: i32, end: i32, d: i32): void {
    const s = Simd.shiftOf<T>();
    const stride = (<usize>d) << s;
    const params = StepsTogether.ptr(m, M_PARAMS);
    const bp = params + stride;
    const y = StepsTogether.ptr(m, M_Y);
    const sw = StepsTogether.ptr(m, M_SW);
    const eps = <T>StepsTogether.get(m, M_EPS);
    const fit = load<i32>(m + M_FIT) != 0;
    const perStep = load<i32>(m + M_PER_STEP) != 0;
    let lr = StepsTogether.get(m, M_RATE);
    let decay = <T>StepsTogether.get(m, M_DECAY);
    let l1 = <T>StepsTogether.get(m, M_L1);
    let step = StepsTogether.get(m, M_STEP);
    let f = <T>StepsTogether.get(m, M_F);
    let total = StepsTogether.get(m, M_TOTAL);
    let i = Rows.at(idx, pos);
    for (let p = pos; p < bend; p++) {
      if (perStep) {
        const plan = StepsTogether.ptr(m, M_PLAN);
        lr = StepPlan.rate(plan, step + 1);
        SgdRuns.before<T>(
          plan,
          SgdRuns.weight(1, Plan.int(plan, P_ROWS), lr),
          params,
          StepsTogether.ptr(m, M_ACC),
          StepsTogether.ptr(m, M_MARK),
        );
        decay = <T>max<f64>(0, 1 - lr * Plan.get(plan, P_L2));
        l1 = <T>(lr * SgdExtras.proxL1(plan));
        step += 1;
      }
      const yi = load<T>(y + (i << s));
      const wi: T = Weights.at<T>(sw, i);
      const dl = LossEval.slope<T>(loss, yi, f, eps);
      total += <f64>(wi * LossEval.value<T>(loss, yi, f, eps, dl));
      const a = <T>lr * (wi * dl);
      const row = x + i * stride;
      i = p + 1 < end ? Rows.at(idx, p + 1) : i;
      f = PerSample.pass<T>(row, x + i * stride, params, d, decay, a, l1);
      const b = load<T>(bp);
      const bn = fit ? b - a : b;
      store<T>(bp, bn);
      f += bn;
    }
    StepsTogether.set(m, M_F, <f64>f);
    StepsTogether.set(m, M_TOTAL, total);
    if (perStep) {
      StepsTogether.set(m, M_RATE, lr);
      StepsTogether.set(m, M_DECAY, <f64>decay);
      StepsTogether.set(m, M_L1, <f64>l1);
      StepsTogether.set(m, M_STEP, step);
    }
  }

  /**
   * Steps over positions start .. end for the models of the table sharing one loss whose row
   * orders agree with the first's at positions start .. agreeEnd (one loop per loss; the host
   * checks a whole epoch's positions on its first call of the epoch, then steps through it in
   * slices); returns how many were stepped (they are moved to the front of the table, the others
   * left as they were).
   */
  static steps<T>(table: usize, count: i32, x: usize, start: i32, end: i32, agreeEnd: i32, d: i32): i32 {
    if (count <= 0) return 0;
    const k = StepsTogether.agreeing(table, count, start, agreeEnd);
    const loss = Plan.int(StepsTogether.ptr(table, M_PLAN), P_LOSS);
    if (loss == LOSS_SQUARED) together<T, SquaredLoss>(table, k, x, start, end, d);
    else if (loss == LOSS_HINGE) together<T, HingeLoss>(table, k, x, start, end, d);
    else if (loss == LOSS_LOG) together<T, LogLoss>(table, k, x, start, end, d);
    else if (loss == LOSS_HUBER) together<T, HuberLoss>(table, k, x, start, end, d);
    else if (loss == LOSS_SQUARED_HINGE) together<T, SquaredHingeLoss>(table, k, x, start, end, d);
    else StepsTogether.run<T>(loss, table, k, x, start, end, d);
    return k;
  }
}

/**
 * StepsTogether.run for the loss L, a function of its own (see losses.ts's loss types): measured,
 * a model-row took 14 ns in cache at d = 32 so, against 20 with two variants' loops in one function.
 */
function together<T, L>(table: usize, k: i32, x: usize, start: i32, end: i32, d: i32): void {
  StepsTogether.run<T>(LossType.id<L>(), table, k, x, start, end, d);
}

/** StepsTogether.steps in float64. */
export function linearStepsTogetherF64(
  table: usize,
  count: i32,
  x: usize,
  start: i32,
  end: i32,
  agreeEnd: i32,
  d: i32,
): i32 {
  return StepsTogether.steps<f64>(table, count, x, start, end, agreeEnd, d);
}

/** StepsTogether.steps in float32. */
export function linearStepsTogetherF32(
  table: usize,
  count: i32,
  x: usize,
  start: i32,
  end: i32,
  agreeEnd: i32,
  d: i32,
): i32 {
  return StepsTogether.steps<f32>(table, count, x, start, end, agreeEnd, d);
}
