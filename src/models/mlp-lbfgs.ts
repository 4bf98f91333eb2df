// scikit-learn's `solver='lbfgs'` for the MLPs: the objective over every row as one batch (its data
// loss mean plus (alpha/2)·‖W‖²/n) and its gradient from the backend's MLP gradient kernel, minimised
// by src/optim/lbfgs.ts as SciPy's L-BFGS-B does it (scikit-learn passes maxiter = max_iter,
// maxfun = max_fun and gtol = tol, and leaves ftol at SciPy's 2.22e-9).

import type { Backend, MlpNet } from "../backend/backend.js";
import { DescentError } from "../errors.js";
import { lbfgs } from "../optim/lbfgs.js";
import type { FloatBuffer } from "../runtime/buffer.js";
import { type EpochInfo, emptyHistory, type History, type StopReason } from "../train/history.js";

/** Rows of the gradient's chunks: the activations of a chunk stay in cache (60,000 rows at once did not). */
const GRADIENT_CHUNK_ROWS = 128;

/** SciPy's default ftol for L-BFGS-B (factr 1e7 times the float64 epsilon), which scikit-learn keeps. */
export const LBFGS_FTOL = 1e7 * 2.220446049250313e-16;

/** What an L-BFGS fit of a network needs: the staged rows and targets, and the limits. */
export interface MlpLbfgsProblem {
  backend: Backend;
  net: MlpNet;
  X: FloatBuffer;
  y: FloatBuffer;
  /** Rows. */
  n: number;
  alpha: number;
  /** Iterations at most (max_iter). */
  maxIterations: number;
  /** Evaluations at most (max_fun). */
  maxEvaluations: number;
  /** Largest gradient entry to stop at (tol; null: 0). */
  gradTol: number | null;
  /** Called after each iteration with the weights reached (the model adopts them first); false stops. */
  onEpoch: ((info: EpochInfo, params: Float64Array) => boolean | undefined | Promise<boolean | undefined>) | null;
}

/** An L-BFGS fit's end: the weights, one history entry per iteration, why it stopped. */
export interface MlpLbfgsOutcome {
  params: Float64Array;
  history: History;
  stop: StopReason;
  /** The objective at params (scikit-learn's loss_). */
  loss: number;
  /** E_DIVERGED when the objective or its gradient became non-finite at the start. */
  error: DescentError | null;
}

/** Minimises the network's objective from `start` (not modified). */
export async function fitMlpLbfgs(p: MlpLbfgsProblem, start: Float64Array): Promise<MlpLbfgsOutcome> {
  const { backend, net, X, y, n, alpha } = p;
  const size = start.length;
  const params = backend.alloc(size);
  const grad = backend.alloc(size);
  const chunk = Math.min(GRADIENT_CHUNK_ROWS, n);
  const scratch = backend.alloc(net.shape.scratchSize(chunk) + size);
  const history = emptyHistory();
  const began = performance.now();
  try {
    const objective = (x: Float64Array, g: Float64Array): number => {
      params.view.set(x);
      const total = backend.mlpGradient(net, X, y, 0, n, chunk, params, grad, alpha, scratch);
      g.set(grad.view);
      return total / n;
    };
    const r = await lbfgs(objective, start, {
      maxIterations: p.maxIterations,
      maxEvaluations: p.maxEvaluations,
      gradTol: p.gradTol ?? 0,
      tol: LBFGS_FTOL,
      onIteration: async (x, f, gradNorm, iteration) => {
        const ms = performance.now() - began;
        history.loss.push(f);
        history.gradNorm.push(gradNorm);
        history.learningRate.push(Number.NaN);
        history.ms.push(ms);
        if (p.onEpoch === null) return undefined;
        return p.onEpoch({ epoch: iteration, loss: f, gradNorm, learningRate: Number.NaN, ms }, x.slice());
      },
    });
    const stop: StopReason =
      r.stop === "callback"
        ? "callback"
        : r.stop === "gradTol"
          ? "gradTol"
          : r.stop === "maxEpochs" || r.stop === "maxEvaluations"
            ? "maxEpochs"
            : r.stop === "nonFinite"
              ? "diverged"
              : "tol";
    const error =
      stop === "diverged"
        ? new DescentError(
            "E_DIVERGED",
            `L-BFGS met a non-finite objective or gradient after ${r.iterations} iterations; the model keeps the last finite weights. Scale the features (StandardScaler) or raise alpha.`,
          )
        : null;
    return { params: r.x, history, stop, loss: r.f, error };
  } finally {
    backend.free(params);
    backend.free(grad);
    backend.free(scratch);
  }
}

/**
 * fitMlpLbfgs from each of `restarts` starting points (startOf(r), which may also show them to the
 * model); the outcome with the lowest final objective, or the first that failed.
 */
export async function fitMlpLbfgsRestarts(
  p: MlpLbfgsProblem,
  restarts: number,
  startOf: (restart: number) => Float64Array,
): Promise<MlpLbfgsOutcome> {
  let best: MlpLbfgsOutcome | null = null;
  for (let r = 0; r < restarts; r++) {
    const outcome = await fitMlpLbfgs(p, startOf(r));
    if (outcome.error !== null) return outcome;
    if (best === null || outcome.loss < best.loss) best = outcome;
  }
  return best as MlpLbfgsOutcome;
}
