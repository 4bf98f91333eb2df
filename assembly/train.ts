// Whole stretches of training in one call: the batches of a slice of an epoch, each with its
// gradient, the schedule's rate for that step, the optimizer update (L1 step included) and the
// sums the epoch's history needs, so the host calls once per slice instead of once per step.
// The plan (plan.ts) carries the hyper-parameters and the running state; the JS backend runs the
// same algorithm (src/backend/js-kernels.ts, linearStepsJs and friends), giving the same bits.
//
// Gradient accumulator `acc` (for history.gradNorm): Σ over the epoch's steps of (|B|/n)·g. The
// optimizers other than plain SGD add that in their update. Plain SGD takes its gradient from the
// steps themselves, g = (w_before − w_after)/rate (the proximal gradient under L1, exactly the
// batch gradient plus the L2 term otherwise, up to rounding): a run of steps with one weight
// k = |B|/(n·rate) adds k·(mark − w), mark being the parameters where the run began. Under a
// constant rate a whole epoch is one run (two when its last batch is smaller), so the per-step
// update touches no accumulator; a rate that changes every step closes a run every step.
import { LossEval, linearGradDispatch } from "./linear";
import {
  P_ACC_RATE,
  P_BATCH,
  P_CLASSES,
  P_EPOCH,
  P_ETA,
  P_FIT_INTERCEPT,
  P_H1,
  P_H2,
  P_H3,
  P_L1,
  P_L2,
  P_LAST_RATE,
  P_LOSS,
  P_LOSS_PARAM,
  P_LOSS_SUM,
  P_NALL,
  P_NPEN,
  P_OPT,
  P_RATE_SCALE,
  P_ROWS,
  P_SCHED_A,
  P_SCHED_B,
  P_SCHED_C,
  P_SCHEDULE,
  P_STEP,
  Plan,
} from "./plan";
import { Portable } from "./portable";
import { Rows } from "./rows";
import { scheduleRate } from "./schedule";
import { Simd } from "./simd";
import { softmaxGradImpl } from "./softmax";
import { OPT_ADAM, OPT_ADAMW, OPT_SGD, optimizerStepImpl, Prox, sgdStepImpl } from "./update";

/** Shuffled rows are touched (read early, all their cache lines) a chunk of this many bytes ahead. */
const TOUCH_CHUNK_BYTES: i32 = 8192;
/** Data up to this size is taken to sit in the caches, so its rows are not touched ahead. */
const TOUCH_MIN_DATA_BYTES: u64 = 4 << 20;

/** Where touched bytes go, so the early reads are kept. */
let touchedSink: i32 = 0;

/** What the plan says about a step. */
class StepPlan {
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
class SgdRuns {
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

/** Optimizer steps. */
class Update {
  /**
   * One optimizer step at rate lr (step number t) over the unscaled gradient of `count` rows in
   * grad, on nAll parameters of which the first nPen are penalised.
   */
  @inline
  static apply<T>(
    plan: usize,
    count: i32,
    t: f64,
    lr: f64,
    params: usize,
    grad: usize,
    s1: usize,
    s2: usize,
    acc: usize,
    mark: usize,
  ): void {
    const opt = Plan.int(plan, P_OPT);
    const nPen = Plan.int(plan, P_NPEN);
    const nAll = Plan.int(plan, P_NALL);
    const fit = Plan.int(plan, P_FIT_INTERCEPT);
    const n = Plan.int(plan, P_ROWS);
    const l1 = lr * Plan.get(plan, P_L1);
    if (opt == OPT_SGD) {
      SgdRuns.before<T>(plan, SgdRuns.weight(count, n, lr), params, acc, mark);
      const decay = 1 - lr * Plan.get(plan, P_L2);
      sgdStepImpl<T>(params, grad, nPen, nAll, fit, <T>(1 / <f64>count), <T>decay, <T>lr, <T>l1);
      return;
    }
    let h4: f64 = 1;
    let h5: f64 = 1;
    if (opt == OPT_ADAM || opt == OPT_ADAMW) {
      h4 = 1 - Portable.powInt(Plan.get(plan, P_H1), t);
      h5 = 1 - Portable.powInt(Plan.get(plan, P_H2), t);
    }
    optimizerStepImpl<T>(
      opt,
      params,
      grad,
      s1,
      s2,
      nPen,
      nAll,
      fit,
      <T>(1 / <f64>count),
      <T>Plan.get(plan, P_L2),
      <T>lr,
      <T>l1,
      <T>Plan.get(plan, P_H1),
      <T>Plan.get(plan, P_H2),
      <T>Plan.get(plan, P_H3),
      <T>h4,
      <T>h5,
      acc,
      <T>(<f64>count / <f64>n),
    );
  }

