import type { JsKernels } from "../kernels/js-kernel-instances.js";
import type { StepArrays } from "../kernels/js-kernels.js";
import * as float64Kernels from "../kernels/js-kernels.js";
import { type LinearLoss, LossId } from "../kernels/losses.js";
import { mfStepsJs } from "../kernels/mf.js";
import { mlpGradientJs, mlpPredictJs, mlpStepsJs } from "../kernels/mlp.js";
import type { Prng } from "../kernels/prng.js";
import { linearStepsTogetherJs } from "../kernels/steps-together.js";
import { arrayTypeOf, copyRows, type DType, firstNonFinite } from "../matrix.js";
import type { Buffer, FloatArray, FloatBuffer, IndexBuffer } from "../runtime/buffer.js";
import type { Backend, LinearRun, MlpNet, RatingBuffers, RatingRange, StepBuffers } from "./backend.js";
import { mfStepsInTurn, shuffleTriplesInTurn } from "./backend.js";

class HeapBuffer<A extends FloatArray | Int32Array> implements Buffer<A> {
  readonly view: A;
  constructor(view: A) {
    this.view = view;
  }
  get length(): number {
    return this.view.length;
  }
}

/** The typed arrays of step buffers. */
function arraysOf(s: StepBuffers): StepArrays {
  return {
    params: s.params.view,
    grad: s.grad.view,
    s1: s.s1 === null ? null : s.s1.view,
    s2: s.s2 === null ? null : s.s2.view,
    acc: s.acc.view,
    mark: s.mark.view,
  };
}

/** The pure-JS backend: kernels over ordinary typed arrays on the JS heap. */
export class JsBackend implements Backend {
  readonly kind = "js" as const;
  readonly dtype: DType;

  private readonly kernels: JsKernels;

  /** `kernels`: this dtype's instance of the kernel functions (see `jsKernelsFor`). */
  constructor(dtype: DType, kernels: JsKernels) {
    this.dtype = dtype;
    this.kernels = kernels;
  }

  /** A buffer over `view` itself (no copy): host arrays handed to the kernels as they are. */
  wrap<A extends FloatArray | Int32Array>(view: A): Buffer<A> {
    return new HeapBuffer<A>(view);
  }

  alloc(length: number): FloatBuffer {
    return new HeapBuffer<FloatArray>(new (arrayTypeOf(this.dtype))(length));
  }

  allocCopy(source: Float64Array | Float32Array): FloatBuffer {
    const view = new (arrayTypeOf(this.dtype))(source.length);
    view.set(source);
    return new HeapBuffer<FloatArray>(view);
  }

  allocChecked(
    source: Float64Array | Float32Array,
    rowIds: Int32Array | null = null,
    cols = 1,
  ): { buffer: FloatBuffer; bad: number } {
    const buffer = rowIds === null ? this.allocCopy(source) : this.allocRows(source, rowIds, cols);
    return { buffer, bad: firstNonFinite(buffer.view) };
  }

  allocRows(source: Float64Array | Float32Array, rowIds: Int32Array, cols: number): FloatBuffer {
    const view = new (arrayTypeOf(this.dtype))(rowIds.length * cols);
    copyRows(view, source, rowIds, cols);
    return new HeapBuffer<FloatArray>(view);
  }

  firstNonFinite(buffer: FloatBuffer, n: number): number {
    return firstNonFinite(buffer.view.subarray(0, n));
  }

  allocF64(length: number): Buffer<Float64Array> {
    return new HeapBuffer(new Float64Array(length));
  }

  allocIndex(length: number): IndexBuffer {
    return new HeapBuffer(new Int32Array(length));
  }

  free(_buffer: Buffer<FloatArray | Int32Array>): void {
    // The garbage collector owns heap buffers.
  }

  dispose(): void {}

  shuffle(idx: IndexBuffer, n: number, rng: Prng): void {
    rng.shuffle(idx.view, n);
  }

  dot(x: FloatBuffer, y: FloatBuffer, n: number): number {
    return this.kernels.dotJs(x.view, 0, y.view, 0, n);
  }

