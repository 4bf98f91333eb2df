// The test oracle of the optimizer kernels: each optimizer written another way, as small composable
// gradient transformations with explicit state (optax-style). A transform rewrites the update
// vector u in place; `chain` runs several in order; applyUpdate then does w ← w − u
// (w ← decay·w − u for plain SGD's L2 step) and the L1 proximal step. The fused kernels
// (assembly/update.ts and src/kernels/js-kernels.ts) must equal these chains to the bit
// (test/optimizers.test.ts); the product itself has one implementation, the kernels.
import { powInt } from "../../src/kernels/portable.js";
import type { ResolvedOptimizer } from "../../src/optim/optimizer-spec.js";

/** What a transform may read besides the update vector. */
export interface TransformContext {
  /** Current parameters (before the step). */
  params: Float64Array;
  /** Step size of this step. */
  lr: number;
  /** 1-based step number. */
  t: number;
  /** Entries [0, nPen) are penalised weights, the rest intercepts. */
  nPen: number;
  /** Entries [0, nActive) are updated (nActive = nPen when intercepts are not fitted). */
  nActive: number;
}

/** A gradient transformation: `init` makes its state, `update` rewrites u in place. */
export interface GradientTransform {
  init(n: number): Float64Array[];
  update(u: Float64Array, state: Float64Array[], ctx: TransformContext): void;
}

function slot(state: Float64Array[], i: number): Float64Array {
  const s = state[i];
  if (s === undefined) throw new Error(`optimizer state slot ${i} is missing`);
  return s;
}

/** Runs transforms in order, each with its own slice of the state. */
export function chain(...transforms: GradientTransform[]): GradientTransform {
  const sizes: number[] = [];
  return {
    init(n) {
      sizes.length = 0;
      const all: Float64Array[] = [];
      for (const t of transforms) {
        const s = t.init(n);
        sizes.push(s.length);
        all.push(...s);
      }
      return all;
    },
    update(u, state, ctx) {
      let offset = 0;
      transforms.forEach((t, i) => {
        const k = sizes[i] ?? 0;
        t.update(u, state.slice(offset, offset + k), ctx);
        offset += k;
      });
    },
  };
}

/** u += l2·w on the penalised entries (the gradient of 0.5·l2·‖w‖²). */
export function addL2(l2: number): GradientTransform {
  return {
    init: () => [],
    update(u, _s, ctx) {
      for (let j = 0; j < ctx.nPen; j++) u[j] = (u[j] as number) + l2 * (ctx.params[j] as number);
    },
  };
}

/** v = momentum·v + u; u = v, or u = u + momentum·v (Nesterov). */
export function traceMomentum(momentum: number, nesterov: boolean): GradientTransform {
  return {
    init: (n) => [new Float64Array(n)],
    update(u, state, ctx) {
      const v = slot(state, 0);
      for (let j = 0; j < ctx.nActive; j++) {
        const g = u[j] as number;
        const vj = momentum * (v[j] as number) + g;
        v[j] = vj;
        u[j] = nesterov ? g + momentum * vj : vj;
      }
    },
  };
}

/** a = a + u²; u = u / √(a + ε), a starting at `initial`. */
export function scaleByAdagrad(initial: number, epsilon: number): GradientTransform {
  return {
    init: (n) => [new Float64Array(n).fill(initial)],
    update(u, state, ctx) {
      const a = slot(state, 0);
      for (let j = 0; j < ctx.nActive; j++) {
        const g = u[j] as number;
        const aj = (a[j] as number) + g * g;
        a[j] = aj;
        u[j] = g / Math.sqrt(aj + epsilon);
      }
    },
  };
}

/** s = decay·s + (1 − decay)·u²; u = u / √(s + ε). */
export function scaleByRms(decay: number, epsilon: number): GradientTransform {
  return {
    init: (n) => [new Float64Array(n)],
    update(u, state, ctx) {
      const s = slot(state, 0);
      for (let j = 0; j < ctx.nActive; j++) {
        const g = u[j] as number;
        const sj = decay * (s[j] as number) + (1 - decay) * (g * g);
        s[j] = sj;
        u[j] = g / Math.sqrt(sj + epsilon);
      }
    },
  };
}

