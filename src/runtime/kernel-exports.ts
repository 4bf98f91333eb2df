/** See KernelExports.mfStepsF64. */
type MfSteps = (
  plan: number,
  users: number,
  items: number,
  ratings: number,
  start: number,
  count: number,
  params: number,
) => void;

/** See KernelExports.mlpStepsF64. */
type MlpSteps = (
  plan: number,
  net: number,
  x: number,
  y: number,
  idx: number,
  start: number,
  end: number,
  params: number,
  grad: number,
  s1: number,
  s2: number,
  acc: number,
  scratch: number,
) => void;

/** See KernelExports.mlpGradientF64. */
type MlpGradient = (
  net: number,
  x: number,
  y: number,
  start: number,
  count: number,
  chunk: number,
  params: number,
  grad: number,
  alpha: number,
  scratch: number,
) => number;

/** See KernelExports.mlpPredictF64. */
type MlpPredict = (
  net: number,
  x: number,
  y: number,
  start: number,
  count: number,
  batch: number,
  params: number,
  out: number,
  scratch: number,
) => number;

/** Left operand at l (element (i, k) at l + i·li + k·lk), right r (kk × n, row-major), C at c (m × n), bias (0: none), panel (0: never packed). */
type Gemm = (
  l: number,
  li: number,
  lk: number,
  r: number,
  c: number,
  m: number,
  kk: number,
  n: number,
  bias: number,
  panel: number,
) => void;

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
  /**
   * Per-sample SGD steps of `count` linear models over positions start .. end of the same rows
   * (assembly/steps-together.ts): byte offsets of the models' table (which holds each model's row
   * order) and of X. Returns how many models it stepped: those whose row order agrees with the
   * first model's at positions start .. agreeEnd (agreeEnd ≥ end), moved to the front of the table.
   */
  linearStepsTogetherF64: StepsTogether;
  linearStepsTogetherF32: StepsTogether;
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
  /**
   * Matrix-factorisation steps over ratings start .. start+count (assembly/mf.ts): byte offsets of
   * the plan, the user and item indices (int32), the ratings (float64) and the parameter block
   * (P, Q, b_u, b_i); shapes, rates and regularisation come from the plan, which the call advances.
   */
  mfStepsF64: MfSteps;
  /** The same over float32 parameters. */
  mfStepsF32: MfSteps;
  /**
   * The MLP's training steps over rows start .. end (assembly/mlp.ts): byte offsets of the plan,
   * the network description, X, targets, the row order (0: in order), parameters, gradient, the
   * optimizer's two state slots, the accumulator and the scratch.
   */
  mlpStepsF64: MlpSteps;
  mlpStepsF32: MlpSteps;
  /** The MLP's outputs for `count` rows from `start`, `batch` rows at a time; returns their loss sum. */
  mlpPredictF64: MlpPredict;
  mlpPredictF32: MlpPredict;
  /**
   * The MLP objective's gradient over `count` rows from `start` as one batch (summed `chunk` rows at
   * a time) into grad; returns
   * the data loss sum plus (alpha/2)·‖W‖² (assembly/mlp.ts mlpGradientImpl).
   */
  mlpGradientF64: MlpGradient;
  mlpGradientF32: MlpGradient;
  /** C = L·R (+ bias) as the MLP kernels compute it (assembly/gemm.ts Gemm.run). */
  gemmF64: Gemm;
  gemmF32: Gemm;
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

type StepsTogether = (
  table: number,
  count: number,
  x: number,
  start: number,
  end: number,
  agreeEnd: number,
  d: number,
) => number;

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
