/** The functions assembly/index.ts exports, as the host sees them. Pointers are byte offsets. */
export interface KernelExports {
  dotF64(x: number, y: number, n: number): number;
  dotF32(x: number, y: number, n: number): number;
  axpyF64(n: number, a: number, x: number, y: number): void;
  axpyF32(n: number, a: number, x: number, y: number): void;
  gemvF64(x: number, rows: number, d: number, w: number, b: number, out: number): void;
  gemvF32(x: number, rows: number, d: number, w: number, b: number, out: number): void;
  linearGradF64: LinearGrad;
  /** Rows the fused gradient touches ahead in this instance; 0 turns it off (worker threads). */
  setTouchAhead(rows: number): void;
  linearGradF32: LinearGrad;
  softmaxGradF64: SoftmaxGrad;
  softmaxGradF32: SoftmaxGrad;
  linearStepsF64: LinearSteps;
  linearStepsF32: LinearSteps;
  softmaxStepsF64: SoftmaxSteps;
  softmaxStepsF32: SoftmaxSteps;
  gradientStepF64: GradientStep;
  gradientStepF32: GradientStep;
  finishEpochF64(plan: number, params: number, acc: number, mark: number): void;
  finishEpochF32(plan: number, params: number, acc: number, mark: number): void;
  shuffleIndices(idx: number, n: number, state: number): void;
  firstNonFiniteF64(x: number, n: number): number;
  /** Writes row r of the count rows at src (rowBytes a row) to row place[r] of dst (none if negative). */
  scatterRows(src: number, place: number, count: number, rowBytes: number, dst: number): void;
  firstNonFiniteF32(x: number, n: number): number;
  shuffleTriples(a: number, b: number, c: number, n: number, state: number): void;
  /** See assembly/mf.ts for the 20 arguments. */
  mfEpochF64(...args: number[]): number;
  /** The same over float32 factors and biases. */
  mfEpochF32(...args: number[]): number;
  /** See assembly/mlp.ts: plan, net, x, y, idx, start, end, params, grad, s1, s2, acc, scratch. */
  mlpStepsF64(...args: number[]): void;
  mlpStepsF32(...args: number[]): void;
  /** See assembly/mlp.ts: net, x, y, start, count, batch, params, out, scratch. */
  mlpPredictF64(...args: number[]): number;
  mlpPredictF32(...args: number[]): number;
  /** See assembly/mlp.ts Gemm.run: l, li, lk, r, c, m, kk, n, bias. */
  gemmF64(...args: number[]): void;
  gemmF32(...args: number[]): void;
  expF64(x: number): number;
  logF64(x: number): number;
  log1pF64(x: number): number;
  expNonPositiveF64(x: number): number;
  log1pUnitF64(x: number): number;
}

type LinearGrad = (
  loss: number,
  x: number,
  y: number,
  sw: number,
  idx: number,
  start: number,
  count: number,
  d: number,
  params: number,
  grad: number,
  lossParam: number,
) => number;

type SoftmaxGrad = (
  x: number,
  y: number,
  sw: number,
  idx: number,
  start: number,
  count: number,
  d: number,
  classes: number,
  params: number,
  grad: number,
  scratch: number,
) => number;

/** The trailing arguments of the step kernels: params, grad, s1, s2, acc, mark. */
type StateArgs = [params: number, grad: number, s1: number, s2: number, acc: number, mark: number];

type LinearSteps = (
  plan: number,
  x: number,
  y: number,
  sw: number,
  idx: number,
  start: number,
  end: number,
  d: number,
  ...state: StateArgs
) => void;

type SoftmaxSteps = (
  plan: number,
  x: number,
  y: number,
  sw: number,
  idx: number,
  start: number,
  end: number,
  d: number,
  ...rest: [...StateArgs, scratch: number]
) => void;

type GradientStep = (plan: number, count: number, batchLoss: number, ...state: StateArgs) => void;
