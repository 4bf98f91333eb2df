import type { Backend } from "../backend/backend.js";
import type { FloatBuffer } from "../backend/buffer.js";
import type { LinearLoss } from "../backend/loss-id.js";
import type { History, StopReason } from "./history.js";
import type { ResolvedSgdOptions } from "./options.js";
import { Prng } from "./prng.js";
import { YIELD_EVERY_MS, yieldToEventLoop } from "./yield.js";

/** Training data already copied into a backend's buffers (rows × d, row-major). */
export interface LinearData {
  X: FloatBuffer;
  y: FloatBuffer;
  sampleWeight: FloatBuffer | null;
  n: number;
  d: number;
}

/** The loss being minimised and its parameter (Huber's epsilon). */
export interface LinearTask {
  loss: LinearLoss;
  lossParam: number;
}

/** Counters that carry over between fit/partialFit calls so schedules and shuffles continue. */
export interface TrainProgress {
  /** Optimizer steps taken so far. */
  step: number;
  /** Epochs completed so far. */
  epoch: number;
  /** Shuffle generator state (null before the first shuffled epoch). */
  rng: [number, number, number, number] | null;
}

/** How a training run ended. */
export interface TrainOutcome {
  stopReason: StopReason;
  /** Set when stopReason is 'diverged': what happened, for the E_DIVERGED message. */
  divergence?: string;
}

/** An objective this many times the first epoch's (or 1, if larger) counts as exploding. */
export const EXPLODE_FACTOR = 1e12;

/** 0.5·alpha·||w||² for 'l2', 0 for 'none'. */
function penaltyValue(w: ArrayLike<number>, d: number, opts: ResolvedSgdOptions): number {
  if (opts.penalty === "none" || opts.alpha === 0) return 0;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = w[j] as number;
    s += v * v;
  }
  return 0.5 * opts.alpha * s;
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i] as number)) return false;
  return true;
}

/**
 * Runs up to `epochs` epochs of minibatch gradient descent on params = [w (d), b], updating
 * `params`, `history` and `progress` in place. On divergence the parameters of the start of the
 * failing epoch (the last finite ones) are kept. Allocates its buffers once and frees them on exit.
 */
export async function trainLinear(
  backend: Backend,
  data: LinearData,
  task: LinearTask,
  params: Float64Array,
  opts: ResolvedSgdOptions,
  progress: TrainProgress,
  history: History,
  epochs: number,
): Promise<TrainOutcome> {
  const { n, d } = data;
  const batch = opts.batchSize === "full" ? n : Math.min(opts.batchSize, n);
  const alpha = opts.penalty === "none" ? 0 : opts.alpha;
  const p = backend.alloc(d + 1);
  const g = backend.alloc(d + 1);
  const acc = backend.alloc(d + 1);
  const idx = backend.allocIndex(n);
  const start = performance.now();
  let lastYield = start;
  try {
    p.view.set(params);
    const order = idx.view;
    for (let i = 0; i < n; i++) order[i] = i;
    const rng = new Prng(opts.seed);
    if (progress.rng !== null) rng.setState(progress.rng);
    const snapshot = new Float64Array(d + 1);
    let best = Number.POSITIVE_INFINITY;
    let noImprovement = 0;
    let firstLoss = Number.NaN;
    let lr = opts.learningRate;
    for (let e = 0; e < epochs; e++) {
      const pv = p.view;
      snapshot.set(pv);
      const penalty = penaltyValue(pv, d, opts);
      if (opts.shuffle) {
        rng.shuffle(idx.view);
        progress.rng = rng.getState();
      }
      acc.view.fill(0);
      let lossSum = 0;
      for (let off = 0; off < n; off += batch) {
        const count = Math.min(batch, n - off);
        lossSum += backend.linearGrad(
          task.loss,
          data.X,
          data.y,
          data.sampleWeight,
          idx,
          off,
          count,
          d,
          p,
          g,
          task.lossParam,
        );
        lr = opts.learningRate;
        backend.sgdStep(p, g, d, opts.fitIntercept, 1 / count, alpha, lr, acc, count / n);
        progress.step++;
      }
      progress.epoch++;
      const loss = lossSum / n + penalty;
      const av = acc.view;
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (av[j] as number) * (av[j] as number);
      if (opts.fitIntercept) sq += (av[d] as number) * (av[d] as number);
      const gradNorm = Math.sqrt(sq);
      const now = performance.now();
      history.loss.push(loss);
      history.gradNorm.push(gradNorm);
      history.learningRate.push(lr);
      history.ms.push(now - start);
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      const current = p.view;
      if (!Number.isFinite(loss) || !allFinite(current) || loss > EXPLODE_FACTOR * Math.max(1, firstLoss)) {
        params.set(snapshot);
        return {
          stopReason: "diverged",
          divergence: `the objective reached ${loss} at epoch ${progress.epoch}`,
        };
      }
      params.set(current);
      if (opts.onEpoch !== null) {
        const verdict = await opts.onEpoch({
          epoch: progress.epoch,
          loss,
          gradNorm,
          learningRate: lr,
          ms: now - start,
        });
        if (verdict === false) return { stopReason: "callback" };
      }
      if (opts.gradTol !== null && gradNorm < opts.gradTol) return { stopReason: "gradTol" };
      if (opts.tol !== null) {
        if (loss > best - opts.tol) noImprovement++;
        else noImprovement = 0;
        if (loss < best) best = loss;
        if (noImprovement >= opts.nIterNoChange) return { stopReason: "tol" };
      }
      if (now - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    return { stopReason: "maxEpochs" };
  } finally {
    backend.free(p);
    backend.free(g);
    backend.free(acc);
    backend.free(idx);
  }
}
