import type { Backend, StepBuffers } from "../backend/backend.js";
import { type PenaltyConfig, penaltyValue } from "../kernels/penalty.js";
import { beginEpoch, l1IsCumulative, PLAN_SLOTS, PlanSlot, type PlanSpec, writePlan } from "../kernels/plan.js";
import { Prng } from "../kernels/prng.js";
import type { ResolvedOptimizer } from "../optim/optimizer-spec.js";
import { rateAt, type ScheduleParams } from "../optim/schedules.js";
import type { FloatBuffer, IndexBuffer } from "../runtime/buffer.js";
import type { History, StopReason } from "./history.js";
import { averageStart, type ResolvedSgdOptions, rowsPerStep } from "./options.js";
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
  /**
   * Plan fields of the objective: the loss's id and parameter, the classes of a softmax problem,
   * and an update rule of its own (the MLPs'), if any.
   */
  plan: Pick<PlanSpec, "loss" | "lossParam" | "classes" | "rule" | "mf">;
  /** The mean weighted data loss (1/n) Σ sw_i loss_i at `params` (grad is scratch). */
  meanLoss(params: FloatBuffer, grad: FloatBuffer): number;
  /**
   * Set when the steps add the penalty to the plan's loss sum themselves (the MLPs, as
   * scikit-learn's loss_), so the loop adds none at the start of each epoch.
   */
  penaltyInLoss?: boolean;
  steps(plan: Buffer64, idx: IndexBuffer | null, start: number, end: number, state: StepBuffers): void | Promise<void>;
  /**
   * Set by an objective that keeps its rows in an order of its own (matrix factorisation's rating
   * triples): the loop passes no index buffer and calls this, with the run's generator, to
   * reshuffle the rows in place at the start of each shuffled epoch.
   */
  shuffleRows?(rng: Prng): void | Promise<void>;
  /** Set when `steps` must see the whole epoch in one call (work it spreads over threads itself). */
  wholeEpoch?: boolean;
  /**
   * Set when the training rows are some rows of the staged data, trained in place (a Dataset or
   * its subset): position p of the epoch is row rowIds[p] (before shuffling), so the steps always
   * go through an index buffer.
   */
  rowIds?: Int32Array | null;
  /**
   * Set by an objective whose steps keep no gradient accumulator: the norm of the epoch's gradient
   * estimate, from the parameters at its start (`epochStart`) and now, in place of
   * Backend.finishEpoch and the norm of state.acc.
   */
  finishEpoch?(plan: Buffer64, state: StepBuffers, epochStart: Float64Array): number;
}

/** A float64 buffer of a backend (the training plan). */
type Buffer64 = ReturnType<Backend["allocF64"]>;

/**
 * The row order each run's last epoch left, by its progress record: a run's every epoch shuffles
 * the order of the epoch before, so a partialFit call (or a resumed checkpoint) must start from it
 * for its epochs to visit the rows as one fit's would.
 */
const rowOrders = new WeakMap<TrainProgress, { order: Int32Array; base: Int32Array | null }>();

/**
 * The row order a call of a run starts from: the order its previous call left (same row count);
 * for a run read back from JSON, the order rebuilt by replaying its shuffles from the seed, used
 * when the generator then stands where the saved state says; else the rows in order.
 */
function rowOrder(progress: TrainProgress, n: number, seed: number, base: Int32Array | null): Int32Array {
  const kept = rowOrders.get(progress);
  if (kept !== undefined && kept.order.length === n && kept.base === base) return kept.order;
  // A fresh run starts from the rows as staged (read only: the caller copies them).
  if (base !== null && base.length === n && (progress.rng === null || progress.epoch === 0)) return base;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const saved = progress.rng;
  let positions = order;
  if (saved !== null && progress.epoch > 0) {
    const replay = new Prng(seed);
    const replayed = order.slice();
    for (let e = 0; e < progress.epoch; e++) replay.shuffle(replayed, n);
    const state = replay.getState();
    if (state.every((v, i) => v === saved[i])) positions = replayed;
  }
  // In place, the positions stand for the rows they name (a plain loop: TypedArray.map with a
  // closure costs several times as much on 200,000 rows).
  if (base === null) return positions;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = base[positions[i] as number] as number;
  return rows;
}

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
  /**
   * Plain SGD's cumulative L1 penalty so far (Σ rate·alpha·l1Ratio over its steps; see
   * PlanSlot.l1Total). Plain SGD keeps in moments[0] what each weight has received of it and in
   * moments[1] the averaged parameters, when it needs them.
   */
  l1Total: number;
}

