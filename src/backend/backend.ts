import type { LinearLoss } from "../kernels/losses.js";
import type { RatingRange } from "../kernels/mf.js";
import type { NetShape } from "../kernels/mlp-net.js";
import type { Prng } from "../kernels/prng.js";
import type { DType } from "../matrix.js";
import type { Buffer, FloatArray, FloatBuffer, IndexBuffer } from "../runtime/buffer.js";

/** A network's shape, and its descriptor in the backend's memory (what the WASM kernels read). */
export interface MlpNet {
  shape: NetShape;
  descriptor: IndexBuffer;
}

/**
 * The buffers a run of training steps works on, in the backend's dtype: the parameters, the
 * gradient scratch, the optimizer's state slots (null when unused), the epoch's gradient
 * accumulator and the parameters where the accumulator's open SGD run began (see
 * assembly/train.ts and assembly/step-plan.ts).
 */
export interface StepBuffers {
  params: FloatBuffer;
  grad: FloatBuffer;
  s1: FloatBuffer | null;
  s2: FloatBuffer | null;
  acc: FloatBuffer;
  mark: FloatBuffer;
}

/**
 * One model's part of Backend.linearStepsTogether: its plan, targets, row weights, row order and
 * state, as linearSteps takes them.
 */
export interface LinearRun {
  plan: Buffer<Float64Array>;
  y: FloatBuffer;
  sampleWeight: FloatBuffer | null;
  idx: IndexBuffer | null;
  state: StepBuffers;
}

/** Which implementation runs the kernels. */
export type BackendKind = "js" | "wasm-simd" | "wasm-scalar" | "wasm-threads";

/** The rating triples of a matrix-factorisation fit in a backend's memory. */
export interface RatingBuffers {
  /** User index of each rating. */
  users: IndexBuffer;
  /** Item index of each rating. */
  items: IndexBuffer;
  /** The ratings (always float64). */
  ratings: Buffer<Float64Array>;
}

export type { RatingRange } from "../kernels/mf.js";

/**
 * The kernel interface every backend implements over buffers it allocates itself. Parameter
 * vectors are laid out as [w (d), b]. All float64 results are identical to the bit across
 * backends (same summation order, no fused multiply-add); float32 ones agree within a tolerance.
 */
