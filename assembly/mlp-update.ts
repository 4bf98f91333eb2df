// The MLP kernels' update rules: scikit-learn's SGD (momentum, Nesterov) and Adam in its form,
// else descent's optimizers; the step's gradient also goes into the epoch's accumulator. Its JS
// twin is src/kernels/mlp-update.ts.

import { P_H1, P_H2, P_H3, Plan } from "./plan";
import { Portable } from "./portable";
import { Simd } from "./simd";
import { OPT_ADAM, OPT_ADAMW, optimizerStepImpl } from "./update";

/** scikit-learn's SGD solver: v ← μv − rate·g, then w += v (or μv − rate·g with Nesterov). */
export const OPT_SK_SGD: i32 = 7;
/** scikit-learn's Adam: rate_t = rate·√(1 − β₂ᵗ)/(1 − β₁ᵗ), w −= rate_t·m/(√v + ε). */
export const OPT_SK_ADAM: i32 = 8;

/** One optimizer step over all nAll parameters at rate lr, step t; acc += weight·g. */
export function mlpUpdate<T>(
  plan: usize,
  opt: i32,
  nAll: i32,
  t: f64,
  lr: f64,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  weight: f64,
): void {
  const s = Simd.shiftOf<T>();
  const h1 = Plan.get(plan, P_H1);
  const h2 = Plan.get(plan, P_H2);
  const h3 = Plan.get(plan, P_H3);
  if (opt == OPT_SK_SGD || opt == OPT_SK_ADAM) {
    const k = <T>weight;
    const rate = <T>lr;
    const mu = <T>h1;
    const nesterov = h2 != 0;
    const b1 = <T>h1;
    const b2 = <T>h2;
    const eps = <T>h3;
    let rateT: T = 0;
    if (opt == OPT_SK_ADAM) rateT = <T>((lr * Math.sqrt(1 - Portable.powInt(h2, t))) / (1 - Portable.powInt(h1, t)));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      // The same operations lane by lane as the loop below.
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const kv = v128.splat<T>(k);
      const rv = v128.splat<T>(rate);
      const muv = v128.splat<T>(mu);
      const b1v = v128.splat<T>(b1);
      const b2v = v128.splat<T>(b2);
      const c1 = v128.splat<T>(<T>1 - b1);
      const c2 = v128.splat<T>(<T>1 - b2);
      const ev = v128.splat<T>(eps);
      const nrt = v128.splat<T>(-rateT);
      for (; j + lanes <= nAll; j += lanes) {
        const o = (<usize>j) << s;
        const g = v128.load(grad + o);
        v128.store(acc + o, v128.add<T>(v128.load(acc + o), v128.mul<T>(kv, g)));
        let u: v128;
        if (opt == OPT_SK_SGD) {
          const v = v128.sub<T>(v128.mul<T>(muv, v128.load(s1 + o)), v128.mul<T>(rv, g));
          v128.store(s1 + o, v);
          u = nesterov ? v128.sub<T>(v128.mul<T>(muv, v), v128.mul<T>(rv, g)) : v;
        } else {
          const m = v128.add<T>(v128.mul<T>(b1v, v128.load(s1 + o)), v128.mul<T>(c1, g));
          const v = v128.add<T>(v128.mul<T>(b2v, v128.load(s2 + o)), v128.mul<T>(c2, v128.mul<T>(g, g)));
          v128.store(s1 + o, m);
          v128.store(s2 + o, v);
          u = v128.div<T>(v128.mul<T>(nrt, m), v128.add<T>(v128.sqrt<T>(v), ev));
        }
        v128.store(params + o, v128.add<T>(v128.load(params + o), u));
      }
    }
    for (; j < nAll; j++) {
      const o = (<usize>j) << s;
      const g = load<T>(grad + o);
      store<T>(acc + o, load<T>(acc + o) + k * g);
      let u: T;
      if (opt == OPT_SK_SGD) {
        const v = mu * load<T>(s1 + o) - rate * g;
        store<T>(s1 + o, v);
        u = nesterov ? mu * v - rate * g : v;
      } else {
        const m = b1 * load<T>(s1 + o) + (<T>1 - b1) * g;
        const v = b2 * load<T>(s2 + o) + (<T>1 - b2) * (g * g);
        store<T>(s1 + o, m);
        store<T>(s2 + o, v);
        u = (-rateT * m) / (<T>Math.sqrt(<f64>v) + eps);
      }
      store<T>(params + o, load<T>(params + o) + u);
    }
    return;
  }
  let h4: f64 = 1;
  let h5: f64 = 1;
  if (opt == OPT_ADAM || opt == OPT_ADAMW) {
    h4 = 1 - Portable.powInt(h1, t);
    h5 = 1 - Portable.powInt(h2, t);
  }
  optimizerStepImpl<T>(
    opt,
    params,
    grad,
    s1,
    s2,
    nAll,
    nAll,
    1,
    <T>1,
    <T>0,
    <T>lr,
    <T>0,
    <T>h1,
    <T>h2,
    <T>h3,
    <T>h4,
    <T>h5,
    acc,
    <T>weight,
  );
}
