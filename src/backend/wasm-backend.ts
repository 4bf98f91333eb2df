import { DescentError } from "../errors.js";
import { type LinearLoss, LossId } from "../kernels/losses.js";
import { PlanSlot } from "../kernels/plan.js";
import type { Prng } from "../kernels/prng.js";
import { MEMBER_IDX_WORD, MEMBER_SLOTS, stepsTogetherTakes } from "../kernels/steps-together.js";
import { arrayTypeOf, copyRows, type DType, isIncreasing, rowPlaces } from "../matrix.js";
import type { Buffer, FloatArray, FloatBuffer, IndexBuffer } from "../runtime/buffer.js";
import type { KernelExports } from "../runtime/kernel-exports.js";
import { Slab } from "../runtime/slab.js";
import type { WasmRuntime } from "../runtime/wasm-runtime.js";
import { WASM_BUILDS } from "../runtime/wasm-variant.js";
import type { Backend, LinearRun, MlpNet, RatingBuffers, RatingRange, StepBuffers } from "./backend.js";
import { mfStepsInTurn, shuffleTriplesInTurn } from "./backend.js";

/** Byte offset of a buffer this WASM backend allocated (E_STATE for foreign or freed buffers). */
export function ptrOf(b: Buffer<FloatArray | Int32Array>): number {
  if (!(b instanceof Slab)) throw new DescentError("E_STATE", "a WASM kernel was given a buffer it did not allocate");
  if (b.isFreed) throw new DescentError("E_STATE", "a WASM kernel was given a freed buffer");
  return b.ptr;
}

/** Bytes of the blocks a staging copies in at a time (well within the L2 cache). */
const STAGING_BLOCK_BYTES = 256 * 1024;

/** Model-rows of one call of the steps-together kernel (a few milliseconds). */
const TOGETHER_SLICE_MODEL_ROWS = 1 << 18;

/** Byte offset of an optional buffer, 0 for none (the kernels' "absent"). */
export function ptrOrZero(b: Buffer<FloatArray | Int32Array> | null): number {
  return b === null ? 0 : ptrOf(b);
}

/**
 * The WebAssembly backend: buffers are slabs of the runtime's memory and each kernel is one call
 * with byte offsets, so a training step allocates and copies nothing.
 */
export class WasmBackend implements Backend {
  readonly kind: "wasm-simd" | "wasm-scalar" | "wasm-threads";
  readonly dtype: DType;
  protected readonly runtime: WasmRuntime;
  protected readonly k: KernelExports;
  protected readonly f64: boolean;
  /** The runtime's generator-state words (see WasmRuntime.rngState), as a kept view. */
  private readonly stateSlot: Slab<Int32Array>;

  /** `threaded` is for ThreadedBackend (kind 'wasm-threads'); otherwise the kind follows the build. */
  constructor(runtime: WasmRuntime, dtype: DType, threaded = false) {
    this.runtime = runtime;
    this.k = runtime.exports;
    this.kind = threaded ? "wasm-threads" : WASM_BUILDS[runtime.variant].simd ? "wasm-simd" : "wasm-scalar";
    this.dtype = dtype;
    this.f64 = dtype === "float64";
    this.stateSlot = new Slab(runtime.memory, runtime.rngState, 4, Int32Array);
  }

  alloc(length: number): FloatBuffer {
    return this.zeroed(this.slab<FloatArray>(length, arrayTypeOf(this.dtype)));
  }

  allocCopy(source: Float64Array | Float32Array): FloatBuffer {
    const slab = this.slab<FloatArray>(source.length, arrayTypeOf(this.dtype));
    slab.view.set(source);
    return slab;
  }

