// Fused optimizer steps over params = [penalised weights (nPen), intercepts (nAll - nPen)] and the
// unscaled batch gradient. Every formula is the composed chain of src/optim/transforms.ts written
// out element by element, with the same operation order, so both give the same bits.
// Optimizer ids MUST MATCH src/backend/optimizer-id.ts.
import { Simd } from "./simd";

export const OPT_SGD: i32 = 0;
export const OPT_MOMENTUM: i32 = 1;
export const OPT_NESTEROV: i32 = 2;
export const OPT_ADAGRAD: i32 = 3;
export const OPT_RMSPROP: i32 = 4;
export const OPT_ADAM: i32 = 5;
export const OPT_ADAMW: i32 = 6;

/** The L1 proximal step. */
export class Prox {
  /** The soft threshold: v shrunk toward 0 by l1, exactly 0 within ±l1. */
  @inline
  static soft<T>(v: T, l1: T): T {
    return v > l1 ? v - l1 : v < -l1 ? v + l1 : <T>0;
  }
}

/**
 * The cumulative L1 penalty of Tsuruoka, Tsujii and Ananiadou (ACL 2009), as scikit-learn's SGD
 * applies it after each step: u is the penalty any weight could have received so far (the sum of
 * rate·alpha·l1Ratio over the steps), q[j] what weight j has received. A positive weight is pulled
 * down by u + q[j], a negative one up by u − q[j], neither across 0; q[j] then records the pull.
 * Weights that keep being pushed back to 0 stay exactly 0.
 */
export class L1Cumulative {
  @inline
  static apply<T>(w: usize, q: usize, n: i32, u: T): void {
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      // The same operations lane by lane, the branches as selects: the same bits as the loop below.
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const uv = v128.splat<T>(u);
      const zero = v128.splat<T>(0);
      for (; j + lanes <= n; j += lanes) {
        const o = (<usize>j) << s;
        const z = v128.load(w + o);
        const qj = v128.load(q + o);
        const down = v128.max<T>(zero, v128.sub<T>(z, v128.add<T>(uv, qj)));
        const up = v128.min<T>(zero, v128.add<T>(z, v128.sub<T>(uv, qj)));
        const wn = v128.bitselect(down, v128.bitselect(up, z, v128.lt<T>(z, zero)), v128.gt<T>(z, zero));
        v128.store(w + o, wn);
        v128.store(q + o, v128.add<T>(qj, v128.sub<T>(wn, z)));
      }
    }
    for (; j < n; j++) {
      const o = (<usize>j) << s;
      const z = load<T>(w + o);
      const qj = load<T>(q + o);
      let wn = z;
      if (z > 0) wn = max<T>(0, z - (u + qj));
      else if (z < 0) wn = min<T>(0, z + (u - qj));
      store<T>(w + o, wn);
      store<T>(q + o, qj + (wn - z));
    }
  }
}

/** Averaged SGD (Polyak–Ruppert): the running mean of the parameters after each step. */
export class Average {
  /** avg ← avg + (w − avg)/c over n entries: the mean of c sets of parameters, w the c-th. */
  @inline
  static update<T>(avg: usize, w: usize, n: i32, c: T): void {
    const s = Simd.shiftOf<T>();
    for (let j = 0; j < n; j++) {
      const o = (<usize>j) << s;
      const a = load<T>(avg + o);
      store<T>(avg + o, a + (load<T>(w + o) - a) / c);
    }
  }
}

/**
 * One plain SGD step, as scikit-learn's: the smooth penalty as a multiplicative decay,
 * w ← decay·w − lr·(g·scale) with decay = max(0, 1 − lr·l2) (never a sign flip: a huge lr·l2
 * zeroes the weights, as scikit-learn's), then the L1 proximal step (soft threshold by
 * l1 = lr·alpha·l1Ratio) on the penalised weights; intercepts b ← b − lr·(g·scale) when
 * fitIntercept != 0. grad holds the unscaled batch gradient and is left as it is.
 */
export function sgdStepImpl<T>(
  params: usize,
  grad: usize,
  nPen: i32,
  nAll: i32,
  fitIntercept: i32,
  scale: T,
  decay: T,
  lr: T,
  l1: T,
): void {
  const s = Simd.shiftOf<T>();
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if (l1 == 0) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const sv = v128.splat<T>(scale);
      const dv = v128.splat<T>(decay);
      const lv = v128.splat<T>(lr);
      for (; j + 2 * lanes <= nPen; j += 2 * lanes) {
        const o = (<usize>j) << s;
        const u0 = v128.mul<T>(lv, v128.mul<T>(v128.load(grad + o), sv));
        const u1 = v128.mul<T>(lv, v128.mul<T>(v128.load(grad + o, 16), sv));
        v128.store(params + o, v128.sub<T>(v128.mul<T>(dv, v128.load(params + o)), u0));
        v128.store(params + o, v128.sub<T>(v128.mul<T>(dv, v128.load(params + o, 16)), u1), 16);
      }
      for (; j + lanes <= nPen; j += lanes) {
        const o = (<usize>j) << s;
        const u = v128.mul<T>(lv, v128.mul<T>(v128.load(grad + o), sv));
        v128.store(params + o, v128.sub<T>(v128.mul<T>(dv, v128.load(params + o)), u));
      }
    }
  }
  for (; j < nPen; j++) {
    const o = (<usize>j) << s;
    let wn = decay * load<T>(params + o) - lr * (load<T>(grad + o) * scale);
    if (l1 > 0) wn = Prox.soft<T>(wn, l1);
    store<T>(params + o, wn);
  }
  if (fitIntercept == 0) return;
  for (; j < nAll; j++) {
    const o = (<usize>j) << s;
    store<T>(params + o, load<T>(params + o) - lr * (load<T>(grad + o) * scale));
  }
}

/**
 * One step of the optimizers other than plain SGD. For j < nPen the gradient gains the coupled L2
 * term l2·w (decoupled for AdamW), and after the update the L1 proximal step (soft threshold by
 * l1 = lr·alpha·l1Ratio) is applied. Intercepts (j >= nPen) are unpenalised and only move when
 * fitIntercept != 0. acc (if any) accumulates accWeight times the gradient, or, for penalised
 * weights under L1, times the proximal gradient (w_old − w_new)/lr.
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
  for (let j = 0; j < nAll; j++) {
    const o = (<usize>j) << s;
    const penalised = j < nPen;
    if (!penalised && fitIntercept == 0) continue;
    const w = load<T>(params + o);
    let g = load<T>(grad + o) * scale;
    if (penalised && opt != OPT_ADAMW) g = g + l2 * w;
    let step: T;
    if (opt == OPT_MOMENTUM || opt == OPT_NESTEROV) {
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
    if (penalised && l1 > 0) wn = Prox.soft<T>(wn, l1);
    store<T>(params + o, wn);
    if (acc != 0) {
      const ga = penalised && l1 > 0 ? (w - wn) / lr : g;
      store<T>(acc + o, load<T>(acc + o) + accWeight * ga);
    }
  }
}
