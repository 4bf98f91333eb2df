import type { DType } from "../matrix.js";
import type { Prng } from "../train/prng.js";
import type { Buffer, FloatArray, FloatBuffer, IndexBuffer } from "./buffer.js";
import type { MfStep } from "./js-kernels.js";
import type { LinearLoss } from "./loss-id.js";
import type { StepParams } from "./optimizer-id.js";

/** Which implementation runs the kernels. */
export type BackendKind = "js" | "wasm-simd" | "wasm-scalar" | "wasm-threads";

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
   * Fused pass over rows idx[start .. start+count): writes the unscaled gradient of
   * sum_k sw_k loss(y_k, x_k·w + b) into grad = [gw, gb] and returns that weighted loss sum.
   * `sampleWeight` null means unit weights; `lossParam` is Huber's epsilon.
   */
  linearGrad(
    loss: LinearLoss,
    X: FloatBuffer,
    y: FloatBuffer,
    sampleWeight: FloatBuffer | null,
    idx: IndexBuffer,
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
    idx: IndexBuffer,
    start: number,
    count: number,
    d: number,
    classes: number,
    params: FloatBuffer,
    grad: FloatBuffer,
    scratch: Buffer<Float64Array>,
  ): number;
  /**
   * linearGrad then optimizerStep over params = [w (d), b] (nAll = d + 1) as one call: a whole
   * training step of a single-output linear model. Returns the batch's weighted loss sum.
   */
  linearStep(
    loss: LinearLoss,
    X: FloatBuffer,
    y: FloatBuffer,
    sampleWeight: FloatBuffer | null,
    idx: IndexBuffer,
    start: number,
    count: number,
    d: number,
    params: FloatBuffer,
    grad: FloatBuffer,
    lossParam: number,
    s1: FloatBuffer | null,
    s2: FloatBuffer | null,
    step: StepParams,
    acc: FloatBuffer | null,
  ): number;
  /**
   * One fused optimizer step over nAll parameters (penalised weights first, then intercepts): scales
   * the gradient, adds the penalty, updates the optimizer state s1/s2 and the parameters, and adds
   * the step's gradient to `acc` (see assembly/update.ts for every formula).
   */
  optimizerStep(
    params: FloatBuffer,
    grad: FloatBuffer,
    s1: FloatBuffer | null,
    s2: FloatBuffer | null,
    nAll: number,
    step: StepParams,
    acc: FloatBuffer | null,
  ): void;
  /**
   * One matrix-factorisation SGD pass over ratings start .. start+count, in order, with P, Q and the
   * biases in the backend's dtype (ratings float64; see assembly/mf.ts); returns the sum of squared
   * errors before each update.
   */
  mfEpoch(
    users: IndexBuffer,
    items: IndexBuffer,
    ratings: Buffer<Float64Array>,
    start: number,
    count: number,
    k: number,
    P: FloatBuffer,
    Q: FloatBuffer,
    bu: FloatBuffer,
    bi: FloatBuffer,
    step: MfStep,
  ): number;
  /**
   * One Fisher–Yates shuffle (the generator and draws of `shuffle`) applied to the triples
   * start .. start+count of users, items and ratings together, in place: those rating triples in
   * a new order (the others untouched).
   */
  shuffleTriples(
    users: IndexBuffer,
    items: IndexBuffer,
    ratings: Buffer<Float64Array>,
    start: number,
    count: number,
    rng: Prng,
  ): void;
}
