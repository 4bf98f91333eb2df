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
import { linearGradDispatch } from "./linear";
import { PerSample } from "./per-sample";
import {
  P_ACC_RATE,
  P_BATCH,
  P_CLASSES,
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
  P_ROWS,
  P_STEP,
  Plan,
} from "./plan";
import { Portable } from "./portable";
import { Simd } from "./simd";
import { softmaxGradImpl } from "./softmax";
import { SgdExtras, SgdRuns, StepPlan } from "./step-plan";
import { Touch } from "./touch";
import { OPT_ADAM, OPT_ADAMW, OPT_SGD, optimizerStepImpl, sgdStepImpl } from "./update";

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
      Plan.get(plan, P_LOSS_SUM),
    );
    Plan.set(plan, P_LOSS_SUM, sum);
    return;
  }
  // Shuffled rows from memory go a chunk at a time: touch the next chunk, then train on this one.
  const chunk = Touch.begin(plan, x, idx, start, end, (<usize>d) << Simd.shiftOf<T>());
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
    if (ce < end) Touch.rows(x, idx, ce, min<i32>(end, ce + chunk), stride);
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