/** A fresh progress record for an optimizer over nAll parameters. */
export function newProgress(optimizer: ResolvedOptimizer, nAll: number): TrainProgress {
  const moments: Float64Array[] = [];
  for (let i = 0; i < optimizer.slots; i++) {
    const slot = new Float64Array(nAll);
    if (optimizer.kind === "adagrad") slot.fill(optimizer.initialAccumulatorValue);
    moments.push(slot);
  }
  return { step: 0, epoch: 0, rng: null, moments, rateScale: 1, l1Total: 0 };
}

/**
 * The state slots a run needs: the optimizer's, or for plain SGD with the cumulative L1 penalty or
 * averaging, two (what each weight has received of the penalty; the averaged parameters), added
 * as zeros to a progress record that lacks them (options changed since it was saved).
 */
function ensureSgdSlots(progress: TrainProgress, optimizer: ResolvedOptimizer, nAll: number, needed: boolean): void {
  if (optimizer.kind !== "sgd" || !needed) return;
  while (progress.moments.length < 2) progress.moments.push(new Float64Array(nAll));
}

/** Everything the loop needs besides the data. */
/**
 * What the loop reads of an estimator's options: rows per step, row order and seed, the stop rules
 * (tol over nIterNoChange epochs, gradTol), whether the intercept is penalised-free and trained,
 * averaging, and the epoch callback. Every estimator (linear models, MLPs, sharded fits) passes
 * these; nothing else of its options reaches the loop.
 */
export type LoopOptions = Pick<
  ResolvedSgdOptions,
  "batchSize" | "shuffle" | "seed" | "tol" | "nIterNoChange" | "gradTol" | "fitIntercept" | "average" | "onEpoch"
>;

export interface TrainConfig {
  opts: LoopOptions;
  optimizer: ResolvedOptimizer;
  schedule: ScheduleParams;
  adaptive: boolean;
  penalty: PenaltyConfig;
  /**
   * Score of parameters on held-out rows, recorded in history.valScore and passed to onEpoch:
   * higher is better unless `validation.lowerIsBetter`; early stopping follows it (keeping the
   * best parameters) unless `validation.monitorOnly`.
   */
  validate: ((params: Float64Array) => number) | null;
  /** How `validate`'s score is read (default: higher is better, and it stops the run). */
  validation?: { lowerIsBetter?: boolean; monitorOnly?: boolean };
  /** The objective of the all-zero model (predicting f = 0), the yardstick of the divergence guard. */
  zeroObjective: number;
  /**
   * Set when `history` holds earlier epochs of this same run (a run resumed from a checkpoint):
   * the stop rules and the divergence guard carry on from those epochs, and `startParams` are the
   * parameters the run first started from, so the run ends as it would have without the break.
   */
  resumed?: { startParams: Float64Array };
  /**
   * Called after every epoch's bookkeeping, with `progress` (its optimizer slots up to date) and
   * the parameters: where a coordinator saves its checkpoint. A throw ends the run with it.
   */
  afterEpoch?: (progress: TrainProgress, params: Float64Array) => Promise<void>;
}

/** The stop rules' memory after the epoch objectives `losses` of a run (see TrainConfig.resumed). */
function carriedStopState(
  losses: readonly number[],
  tol: number | null,
  nIterNoChange: number,
): { bestLoss: number; noImprovement: number; firstLoss: number; recent: number[] } {
  let bestLoss = Number.POSITIVE_INFINITY;
  let noImprovement = 0;
  for (const loss of losses) {
    const improved = tol === null || loss <= bestLoss - tol;
    if (loss < bestLoss) bestLoss = loss;
    noImprovement = improved ? 0 : noImprovement + 1;
    // The run went on past a plateau: only the adaptive schedule does, starting its count afresh.
    if (tol !== null && noImprovement >= nIterNoChange) noImprovement = 0;
  }
  return { bestLoss, noImprovement, firstLoss: losses[0] ?? Number.NaN, recent: losses.slice(-(SUSTAINED_WINDOW + 1)) };
}

