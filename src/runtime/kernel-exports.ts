/** The functions assembly/index.ts exports, as the host sees them. Pointers are byte offsets. */
export interface KernelExports {
  dotF64(x: number, y: number, n: number): number;
  dotF32(x: number, y: number, n: number): number;
  axpyF64(n: number, a: number, x: number, y: number): void;
  axpyF32(n: number, a: number, x: number, y: number): void;
  gemvF64(x: number, rows: number, d: number, w: number, b: number, out: number): void;
  gemvF32(x: number, rows: number, d: number, w: number, b: number, out: number): void;
  linearGradF64(
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
  ): number;
  linearGradF32(
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
  ): number;
  sgdStepF64(
    params: number,
    grad: number,
    d: number,
    fitIntercept: number,
    scale: number,
    alpha: number,
    lr: number,
    acc: number,
    accWeight: number,
  ): void;
  sgdStepF32(
    params: number,
    grad: number,
    d: number,
    fitIntercept: number,
    scale: number,
    alpha: number,
    lr: number,
    acc: number,
    accWeight: number,
  ): void;
}
