import { DescentError } from "../errors.js";
import { arrayTypeOf, type DType } from "../matrix.js";
import type { KernelExports } from "../runtime/kernel-exports.js";
import { Slab } from "../runtime/slab.js";
import type { WasmRuntime } from "../runtime/wasm-runtime.js";
import type { Backend } from "./backend.js";
import type { FloatArray, FloatBuffer, IndexBuffer } from "./buffer.js";
import { type LinearLoss, LossId } from "./loss-id.js";

function ptrOf(b: FloatBuffer | IndexBuffer): number {
  if (!(b instanceof Slab)) throw new DescentError("E_STATE", "a WASM kernel was given a buffer it did not allocate");
  if (b.isFreed) throw new DescentError("E_STATE", "a WASM kernel was given a freed buffer");
  return b.ptr;
}

/**
 * The WebAssembly backend: buffers are slabs of the runtime's memory and each kernel is one call
 * with byte offsets, so a training step allocates and copies nothing.
 */
export class WasmBackend implements Backend {
  readonly kind: "wasm-simd" | "wasm-scalar";
  readonly dtype: DType;
  private readonly runtime: WasmRuntime;
  private readonly k: KernelExports;
  private readonly f64: boolean;
  private readonly elementBytes: number;

  constructor(runtime: WasmRuntime, dtype: DType) {
    this.runtime = runtime;
    this.k = runtime.exports;
    this.kind = runtime.variant === "simd" ? "wasm-simd" : "wasm-scalar";
    this.dtype = dtype;
    this.f64 = dtype === "float64";
    this.elementBytes = this.f64 ? 8 : 4;
  }

  alloc(length: number): FloatBuffer {
    const ptr = this.runtime.arena.alloc(length * this.elementBytes);
    const slab = new Slab<FloatArray>(this.runtime.memory, ptr, length, arrayTypeOf(this.dtype));
    slab.view.fill(0);
    return slab;
  }

  allocIndex(length: number): IndexBuffer {
    const ptr = this.runtime.arena.alloc(length * 4);
    const slab = new Slab<Int32Array>(this.runtime.memory, ptr, length, Int32Array);
    slab.view.fill(0);
    return slab;
  }

  free(buffer: FloatBuffer | IndexBuffer): void {
    if (!(buffer instanceof Slab) || buffer.isFreed) return;
    this.runtime.arena.release(buffer.ptr);
    buffer.markFreed();
  }

  dot(x: FloatBuffer, y: FloatBuffer, n: number): number {
    return this.f64 ? this.k.dotF64(ptrOf(x), ptrOf(y), n) : this.k.dotF32(ptrOf(x), ptrOf(y), n);
  }

  axpy(n: number, a: number, x: FloatBuffer, y: FloatBuffer): void {
    if (this.f64) this.k.axpyF64(n, a, ptrOf(x), ptrOf(y));
    else this.k.axpyF32(n, a, ptrOf(x), ptrOf(y));
  }

  gemv(X: FloatBuffer, rows: number, d: number, params: FloatBuffer, out: FloatBuffer): void {
    const b = params.view[d] as number;
    if (this.f64) this.k.gemvF64(ptrOf(X), rows, d, ptrOf(params), b, ptrOf(out));
    else this.k.gemvF32(ptrOf(X), rows, d, ptrOf(params), b, ptrOf(out));
  }

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
  ): number {
    const f = this.f64 ? this.k.linearGradF64 : this.k.linearGradF32;
    return f(
      LossId[loss],
      ptrOf(X),
      ptrOf(y),
      sampleWeight === null ? 0 : ptrOf(sampleWeight),
      ptrOf(idx),
      start,
      count,
      d,
      ptrOf(params),
      ptrOf(grad),
      lossParam,
    );
  }

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
  ): void {
    const f = this.f64 ? this.k.sgdStepF64 : this.k.sgdStepF32;
    f(ptrOf(params), ptrOf(grad), d, fitIntercept ? 1 : 0, scale, alpha, lr, acc === null ? 0 : ptrOf(acc), accWeight);
  }
}