/** Whether a run's validation score stops it (and picks the parameters it keeps). */
function stopsOnValidationOf(config: TrainConfig): boolean {
  return config.validate !== null && config.validation?.monitorOnly !== true;
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
 * An epoch objective this many times the yardstick (the larger of the all-zero model's objective
 * and that of the parameters the run started from) is enormous: diverged at once.
 */
export const ENORMOUS_FACTOR = 1e6;
/**
 * Sustained divergence, against SUSTAINED_FACTOR times the yardstick: an objective above it that
 * has grown epoch on epoch for SUSTAINED_EPOCHS epochs, or a run stopping on `tol` with the
 * objective above it in SUSTAINED_EPOCHS of the last SUSTAINED_WINDOW epochs (swinging, never
 * settling). Losses with bounded slopes (Huber, hinge, log, ...) never overflow under a huge
 * rate, they drift or swing ever further out; a run that is merely bad early (a large first rate,
 * unscaled data: 100–140 times the all-zero model's hinge for a few epochs) comes back down, as
 * scikit-learn's do, and is left to.
 */
export const SUSTAINED_FACTOR = 100;
/** Epochs of growth (or of high objectives within the window, at a tol stop) that count as divergence. */
export const SUSTAINED_EPOCHS = 3;
/** The window of recent epochs a tol stop looks back on. */
export const SUSTAINED_WINDOW = 5;
/** The 'adaptive' schedule stops at a plateau reached at a rate at or below this (as scikit-learn). */
export const ADAPTIVE_MIN_RATE = 1e-6;

/**
 * Σ a[j]² over the first n entries (a function of its own so V8 optimises it: inline in the
 * loop's async body it ran several times slower on large parameter blocks).
 */
function sumOfSquares(a: ArrayLike<number>, n: number): number {
  let sq = 0;
  for (let j = 0; j < n; j++) sq += (a[j] as number) * (a[j] as number);
  return sq;
}

/** Whether every entry is a finite number. */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i] as number)) return false;
  return true;
}

/**
 * What the divergence guard measures epoch objectives against: the larger of the all-zero model's
 * objective and the objective at the parameters the run starts from (a warm start or partialFit
 * may start far from zero, and targets the all-zero model fits perfectly make its objective 0).
 */
function divergenceYardstick(
  backend: Backend,
  objective: Objective,
  config: TrainConfig,
  start: Float64Array,
  nPen: number,
): number {
  if (start.every((v) => v === 0)) return config.zeroObjective;
  const p = backend.allocCopy(start);
  const g = backend.alloc(start.length);
  try {
    const at = objective.meanLoss(p, g) + penaltyValue(start, nPen, config.penalty);
    return Math.max(config.zeroObjective, Number.isFinite(at) ? at : 0);
  } finally {
    backend.free(p);
    backend.free(g);
  }
}

/**
 * The divergence guard's verdict on an epoch objective (null: carry on). `base` is the yardstick
 * (see divergenceYardstick; the first epoch's objective when that is 0); `recent` holds the last
 * SUSTAINED_WINDOW epoch objectives, this one included.
 */
function divergence(
  loss: number,
  paramsFinite: boolean,
  firstLoss: number,
  base: number,
  recent: number[],
): string | null {
  if (!Number.isFinite(loss) || !paramsFinite) return `the objective reached ${loss}`;
  if (loss > EXPLODE_FACTOR * Math.max(1, firstLoss)) return `the objective exploded to ${loss}`;
  if (!(base > 0)) return null;
  if (loss > ENORMOUS_FACTOR * base) {
    return `the objective reached ${loss}, over ${ENORMOUS_FACTOR} times that of the all-zero model or of the starting point (${base})`;
  }
  const k = recent.length;
  if (k <= SUSTAINED_EPOCHS || loss <= SUSTAINED_FACTOR * base) return null;
  for (let i = k - SUSTAINED_EPOCHS; i < k; i++) if (!((recent[i] as number) > (recent[i - 1] as number))) return null;
  return `the objective grew for ${SUSTAINED_EPOCHS} epochs in a row to ${loss}, over ${SUSTAINED_FACTOR} times that of the all-zero model or of the starting point (${base})`;
}