/** Adam's moments with bias correction: u = m̂ / (√v̂ + ε). */
export function scaleByAdam(beta1: number, beta2: number, epsilon: number): GradientTransform {
  return {
    init: (n) => [new Float64Array(n), new Float64Array(n)],
    update(u, state, ctx) {
      const m = slot(state, 0);
      const v = slot(state, 1);
      const c1 = 1 - powInt(beta1, ctx.t);
      const c2 = 1 - powInt(beta2, ctx.t);
      for (let j = 0; j < ctx.nActive; j++) {
        const g = u[j] as number;
        const mj = beta1 * (m[j] as number) + (1 - beta1) * g;
        const vj = beta2 * (v[j] as number) + (1 - beta2) * (g * g);
        m[j] = mj;
        v[j] = vj;
        u[j] = mj / c1 / (Math.sqrt(vj / c2) + epsilon);
      }
    },
  };
}

/** u += decay·w on the penalised entries (decoupled weight decay, as AdamW). */
export function addDecayedWeights(decay: number): GradientTransform {
  return {
    init: () => [],
    update(u, _s, ctx) {
      for (let j = 0; j < ctx.nPen; j++) u[j] = (u[j] as number) + decay * (ctx.params[j] as number);
    },
  };
}

/** u = lr·u. */
export function scaleByLearningRate(): GradientTransform {
  return {
    init: () => [],
    update(u, _s, ctx) {
      for (let j = 0; j < ctx.nActive; j++) u[j] = ctx.lr * (u[j] as number);
    },
  };
}

/**
 * w ← decay·w − u on the penalised entries and w ← w − u on the active intercepts, then
 * soft-thresholds the penalised ones by `l1`. `decay` is plain SGD's multiplicative L2 step
 * (see sgdDecay); 1 for the other optimizers, whose chains add the L2 term to the gradient.
 */
export function applyUpdate(params: Float64Array, u: Float64Array, ctx: TransformContext, l1: number, decay = 1): void {
  for (let j = 0; j < ctx.nActive; j++) {
    const w = params[j] as number;
    let wn = j < ctx.nPen ? decay * w - (u[j] as number) : w - (u[j] as number);
    if (j < ctx.nPen && l1 > 0) wn = wn > l1 ? wn - l1 : wn < -l1 ? wn + l1 : 0;
    params[j] = wn;
  }
}

/**
 * The multiplicative L2 step of plain SGD at rate lr, 1 − lr·l2, as scikit-learn applies it
 * (w ← (1 − ηλ)·w − η·g); 1 for every other optimizer.
 */
export function sgdDecay(opt: ResolvedOptimizer, l2: number, lr: number): number {
  return opt.kind === "sgd" ? 1 - lr * l2 : 1;
}

/**
 * The chain each named optimizer stands for, with the coupled (or decoupled) L2 term; plain SGD's
 * L2 term is its decay in applyUpdate instead (see sgdDecay).
 */
export function optimizerChain(opt: ResolvedOptimizer, l2: number): GradientTransform {
  switch (opt.kind) {
    case "sgd":
      return chain(scaleByLearningRate());
    case "momentum":
    case "nesterov":
      return chain(addL2(l2), traceMomentum(opt.momentum, opt.kind === "nesterov"), scaleByLearningRate());
    case "adagrad":
      return chain(addL2(l2), scaleByAdagrad(opt.initialAccumulatorValue, opt.epsilon), scaleByLearningRate());
    case "rmsprop":
      return chain(
        addL2(l2),
        scaleByRms(opt.decay, opt.epsilon),
        scaleByLearningRate(),
        traceMomentum(opt.momentum, false),
      );
    case "adam":
      return chain(addL2(l2), scaleByAdam(opt.beta1, opt.beta2, opt.epsilon), scaleByLearningRate());
    case "adamw":
      return chain(scaleByAdam(opt.beta1, opt.beta2, opt.epsilon), addDecayedWeights(l2), scaleByLearningRate());
  }
}
