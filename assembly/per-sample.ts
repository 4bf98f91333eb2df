// Plain SGD on one row at a time (batchSize 1), software-pipelined: one pass over the weights
// applies a row's step, w ← decay·w − (rate·c)·x (then the L1 step), and in the same pass
// accumulates the next row's prediction from the weights just computed (still in registers), in
// exactly the order of Simd.dot. The next row's loss can then start at once, and the weights are
// read and written once a step instead of twice. Same bits as computing each step's prediction
// by a dot product of its own, which the JS twin does (the per-sample part of
// src/kernels/js-kernels.ts).
//
// Measured against this form on the bench's rows (d = 32, float64, in cache) and not kept: the
// next prediction as decay·(w·x') + b − c·rate·(x·x' + 1) from the weights before the step (the
// pass no longer waits for the slope, but it adds a third dot product: 1.5× slower), and the
// weights kept as scale·v so that a step is one multiply-add a weight (the scale's multiply and
// its reciprocal lengthen the chain from row to row more than the multiply saves: 5–10% slower).
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
import { P_FIT_INTERCEPT, P_L2, P_LAST_RATE, P_LOSS, P_LOSS_PARAM, P_ROWS, P_SCHEDULE, P_STEP, Plan } from "./plan";
import { Rows } from "./rows";
import { SCHED_COSINE, SCHED_INVSCALING, SCHED_OPTIMAL } from "./schedule";
import { Simd } from "./simd";
import { SgdExtras, SgdRuns, StepPlan } from "./step-plan";
import { Touch } from "./touch";
import { Prox } from "./update";
import { Weights } from "./weights";

/** Per-sample SGD steps (see the top of this file). */
export class PerSample {
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
    // Rows from memory: a chunk of rows out of order is touched before the steps on the chunk
    // before it; rows in order read their pages ahead as they go.
    const chunk = Touch.begin(plan, x, idx, start, end, stride);
    const fromMemory = Touch.fromMemory(n, stride);
    let sink: i32 = 0;
    let i = Rows.at(idx, start);
    let f = Simd.dot<T>(x + i * stride, params, d) + load<T>(bp);
    for (let cs = start; cs < end; ) {
      const ce = chunk > 0 ? min<i32>(end, cs + chunk) : end;
      if (ce < end) Touch.rows(x, idx, ce, min<i32>(end, ce + chunk), stride);
      const pages = fromMemory && Touch.consecutive(idx, cs, ce);
      for (let pos = cs; pos < ce; pos++) {
        if (pages) sink ^= Touch.page(x + i * stride);
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
    Touch.keep(sink);
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
      // Each vector's address is a base and a constant offset, which V8 folds into the load or
      // store (an address computed as base + 16 costs an instruction of its own).
      if (l1 > 0) {
        for (; j + block <= d; j += block) {
          const o = (<usize>j) << s;
          const wp = w + o;
          const rp = row + o;
          const np = next + o;
          const w0 = PerSample.softV<T>(PerSample.stepV<T>(v128.load(wp), v128.load(rp), dv, av), lv, zero);
          const w1 = PerSample.softV<T>(PerSample.stepV<T>(v128.load(wp, 16), v128.load(rp, 16), dv, av), lv, zero);
          const w2 = PerSample.softV<T>(PerSample.stepV<T>(v128.load(wp, 32), v128.load(rp, 32), dv, av), lv, zero);
          const w3 = PerSample.softV<T>(PerSample.stepV<T>(v128.load(wp, 48), v128.load(rp, 48), dv, av), lv, zero);
          v128.store(wp, w0);
          v128.store(wp, w1, 16);
          v128.store(wp, w2, 32);
          v128.store(wp, w3, 48);
          a0 = v128.add<T>(a0, v128.mul<T>(v128.load(np), w0));
          a1 = v128.add<T>(a1, v128.mul<T>(v128.load(np, 16), w1));
          a2 = v128.add<T>(a2, v128.mul<T>(v128.load(np, 32), w2));
          a3 = v128.add<T>(a3, v128.mul<T>(v128.load(np, 48), w3));
        }
      } else {
        for (; j + block <= d; j += block) {
          const o = (<usize>j) << s;
          const wp = w + o;
          const rp = row + o;
          const np = next + o;
          const w0 = PerSample.stepV<T>(v128.load(wp), v128.load(rp), dv, av);
          v128.store(wp, w0);
          a0 = v128.add<T>(a0, v128.mul<T>(v128.load(np), w0));
          const w1 = PerSample.stepV<T>(v128.load(wp, 16), v128.load(rp, 16), dv, av);
          v128.store(wp, w1, 16);
          a1 = v128.add<T>(a1, v128.mul<T>(v128.load(np, 16), w1));
          const w2 = PerSample.stepV<T>(v128.load(wp, 32), v128.load(rp, 32), dv, av);
          v128.store(wp, w2, 32);
          a2 = v128.add<T>(a2, v128.mul<T>(v128.load(np, 32), w2));
          const w3 = PerSample.stepV<T>(v128.load(wp, 48), v128.load(rp, 48), dv, av);
          v128.store(wp, w3, 48);
          a3 = v128.add<T>(a3, v128.mul<T>(v128.load(np, 48), w3));
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

  /** decay·w − a·x for one vector of weights w and of the row x. */
  @inline
  static stepV<T>(w: v128, x: v128, dv: v128, av: v128): v128 {
    return v128.sub<T>(v128.mul<T>(dv, w), v128.mul<T>(av, x));
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
    total: f64,
  ): f64 {
    const loss = Plan.int(plan, P_LOSS);
    if (loss == LOSS_SQUARED)
      return stepsFor<T, SquaredLoss>(plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
    if (loss == LOSS_HINGE)
      return stepsFor<T, HingeLoss>(plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
    if (loss == LOSS_LOG)
      return stepsFor<T, LogLoss>(plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
    if (loss == LOSS_HUBER)
      return stepsFor<T, HuberLoss>(plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
    if (loss == LOSS_SQUARED_HINGE)
      return stepsFor<T, SquaredHingeLoss>(plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
    // The rarer losses share one loop, choosing the loss row by row.
    return PerSample.run<T>(loss, plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
  }
}

/** PerSample.run for the loss L, a function of its own (see losses.ts's loss types). */
function stepsFor<T, L>(
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
  total: f64,
): f64 {
  return PerSample.run<T>(LossType.id<L>(), plan, x, y, sw, idx, start, end, d, params, s1, s2, acc, mark, total);
}
