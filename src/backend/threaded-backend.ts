import type { LinearLoss } from "../kernels/losses.js";
import { LossId } from "../kernels/losses.js";
import { PlanSlot } from "../kernels/plan.js";
import type { Prng } from "../kernels/prng.js";
import type { DType } from "../matrix.js";
import type { KernelCall, WorkerPool } from "../parallel/worker-pool.js";
import type { Buffer, FloatBuffer, IndexBuffer } from "../runtime/buffer.js";
import type { WasmRuntime } from "../runtime/wasm-runtime.js";
import type { Backend, RatingBuffers, RatingRange, StepBuffers } from "./backend.js";
import { ptrOf, ptrOrZero, WasmBackend } from "./wasm-backend.js";

/**
 * Multiply-adds per gradient call below which the threaded backend stays on the calling thread:
 * dispatching to workers costs tens of microseconds, so only calls of about a millisecond of
 * work or more gain (full-batch and large mini-batches).
 */
export const PARALLEL_MIN_WORK = 1 << 21;

/** The loss of each plan loss id. */
const LOSS_BY_ID = new Map((Object.entries(LossId) as Array<[LinearLoss, number]>).map(([k, v]) => [v, k]));

/**
 * The SIMD build over shared memory with a pool of worker threads. Large gradient calls are split
 * into one contiguous block of rows per worker; each writes a partial gradient into its own
 * buffer and the host adds them in worker order, so a seeded run is deterministic for a given
 * thread count (and equal to one thread up to rounding).
 */
export class ThreadedBackend extends WasmBackend {
  /** Worker threads used for large calls. */
  readonly threads: number;
  private readonly pool: WorkerPool;
  private partials: FloatBuffer[] = [];
  private partialSize = 0;
  private scratches: Array<Buffer<Float64Array>> = [];
  private stateWords: IndexBuffer | null = null;

  constructor(runtime: WasmRuntime, dtype: DType, pool: WorkerPool) {
    super(runtime, dtype, true);
    this.pool = pool;
    this.threads = pool.size;
  }

  private partialBuffers(size: number): FloatBuffer[] {
    if (this.partialSize < size) {
      for (const b of this.partials) this.free(b);
      this.partials = Array.from({ length: this.threads }, () => this.alloc(size));
      this.partialSize = size;
    }
    return this.partials;
  }

  /** Whether a gradient call over `count` rows of `workPerRow` multiply-adds goes to the workers. */
  splits(count: number, workPerRow: number): boolean {
    return count * workPerRow >= PARALLEL_MIN_WORK;
  }

  /** Frees the per-worker partial gradients, scratch and generator states. */
  override dispose(): void {
    for (const b of [...this.partials, ...this.scratches]) this.free(b);
    if (this.stateWords !== null) this.free(this.stateWords);
    this.stateWords = null;
    this.partials = [];
    this.scratches = [];
    this.partialSize = 0;
  }

  private async split(
    count: number,
    size: number,
    grad: FloatBuffer,
    call: (start: number, rows: number, partial: FloatBuffer, worker: number) => { fn: string; args: number[] },
  ): Promise<number> {
    const k = Math.min(this.threads, count);
    const partials = this.partialBuffers(size);
    const calls = [];
    let offset = 0;
    for (let w = 0; w < k; w++) {
      const rows = Math.floor(count / k) + (w < count % k ? 1 : 0);
      calls.push(call(offset, rows, partials[w] as FloatBuffer, w));
      offset += rows;
    }
    const losses = await this.pool.run(calls);
    const out = grad.view;
    out.set((partials[0] as FloatBuffer).view.subarray(0, size));
    for (let w = 1; w < k; w++) {
      const pv = (partials[w] as FloatBuffer).view;
      for (let j = 0; j < size; j++) out[j] = (out[j] as number) + (pv[j] as number);
    }
    let total = 0;
    for (const l of losses) total += l;
    return total;
  }

  /**
   * Training steps over the positions start .. end of an epoch whose batches are large enough for
   * the workers: each batch's gradient from `gradient(off, count)` (split over the workers), then
   * one gradientStep on this thread. The same steps as linearSteps/softmaxSteps but for the
   * order in which the workers' partial gradients are added.
   */
  private async stepsOnWorkers(
    plan: Buffer<Float64Array>,
    start: number,
    end: number,
    state: StepBuffers,
    gradient: (off: number, count: number) => number | Promise<number>,
  ): Promise<void> {
    const n = plan.view[PlanSlot.rows] as number;
    const batch = plan.view[PlanSlot.batch] as number;
    for (let off = start; off < end; ) {
      const count = Math.min(batch, n - off);
      const part = gradient(off, count);
      const loss = typeof part === "number" ? part : await part;
      this.gradientStep(plan, count, loss, state);
      off += count;
    }
  }

  /**
   * linearSteps, with each batch's gradient on the workers when the plan's batches are large
   * enough for them (see splits), else on this thread.
   */
  override linearSteps(...args: Parameters<Backend["linearSteps"]>): void | Promise<void> {
    const [plan, X, y, sampleWeight, idx, start, end, d, state] = args;
    if (!this.splits(plan.view[PlanSlot.batch] as number, d)) {
      super.linearSteps(...args);
      return undefined;
    }
    const loss = LOSS_BY_ID.get(plan.view[PlanSlot.loss] as number) as LinearLoss;
    const lossParam = plan.view[PlanSlot.lossParam] as number;
    return this.stepsOnWorkers(plan, start, end, state, (off, count) =>
      this.linearGradParallel(loss, X, y, sampleWeight, idx, off, count, d, state.params, state.grad, lossParam),
    );
  }