export interface Backend {
  /** Implementation name. */
  readonly kind: BackendKind;
  /** Element type of every float buffer this backend allocates. */
  readonly dtype: DType;
  /** A zero-filled float buffer of `length` elements. */
  alloc(length: number): FloatBuffer;
  /** A zero-filled float64 buffer whatever the dtype (kernel scratch). */
  allocF64(length: number): Buffer<Float64Array>;
  /** A zero-filled int32 buffer of `length` elements (row indices). */
  allocIndex(length: number): IndexBuffer;
  /** A float buffer holding a copy of `source`, converted to the backend's dtype. */
  allocCopy(source: Float64Array | Float32Array): FloatBuffer;
  /**
   * allocCopy (rowIds null) or allocRows, checked on the way: `bad` is the index into the copy of
   * its first NaN or ±Infinity (after the dtype conversion), as firstNonFinite would give it, or
   * −1. When bad ≥ 0 the copy may be incomplete; the buffer is the caller's to free either way.
   */
  allocChecked(
    source: Float64Array | Float32Array,
    rowIds?: Int32Array | null,
    cols?: number,
  ): { buffer: FloatBuffer; bad: number };
  /**
   * A float buffer holding rows `rowIds` of the row-major `source` (`cols` values a row), in that
   * order, converted to the backend's dtype (written once: no zero fill first).
   */
  allocRows(source: Float64Array | Float32Array, rowIds: Int32Array, cols: number): FloatBuffer;
  /** Index of the first NaN or ±Infinity in buffer[0..n), or −1 (after any dtype conversion). */
  firstNonFinite(buffer: FloatBuffer, n: number): number;
  /** Returns a buffer's storage; the buffer must not be used afterwards. */
  free(buffer: Buffer<FloatArray | Int32Array>): void;
  /**
   * Frees what the backend keeps between calls (the threaded backend's per-worker buffers; nothing
   * for the others). Call once a fit is done with it; its own buffers are freed with `free`.
   */
  dispose(): void;
  /** Shuffles idx[0..n) in place with `rng` (Fisher–Yates, the same permutation on every backend). */
  shuffle(idx: IndexBuffer, n: number, rng: Prng): void;
  /** x·y over the first n elements. */
  dot(x: FloatBuffer, y: FloatBuffer, n: number): number;
  /** y += a·x over the first n elements. */
  axpy(n: number, a: number, x: FloatBuffer, y: FloatBuffer): void;
  /** out[r] = X[r]·w + b for each of `rows` rows of the rows × d matrix X, params = [w, b]. */
  gemv(X: FloatBuffer, rows: number, d: number, params: FloatBuffer, out: FloatBuffer): void;
  /**
   * Fused pass over rows idx[start .. start+count) (rows start .. start+count in order when idx is
   * null): writes the unscaled gradient of
   * sum_k sw_k loss(y_k, x_k·w + b) into grad = [gw, gb] and returns that weighted loss sum.
   * `sampleWeight` null means unit weights; `lossParam` is Huber's epsilon.
   */
  linearGrad(
    loss: LinearLoss,
    X: FloatBuffer,
    y: FloatBuffer,
    sampleWeight: FloatBuffer | null,
    idx: IndexBuffer | null,
    start: number,
    count: number,
    d: number,
    params: FloatBuffer,
    grad: FloatBuffer,
    lossParam: number,
  ): number;
  /**
   * Fused pass of the multinomial loss over rows idx[start .. start+count) for `classes` classes
   * (y holds class indices); params and grad = [W (classes × d), b (classes)]. Returns the weighted
   * loss sum. `scratch` holds at least `classes` doubles.
   */
  softmaxGrad(
    X: FloatBuffer,
    y: FloatBuffer,
    sampleWeight: FloatBuffer | null,
    idx: IndexBuffer | null,
    start: number,
    count: number,
    d: number,
    classes: number,
    params: FloatBuffer,
    grad: FloatBuffer,
    scratch: Buffer<Float64Array>,
  ): number;
  /**
   * Training steps of a single-output linear model (params = [w (d), b]) over the positions
   * start .. end of an epoch, start at a batch boundary: rows idx[pos], or pos itself when idx is
   * null. Each step computes its batch's gradient, takes the schedule's rate for its step number
   * and updates the parameters and optimizer state; `plan` (src/backend/train-plan.ts) holds the
   * hyper-parameters and the running state (step count, the epoch's loss sum, the last rate),
   * which the call advances. Cutting an epoch into calls anywhere at batch boundaries gives the
   * same bits.
   */
  linearSteps(
    plan: Buffer<Float64Array>,
    X: FloatBuffer,
    y: FloatBuffer,
    sampleWeight: FloatBuffer | null,
    idx: IndexBuffer | null,
    start: number,
    end: number,
    d: number,
    state: StepBuffers,
  ): void | Promise<void>;
  /**
   * linearSteps for several models on X over positions start .. end (each through its own row
   * order): each model ends with the bits linearSteps of its own gives it. The WASM backends read
   * each row once for all the per-sample SGD models among them whose row orders agree there
   * (assembly/steps-together.ts), which is where a search's candidates on one fold save their time.
   */
  linearStepsTogether(
    runs: readonly LinearRun[],
    X: FloatBuffer,
    start: number,
    end: number,
    d: number,
  ): void | Promise<void>;
  /**
   * Set by a backend that gathers the steps of several runs (a search's StepGroup): the training
   * loop hands it each epoch in one call, so that the runs' calls cover the same rows.
   */
  readonly wholeEpochs?: boolean;
  /**
   * linearSteps for the multinomial loss: params = [W (classes × d), b (classes)], y holds class
   * indices, `scratch` at least `classes` doubles.
   */
  softmaxSteps(
    plan: Buffer<Float64Array>,
    X: FloatBuffer,
    y: FloatBuffer,
    sampleWeight: FloatBuffer | null,
    idx: IndexBuffer | null,
    start: number,
    end: number,
    d: number,
    state: StepBuffers,
    scratch: Buffer<Float64Array>,
  ): void | Promise<void>;
  /**
   * One training step over a gradient computed elsewhere: state.grad holds the unscaled gradient
   * of `count` rows and `batchLoss` their weighted loss sum (the worker threads' path).
   */
  gradientStep(plan: Buffer<Float64Array>, count: number, batchLoss: number, state: StepBuffers): void;
  /**
   * The minibatch steps of a multi-layer perceptron over the positions start .. end of an epoch
   * (rows idx[pos], or pos itself when idx is null): params packed as every W_l then every b_l
   * (see NetShape); y holds real targets, 0/1 or class indices by the output; `scratch` holds
   * net.shape.scratchSize(batch) elements. Adds each batch's data loss plus (alpha/2)·‖W‖² (alpha
   * the plan's l2 slot) to the plan's loss sum, as scikit-learn's loss_.
   */
  mlpSteps(
    plan: Buffer<Float64Array>,
    net: MlpNet,
    X: FloatBuffer,
    y: FloatBuffer,
    idx: IndexBuffer | null,
    start: number,
    end: number,
    state: StepBuffers,
    scratch: FloatBuffer,
  ): void;
  /**
   * The network's outputs for rows start .. start+count of X into out (count × outputs), `batch`
   * rows at a time through `scratch` (net.shape.scratchSize(batch)); returns the data loss sum
   * against y (0 when y is null).
   */
  mlpPredict(
    net: MlpNet,
    X: FloatBuffer,
    y: FloatBuffer | null,
    start: number,
    count: number,
    batch: number,
    params: FloatBuffer,
    out: FloatBuffer,
    scratch: FloatBuffer,
  ): number;
  /**
   * The gradient of a multi-layer perceptron's objective over rows start .. start+count of X taken
   * as one batch (scikit-learn's full-batch gradient for L-BFGS) into grad: (Aᵀ·δ + alpha·W)/count
   * for the weights, the mean δ for the intercepts, summed `chunk` rows at a time (in chunk order).
   * `scratch` holds net.shape.scratchSize(chunk) + every parameter's elements. Returns the data
   * loss sum plus (alpha/2)·‖W‖², the objective times count.
   */
  mlpGradient(
    net: MlpNet,
    X: FloatBuffer,
    y: FloatBuffer,
    start: number,
    count: number,
    chunk: number,
    params: FloatBuffer,
    grad: FloatBuffer,
    alpha: number,
    scratch: FloatBuffer,
  ): number;
  /** Ends an epoch's steps: completes state.acc, the epoch's gradient accumulator. */
  finishEpoch(plan: Buffer<Float64Array>, state: StepBuffers): void;
  /**
   * Matrix-factorisation SGD steps over ratings start .. start+count, in order, as the plan's next
   * steps (assembly/mf.ts): updates the parameter block (P, Q, b_u, b_i in the backend's dtype;
   * layout in the plan) and advances the plan's step count, loss sum and rate factor sum.
   */
  mfSteps(plan: Buffer<Float64Array>, triples: RatingBuffers, start: number, count: number, params: FloatBuffer): void;
  /**
   * mfSteps over several ranges that share no user and no item (a round of the block schedule,
   * src/models/rating-blocks.ts), range i under plans[i]: on workers at once where the backend has
   * them, else one after another; either way the same bits.
   */
  mfStepsRanges(
    plans: readonly Buffer<Float64Array>[],
    triples: RatingBuffers,
    ranges: readonly RatingRange[],
    params: FloatBuffer,
  ): Promise<void>;
  /**
   * One Fisher–Yates shuffle (the generator and draws of `shuffle`) applied to the triples
   * start .. start+count of users, items and ratings together, in place: those rating triples in
   * a new order (the others untouched).
   */
  shuffleTriples(triples: RatingBuffers, start: number, count: number, rng: Prng): void;
  /**
   * shuffleTriples over several ranges that do not overlap, range i with rngs[i]: on workers at
   * once where the backend has them, else one after another.
   */
  shuffleTripleRanges(triples: RatingBuffers, ranges: readonly RatingRange[], rngs: readonly Prng[]): Promise<void>;
}

/** Backend.mfStepsRanges for a backend without workers: the ranges one after another. */
export async function mfStepsInTurn(
  backend: Backend,
  plans: readonly Buffer<Float64Array>[],
  triples: RatingBuffers,
  ranges: readonly RatingRange[],
  params: FloatBuffer,
): Promise<void> {
  ranges.forEach((r, i) => {
    backend.mfSteps(plans[i] as Buffer<Float64Array>, triples, r.start, r.count, params);
  });
}

/** Backend.shuffleTripleRanges for a backend without workers: the ranges one after another. */
export async function shuffleTriplesInTurn(
  backend: Backend,
  triples: RatingBuffers,
  ranges: readonly RatingRange[],
  rngs: readonly Prng[],
): Promise<void> {
  ranges.forEach((r, i) => {
    backend.shuffleTriples(triples, r.start, r.count, rngs[i] as Prng);
  });
}
