/** Why training stopped. */
export type StopReason = "tol" | "gradTol" | "earlyStopping" | "maxEpochs" | "callback" | "diverged";

/**
 * Per-epoch record of a fit (index e = epoch e + 1).
 * - loss: the objective J over the epoch: each batch's weighted data loss at the parameters it was
 *   evaluated with, summed and divided by n, plus alpha·R(w) at the start of the epoch. With
 *   batchSize 'full' this is exactly J at the start of the epoch.
 * - gradNorm: Euclidean norm of the gradient of J over [w, b] (b only when fitted): the mean of
 *   the epoch's batch gradients weighted by batch size, which is the exact full gradient for 'full'.
 * - learningRate: step size of the epoch's last step.
 * - ms: wall-clock milliseconds since the fit started, at the end of the epoch.
 */
export interface History {
  /** The objective J after each epoch (data loss plus penalty; see the objective conventions). */
  loss: number[];
  /** The validation score after each epoch (R² or accuracy), under early stopping. */
  valScore?: number[];
  /** The norm of the epoch's mean gradient (the gradTol test). */
  gradNorm: number[];
  /** The step size of the epoch's last step. */
  learningRate: number[];
  /** Milliseconds from the start of the fit to the end of each epoch. */
  ms: number[];
}

/** What onEpoch receives after every epoch. */
export interface EpochInfo {
  /** 1-based epoch number (counting across partialFit calls). */
  epoch: number;
  /** The epoch objective (see History.loss). */
  loss: number;
  /** The epoch gradient norm (see History.gradNorm). */
  gradNorm: number;
  /** Step size of the last step. */
  learningRate: number;
  /** Milliseconds since the fit started. */
  ms: number;
  /** Validation score of the epoch (with earlyStopping). */
  valScore?: number;
}

/** An empty history. */
export function emptyHistory(): History {
  return { loss: [], gradNorm: [], learningRate: [], ms: [] };
}