  axpy(n: number, a: number, x: FloatBuffer, y: FloatBuffer): void {
    this.kernels.axpyJs(n, a, x.view, 0, y.view, 0);
  }

  gemv(X: FloatBuffer, rows: number, d: number, params: FloatBuffer, out: FloatBuffer): void {
    this.kernels.gemvJs(X.view, rows, d, params.view, out.view);
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
    return this.kernels.linearGradJs(
      LossId[loss],
      X.view,
      y.view,
      sampleWeight === null ? null : sampleWeight.view,
      idx === null ? null : idx.view,
      start,
      count,
      d,
      params.view,
      grad.view,
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
    return this.kernels.softmaxGradJs(
      X.view,
      y.view,
      sampleWeight === null ? null : sampleWeight.view,
      idx === null ? null : idx.view,
      start,
      count,
      d,
      classes,
      params.view,
      grad.view,
      scratch.view,
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
    this.kernels.linearStepsJs(
      plan.view,
      X.view,
      y.view,
      sampleWeight === null ? null : sampleWeight.view,
      idx === null ? null : idx.view,
      start,
      end,
      d,
      arraysOf(state),
    );
  }

  linearStepsTogether(runs: readonly LinearRun[], X: FloatBuffer, start: number, end: number, d: number): void {
    linearStepsTogetherJs(
      runs.map((r) => ({
        plan: r.plan.view,
        y: r.y.view,
        sw: r.sampleWeight === null ? null : r.sampleWeight.view,
        idx: r.idx === null ? null : r.idx.view,
        arrays: arraysOf(r.state),
      })),
      X.view,
      start,
      end,
      d,
      this.kernels.linearStepsJs,
    );
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
    this.kernels.softmaxStepsJs(
      plan.view,
      X.view,
      y.view,
      sampleWeight === null ? null : sampleWeight.view,
      idx === null ? null : idx.view,
      start,
      end,
      d,
      arraysOf(state),
      scratch.view,
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
    mlpStepsJs(
      plan.view,
      net.shape,
      X.view,
      y.view,
      idx === null ? null : idx.view,
      start,
      end,
      arraysOf(state),
      scratch.view,
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
    return mlpPredictJs(
      net.shape,
      X.view,
      y === null ? null : y.view,
      start,
      count,
      batch,
      params.view,
      out.view,
      scratch.view,
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
    return mlpGradientJs(net.shape, X.view, y.view, start, count, chunk, params.view, grad.view, alpha, scratch.view);
  }

  gradientStep(plan: Buffer<Float64Array>, count: number, batchLoss: number, state: StepBuffers): void {
    this.kernels.gradientStepJs(plan.view, count, batchLoss, arraysOf(state));
  }

  finishEpoch(plan: Buffer<Float64Array>, state: StepBuffers): void {
    this.kernels.finishEpochJs(plan.view, arraysOf(state));
  }

  mfSteps(plan: Buffer<Float64Array>, triples: RatingBuffers, start: number, count: number, params: FloatBuffer): void {
    mfStepsJs(plan.view, triples.users.view, triples.items.view, triples.ratings.view, start, count, params.view);
  }

  mfStepsRanges(
    plans: readonly Buffer<Float64Array>[],
    triples: RatingBuffers,
    ranges: readonly RatingRange[],
    params: FloatBuffer,
  ): Promise<void> {
    return mfStepsInTurn(this, plans, triples, ranges, params);
  }

  shuffleTriples(triples: RatingBuffers, start: number, count: number, rng: Prng): void {
    const end = start + count;
    rng.shuffle(
      triples.users.view.subarray(start, end),
      count,
      triples.items.view.subarray(start, end),
      triples.ratings.view.subarray(start, end),
    );
  }

  shuffleTripleRanges(triples: RatingBuffers, ranges: readonly RatingRange[], rngs: readonly Prng[]): Promise<void> {
    return shuffleTriplesInTurn(this, triples, ranges, rngs);
  }
}

/**
 * The float64 JS backend every model shares for host-side arithmetic (objective values, scores),
 * synchronous and with the kernels' summation order, so float64 models give the WASM bits.
 */
export const hostBackend: JsBackend = new JsBackend("float64", float64Kernels);