/** Whether SUSTAINED_EPOCHS of the recent objectives are above SUSTAINED_FACTOR·base. */
function mostlyHigh(recent: number[], base: number): boolean {
  return base > 0 && recent.filter((l) => l > SUSTAINED_FACTOR * base).length >= SUSTAINED_EPOCHS;
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
  const batch = rowsPerStep(opts.batchSize, n);
  const reshuffle = opts.shuffle === true && batch < n;
  const averageFrom = averageStart(opts);
  ensureSgdSlots(
    progress,
    optimizer,
    nAll,
    averageFrom > 0 || l1IsCumulative({ optimizer, penalty: config.penalty, rows: n, batch }),
  );
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
  const base = objective.rowIds ?? null;
  const idx = (reshuffle || base !== null) && objective.shuffleRows === undefined ? backend.allocIndex(n) : null;
  const start = performance.now();
  let lastYield = start;
  const best = {
    score: Number.NEGATIVE_INFINITY,
    params: params.slice(),
    averaged: null as Float64Array | null,
  };
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
        averageStart: averageFrom,
        ...objective.plan,
      },
      progress.step,
      progress.epoch,
      progress.rateScale,
    );
    plan.view[PlanSlot.l1Total] = progress.l1Total;
    const rng = new Prng(opts.seed);
    if (progress.rng !== null) rng.setState(progress.rng);
    if (idx !== null) idx.view.set(rowOrder(progress, n, opts.seed, base));
    const slices = new SliceSize(n, batch, objective.workPerRow);
    const wholeEpoch = objective.wholeEpoch === true || backend.wholeEpochs === true;
    const stopsOnValidation = stopsOnValidationOf(config);
    const sign = config.validation?.lowerIsBetter === true ? -1 : 1;
    const snapshot = new Float64Array(nAll);
    const active = opts.fitIntercept ? nAll : nPen;
    const tol = opts.tol;
    const carried =
      config.resumed === undefined
        ? { bestLoss: Number.POSITIVE_INFINITY, noImprovement: 0, firstLoss: Number.NaN, recent: [] }
        : carriedStopState(history.loss, tol, opts.nIterNoChange);
    let { bestLoss, noImprovement, firstLoss } = carried;
    const recent: number[] = carried.recent;
    // Measured only when an objective is high against the all-zero model's (the common case never pays).
    let yardstick: number | null = null;
    const startParams = config.resumed?.startParams.slice() ?? params.slice();
    for (let e = 0; e < epochs; e++) {
      const pv = state.params.view;
      snapshot.set(pv);
      const penalty = objective.penaltyInLoss === true ? 0 : penaltyValue(pv, nPen, config.penalty);
      if (reshuffle) {
        if (idx !== null) backend.shuffle(idx, n, rng);
        else {
          const pending = objective.shuffleRows?.(rng);
          if (pending !== undefined) await pending;
        }
        progress.rng = rng.getState();
      }
      state.acc.view.fill(0);
      beginEpoch(plan.view, progress.epoch, progress.rateScale);
      let now = performance.now();
      for (let pos = 0; pos < n; ) {
        const end = wholeEpoch ? n : slices.end(pos);
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
      let ownNorm: number | null = null;
      if (objective.finishEpoch !== undefined) ownNorm = objective.finishEpoch(plan, state, snapshot);
      else backend.finishEpoch(plan, state);
      const pl = plan.view;
      progress.step = pl[PlanSlot.step] as number;
      progress.l1Total = pl[PlanSlot.l1Total] as number;
      progress.epoch++;
      const lr = pl[PlanSlot.lastRate] as number;
      const loss = (pl[PlanSlot.lossSum] as number) / n + penalty;
      const gradNorm = ownNorm ?? Math.sqrt(sumOfSquares(state.acc.view, active));
      history.loss.push(loss);
      history.gradNorm.push(gradNorm);
      history.learningRate.push(lr);
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      const current = state.params.view;
      if (yardstick === null && !(loss <= SUSTAINED_FACTOR * config.zeroObjective))
        yardstick = divergenceYardstick(backend, objective, config, startParams, nPen);
      const found = yardstick ?? config.zeroObjective;
      const base = found > 0 ? found : firstLoss;
      recent.push(loss);
      if (recent.length > SUSTAINED_WINDOW + 1) recent.shift();
      const why = divergence(loss, allFinite(current), firstLoss, base, recent);
      if (why !== null) {
        history.ms.push(now - start);
        params.set(snapshot);
        return { stopReason: "diverged", divergence: `${why} at epoch ${progress.epoch}` };
      }
      params.set(current);
      let improved: boolean;
      let valScore: number | undefined;
      // Once averaging has begun, the averages are the model a user gets, so they are scored.
      const averaged = averageFrom > 0 && progress.step >= averageFrom ? slots[1] : undefined;
      if (config.validate !== null) {
        valScore = config.validate(averaged === undefined ? params : Float64Array.from(averaged.view));
        if (history.valScore === undefined) history.valScore = [];
        history.valScore.push(valScore);
      }
      if (stopsOnValidation) {
        const score = sign * (valScore as number);
        improved = score > best.score + (tol ?? 0);
        if (score > best.score) {
          best.score = score;
          best.params.set(params);
          best.averaged = averaged === undefined ? null : Float64Array.from(averaged.view);
        }
      } else {
        improved = tol === null || loss <= bestLoss - tol;
        if (loss < bestLoss) bestLoss = loss;
      }
      noImprovement = improved ? 0 : noImprovement + 1;
      if (config.validate !== null) now = performance.now();
      history.ms.push(now - start);
      if (config.afterEpoch !== undefined) {
        slots.forEach((b, i) => {
          progress.moments[i]?.set(b.view);
        });
        try {
          await config.afterEpoch(progress, params);
        } catch (err) {
          return { stopReason: "callback", callbackError: err };
        }
      }
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
      if (noImprovement >= opts.nIterNoChange && (tol !== null || stopsOnValidation)) {
        const stopped = (): TrainOutcome =>
          !stopsOnValidation && mostlyHigh(recent.slice(-SUSTAINED_WINDOW), base)
            ? {
                stopReason: "diverged",
                divergence: `the objective stopped improving while over ${SUSTAINED_FACTOR} times that of the all-zero model or of the starting point (${base}) in ${SUSTAINED_EPOCHS} of the last ${SUSTAINED_WINDOW} epochs, at ${loss} (epoch ${progress.epoch})`,
              }
            : { stopReason: stopsOnValidation ? "earlyStopping" : "tol" };
        // 'adaptive' divides the rate by 5 on a plateau while it is above ADAPTIVE_MIN_RATE, so the
        // last plateau trains at the first rate at or below it, then stops (scikit-learn's rule, in
        // SGDRegressor's plain_sgd and MLP's trigger_stopping alike).
        const rate = rateAt(config.schedule, progress.step + 1, progress.epoch) * progress.rateScale;
        if (config.adaptive && rate > ADAPTIVE_MIN_RATE) {
          progress.rateScale /= 5;
          noImprovement = 0;
        } else {
          return stopped();
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
    if (stopsOnValidationOf(config) && best.score > Number.NEGATIVE_INFINITY) {
      params.set(best.params);
      if (best.averaged !== null) progress.moments[1]?.set(best.averaged);
    }
    for (const b of [state.params, state.grad, state.acc, state.mark, ...slots, plan]) backend.free(b);
    if (idx !== null) {
      // The next call of the same run goes on from this order (each epoch shuffles the one before).
      rowOrders.set(progress, { order: Int32Array.from(idx.view), base });
      backend.free(idx);
    }
  }
}
