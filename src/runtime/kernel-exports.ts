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
  linearStepF64: LinearStep;
  linearStepF32: LinearStep;
  optimizerStepF64: OptimizerStep;
  optimizerStepF32: OptimizerStep;
  shuffleIndices(idx: number, n: number, state: number): void;
  firstNonFiniteF64(x: number, n: number): number;
  firstNonFiniteF32(x: number, n: number): number;
  shuffleTriples(a: number, b: number, c: number, n: number, state: number): void;
  /** See assembly/mf.ts for the 20 arguments. */
  mfEpochF64(...args: number[]): number;
  /** The same over float32 factors and biases. */
  mfEpochF32(...args: number[]): number;
  expF64(x: number): number;
  logF64(x: number): number;
  log1pF64(x: number): number;
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

type OptimizerStep = (
  opt: number,
  params: number,
  grad: number,
  s1: number,
  s2: number,
  nPen: number,
  nAll: number,
  fitIntercept: number,
  scale: number,
  l2: number,
  lr: number,
  l1: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
  h5: number,
  acc: number,
  accWeight: number,
) => void;

type LinearStep = (
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
  opt: number,
  s1: number,
  s2: number,
  fitIntercept: number,
  scale: number,
  l2: number,
  lr: number,
  l1: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
  h5: number,
  acc: number,
  accWeight: number,
) => number;