  /**
   * A plain SGD step on one row, fused: its prediction, loss and slope, then every weight updated
   * in the same pass, with the operations (and so the bits) of the gradient kernel followed by
   * sgdStepImpl for a batch of one (the gradient 0 + c·x, scale 1). Returns the row's weighted loss.
   */
  @inline
  static sgdRow<T>(
    loss: i32,
    row: usize,
    yi: T,
    wi: T,
    eps: T,
    d: i32,
    params: usize,
    fit: i32,
    decay: T,
    lr: T,
    l1: T,
  ): f64 {
    const s = Simd.shiftOf<T>();
    const bp = params + ((<usize>d) << s);
    const b = load<T>(bp);
    const f = Simd.dot<T>(row, params, d) + b;
    const dl = LossEval.slope<T>(loss, yi, f, eps);
    const li = LossEval.value<T>(loss, yi, f, eps, dl);
    const c = wi * dl;
    let j = 0;
    if (c != 0) {
      if (ASC_FEATURE_SIMD) {
        if (l1 == 0) {
          const lanes = sizeof<T>() == 8 ? 2 : 4;
          const zero = v128.splat<T>(0);
          const cv = v128.splat<T>(c);
          const dv = v128.splat<T>(decay);
          const lv = v128.splat<T>(lr);
          for (; j + 2 * lanes <= d; j += 2 * lanes) {
            const o = (<usize>j) << s;
            const g0 = v128.add<T>(zero, v128.mul<T>(cv, v128.load(row + o)));
            const g1 = v128.add<T>(zero, v128.mul<T>(cv, v128.load(row + o, 16)));
            v128.store(params + o, v128.sub<T>(v128.mul<T>(dv, v128.load(params + o)), v128.mul<T>(lv, g0)));
            v128.store(params + o, v128.sub<T>(v128.mul<T>(dv, v128.load(params + o, 16)), v128.mul<T>(lv, g1)), 16);
          }
          for (; j + lanes <= d; j += lanes) {
            const o = (<usize>j) << s;
            const g = v128.add<T>(zero, v128.mul<T>(cv, v128.load(row + o)));
            v128.store(params + o, v128.sub<T>(v128.mul<T>(dv, v128.load(params + o)), v128.mul<T>(lv, g)));
          }
        }
      }
      for (; j < d; j++) {
        const o = (<usize>j) << s;
        const g: T = 0 + c * load<T>(row + o);
        let wn = decay * load<T>(params + o) - lr * g;
        if (l1 > 0) wn = Prox.soft<T>(wn, l1);
        store<T>(params + o, wn);
      }
      if (fit != 0) store<T>(bp, b - lr * (0 + c));
    } else {
      // A zero gradient: each weight only decays (x − (+0) is x, whatever x is).
      if (ASC_FEATURE_SIMD) {
        if (l1 == 0) {
          const lanes = sizeof<T>() == 8 ? 2 : 4;
          const dv = v128.splat<T>(decay);
          for (; j + lanes <= d; j += lanes) {
            const o = (<usize>j) << s;
            v128.store(params + o, v128.mul<T>(dv, v128.load(params + o)));
          }
        }
      }
      for (; j < d; j++) {
        const o = (<usize>j) << s;
        let wn = decay * load<T>(params + o);
        if (l1 > 0) wn = Prox.soft<T>(wn, l1);
        store<T>(params + o, wn);
      }
    }
    return <f64>(wi * li);
  }
}

/**
 * Reads every cache line of the rows at positions from .. to of a shuffled epoch, so that their
 * misses (the TLB's included) overlap one another instead of stalling the steps one at a time.
 */
function touchRows(x: usize, idx: usize, from: i32, to: i32, stride: usize): void {
  let sink = touchedSink;
  for (let q = from; q < to; q++) {
    let p = x + <usize>load<i32>(idx + ((<usize>q) << 2)) * stride;
    const end = p + stride;
    while (p < end) {
      sink ^= load<u8>(p);
      p += 64;
    }
  }
  touchedSink = sink;
}

/** How far ahead shuffled rows are touched. */
class Touch {
  /**
   * Rows of a touch chunk: a whole number of batches of about TOUCH_CHUNK_BYTES (at least one
   * batch), or 0 for no touching (rows in order, or data that sits in the caches).
   */
  @inline
  static chunk(idx: usize, n: i32, stride: usize, batch: i32): i32 {
    if (idx == 0 || <u64>n * <u64>stride <= TOUCH_MIN_DATA_BYTES) return 0;
    const rows = max<i32>(1, TOUCH_CHUNK_BYTES / <i32>stride);
    return max<i32>(1, rows / batch) * batch;
  }
}

/**
 * Training steps of a single-output linear model over the positions start .. end of an epoch
 * (start at a batch boundary; rows idx[pos], or pos itself when idx is 0), params = [w (d), b].
 * Adds each batch's weighted loss to the plan's running sum and advances its step count.
 */
function linearStepsImpl<T>(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
): void {
  const s = Simd.shiftOf<T>();
  const stride = (<usize>d) << s;
  const n = Plan.int(plan, P_ROWS);
  const batch = Plan.int(plan, P_BATCH);
  const loss = Plan.int(plan, P_LOSS);
  const lossParam = Plan.get(plan, P_LOSS_PARAM);
  const opt = Plan.int(plan, P_OPT);
  const fit = Plan.int(plan, P_FIT_INTERCEPT);
  const l2 = Plan.get(plan, P_L2);
  const l1c = Plan.get(plan, P_L1);
  const chunk = Touch.chunk(idx, n, stride, batch);
  let step = Plan.get(plan, P_STEP);
  let total = Plan.get(plan, P_LOSS_SUM);
  let lr: f64 = Plan.get(plan, P_LAST_RATE);
  // Shuffled rows from memory go a chunk at a time: touch the next chunk, then train on this one.
  if (chunk > 0) touchRows(x, idx, start, min<i32>(end, start + chunk), stride);
  for (let cs = start; cs < end; ) {
    const ce = chunk > 0 ? min<i32>(end, cs + chunk) : end;
    if (ce < end) touchRows(x, idx, ce, min<i32>(end, ce + chunk), stride);
    for (let off = cs; off < ce; ) {
      const count = min<i32>(batch, n - off);
      const t = step + 1;
      lr = StepPlan.rate(plan, t);
      if (opt == OPT_SGD && count == 1) {
        SgdRuns.before<T>(plan, SgdRuns.weight(1, n, lr), params, acc, mark);
        const i = Rows.at(idx, off);
        const wi: T = sw != 0 ? load<T>(sw + (i << s)) : 1;
        total += Update.sgdRow<T>(
          loss,
          x + i * stride,
          load<T>(y + (i << s)),
          wi,
          <T>lossParam,
          d,
          params,
          fit,
          <T>(1 - lr * l2),
          <T>lr,
          <T>(lr * l1c),
        );
      } else {
        total += linearGradDispatch<T>(loss, x, y, sw, idx, off, count, d, params, grad, lossParam, 0);
        Update.apply<T>(plan, count, t, lr, params, grad, s1, s2, acc, mark);
      }
      step = t;
      off += count;
    }
    cs = ce;
  }
  Plan.set(plan, P_STEP, step);
  Plan.set(plan, P_LOSS_SUM, total);
  Plan.set(plan, P_LAST_RATE, lr);
}

/**
 * Training steps of the multinomial (softmax) model over the positions start .. end of an epoch,
 * params = [W (classes × d), b (classes)]; scratch holds `classes` doubles.
 */
function softmaxStepsImpl<T>(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
  scratch: usize,
): void {
  const n = Plan.int(plan, P_ROWS);
  const batch = Plan.int(plan, P_BATCH);
  const classes = Plan.int(plan, P_CLASSES);
  const stride = (<usize>d) << Simd.shiftOf<T>();
  const chunk = Touch.chunk(idx, n, stride, batch);
  let step = Plan.get(plan, P_STEP);
  let total = Plan.get(plan, P_LOSS_SUM);
  let lr: f64 = Plan.get(plan, P_LAST_RATE);
  if (chunk > 0) touchRows(x, idx, start, min<i32>(end, start + chunk), stride);
  for (let cs = start; cs < end; ) {
    const ce = chunk > 0 ? min<i32>(end, cs + chunk) : end;
    if (ce < end) touchRows(x, idx, ce, min<i32>(end, ce + chunk), stride);
    for (let off = cs; off < ce; ) {
      const count = min<i32>(batch, n - off);
      const t = step + 1;
      lr = StepPlan.rate(plan, t);
      total += softmaxGradImpl<T>(x, y, sw, idx, off, count, d, classes, params, grad, scratch);
      Update.apply<T>(plan, count, t, lr, params, grad, s1, s2, acc, mark);
      step = t;
      off += count;
    }
    cs = ce;
  }
  Plan.set(plan, P_STEP, step);
  Plan.set(plan, P_LOSS_SUM, total);
  Plan.set(plan, P_LAST_RATE, lr);
}

/**
 * One step over a gradient computed elsewhere (the worker threads' partial sums, added): grad
 * holds the unscaled gradient of `count` rows and `batchLoss` their weighted loss sum.
 */
function gradientStepImpl<T>(
  plan: usize,
  count: i32,
  batchLoss: f64,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
): void {
  const t = Plan.get(plan, P_STEP) + 1;
  const lr = StepPlan.rate(plan, t);
  Plan.set(plan, P_LOSS_SUM, Plan.get(plan, P_LOSS_SUM) + batchLoss);
  Update.apply<T>(plan, count, t, lr, params, grad, s1, s2, acc, mark);
  Plan.set(plan, P_STEP, t);
  Plan.set(plan, P_LAST_RATE, lr);
}

/** Ends an epoch: closes the open SGD run into acc. */
function finishEpochImpl<T>(plan: usize, params: usize, acc: usize, mark: usize): void {
  const open = Plan.get(plan, P_ACC_RATE);
  if (open != 0) SgdRuns.close<T>(acc, mark, params, StepPlan.active(plan), <T>open);
  Plan.set(plan, P_ACC_RATE, 0);
}

export function linearStepsF64(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
): void {
  linearStepsImpl<f64>(plan, x, y, sw, idx, start, end, d, params, grad, s1, s2, acc, mark);
}

export function linearStepsF32(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
): void {
  linearStepsImpl<f32>(plan, x, y, sw, idx, start, end, d, params, grad, s1, s2, acc, mark);
}

export function softmaxStepsF64(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
  scratch: usize,
): void {
  softmaxStepsImpl<f64>(plan, x, y, sw, idx, start, end, d, params, grad, s1, s2, acc, mark, scratch);
}

export function softmaxStepsF32(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
  scratch: usize,
): void {
  softmaxStepsImpl<f32>(plan, x, y, sw, idx, start, end, d, params, grad, s1, s2, acc, mark, scratch);
}

export function gradientStepF64(
  plan: usize,
  count: i32,
  batchLoss: f64,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
): void {
  gradientStepImpl<f64>(plan, count, batchLoss, params, grad, s1, s2, acc, mark);
}

export function gradientStepF32(
  plan: usize,
  count: i32,
  batchLoss: f64,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
): void {
  gradientStepImpl<f32>(plan, count, batchLoss, params, grad, s1, s2, acc, mark);
}

export function finishEpochF64(plan: usize, params: usize, acc: usize, mark: usize): void {
  finishEpochImpl<f64>(plan, params, acc, mark);
}

export function finishEpochF32(plan: usize, params: usize, acc: usize, mark: usize): void {
  finishEpochImpl<f32>(plan, params, acc, mark);
}