  /**
   * In order, a cache-sized block at a time (STAGING_BLOCK_BYTES): one native copy, then the WASM
   * scan of the block just written, from cache (a copy of all and then a scan of all reads it
   * twice from memory: 15.7 against 11 ms for 51 MB of float64 here); stops copying at a bad
   * block. Rows in a shuffled order are scanned in the staging blocks of scatterInBlocks.
   */
  allocChecked(
    source: Float64Array | Float32Array,
    rowIds: Int32Array | null = null,
    cols = 1,
  ): { buffer: FloatBuffer; bad: number } {
    if (rowIds !== null) {
      const slab = this.slab<FloatArray>(rowIds.length * cols, arrayTypeOf(this.dtype));
      return { buffer: slab, bad: this.fillRows(slab, source, rowIds, cols, true) };
    }
    const slab = this.slab<FloatArray>(source.length, arrayTypeOf(this.dtype));
    const view = slab.view;
    const bytes = this.f64 ? 8 : 4;
    const block = STAGING_BLOCK_BYTES / bytes;
    for (let a = 0; a < source.length; a += block) {
      const e = Math.min(source.length, a + block);
      view.set(source.subarray(a, e), a);
      const k = this.scan(slab.ptr + a * bytes, e - a);
      if (k >= 0) return { buffer: slab, bad: a + k };
    }
    return { buffer: slab, bad: -1 };
  }

  allocRows(source: Float64Array | Float32Array, rowIds: Int32Array, cols: number): FloatBuffer {
    const slab = this.slab<FloatArray>(rowIds.length * cols, arrayTypeOf(this.dtype));
    this.fillRows(slab, source, rowIds, cols, false);
    return slab;
  }

  /**
   * Writes rows rowIds of source into `into`, in that order; with `check`, returns the index into
   * `into` of its first NaN or ±Infinity (−1 for none, and always without `check`).
   */
  private fillRows(
    into: Slab<FloatArray>,
    source: Float64Array | Float32Array,
    rowIds: Int32Array,
    cols: number,
    check: boolean,
  ): number {
    const scattered = isIncreasing(rowIds) ? null : this.scatterInBlocks(source, rowIds, cols, into, check);
    if (scattered !== null) return scattered;
    copyRows(into.view, source, rowIds, cols);
    return check ? this.scan(into.ptr, rowIds.length * cols) : -1;
  }

  /**
   * Rows in a shuffled order: the source is copied in a block at a time (one native copy each,
   * dtype converted) into a small staging block, which `check` scans while it is in cache, and a
   * WASM kernel writes the block's rows to their places (reading the source front to back and
   * scattering the writes: about twice as fast as a JS loop). Returns the index into `into` of its
   * first NaN or ±Infinity, or −1 (always −1 without `check`); null (nothing done) when a row is
   * taken twice, or when the staging block and the row map do not fit in memory.
   */
  private scatterInBlocks(
    source: Float64Array | Float32Array,
    rowIds: Int32Array,
    cols: number,
    into: Slab<FloatArray>,
    check: boolean,
  ): number | null {
    const rows = Math.floor(source.length / cols);
    const places = rowPlaces(rowIds, rows);
    if (places === null) return null;
    const bytes = this.f64 ? 8 : 4;
    const blockRows = Math.max(1, Math.min(rows, Math.floor(STAGING_BLOCK_BYTES / (cols * bytes))));
    let block: Slab<FloatArray> | null = null;
    let place: Slab<Int32Array> | null = null;
    try {
      block = this.slab<FloatArray>(blockRows * cols, arrayTypeOf(this.dtype));
      place = this.slab(rows, Int32Array);
    } catch (err) {
      if (block !== null) this.free(block);
      if (err instanceof DescentError && err.code === "E_MEMORY") return null;
      throw err;
    }
    let bad = -1;
    try {
      place.view.set(places);
      for (let r = 0; r < rows; r += blockRows) {
        const count = Math.min(blockRows, rows - r);
        block.view.set(source.subarray(r * cols, (r + count) * cols));
        // A bad value counts where its row is taken; the first in `into` is the least place.
        for (let from = 0; check && from < count * cols; ) {
          const k = this.scan(block.ptr + from * bytes, count * cols - from);
          if (k < 0) break;
          const row = Math.floor((from + k) / cols);
          const to = places[r + row] as number;
          const at = to * cols + ((from + k) % cols);
          if (to >= 0 && (bad < 0 || at < bad)) bad = at;
          from = (row + 1) * cols;
        }
        this.k.scatterRows(block.ptr, place.ptr + 4 * r, count, cols * bytes, into.ptr);
      }
    } finally {
      this.free(block);
      this.free(place);
    }
    return bad;
  }

