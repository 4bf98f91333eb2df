/** A float typed array of either dtype. */
export type FloatArray = Float64Array | Float32Array;

/**
 * A block of numbers that a backend's kernels read and write. `view` is always a live view of the
 * current storage (for WASM it is rebuilt after the memory grows), so never keep it across awaits.
 */
export interface Buffer<A extends FloatArray | Int32Array> {
  /** Number of elements. */
  readonly length: number;
  /** Typed-array view of the elements. */
  readonly view: A;
}

/** Buffer of floats in the backend's dtype. */
export type FloatBuffer = Buffer<FloatArray>;
/** Buffer of int32 row indices. */
export type IndexBuffer = Buffer<Int32Array>;
