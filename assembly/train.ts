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
import { LOSS_HINGE, LOSS_HUBER, LOSS_LOG, LOSS_SQUARED, LOSS_SQUARED_HINGE } from "./losses";
import {
  P_ACC_RATE,
  P_AVG_START,
  P_BATCH,
  P_CLASSES,
  P_EPOCH,
  P_ETA,
  P_FIT_INTERCEPT,
  P_H1,
  P_H2,
  P_H3,
  P_L1,
  P_L1_CUMULATIVE,
  P_L1_TOTAL,
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
import { SCHED_COSINE, SCHED_INVSCALING, SCHED_OPTIMAL, scheduleRate } from "./schedule";
import { Simd } from "./simd";
import { softmaxGradImpl } from "./softmax";
import { Average, L1Cumulative, OPT_ADAM, OPT_ADAMW, OPT_SGD, optimizerStepImpl, Prox, sgdStepImpl } from "./update";
import { Weights } from "./weights";

/** Shuffled rows are touched (read early, all their cache lines) a chunk of this many bytes ahead. */
const TOUCH_CHUNK_BYTES: i32 = 16384;
/** Data up to this size is taken to sit in the caches, so its rows are not touched ahead. */
const TOUCH_MIN_DATA_BYTES: u64 = 4 << 20;

/** Where touched bytes go, so the early reads are kept. */
let touchedSink: i32 = 0;

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

/** What plain SGD does after a step besides the update: the cumulative L1 penalty, averaging. */
class SgdExtras {
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
      const decay = max<f64>(0, 1 - lr * Plan.get(plan, P_L2));
      const prox = lr * SgdExtras.proxL1(plan);
      sgdStepImpl<T>(params, grad, nPen, nAll, fit, <T>(1 / <f64>count), <T>decay, <T>lr, <T>prox);
      if (SgdExtras.any(plan)) SgdExtras.after<T>(plan, t, lr, params, s1, s2);
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
}

/**
 * Plain SGD on one row at a time (batchSize 1), software-pipelined: one pass over the weights
 * applies a row's step, w ← decay·w − (rate·c)·x (then the L1 step), and in the same pass
 * accumulates the next row's prediction from the weights just computed (still in registers), in
 * exactly the order of Simd.dot. The next row's loss can then start at once, and the weights are
 * read and written once a step instead of twice. Same bits as computing each step's prediction
 * by a dot product of its own (the JS backend does that).
 */
class PerSample {
  /** Steps over positions start .. end, for a loss fixed at compile time (see `steps`). */
  @inline
  static run<T>(
    loss: i32,
    plan: usize,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    end: i32,
    d: i32,
    params: usize,
    s1: usize,
    s2: usize,
    acc: usize,
    mark: usize,
    chunk: i32,
    total: f64,
  ): f64 {
    const s = Simd.shiftOf<T>();
    const stride = (<usize>d) << s;
    const n = Plan.int(plan, P_ROWS);
    const fit = Plan.int(plan, P_FIT_INTERCEPT);
    const eps = <T>Plan.get(plan, P_LOSS_PARAM);
    const l2 = Plan.get(plan, P_L2);
    const l1c = SgdExtras.proxL1(plan);
    const extras = SgdExtras.any(plan);
    const kind = Plan.int(plan, P_SCHEDULE);
    // The rate changes from step to step only under these; otherwise it is fixed within an epoch.
    const perStep = kind == SCHED_INVSCALING || kind == SCHED_OPTIMAL || kind == SCHED_COSINE;
    const bp = params + stride;
    let step = Plan.get(plan, P_STEP);
    let lr = StepPlan.rate(plan, step + 1);
    if (!perStep) SgdRuns.before<T>(plan, SgdRuns.weight(1, n, lr), params, acc, mark);
    let decay = <T>max<f64>(0, 1 - lr * l2);
    let l1 = <T>(lr * l1c);
    let i = Rows.at(idx, start);
    let f = Simd.dot<T>(x + i * stride, params, d) + load<T>(bp);
    for (let cs = start; cs < end; ) {
      const ce = chunk > 0 ? min<i32>(end, cs + chunk) : end;
      if (ce < end) touchRows(x, idx, ce, min<i32>(end, ce + chunk), stride);
      for (let pos = cs; pos < ce; pos++) {
        if (perStep) {
          lr = StepPlan.rate(plan, step + 1);
          SgdRuns.before<T>(plan, SgdRuns.weight(1, n, lr), params, acc, mark);
          decay = <T>max<f64>(0, 1 - lr * l2);
          l1 = <T>(lr * l1c);
        }
        const yi = load<T>(y + (i << s));
        const wi: T = Weights.at<T>(sw, i);
        const dl = LossEval.slope<T>(loss, yi, f, eps);
        total += <f64>(wi * LossEval.value<T>(loss, yi, f, eps, dl));
        const a = <T>lr * (wi * dl);
        const row = x + i * stride;
        i = pos + 1 < end ? Rows.at(idx, pos + 1) : i;
        if (extras) {
          // The cumulative L1 penalty and averaging need the step's weights first: no pipelining.
          PerSample.pass<T>(row, row, params, d, decay, a, l1);
          const b = load<T>(bp);
          store<T>(bp, fit != 0 ? b - a : b);
          SgdExtras.after<T>(plan, step + 1, lr, params, s1, s2);
          f = Simd.dot<T>(x + i * stride, params, d) + load<T>(bp);
        } else {
          f = PerSample.pass<T>(row, x + i * stride, params, d, decay, a, l1);
          const b = load<T>(bp);
          const bn = fit != 0 ? b - a : b;
          store<T>(bp, bn);
          f += bn;
        }
        step += 1;
      }
      cs = ce;
    }
    Plan.set(plan, P_STEP, step);
    Plan.set(plan, P_LAST_RATE, lr);
    return total;
  }

  /**
   * w ← decay·w − a·row (soft-thresholded by l1 when l1 > 0) over d weights; returns next·w for
   * the updated w, summed in Simd.dot's order.
   */
  @inline
  static pass<T>(row: usize, next: usize, w: usize, d: i32, decay: T, a: T, l1: T): T {
    const s = Simd.shiftOf<T>();
    let j = 0;
    let sum: T = 0;
    if (ASC_FEATURE_SIMD) {
      const block = sizeof<T>() == 8 ? 8 : 16;
      const dv = v128.splat<T>(decay);
      const av = v128.splat<T>(a);
      const lv = v128.splat<T>(l1);
      const zero = v128.splat<T>(0);
      let a0 = zero;
      let a1 = zero;
      let a2 = zero;
      let a3 = zero;
      if (l1 > 0) {
        for (; j + block <= d; j += block) {
          const o = (<usize>j) << s;
          const w0 = PerSample.softV<T>(PerSample.stepV<T>(w + o, row + o, dv, av), lv, zero);
          const w1 = PerSample.softV<T>(PerSample.stepV<T>(w + o + 16, row + o + 16, dv, av), lv, zero);
          const w2 = PerSample.softV<T>(PerSample.stepV<T>(w + o + 32, row + o + 32, dv, av), lv, zero);
          const w3 = PerSample.softV<T>(PerSample.stepV<T>(w + o + 48, row + o + 48, dv, av), lv, zero);
          v128.store(w + o, w0);
          v128.store(w + o, w1, 16);
          v128.store(w + o, w2, 32);
          v128.store(w + o, w3, 48);
          a0 = v128.add<T>(a0, v128.mul<T>(v128.load(next + o), w0));
          a1 = v128.add<T>(a1, v128.mul<T>(v128.load(next + o, 16), w1));
          a2 = v128.add<T>(a2, v128.mul<T>(v128.load(next + o, 32), w2));
          a3 = v128.add<T>(a3, v128.mul<T>(v128.load(next + o, 48), w3));
        }
      } else {
        for (; j + block <= d; j += block) {
          const o = (<usize>j) << s;
          const w0 = PerSample.stepV<T>(w + o, row + o, dv, av);
          v128.store(w + o, w0);
          a0 = v128.add<T>(a0, v128.mul<T>(v128.load(next + o), w0));
          const w1 = PerSample.stepV<T>(w + o + 16, row + o + 16, dv, av);
          v128.store(w + o, w1, 16);
          a1 = v128.add<T>(a1, v128.mul<T>(v128.load(next + o, 16), w1));
          const w2 = PerSample.stepV<T>(w + o + 32, row + o + 32, dv, av);
          v128.store(w + o, w2, 32);
          a2 = v128.add<T>(a2, v128.mul<T>(v128.load(next + o, 32), w2));
          const w3 = PerSample.stepV<T>(w + o + 48, row + o + 48, dv, av);
          v128.store(w + o, w3, 48);
          a3 = v128.add<T>(a3, v128.mul<T>(v128.load(next + o, 48), w3));
        }
      }
      sum = Simd.lanesSum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
    } else {
      // The scalar build's eight partial sums (Simd.dot's order).
      let s0: T = 0,
        s1: T = 0,
        s2: T = 0,
        s3: T = 0,
        s4: T = 0,
        s5: T = 0,
        s6: T = 0,
        s7: T = 0;
      for (; j + 8 <= d; j += 8) {
        const o = (<usize>j) << s;
        const e = sizeof<T>();
        s0 += load<T>(next + o) * PerSample.one<T>(w + o, row + o, decay, a, l1);
        s1 += load<T>(next + o, e) * PerSample.one<T>(w + o + e, row + o + e, decay, a, l1);
        s2 += load<T>(next + o, 2 * e) * PerSample.one<T>(w + o + 2 * e, row + o + 2 * e, decay, a, l1);
        s3 += load<T>(next + o, 3 * e) * PerSample.one<T>(w + o + 3 * e, row + o + 3 * e, decay, a, l1);
        s4 += load<T>(next + o, 4 * e) * PerSample.one<T>(w + o + 4 * e, row + o + 4 * e, decay, a, l1);
        s5 += load<T>(next + o, 5 * e) * PerSample.one<T>(w + o + 5 * e, row + o + 5 * e, decay, a, l1);
        s6 += load<T>(next + o, 6 * e) * PerSample.one<T>(w + o + 6 * e, row + o + 6 * e, decay, a, l1);
        s7 += load<T>(next + o, 7 * e) * PerSample.one<T>(w + o + 7 * e, row + o + 7 * e, decay, a, l1);
      }
      sum = s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
    }
    for (; j < d; j++) {
      const o = (<usize>j) << s;
      sum += load<T>(next + o) * PerSample.one<T>(w + o, row + o, decay, a, l1);
    }
    return sum;
  }

  /** decay·w − a·x for one vector of weights at w and of the row at x. */
  @inline
  static stepV<T>(w: usize, x: usize, dv: v128, av: v128): v128 {
    return v128.sub<T>(v128.mul<T>(dv, v128.load(w)), v128.mul<T>(av, v128.load(x)));
  }

  /** One weight's step (w ← decay·w − a·x, then the L1 step), stored and returned. */
  @inline
  static one<T>(w: usize, x: usize, decay: T, a: T, l1: T): T {
    let wn = decay * load<T>(w) - a * load<T>(x);
    if (l1 > 0) wn = Prox.soft<T>(wn, l1);
    store<T>(w, wn);
    return wn;
  }

  /** Prox.soft on each lane: v − l1 above l1, v + l1 below −l1, +0 in between. */
  @inline
  static softV<T>(v: v128, l1: v128, zero: v128): v128 {
    const up = v128.gt<T>(v, l1);
    const down = v128.lt<T>(v, v128.neg<T>(l1));
    return v128.bitselect(v128.sub<T>(v, l1), v128.bitselect(v128.add<T>(v, l1), zero, down), up);
  }

  /** Steps over positions start .. end for the plan's loss (one specialised loop per loss). */
  static steps<T>(
    plan: usize,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    end: i32,
    d: i32,
    params: usize,
    s1: usize,
    s2: usize,
    acc: usize,
    mark: usize,
    chunk: i32,
    total: f64,
  ): f64 {
    const loss = Plan.int(plan, P_LOSS);
    if (loss == LOSS_SQUARED)
      return PerSample.run<T>(
        LOSS_SQUARED,
        plan,
        x,
        y,
        sw,
        idx,
        start,
        end,
        d,
        params,
        s1,
        s2,
        acc,
        mark,
        chunk,
        total,
      );
    if (loss == LOSS_HINGE)
      return PerSample.run<T>(LOSS_HINGE, plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, chunk, total);
    if (loss == LOSS_LOG)
      return PerSample.run<T>(LOSS_LOG, plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, chunk, total);
    if (loss == LOSS_HUBER)
      return PerSample.run<T>(LOSS_HUBER, plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, chunk, total);
    if (loss == LOSS_SQUARED_HINGE)
      return PerSample.run<T>(
        LOSS_SQUARED_HINGE,
        plan,
        x,
        y,
        sw,
        idx,
        start,
        end,
        d,
        params,
        s1,
        s2,
        acc,
        mark,
        chunk,
        total,
      );
    // The rarer losses share one loop, choosing the loss row by row.
    return PerSample.run<T>(loss, plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, chunk, total);
  }
}

/**
 * Reads every cache line of the rows at positions from .. to of a shuffled epoch, so that their
 * misses (the TLB's included) overlap one another instead of stalling the steps one at a time.
 */
function touchRows(x: usize, idx: usize, from: i32, to: i32, stride: usize): void {
  let sink = touchedSink;
  for (let q = from; q < to; q++) {
    let p = x + Rows.at(idx, q) * stride;
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

  /**
   * The plan's touch chunk for rows of `stride` bytes, with the first chunk of positions
   * start .. end touched already (the steps touch each next chunk before training on this one).
   */
  @inline
  static begin(plan: usize, x: usize, idx: usize, start: i32, end: i32, stride: usize): i32 {
    const chunk = Touch.chunk(idx, Plan.int(plan, P_ROWS), stride, Plan.int(plan, P_BATCH));
    if (chunk > 0) touchRows(x, idx, start, min<i32>(end, start + chunk), stride);
    return chunk;
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
  // Shuffled rows from memory go a chunk at a time: touch the next chunk, then train on this one.
  const chunk = Touch.begin(plan, x, idx, start, end, (<usize>d) << Simd.shiftOf<T>());
  if (Plan.int(plan, P_OPT) == OPT_SGD && Plan.int(plan, P_BATCH) == 1) {
    const sum = PerSample.steps<T>(
      plan,
      x,
      y,
      sw,
      idx,
      start,
      end,
      d,
      params,
      s1,
      s2,
      acc,
      mark,
      chunk,
      Plan.get(plan, P_LOSS_SUM),
    );
    Plan.set(plan, P_LOSS_SUM, sum);
    return;
  }
  batchSteps<T>(plan, x, y, sw, idx, start, end, d, chunk, params, grad, s1, s2, acc, mark, 0, 0);
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
  const chunk = Touch.begin(plan, x, idx, start, end, (<usize>d) << Simd.shiftOf<T>());
  batchSteps<T>(
    plan,
    x,
    y,
    sw,
    idx,
    start,
    end,
    d,
    chunk,
    params,
    grad,
    s1,
    s2,
    acc,
    mark,
    Plan.int(plan, P_CLASSES),
    scratch,
  );
}

/**
 * The mini-batch steps over the positions start .. end, a chunk of positions at a time (chunk 0:
 * all at once; otherwise the next chunk's rows are touched before this one's are trained on):
 * each batch's fused gradient, then the optimizer's update at the step's rate. classes > 0 is
 * the softmax model (scratch holds `classes` doubles), 0 the single-output linear model.
 */
function batchSteps<T>(
  plan: usize,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  end: i32,
  d: i32,
  chunk: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  mark: usize,
  classes: i32,
  scratch: usize,
): void {
  const n = Plan.int(plan, P_ROWS);
  const batch = Plan.int(plan, P_BATCH);
  const loss = Plan.int(plan, P_LOSS);
  const lossParam = Plan.get(plan, P_LOSS_PARAM);
  const stride = (<usize>d) << Simd.shiftOf<T>();
  let step = Plan.get(plan, P_STEP);
  let total = Plan.get(plan, P_LOSS_SUM);
  let lr: f64 = Plan.get(plan, P_LAST_RATE);
  for (let cs = start; cs < end; ) {
    const ce = chunk > 0 ? min<i32>(end, cs + chunk) : end;
    if (ce < end) touchRows(x, idx, ce, min<i32>(end, ce + chunk), stride);
    for (let off = cs; off < ce; ) {
      const count = min<i32>(batch, n - off);
      const t = step + 1;
      lr = StepPlan.rate(plan, t);
      total +=
        classes > 0
          ? softmaxGradImpl<T>(x, y, sw, idx, off, count, d, classes, params, grad, scratch)
          : linearGradDispatch<T>(loss, x, y, sw, idx, off, count, d, params, grad, lossParam, 0);
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