  /** Index of the first NaN or ±Infinity among the n values at byte `ptr`, or −1. */
  private scan(ptr: number, n: number): number {
    return this.f64 ? this.k.firstNonFiniteF64(ptr, n) : this.k.firstNonFiniteF32(ptr, n);
  }

  firstNonFinite(buffer: FloatBuffer, n: number): number {
    return this.scan(ptrOf(buffer), n);
  }

  allocF64(length: number): Buffer<Float64Array> {
    return this.zeroed(this.slab(length, Float64Array));
  }

  allocIndex(length: number): IndexBuffer {
    return this.zeroed(this.slab(length, Int32Array));
  }

  /** `length` elements of the arena, uninitialised (the arena reuses freed blocks). */
  private slab<A extends FloatArray | Int32Array>(
    length: number,
    ctor: { new (buffer: ArrayBuffer, byteOffset: number, length: number): A; BYTES_PER_ELEMENT: number },
  ): Slab<A> {
    return new Slab<A>(this.runtime.memory, this.runtime.arena.alloc(length * ctor.BYTES_PER_ELEMENT), length, ctor);
  }

  private zeroed<A extends FloatArray | Int32Array>(slab: Slab<A>): Slab<A> {
    slab.view.fill(0);
    return slab;
  }

  free(buffer: Buffer<FloatArray | Int32Array>): void {
    if (!(buffer instanceof Slab) || buffer.isFreed) return;
    this.runtime.arena.release(buffer.ptr);
    buffer.markFreed();
  }

  dispose(): void {}

  shuffle(idx: IndexBuffer, n: number, rng: Prng): void {
    this.withRngState(rng, (state) => this.k.shuffleIndices(ptrOf(idx), n, state));
  }

  shuffleTriples(triples: RatingBuffers, start: number, count: number, rng: Prng): void {
    this.withRngState(rng, (state) => this.k.shuffleTriples(...this.triplesArgs(triples, start, count, state)));
  }

  shuffleTripleRanges(triples: RatingBuffers, ranges: readonly RatingRange[], rngs: readonly Prng[]): Promise<void> {
    return shuffleTriplesInTurn(this, triples, ranges, rngs);
  }

  /** The shuffleTriples kernel's arguments: triples start .. start+count, generator state at `state`. */
  protected triplesArgs(
    t: RatingBuffers,
    start: number,
    count: number,
    state: number,
  ): [number, number, number, number, number] {
    return [ptrOf(t.users) + 4 * start, ptrOf(t.items) + 4 * start, ptrOf(t.ratings) + 8 * start, count, state];
  }

  /** Writes rng's four state words at `ptr` in WASM memory. */
  protected putRngState(rng: Prng, ptr: number): void {
    rng.writeState(this.words(ptr));
  }

  /** Takes the (advanced) state words at `ptr` back into rng. */
  protected takeRngState(rng: Prng, ptr: number): void {
    rng.setState(this.words(ptr));
  }

  /** The four u32 words at `ptr` (the runtime's own state slot's view is kept). */
  private words(ptr: number): Int32Array {
    if (ptr === this.runtime.rngState) return this.stateSlot.view;
    return new Int32Array(this.runtime.memory.buffer, ptr, 4);
  }

