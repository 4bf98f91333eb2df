import type { Backend } from "../backend/backend.js";
import type { FloatBuffer, IndexBuffer } from "../backend/buffer.js";
import type { StepParams } from "../backend/optimizer-id.js";
import type { ResolvedOptimizer } from "../optim/optimizer-spec.js";
import type { Schedule } from "../optim/schedules.js";
import { type PenaltyConfig, penaltyValue, stepParams } from "../optim/step-params.js";
import type { History, StopReason } from "./history.js";
import type { ResolvedSgdOptions } from "./options.js";
import { Prng } from "./prng.js";
import { YIELD_EVERY_MS, yieldToEventLoop } from "./yield.js";

/**
 * A differentiable data term over n rows, already in a backend's memory: `gradient` writes the
 * unscaled batch gradient of Σ sw_i loss_i over rows idx[start .. start+count) into grad and
 * returns that loss sum. Parameters: nPen penalised weights, then nAll − nPen intercepts.
 */
export interface Objective {
  n: number;
  nPen: number;
  nAll: number;
  gradient(
    idx: IndexBuffer,
    start: number,
    count: number,
    params: FloatBuffer,
    grad: FloatBuffer,
  ): number | Promise<number>;
  /**
   * Gradient and optimizer update as one backend call, when the objective has one (single-output
   * linear losses off the worker path); the same result as gradient() then optimizerStep().
   * Returns null when this batch must take the two-call path.
   */
  step?: (
    idx: IndexBuffer,
    start: number,
    count: number,
    params: FloatBuffer,
    grad: FloatBuffer,
    s1: FloatBuffer | null,
    s2: FloatBuffer | null,
    step: StepParams,
    acc: FloatBuffer,
  ) => number | null;
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
  schedule: Schedule;
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
 * `progress` in place. On divergence the parameters from the start of the failing epoch (the last
 * finite ones) are kept; with early stopping the best parameters on the validation rows are kept.
 * Allocates its buffers once and frees them on exit.
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
  const p = backend.allocCopy(params);
  const g = backend.alloc(nAll);
  const acc = backend.alloc(nAll);
  const idx = backend.allocIndex(n);
  const slots = progress.moments.map((m) => backend.allocCopy(m));
  const s1 = slots[0] ?? null;
  const s2 = slots[1] ?? null;
  const start = performance.now();
  let lastYield = start;
  const best = { score: Number.NEGATIVE_INFINITY, params: params.slice() };
  try {
    const order = idx.view;
    for (let i = 0; i < n; i++) order[i] = i;
    const rng = new Prng(opts.seed);
    if (progress.rng !== null) rng.setState(progress.rng);
    const snapshot = new Float64Array(nAll);
    let sp: StepParams | undefined;
    const tol = opts.tol;
    let bestLoss = Number.POSITIVE_INFINITY;
    let noImprovement = 0;
    let firstLoss = Number.NaN;
    for (let e = 0; e < epochs; e++) {
      const pv = p.view;
      snapshot.set(pv);
      const penalty = penaltyValue(pv, nPen, config.penalty);
      // One batch covers every row: the order only changes rounding, so keep rows in memory order.
      if (opts.shuffle && batch < n) {
        backend.shuffle(idx, n, rng);
        progress.rng = rng.getState();
      }
      acc.view.fill(0);
      let lossSum = 0;
      let lr = 0;
      for (let off = 0; off < n; off += batch) {
        const count = Math.min(batch, n - off);
        const t = progress.step + 1;
        lr = config.schedule(t, progress.epoch) * progress.rateScale;
        sp = stepParams(optimizer, config.penalty, nPen, opts.fitIntercept, t, lr, count, n, sp);
        const fused = objective.step?.(idx, off, count, p, g, s1, s2, sp, acc) ?? null;
        if (fused !== null) lossSum += fused;
        else {
          const part = objective.gradient(idx, off, count, p, g);
          lossSum += typeof part === "number" ? part : await part;
          backend.optimizerStep(p, g, s1, s2, nAll, sp, acc);
        }
        progress.step = t;
      }
      progress.epoch++;
      const loss = lossSum / n + penalty;
      const av = acc.view;
      let sq = 0;
      const active = opts.fitIntercept ? nAll : nPen;
      for (let j = 0; j < active; j++) sq += (av[j] as number) * (av[j] as number);
      const gradNorm = Math.sqrt(sq);
      history.loss.push(loss);
      history.gradNorm.push(gradNorm);
      history.learningRate.push(lr);
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      const current = p.view;
      const exploded =
        loss > EXPLODE_FACTOR * Math.max(1, firstLoss) ||
        loss > ZERO_MODEL_FACTOR * Math.max(config.zeroObjective, 1e-12);
      if (!Number.isFinite(loss) || !allFinite(current) || exploded) {
        history.ms.push(performance.now() - start);
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
      const now = performance.now();
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
          if (config.schedule(progress.step + 1, progress.epoch) * progress.rateScale < ADAPTIVE_MIN_RATE) {
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
      backend.free(b);
    });
    if (config.validate !== null && best.score > Number.NEGATIVE_INFINITY) params.set(best.params);
    backend.free(p);
    backend.free(g);
    backend.free(acc);
    backend.free(idx);
  }
}
