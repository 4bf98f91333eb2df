import type { DType } from "../matrix.js";
import type { FloatBuffer, IndexBuffer } from "./buffer.js";
import type { LinearLoss } from "./loss-id.js";

/** Which implementation runs the kernels. */
export type BackendKind = "js" | "wasm-simd" | "wasm-scalar";

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
  /** A zero-filled int32 buffer of `length` elements (row indices). */
  allocIndex(length: number): IndexBuffer;
  /** Returns a buffer's storage; the buffer must not be used afterwards. */
  free(buffer: FloatBuffer | IndexBuffer): void;
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
   * Plain SGD step with an L2 term on w: g = grad·scale + alpha·w (intercept unpenalised), stored
   * back into grad; params -= lr·g (intercept only if fitIntercept); acc += accWeight·g if acc.
   */
  sgdStep(
    params: FloatBuffer,
    grad: FloatBuffer,
    d: number,
    fitIntercept: boolean,
    scale: number,
    alpha: number,
    lr: number,
    acc: FloatBuffer | null,
    accWeight: number,
  ): void;
}