  /** Runs `kernel` with rng's four state words in WASM memory, then takes the advanced state back. */
  private withRngState(rng: Prng, kernel: (statePtr: number) => void): void {
    const ptr = this.runtime.rngState;
    this.putRngState(rng, ptr);
    kernel(ptr);
    this.takeRngState(rng, ptr);
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
    idx: IndexBuffer | null,
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
      ptrOrZero(sampleWeight),
      ptrOrZero(idx),
      start,
      count,
      d,
      ptrOf(params),
      ptrOf(grad),
      lossParam,
    );
  }

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
  ): number {
    const f = this.f64 ? this.k.softmaxGradF64 : this.k.softmaxGradF32;
    return f(
      ptrOf(X),
      ptrOf(y),
      ptrOrZero(sampleWeight),
      ptrOrZero(idx),
      start,
      count,
      d,
      classes,
      ptrOf(params),
      ptrOf(grad),
      ptrOf(scratch),
    );
  }

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
  ): void {
    (this.f64 ? this.k.linearStepsF64 : this.k.linearStepsF32)(
      ptrOf(plan),
      ptrOf(X),
      ptrOf(y),
      ptrOrZero(sampleWeight),
      ptrOrZero(idx),
      start,
      end,
      d,
      ptrOf(state.params),
      ptrOf(state.grad),
      ptrOrZero(state.s1),
      ptrOrZero(state.s2),
      ptrOf(state.acc),
      ptrOf(state.mark),
    );
  }

  linearStepsTogether(
    runs: readonly LinearRun[],
    X: FloatBuffer,
    start: number,
    end: number,
    d: number,
  ): void | Promise<void> {
    // The models the kernel takes, by loss (one compiled loop per loss); the rest on their own.
    const byLoss = new Map<number, LinearRun[]>();
    const alone: LinearRun[] = [];
    for (const r of runs) {
      if (!stepsTogetherTakes(r.plan.view)) alone.push(r);
      else {
        const loss = r.plan.view[PlanSlot.loss] as number;
        const group = byLoss.get(loss);
        if (group === undefined) byLoss.set(loss, [r]);
        else group.push(r);
      }
    }
    for (const group of byLoss.values()) {
      if (group.length === 1) {
        alone.push(...group);
        continue;
      }
      const table = this.allocF64(group.length * MEMBER_SLOTS);
      try {
        // Each entry: six u32 byte offsets, then the kernel's room, then the row order's offset.
        const words = new Uint32Array(table.view.buffer, table.view.byteOffset, group.length * MEMBER_SLOTS * 2);
        group.forEach((r, m) => {
          words.set(
            [
              ptrOf(r.plan),
              ptrOf(r.state.params),
              ptrOf(r.y),
              ptrOrZero(r.sampleWeight),
              ptrOf(r.state.acc),
              ptrOf(r.state.mark),
            ],
            m * MEMBER_SLOTS * 2,
          );
          words[m * MEMBER_SLOTS * 2 + MEMBER_IDX_WORD] = ptrOrZero(r.idx);
        });
        const f = this.f64 ? this.k.linearStepsTogetherF64 : this.k.linearStepsTogetherF32;
        // In slices, so that V8's optimised code takes over after the first (a call running in the
        // baseline code stays there until it returns); the first checks the row orders over all
        // the positions.
        const slice = Math.max(1024, Math.ceil(TOGETHER_SLICE_MODEL_ROWS / group.length));
        let stepped = group.length;
        for (let from = start; from < end; from += slice) {
          const to = Math.min(end, from + slice);
          stepped = f(ptrOf(table), stepped, ptrOf(X), from, to, from === start ? end : to, d);
        }
        // The models left out (their row order differed) sit behind the stepped ones: found by plan.
        for (let m = stepped; m < group.length; m++) {
          const plan = words[m * MEMBER_SLOTS * 2];
          alone.push(group.find((r) => ptrOf(r.plan) === plan) as LinearRun);
        }
      } finally {
        this.free(table);
      }
    }
    return this.stepsInTurn(alone, X, start, end, d);
  }

  /** linearSteps of each run in turn (each awaited before the next, should any be asynchronous). */
  private stepsInTurn(runs: LinearRun[], X: FloatBuffer, start: number, end: number, d: number): void | Promise<void> {
    for (let k = 0; k < runs.length; k++) {
      const r = runs[k] as LinearRun;
      // ThreadedBackend's linearSteps may return a promise.
      const p = (this as Backend).linearSteps(r.plan, X, r.y, r.sampleWeight, r.idx, start, end, d, r.state);
      if (p instanceof Promise) return p.then(() => this.stepsInTurn(runs.slice(k + 1), X, start, end, d));
    }
  }

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
  ): void {
    (this.f64 ? this.k.softmaxStepsF64 : this.k.softmaxStepsF32)(
      ptrOf(plan),
      ptrOf(X),
      ptrOf(y),
      ptrOrZero(sampleWeight),
      ptrOrZero(idx),
      start,
      end,
      d,
      ptrOf(state.params),
      ptrOf(state.grad),
      ptrOrZero(state.s1),
      ptrOrZero(state.s2),
      ptrOf(state.acc),
      ptrOf(state.mark),
      ptrOf(scratch),
    );
  }

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
  ): void {
    (this.f64 ? this.k.mlpStepsF64 : this.k.mlpStepsF32)(
      ptrOf(plan),
      ptrOf(net.descriptor),
      ptrOf(X),
      ptrOf(y),
      ptrOrZero(idx),
      start,
      end,
      ptrOf(state.params),
      ptrOf(state.grad),
      ptrOrZero(state.s1),
      ptrOrZero(state.s2),
      ptrOf(state.acc),
      ptrOf(scratch),
    );
  }

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
  ): number {
    return (this.f64 ? this.k.mlpPredictF64 : this.k.mlpPredictF32)(
      ptrOf(net.descriptor),
      ptrOf(X),
      ptrOrZero(y),
      start,
      count,
      batch,
      ptrOf(params),
      ptrOf(out),
      ptrOf(scratch),
    );
  }

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
  ): number {
    return (this.f64 ? this.k.mlpGradientF64 : this.k.mlpGradientF32)(
      ptrOf(net.descriptor),
      ptrOf(X),
      ptrOf(y),
      start,
      count,
      chunk,
      ptrOf(params),
      ptrOf(grad),
      alpha,
      ptrOf(scratch),
    );
  }

  gradientStep(plan: Buffer<Float64Array>, count: number, batchLoss: number, state: StepBuffers): void {
    (this.f64 ? this.k.gradientStepF64 : this.k.gradientStepF32)(
      ptrOf(plan),
      count,
      batchLoss,
      ptrOf(state.params),
      ptrOf(state.grad),
      ptrOrZero(state.s1),
      ptrOrZero(state.s2),
      ptrOf(state.acc),
      ptrOf(state.mark),
    );
  }

  finishEpoch(plan: Buffer<Float64Array>, state: StepBuffers): void {
    (this.f64 ? this.k.finishEpochF64 : this.k.finishEpochF32)(
      ptrOf(plan),
      ptrOf(state.params),
      ptrOf(state.acc),
      ptrOf(state.mark),
    );
  }

  /** The kernel arguments of one mfSteps call. */
  protected mfArgs(
    plan: Buffer<Float64Array>,
    t: RatingBuffers,
    start: number,
    count: number,
    params: FloatBuffer,
  ): Parameters<KernelExports["mfStepsF64"]> {
    return [ptrOf(plan), ptrOf(t.users), ptrOf(t.items), ptrOf(t.ratings), start, count, ptrOf(params)];
  }

  mfSteps(plan: Buffer<Float64Array>, triples: RatingBuffers, start: number, count: number, params: FloatBuffer): void {
    (this.f64 ? this.k.mfStepsF64 : this.k.mfStepsF32)(...this.mfArgs(plan, triples, start, count, params));
  }

  mfStepsRanges(
    plans: readonly Buffer<Float64Array>[],
    triples: RatingBuffers,
    ranges: readonly RatingRange[],
    params: FloatBuffer,
  ): Promise<void> {
    return mfStepsInTurn(this, plans, triples, ranges, params);
  }
}
