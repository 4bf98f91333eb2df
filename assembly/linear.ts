// One fused pass over a minibatch for every single-output linear loss: for each row, the
// prediction f = x·w + b, the loss and its derivative, and the gradient accumulation g += c·x.
import { LOSS_HINGE, LOSS_HUBER, LOSS_LOG, LOSS_SQUARED, LOSS_SQUARED_HINGE } from "./losses";
import { OwnMath } from "./math";
import { Simd } from "./simd";

/**
 * Unscaled batch gradient of sum_k sw_k * loss(y_k, x_k·w + b) over the rows idx[start .. start+count).
 * params = [w (d), b], grad = [gw (d), gb] (overwritten). swPtr = 0 means unit weights.
 * Returns the weighted loss sum (accumulated in f64 in row order).
 */
function linearGradImpl<T>(
  loss: i32,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  params: usize,
  grad: usize,
  lossParam: f64,
): f64 {
  const s = Simd.shiftOf<T>();
  const stride = (<usize>d) << s;
  Simd.zero<T>(grad, d);
  const b = load<T>(params + ((<usize>d) << s));
  const eps = <T>lossParam;
  let gb: T = 0;
  let total: f64 = 0;
  for (let k = 0; k < count; k++) {
    const i = <usize>load<i32>(idx + ((<usize>(start + k)) << 2));
    const row = x + i * stride;
    const f = Simd.dot<T>(row, params, d) + b;
    const yi = load<T>(y + (i << s));
    const wi: T = sw != 0 ? load<T>(sw + (i << s)) : 1;
    let li: T = 0;
    let dl: T = 0;
    if (loss == LOSS_SQUARED) {
      const r = f - yi;
      li = <T>0.5 * r * r;
      dl = r;
    } else if (loss == LOSS_HUBER) {
      const r = f - yi;
      const a = abs<T>(r);
      if (a <= eps) {
        li = <T>0.5 * r * r;
        dl = r;
      } else {
        li = eps * a - <T>0.5 * eps * eps;
        dl = r > 0 ? eps : -eps;
      }
    } else if (loss == LOSS_HINGE) {
      const m = <T>1 - yi * f;
      if (m > 0) {
        li = m;
        dl = -yi;
      }
    } else if (loss == LOSS_SQUARED_HINGE) {
      const m = <T>1 - yi * f;
      if (m > 0) {
        li = m * m;
        dl = <T>-2 * yi * m;
      }
    } else if (loss == LOSS_LOG) {
      // log(1 + exp(-z)), z = y f, and its derivative -y·sigmoid(-z), both without overflow.
      const z = <f64>yi * <f64>f;
      let l: f64;
      let sig: f64;
      if (z > 0) {
        const e = OwnMath.exp(-z);
        l = OwnMath.log1p(e);
        sig = e / (1.0 + e);
      } else {
        const e = OwnMath.exp(z);
        l = -z + OwnMath.log1p(e);
        sig = 1.0 / (1.0 + e);
      }
      li = <T>l;
      dl = <T>(-(<f64>yi) * sig);
    }
    const c = wi * dl;
    if (c != 0) Simd.axpy<T>(d, c, row, grad);
    gb += c;
    total += <f64>(wi * li);
  }
  store<T>(grad + ((<usize>d) << s), gb);
  return total;
}

export function linearGradF64(
  loss: i32,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  params: usize,
  grad: usize,
  lossParam: f64,
): f64 {
  return linearGradImpl<f64>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam);
}

export function linearGradF32(
  loss: i32,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  params: usize,
  grad: usize,
  lossParam: f64,
): f64 {
  return linearGradImpl<f32>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam);
}
