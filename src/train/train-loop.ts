import type { Backend, StepBuffers } from "../backend/backend.js";
import type { IndexBuffer } from "../backend/buffer.js";
import { beginEpoch, PLAN_SLOTS, PlanSlot, type PlanSpec, writePlan } from "../backend/train-plan.js";
import type { ResolvedOptimizer } from "../optim/optimizer-spec.js";
import { type PenaltyConfig, penaltyValue } from "../optim/penalty.js";
import { rateAt, type ScheduleParams } from "../optim/schedules.js";
import type { History, StopReason } from "./history.js";
import type { ResolvedSgdOptions } from "./options.js";
import { Prng } from "./prng.js";
import { SliceSize } from "./slice-size.js";
import { YIELD_EVERY_MS, yieldToEventLoop } from "./yield.js";

/**
 * A differentiable data term over n rows, already in a backend's memory, and how to train on it:
 * `steps` runs the training steps over the positions start .. end of an epoch (rows idx[pos], or
 * pos itself when idx is null), advancing the plan (see Backend.linearSteps). Parameters: nPen
 * penalised weights, then nAll − nPen intercepts; `workPerRow` multiply-adds per row and step.
 */
export interface Objective {
  n: number;
  nPen: number;
  nAll: number;
  workPerRow: number;
  /** Plan fields of the loss: its id and parameter, and the classes of a softmax problem. */
  plan: Pick<PlanSpec, "loss" | "lossParam" | "classes">;
  steps(
    plan: Buffer64,
    idx: IndexBuffer | null,
    start: number,
    end: number,
    state: StepBuffers,
  ): undefined | Promise<void>;
}

/** A float64 buffer of a backend (the training plan). */
type Buffer64 = ReturnType<Backend["allocF64"]>;

/** State that carries over between fit/partialFit calls so schedules, shuffles and moments continue. */
export interface TrainProgress {
  /** Optimizer steps taken so far. */
  step: number;
  /** Epochs completed so far. */
  epoch: number;
  /** Shuffle generator state (null before the first shuffled epoch). */
  rng: [number, number, number, number] | null;
  /** The optimizer's per-parameter state slots (empty for plain SGD). */
  moments: Float64Array[];
  /** Multiplier of the 'adaptive' schedule (1, then divided by 5 on each plateau). */
  rateScale: number;
}

/** A fresh progress record for an optimizer over nAll parameters. */
export function newProgress(optimizer: ResolvedOptimizer, nAll: number): TrainProgress {
  const moments: Float64Array[] = [];
  for (let i = 0; i < optimizer.slots; i++) {
    const slot = new Float64Array(nAll);
    if (optimizer.kind === "adagrad") slot.fill(optimizer.initialAccumulatorValue);
    moments.push(slot);
  }
  return { step: 0, epoch: 0, rng: null, moments, rateScale: 1 };
}

/** Everything the loop needs besides the data. */
export interface TrainConfig {
  opts: ResolvedSgdOptions;
  optimizer: ResolvedOptimizer;
  schedule: ScheduleParams;
  adaptive: boolean;
  penalty: PenaltyConfig;
  /** Score of parameters on held-out rows (higher is better), when early stopping. */
  validate: ((params: Float64Array) => number) | null;
  /** The objective of the all-zero model (predicting f = 0), the yardstick of the divergence guard. */
  zeroObjective: number;
}

/** How a run ended. */
export interface TrainOutcome {
  stopReason: StopReason;
  /** Set when stopReason is 'diverged': what happened, for the E_DIVERGED message. */
  divergence?: string;
  /** Set when onEpoch threw: the error, to rethrow once the model has kept its parameters. */
  callbackError?: unknown;
}

/** An objective this many times the first epoch's (or 1, if larger) counts as exploding. */
export const EXPLODE_FACTOR = 1e12;
/**
 * An epoch objective this many times that of the all-zero model counts as diverged too: losses
 * with bounded gradients (Huber, hinge, log) never overflow under a huge rate, they oscillate ever
 * further out, and no sane run is a hundred times worse than predicting zero.
 */
export const ZERO_MODEL_FACTOR = 100;
/** The 'adaptive' schedule stops training once the rate falls below this (as scikit-learn). */
export const ADAPTIVE_MIN_RATE = 1e-6;

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i] as number)) return false;
  return true;
}

/**
 * Runs up to `epochs` epochs of minibatch gradient descent, updating `params`, `history` and
 * `progress` in place. Each epoch is one or a few backend calls that run its steps (sized to about
 * SLICE_TARGET_MS each, yielding to the event loop between them every YIELD_EVERY_MS); the host
 * keeps the per-epoch work: the shuffle, stop rules, early stopping, onEpoch and the divergence
 * guard. With `shuffle: true` (and batches smaller than the data) the rows are visited through a
 * freshly shuffled index buffer every epoch; otherwise in the order they were staged (for
 * `shuffle: 'once'` that order is itself a seeded permutation). On divergence the parameters from
 * the start of the failing epoch (the last finite ones) are kept; with early stopping the best
 * parameters on the validation rows are kept. Allocates its buffers once and frees them on exit.
 */
