// Training across processes and machines: a shard of the rows somewhere else answers with the
// exact partial gradient and loss at given parameters; the coordinator adds them in shard order.
import type { LinearLoss } from "../kernels/losses.js";

/** One shard's answer: its rows' loss sum and unscaled gradient [Σ ∂w (d), Σ ∂b] at the parameters asked about. */
export interface ShardGradient {
  /** Σ over the shard's rows of the weighted row loss. */
  loss: number;
  /** The unscaled gradient sums [Σ ∂w (d), Σ ∂b]. */
  grad: Float64Array;
}

/**
 * A shard of training rows held elsewhere (a `descent worker` process, a Ray actor...): its size,
 * and the partial sums over its rows of a single-output linear loss at given parameters [w, b].
 * Targets are the shard's own: real values, or ±1 for binary classification.
 */
export interface GradientShard {
  /** Rows the shard holds. */
  readonly rows: number;
  /** Feature columns (d). */
  readonly cols: number;
  /** The shard's column names in its order, when it knows them (checked to agree across shards). */
  readonly featureNames?: readonly string[];
  /** The shard's loss and gradient sums at params [w, b] for `loss` (lossParam: Huber's or the epsilon-insensitive ε). */
  gradient(params: Float64Array, loss: LinearLoss, lossParam: number): Promise<ShardGradient>;
}

/** What one local epoch runs: plain SGD over the shard's rows, as the estimator of `loss` would. */
export interface LocalEpochRequest {
  /** The loss. */
  loss: LinearLoss;
  /** Huber's or the epsilon-insensitive losses' ε. */
  lossParam: number;
  /** The constant step size. */
  learningRate: number;
  /** Rows per step. */
  batchSize: number;
  /** The regulariser. */
  penalty: "l2" | "l1" | "elasticnet" | "none";
  /** The penalty's strength. */
  alpha: number;
  /** Elastic net's L1 share. */
  l1Ratio: number;
  /** Seed of this epoch's shuffle on this shard. */
  seed: number;
}

/** A shard that can also run a local epoch of SGD from given parameters (local SGD with averaging). */
export interface LocalSgdShard extends GradientShard {
  /** The parameters after one epoch of plain SGD from params on the shard's rows. */
  epoch(params: Float64Array, request: LocalEpochRequest): Promise<Float64Array>;
}
