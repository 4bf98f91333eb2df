// One fused pass over a minibatch for every single-output linear loss: for each row, the
// prediction f = x·w + b, the loss and its derivative, and the gradient accumulation g += c·x.
import { LOSS_HINGE, LOSS_HUBER, LOSS_LOG, LOSS_SQUARED, LOSS_SQUARED_HINGE } from "./losses";
import { OwnMath } from "./math";
import { Simd } from "./simd";

/** Loss value of the last `LossEval.derivative` call, as f64 (per instance, so per thread). */
let lossValue: f64 = 0;

class LossEval {
  /** dl/df of row loss `loss` at prediction f for target y; the loss itself goes to `lossValue`. */
  @inline
  static derivative<T>(loss: i32, yi: T, f: T, eps: T): T {
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
      // log(1 + exp(-z)) = log1p(exp(-|z|)) + max(-z, 0), z = y f, and its derivative
      // -y·sigmoid(-z); branch-free (the sign of z is a coin flip on real data).
      const z = <f64>yi * <f64>f;
      const e = OwnMath.exp(-abs<f64>(z));
      const l = OwnMath.log1p(e) + max<f64>(-z, 0);
      const sig = select<f64>(e, 1.0, z > 0) / (1.0 + e);
      li = <T>l;
      dl = <T>(-(<f64>yi) * sig);
    }
    lossValue = <f64>li;
    return dl;
  }
}

/**
 * Unscaled batch gradient of sum_k sw_k * loss(y_k, x_k·w + b) over the rows idx[start .. start+count).
 * params = [w (d), b], grad = [gw (d), gb] (overwritten). swPtr = 0 means unit weights.
 * Returns the weighted loss sum (accumulated in f64 in row order). Rows are taken two at a time
 * (twice the independent work per pass) without changing any summation order.
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
  let k = 0;
  for (; k + 2 <= count; k += 2) {
    const ia = <usize>load<i32>(idx + ((<usize>(start + k)) << 2));
    const ib = <usize>load<i32>(idx + ((<usize>(start + k + 1)) << 2));
    const rowA = x + ia * stride;
    const rowB = x + ib * stride;
    const fa = Simd.dot2<T>(rowA, rowB, params, d) + b;
    const fb = <T>Simd.second + b;
    const wa: T = sw != 0 ? load<T>(sw + (ia << s)) : 1;
    const wb: T = sw != 0 ? load<T>(sw + (ib << s)) : 1;
    const ca = wa * LossEval.derivative<T>(loss, load<T>(y + (ia << s)), fa, eps);
    total += <f64>(wa * <T>lossValue);
    const cb = wb * LossEval.derivative<T>(loss, load<T>(y + (ib << s)), fb, eps);
    const lb = <T>lossValue;
    if (ca != 0 && cb != 0) Simd.axpy2<T>(d, ca, rowA, cb, rowB, grad);
    else if (ca != 0) Simd.axpy<T>(d, ca, rowA, grad);
    else if (cb != 0) Simd.axpy<T>(d, cb, rowB, grad);
    gb += ca;
    gb += cb;
    total += <f64>(wb * lb);
  }
  if (k < count) {
    const i = <usize>load<i32>(idx + ((<usize>(start + k)) << 2));
    const row = x + i * stride;
    const f = Simd.dot<T>(row, params, d) + b;
    const wi: T = sw != 0 ? load<T>(sw + (i << s)) : 1;
    const c = wi * LossEval.derivative<T>(loss, load<T>(y + (i << s)), f, eps);
    if (c != 0) Simd.axpy<T>(d, c, row, grad);
    gb += c;
    total += <f64>(wi * <T>lossValue);
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
