import type { StepBuffers } from "../backend/backend.js";
import { hostBackend } from "../backend/js-backend.js";
import { DescentError } from "../errors.js";
import { beginEpoch, PLAN_SLOTS, writePlan } from "../kernels/plan.js";
import { type OptimizerSpec, resolveOptimizer } from "../optim/optimizer-spec.js";
import { makeSchedule, normaliseSchedule, rateAt, type ScheduleSpec } from "../optim/schedules.js";
import { type EpochInfo, emptyHistory, type History, type StopReason } from "./history.js";
import { type OptimizerName, resolveSgdOptions, type SgdOptions } from "./options.js";
import { ADAPTIVE_MIN_RATE, EXPLODE_FACTOR } from "./train-loop.js";

/** A differentiable function of a vector: `grad(x, out)` writes ∇f(x) into `out`. */
export interface DifferentiableFunction {
  /** The value at x. */
  f: (x: Float64Array) => number;
  /** Writes the gradient at x into out (zeroed before each call). */
  grad: (x: Float64Array, out: Float64Array) => void;
}

/** Options of `minimize`: the optimizer, schedule and stop rules of the estimators; one iteration = one epoch. */
export interface MinimizeOptions {
  /** The optimizer: a name or a spec with its hyper-parameters (default 'sgd'). */
  optimizer?: OptimizerName | OptimizerSpec;
  /** The step size η (default 0.01). */
  learningRate?: number;
  /** How η changes over the iterations (default 'constant'). */
  schedule?: ScheduleSpec;
  /** Iterations at most. Default 1000. */
  maxEpochs?: number;
  /** Stop when f has not improved by tol for nIterNoChange iterations; null (default here) disables. */
  tol?: number | null;
  /** Iterations without an improvement of tol before stopping (default 5). */
  nIterNoChange?: number;
  /** Stop when ‖∇f‖ falls below it. Default 1e-8. */
  gradTol?: number | null;
  /** Called after each iteration; return false to stop. */
  onEpoch?: (info: EpochInfo) => boolean | undefined;
}

/** What `minimize` returns: the final point, every iterate (x0 first), the history and why it stopped. */
export interface MinimizeResult {
  /** The point reached (the last finite one when the run diverged). */
  x: Float64Array;
  /** Every iterate, the start first. */
  path: Float64Array[];
  /** f, ‖∇f‖, the rate and the time of each iteration. */
  history: History;
  /** Why the run stopped. */
  stopReason: StopReason;
}

/**
 * Minimises any differentiable function by gradient descent with the library's optimizers and
 * schedules (non-convex functions included; it finds a stationary point near the start). A
 * non-finite or exploding value stops with 'diverged' and returns the last finite iterate.
 */
export function minimize(
  fn: DifferentiableFunction,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  if (typeof fn?.f !== "function" || typeof fn?.grad !== "function") {
    throw new DescentError(
      "E_OPTION",
      "minimize needs { f, grad }: f(x) returns a number, grad(x, out) writes the gradient",
    );
  }
  const o = resolveSgdOptions({ tol: null, gradTol: 1e-8, ...options } as SgdOptions);
  const opt = resolveOptimizer(o.optimizer);
  const lr0 = opt.learningRate ?? o.learningRate;
  const schedSpec = normaliseSchedule(o.schedule);
  const schedule = makeSchedule(schedSpec, { learningRate: lr0, alpha: 1, maxEpochs: o.maxEpochs, stepsPerEpoch: 1 });
  const n = x0.length;
  if (n === 0) throw new DescentError("E_EMPTY", "x0 is empty");
  const x = Float64Array.from(x0);
  x.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new DescentError("E_NONFINITE", `x0 has a non-finite value (${v}) at index ${i}`);
  });
  // The steps are the training kernels' (the float64 JS twin of assembly/update.ts): one
  // gradientStep per iteration on a one-row "epoch", so minimize and every estimator share one
  // implementation of each optimizer and schedule.
  const h = hostBackend;
  const g = new Float64Array(n);
  const slots = Array.from({ length: opt.slots }, () => new Float64Array(n));
  if (opt.kind === "adagrad") slots[0]?.fill(opt.initialAccumulatorValue);
  const state: StepBuffers = {
    params: h.wrap(x),
    grad: h.wrap(g),
    s1: slots[0] === undefined ? null : h.wrap(slots[0]),
    s2: slots[1] === undefined ? null : h.wrap(slots[1]),
    acc: h.alloc(n),
    mark: h.alloc(n),
  };
  const plan = new Float64Array(PLAN_SLOTS);
  writePlan(
    plan,
    {
      optimizer: opt,
      penalty: { penalty: "none", alpha: 0, l1Ratio: 0 },
      schedule,
      nPen: n,
      nAll: n,
      fitIntercept: true,
      rows: 1,
      batch: 1,
      loss: "squared",
      lossParam: 0,
      classes: 1,
      averageStart: 0,
    },
    0,
    0,
    1,
  );
  const planBuffer = h.wrap(plan);
  const path = [x.slice()];
  const history = emptyHistory();
  const start = performance.now();
  let best = Number.POSITIVE_INFINITY;
  let noImprovement = 0;
  let rateScale = 1;
  let first = Number.NaN;
  for (let t = 1; t <= o.maxEpochs; t++) {
    const fx = fn.f(x);
    g.fill(0);
    fn.grad(x, g);
    let sq = 0;
    for (let j = 0; j < n; j++) sq += (g[j] as number) * (g[j] as number);
    const gradNorm = Math.sqrt(sq);
    if (Number.isNaN(first)) first = Math.abs(fx);
    if (!Number.isFinite(fx) || !Number.isFinite(gradNorm) || Math.abs(fx) > EXPLODE_FACTOR * Math.max(1, first)) {
      // x itself produced the non-finite value: answer with the iterate before it.
      if (path.length > 1) path.pop();
      return { x: (path[path.length - 1] as Float64Array).slice(), path, history, stopReason: "diverged" };
    }
    const lr = rateAt(schedule, t, t - 1) * rateScale;
    history.loss.push(fx);
    history.gradNorm.push(gradNorm);
    history.learningRate.push(lr);
    history.ms.push(performance.now() - start);
    if (o.gradTol !== null && gradNorm < o.gradTol) return { x, path, history, stopReason: "gradTol" };
    beginEpoch(plan, t - 1, rateScale);
    h.gradientStep(planBuffer, 1, fx, state);
    path.push(x.slice());
    if (
      o.onEpoch !== null &&
      o.onEpoch({ epoch: t, loss: fx, gradNorm, learningRate: lr, ms: performance.now() - start }) === false
    ) {
      return { x, path, history, stopReason: "callback" };
    }
    if (o.tol !== null) {
      noImprovement = fx > best - o.tol ? noImprovement + 1 : 0;
      if (fx < best) best = fx;
      if (noImprovement >= o.nIterNoChange) {
        if (schedSpec.name !== "adaptive") return { x, path, history, stopReason: "tol" };
        rateScale /= 5;
        noImprovement = 0;
        if (lr / 5 < ADAPTIVE_MIN_RATE) return { x, path, history, stopReason: "tol" };
      }
    }
  }
  return { x, path, history, stopReason: "maxEpochs" };
}
