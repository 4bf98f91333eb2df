// The fused minibatch gradient of the multinomial (softmax) loss -log softmax(W x + b)[y] for K
// classes. params = [W (K × d, row-major), b (K)], grad likewise; scratch holds K f64 values.
// Rows idx[start .. start+count), or rows start .. start+count in order when idx is 0.
import { OwnMath } from "./math";
import { Rows } from "./rows";
import { Simd } from "./simd";
import { Weights } from "./weights";

export function softmaxGradImpl<T>(
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  classes: i32,
  params: usize,
  grad: usize,
  scratch: usize,
): f64 {
  const s = Simd.shiftOf<T>();
  const stride = (<usize>d) << s;
  Simd.zero<T>(grad, classes * (d + 1));
  const bias = params + ((<usize>classes * <usize>d) << s);
  const gbias = grad + ((<usize>classes * <usize>d) << s);
  let total: f64 = 0;
  for (let k = 0; k < count; k++) {
    const i = Rows.at(idx, start + k);
    const row = x + i * stride;
    const label = <i32>load<T>(y + (i << s));
    const wi: T = Weights.at<T>(sw, i);
    let top: f64 = -Infinity;
    let zy: f64 = 0;
    for (let c = 0; c < classes; c++) {
      const z = <f64>(Simd.dot<T>(row, params + <usize>c * stride, d) + load<T>(bias + ((<usize>c) << s)));
      store<f64>(scratch + ((<usize>c) << 3), z);
      if (z > top) top = z;
      if (c == label) zy = z;
    }
    let sum: f64 = 0;
    for (let c = 0; c < classes; c++) {
      const e = OwnMath.exp(load<f64>(scratch + ((<usize>c) << 3)) - top);
      store<f64>(scratch + ((<usize>c) << 3), e);
      sum += e;
    }
    const li = <T>(OwnMath.log(sum) + top - zy);
    total += <f64>(wi * li);
    for (let c = 0; c < classes; c++) {
      const p = load<f64>(scratch + ((<usize>c) << 3)) / sum;
      const coef = wi * <T>(c == label ? p - 1.0 : p);
      if (coef != 0) Simd.axpy<T>(d, coef, row, grad + <usize>c * stride);
      const gb = gbias + ((<usize>c) << s);
      store<T>(gb, load<T>(gb) + coef);
    }
  }
  return total;
}

export function softmaxGradF64(
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  classes: i32,
  params: usize,
  grad: usize,
  scratch: usize,
): f64 {
  return softmaxGradImpl<f64>(x, y, sw, idx, start, count, d, classes, params, grad, scratch);
}

export function softmaxGradF32(
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  classes: i32,
  params: usize,
  grad: usize,
  scratch: usize,
): f64 {
  return softmaxGradImpl<f32>(x, y, sw, idx, start, count, d, classes, params, grad, scratch);
}
