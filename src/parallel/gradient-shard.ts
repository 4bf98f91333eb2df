// Training across processes and machines: a shard of the rows somewhere else answers with the
// exact partial gradient and loss at given parameters; the coordinator adds them in shard order.
import type { LinearLoss } from "../backend/loss-id.js";

/** One shard's answer: its rows' loss sum and unscaled gradient [Σ ∂w (d), Σ ∂b] at the parameters asked about. */
export interface ShardGradient {
  loss: number;
  grad: Float64Array;
}

/**
 * A shard of training rows held elsewhere (a `descent worker` process, a Ray actor...): its size,
 * and the partial sums over its rows of a single-output linear loss at given parameters [w, b].
 * Targets are the shard's own: real values, or ±1 for binary classification.
 */
export interface GradientShard {
  readonly rows: number;
  readonly cols: number;
  gradient(params: Float64Array, loss: LinearLoss, lossParam: number): Promise<ShardGradient>;
}