export async function trainLoop(
  backend: Backend,
  objective: Objective,
  params: Float64Array,
  config: TrainConfig,
  progress: TrainProgress,
  history: History,
  epochs: number,
): Promise<TrainOutcome> {
  const { n, nPen, nAll } = objective;
  const { opts, optimizer } = config;
  const batch = opts.batchSize === "full" ? n : Math.min(opts.batchSize, n);
  const reshuffle = opts.shuffle === true && batch < n;
  const plan = backend.allocF64(PLAN_SLOTS);
  const slots = progress.moments.map((m) => backend.allocCopy(m));
  const state: StepBuffers = {
    params: backend.allocCopy(params),
    grad: backend.alloc(nAll),
    s1: slots[0] ?? null,
    s2: slots[1] ?? null,
    acc: backend.alloc(nAll),
    mark: backend.alloc(nAll),
  };
  const idx = reshuffle ? backend.allocIndex(n) : null;
  const start = performance.now();
  let lastYield = start;
  const best = { score: Number.NEGATIVE_INFINITY, params: params.slice() };
  try {
    writePlan(
      plan.view,
      {
        optimizer,
        penalty: config.penalty,
        schedule: config.schedule,
        nPen,
        nAll,
        fitIntercept: opts.fitIntercept,
        rows: n,
        batch,
        ...objective.plan,
      },
      progress.step,
      progress.epoch,
      progress.rateScale,
    );
    const rng = new Prng(opts.seed);
    if (progress.rng !== null) rng.setState(progress.rng);
    if (idx !== null) {
      const order = idx.view;
      for (let i = 0; i < n; i++) order[i] = i;
    }
    const slices = new SliceSize(n, batch, objective.workPerRow);
    const snapshot = new Float64Array(nAll);
    const active = opts.fitIntercept ? nAll : nPen;
    const tol = opts.tol;
    let bestLoss = Number.POSITIVE_INFINITY;
    let noImprovement = 0;
    let firstLoss = Number.NaN;
    for (let e = 0; e < epochs; e++) {
      const pv = state.params.view;
      snapshot.set(pv);
      const penalty = penaltyValue(pv, nPen, config.penalty);
      if (idx !== null) {
        backend.shuffle(idx, n, rng);
        progress.rng = rng.getState();
      }
      state.acc.view.fill(0);
      beginEpoch(plan.view, progress.epoch, progress.rateScale);
      let now = performance.now();
      for (let pos = 0; pos < n; ) {
        const end = slices.end(pos);
        const t0 = now;
        const pending = objective.steps(plan, idx, pos, end, state);
        if (pending !== undefined) await pending;
        now = performance.now();
        slices.took(end - pos, now - t0);
        pos = end;
        if (pos < n && now - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = now = performance.now();
        }
      }
      backend.finishEpoch(plan, state);
      const pl = plan.view;
      progress.step = pl[PlanSlot.step] as number;
      progress.epoch++;
      const lr = pl[PlanSlot.lastRate] as number;
      const loss = (pl[PlanSlot.lossSum] as number) / n + penalty;
      const av = state.acc.view;
      let sq = 0;
      for (let j = 0; j < active; j++) sq += (av[j] as number) * (av[j] as number);
      const gradNorm = Math.sqrt(sq);
      history.loss.push(loss);
      history.gradNorm.push(gradNorm);
      history.learningRate.push(lr);
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      const current = state.params.view;
      const exploded =
        loss > EXPLODE_FACTOR * Math.max(1, firstLoss) ||
        loss > ZERO_MODEL_FACTOR * Math.max(config.zeroObjective, 1e-12);
      if (!Number.isFinite(loss) || !allFinite(current) || exploded) {
        history.ms.push(now - start);
        params.set(snapshot);
        return { stopReason: "diverged", divergence: `the objective reached ${loss} at epoch ${progress.epoch}` };
      }
      params.set(current);
      let improved: boolean;
      let valScore: number | undefined;
      if (config.validate !== null) {
        const score = config.validate(params);
        valScore = score;
        if (history.valScore === undefined) history.valScore = [];
        history.valScore.push(score);
        improved = score > best.score + (tol ?? 0);
        if (score > best.score) {
          best.score = score;
          best.params.set(params);
        }
      } else {
        improved = tol === null || loss <= bestLoss - tol;
        if (loss < bestLoss) bestLoss = loss;
      }
      noImprovement = improved ? 0 : noImprovement + 1;
      if (config.validate !== null) now = performance.now();
      history.ms.push(now - start);
      if (opts.onEpoch !== null) {
        const info = {
          epoch: progress.epoch,
          loss,
          gradNorm,
          learningRate: lr,
          ms: now - start,
          ...(valScore === undefined ? {} : { valScore }),
        };
        let verdict: boolean | undefined;
        try {
          verdict = await opts.onEpoch(info);
        } catch (err) {
          return { stopReason: "callback", callbackError: err };
        }
        if (verdict === false) return { stopReason: "callback" };
      }
      if (opts.gradTol !== null && gradNorm < opts.gradTol) return { stopReason: "gradTol" };
      if (noImprovement >= opts.nIterNoChange && (tol !== null || config.validate !== null)) {
        if (config.adaptive) {
          progress.rateScale /= 5;
          noImprovement = 0;
          if (rateAt(config.schedule, progress.step + 1, progress.epoch) * progress.rateScale < ADAPTIVE_MIN_RATE) {
            return { stopReason: config.validate !== null ? "earlyStopping" : "tol" };
          }
        } else {
          return { stopReason: config.validate !== null ? "earlyStopping" : "tol" };
        }
      }
      if (now - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    return { stopReason: "maxEpochs" };
  } finally {
    slots.forEach((b, i) => {
      progress.moments[i]?.set(b.view);
    });
    if (config.validate !== null && best.score > Number.NEGATIVE_INFINITY) params.set(best.params);
    for (const b of [state.params, state.grad, state.acc, state.mark, ...slots, plan]) backend.free(b);
    if (idx !== null) backend.free(idx);
  }
}