  /** softmaxSteps, with each batch's gradient on the workers when the batches are large enough. */
  override softmaxSteps(...args: Parameters<Backend["softmaxSteps"]>): void | Promise<void> {
    const [plan, X, y, sampleWeight, idx, start, end, d, state, scratch] = args;
    const classes = plan.view[PlanSlot.classes] as number;
    if (!this.splits(plan.view[PlanSlot.batch] as number, d * classes)) {
      super.softmaxSteps(...args);
      return undefined;
    }
    return this.stepsOnWorkers(plan, start, end, state, (off, count) =>
      this.softmaxGradParallel(X, y, sampleWeight, idx, off, count, d, classes, state.params, state.grad, scratch),
    );
  }

  /** linearGrad, on the workers when the call is large enough (see PARALLEL_MIN_WORK). */
  linearGradParallel(
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
  ): number | Promise<number> {
    if (!this.splits(count, d)) {
      return this.linearGrad(loss, X, y, sampleWeight, idx, start, count, d, params, grad, lossParam);
    }
    const fn = this.f64 ? "linearGradF64" : "linearGradF32";
    const sw = sampleWeight === null ? 0 : ptrOf(sampleWeight);
    return this.split(count, d + 1, grad, (off, rows, partial) => ({
      fn,
      args: [
        LossId[loss],
        ptrOf(X),
        ptrOf(y),
        sw,
        ptrOrZero(idx),
        start + off,
        rows,
        d,
        ptrOf(params),
        ptrOf(partial),
        lossParam,
      ],
    }));
  }

  /** softmaxGrad, on the workers when the call is large enough. */
  softmaxGradParallel(
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
  ): number | Promise<number> {
    if (!this.splits(count, d * classes)) {
      return this.softmaxGrad(X, y, sampleWeight, idx, start, count, d, classes, params, grad, scratch);
    }
    const fn = this.f64 ? "softmaxGradF64" : "softmaxGradF32";
    const sw = sampleWeight === null ? 0 : ptrOf(sampleWeight);
    const scratches = this.workerScratch(classes);
    return this.split(count, classes * (d + 1), grad, (off, rows, partial, w) => ({
      fn,
      args: [
        ptrOf(X),
        ptrOf(y),
        sw,
        ptrOrZero(idx),
        start + off,
        rows,
        d,
        classes,
        ptrOf(params),
        ptrOf(partial),
        ptrOf(scratches[w] as Buffer<Float64Array>),
      ],
    }));
  }

  private workerScratch(classes: number): Array<Buffer<Float64Array>> {
    if (this.scratches.length === 0 || (this.scratches[0] as Buffer<Float64Array>).length < classes) {
      for (const b of this.scratches) this.free(b);
      this.scratches = Array.from({ length: this.threads }, () => this.allocF64(classes));
    }
    return this.scratches;
  }

  /** Shuffles the ranges at once, one range per worker (more ranges than workers go in turns). */
  override async shuffleTripleRanges(
    triples: RatingBuffers,
    ranges: readonly RatingRange[],
    rngs: readonly Prng[],
  ): Promise<void> {
    // The generators' four state words side by side, read and written back by the kernels.
    const states = ptrOf(this.rngStates(ranges.length));
    rngs.forEach((rng, i) => {
      this.putRngState(rng, states + 16 * i);
    });
    await this.runInTurns(
      ranges.map((r, i) => ({
        fn: "shuffleTriples",
        args: this.triplesArgs(triples, r.start, r.count, states + 16 * i),
      })),
    );
    rngs.forEach((rng, i) => {
      this.takeRngState(rng, states + 16 * i);
    });
  }

  /** Room for `count` generator states (four u32 words each), kept between epochs. */
  private rngStates(count: number): IndexBuffer {
    if (this.stateWords === null || this.stateWords.length < 4 * count) {
      if (this.stateWords !== null) this.free(this.stateWords);
      this.stateWords = this.allocIndex(4 * count);
    }
    return this.stateWords;
  }

  /**
   * The ranges at once, one range per worker (more ranges than workers go in turns), all updating
   * the shared parameter block without locks: the ranges share no user and no item, so the result
   * equals running them one after another.
   */
  override async mfStepsRanges(
    plans: readonly Buffer<Float64Array>[],
    triples: RatingBuffers,
    ranges: readonly RatingRange[],
    params: FloatBuffer,
  ): Promise<void> {
    const fn = this.f64 ? "mfStepsF64" : "mfStepsF32";
    await this.runInTurns(
      ranges.map((r, i) => ({
        fn,
        args: this.mfArgs(plans[i] as Buffer<Float64Array>, triples, r.start, r.count, params),
      })),
    );
  }

  /** Runs the calls on the workers, one per worker at a time (call i on worker i mod threads); results in order. */
  private async runInTurns(calls: readonly KernelCall[]): Promise<number[]> {
    const out: number[] = [];
    for (let first = 0; first < calls.length; first += this.threads) {
      out.push(...(await this.pool.run(calls.slice(first, first + this.threads))));
    }
    return out;
  }
}
