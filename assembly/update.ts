// Fused optimizer steps over params = [penalised weights (nPen), intercepts (nAll - nPen)] and the
// unscaled batch gradient. Every formula is the composed chain of src/optim/ written out element
// by element, with the same operation order, so both give the same bits.
// Optimizer ids MUST MATCH src/backend/optimizer-id.ts.
import { Simd } from "./simd";

export const OPT_SGD: i32 = 0;
export const OPT_MOMENTUM: i32 = 1;
export const OPT_NESTEROV: i32 = 2;
export const OPT_ADAGRAD: i32 = 3;
export const OPT_RMSPROP: i32 = 4;
export const OPT_ADAM: i32 = 5;
export const OPT_ADAMW: i32 = 6;

/**
 * One step. For j < nPen the gradient gains the coupled L2 term l2·w (decoupled for AdamW), and
 * after the update the L1 proximal step (soft threshold by l1 = lr·alpha·l1Ratio) is applied.
 * Intercepts (j >= nPen) are unpenalised and only move when fitIntercept != 0.
 * grad[j] is overwritten with the scaled gradient; acc (if any) accumulates accWeight times the
 * gradient, or, for penalised weights under L1, times the proximal gradient (w_old − w_new)/lr.
 * Hyper-parameters: momentum/nesterov h1 = momentum; adagrad h1 = epsilon; rmsprop h1 = decay,
 * h2 = momentum, h3 = epsilon; adam/adamw h1 = beta1, h2 = beta2, h3 = epsilon,
 * h4 = 1 − beta1^t, h5 = 1 − beta2^t.
 */
export function optimizerStepImpl<T>(
  opt: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  nPen: i32,
  nAll: i32,
  fitIntercept: i32,
  scale: T,
  l2: T,
  lr: T,
  l1: T,
  h1: T,
  h2: T,
  h3: T,
  h4: T,
  h5: T,
  acc: usize,
  accWeight: T,
): void {
  const s = Simd.shiftOf<T>();
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if (opt == OPT_SGD && l1 == 0) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const sv = v128.splat<T>(scale);
      const av = v128.splat<T>(l2);
      const lv = v128.splat<T>(lr);
      const cv = v128.splat<T>(accWeight);
      for (; j + lanes <= nPen; j += lanes) {
        const o = (<usize>j) << s;
        const w = v128.load(params + o);
        const g = v128.add<T>(v128.mul<T>(v128.load(grad + o), sv), v128.mul<T>(av, w));
        v128.store(grad + o, g);
        v128.store(params + o, v128.sub<T>(w, v128.mul<T>(lv, g)));
        if (acc != 0) v128.store(acc + o, v128.add<T>(v128.load(acc + o), v128.mul<T>(cv, g)));
      }
    }
  }
  for (; j < nAll; j++) {
    const o = (<usize>j) << s;
    const penalised = j < nPen;
    const w = load<T>(params + o);
    let g = load<T>(grad + o) * scale;
    if (penalised && opt != OPT_ADAMW) g = g + l2 * w;
    store<T>(grad + o, g);
    if (!penalised && fitIntercept == 0) continue;
    let step: T;
    if (opt == OPT_SGD) {
      step = lr * g;
    } else if (opt == OPT_MOMENTUM || opt == OPT_NESTEROV) {
      const v = h1 * load<T>(s1 + o) + g;
      store<T>(s1 + o, v);
      step = opt == OPT_NESTEROV ? lr * (g + h1 * v) : lr * v;
    } else if (opt == OPT_ADAGRAD) {
      const a = load<T>(s1 + o) + g * g;
      store<T>(s1 + o, a);
      step = lr * (g / sqrt<T>(a + h1));
    } else if (opt == OPT_RMSPROP) {
      const ms = h1 * load<T>(s1 + o) + (<T>1 - h1) * (g * g);
      store<T>(s1 + o, ms);
      const mom = h2 * load<T>(s2 + o) + lr * (g / sqrt<T>(ms + h3));
      store<T>(s2 + o, mom);
      step = mom;
    } else {
      const m = h1 * load<T>(s1 + o) + (<T>1 - h1) * g;
      const v = h2 * load<T>(s2 + o) + (<T>1 - h2) * (g * g);
      store<T>(s1 + o, m);
      store<T>(s2 + o, v);
      let u = m / h4 / (sqrt<T>(v / h5) + h3);
      if (opt == OPT_ADAMW && penalised) u = u + l2 * w;
      step = lr * u;
    }
    let wn = w - step;
    if (penalised && l1 > 0) {
      wn = wn > l1 ? wn - l1 : wn < -l1 ? wn + l1 : 0;
    }
    store<T>(params + o, wn);
    if (acc != 0) {
      const ga = penalised && l1 > 0 ? (w - wn) / lr : g;
      store<T>(acc + o, load<T>(acc + o) + accWeight * ga);
    }
  }
}

export function optimizerStepF64(
  opt: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  nPen: i32,
  nAll: i32,
  fitIntercept: i32,
  scale: f64,
  l2: f64,
  lr: f64,
  l1: f64,
  h1: f64,
  h2: f64,
  h3: f64,
  h4: f64,
  h5: f64,
  acc: usize,
  accWeight: f64,
): void {
  optimizerStepImpl<f64>(
    opt,
    params,
    grad,
    s1,
    s2,
    nPen,
    nAll,
    fitIntercept,
    scale,
    l2,
    lr,
    l1,
    h1,
    h2,
    h3,
    h4,
    h5,
    acc,
    accWeight,
  );
}

export function optimizerStepF32(
  opt: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  nPen: i32,
  nAll: i32,
  fitIntercept: i32,
  scale: f32,
  l2: f32,
  lr: f32,
  l1: f32,
  h1: f32,
  h2: f32,
  h3: f32,
  h4: f32,
  h5: f32,
  acc: usize,
  accWeight: f32,
): void {
  optimizerStepImpl<f32>(
    opt,
    params,
    grad,
    s1,
    s2,
    nPen,
    nAll,
    fitIntercept,
    scale,
    l2,
    lr,
    l1,
    h1,
    h2,
    h3,
    h4,
    h5,
    acc,
    accWeight,
  );
}
