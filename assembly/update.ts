// Fused optimizer steps over params = [w (d), b] and the unscaled batch gradient grad.
import { Simd } from "./simd";

/**
 * Plain SGD with an L2 term: gj = grad[j]*scale + alpha*w[j] (intercept: no penalty),
 * grad[j] = gj, w[j] = w[j] - lr*gj, and acc[j] = acc[j] + accWeight*gj when acc != 0.
 * The intercept is only moved when fitIntercept != 0.
 */
function sgdStepImpl<T>(
  params: usize,
  grad: usize,
  d: i32,
  fitIntercept: i32,
  scale: T,
  alpha: T,
  lr: T,
  acc: usize,
  accWeight: T,
): void {
  const s = Simd.shiftOf<T>();
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const lanes = sizeof<T>() == 8 ? 2 : 4;
    const sv = v128.splat<T>(scale);
    const av = v128.splat<T>(alpha);
    const lv = v128.splat<T>(lr);
    const cv = v128.splat<T>(accWeight);
    for (; j + lanes <= d; j += lanes) {
      const o = (<usize>j) << s;
      const w = v128.load(params + o);
      const g = v128.add<T>(v128.mul<T>(v128.load(grad + o), sv), v128.mul<T>(av, w));
      v128.store(grad + o, g);
      v128.store(params + o, v128.sub<T>(w, v128.mul<T>(lv, g)));
      if (acc != 0) v128.store(acc + o, v128.add<T>(v128.load(acc + o), v128.mul<T>(cv, g)));
    }
  }
  for (; j < d; j++) {
    const o = (<usize>j) << s;
    const w = load<T>(params + o);
    const g = load<T>(grad + o) * scale + alpha * w;
    store<T>(grad + o, g);
    store<T>(params + o, w - lr * g);
    if (acc != 0) store<T>(acc + o, load<T>(acc + o) + accWeight * g);
  }
  const o = (<usize>d) << s;
  const gb = load<T>(grad + o) * scale;
  store<T>(grad + o, gb);
  if (fitIntercept != 0) store<T>(params + o, load<T>(params + o) - lr * gb);
  if (acc != 0) store<T>(acc + o, load<T>(acc + o) + accWeight * gb);
}

export function sgdStepF64(
  params: usize,
  grad: usize,
  d: i32,
  fitIntercept: i32,
  scale: f64,
  alpha: f64,
  lr: f64,
  acc: usize,
  accWeight: f64,
): void {
  sgdStepImpl<f64>(params, grad, d, fitIntercept, scale, alpha, lr, acc, accWeight);
}

export function sgdStepF32(
  params: usize,
  grad: usize,
  d: i32,
  fitIntercept: i32,
  scale: f32,
  alpha: f32,
  lr: f32,
  acc: usize,
  accWeight: f32,
): void {
  sgdStepImpl<f32>(params, grad, d, fitIntercept, scale, alpha, lr, acc, accWeight);
}
