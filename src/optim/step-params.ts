import type { StepParams } from "../backend/optimizer-id.js";
import type { Penalty } from "../train/options.js";
import { powInt } from "../train/portable-math.js";
import type { ResolvedOptimizer } from "./optimizer-spec.js";

/** What a step needs to know about the regulariser. */
export interface PenaltyConfig {
  penalty: Penalty;
  alpha: number;
  l1Ratio: number;
}

/** Coefficient of the smooth (L2) part of the penalty: alpha, alpha·(1 − l1Ratio) or 0. */
export function l2Coefficient(p: PenaltyConfig): number {
  if (p.penalty === "l2") return p.alpha;
  if (p.penalty === "elasticnet") return p.alpha * (1 - p.l1Ratio);
  return 0;
}

/** Coefficient of the L1 part of the penalty: alpha, alpha·l1Ratio or 0. */
export function l1Coefficient(p: PenaltyConfig): number {
  if (p.penalty === "l1") return p.alpha;
  if (p.penalty === "elasticnet") return p.alpha * p.l1Ratio;
  return 0;
}

/** R-weighted penalty alpha·R(w) over the first nPen entries of params. */
export function penaltyValue(params: ArrayLike<number>, nPen: number, p: PenaltyConfig): number {
  const c2 = l2Coefficient(p);
  const c1 = l1Coefficient(p);
  if (c1 === 0 && c2 === 0) return 0;
  let sq = 0;
  let abs = 0;
  for (let j = 0; j < nPen; j++) {
    const v = params[j] as number;
    sq += v * v;
    abs += Math.abs(v);
  }
  return 0.5 * c2 * sq + c1 * abs;
}

/**
 * The fused kernel's arguments for step number `t` (1-based) at rate `lr` over a batch of
 * `count` rows out of n, written into `out` when given (the training loop reuses one object, so a
 * step allocates nothing).
 */
export function stepParams(
  opt: ResolvedOptimizer,
  penalty: PenaltyConfig,
  nPen: number,
  fitIntercept: boolean,
  t: number,
  lr: number,
  count: number,
  n: number,
  out?: StepParams,
): StepParams {
  const p: StepParams = out ?? {
    kind: opt.kind,
    nPen,
    fitIntercept,
    scale: 1,
    l2: 0,
    lr,
    l1: 0,
    h1: 0,
    h2: 0,
    h3: 0,
    h4: 1,
    h5: 1,
    accWeight: 0,
  };
  p.kind = opt.kind;
  p.nPen = nPen;
  p.fitIntercept = fitIntercept;
  p.scale = 1 / count;
  p.l2 = l2Coefficient(penalty);
  p.lr = lr;
  p.l1 = lr * l1Coefficient(penalty);
  p.h1 = 0;
  p.h2 = 0;
  p.h3 = 0;
  p.h4 = 1;
  p.h5 = 1;
  p.accWeight = count / n;
  switch (opt.kind) {
    case "momentum":
    case "nesterov":
      p.h1 = opt.momentum;
      break;
    case "adagrad":
      p.h1 = opt.epsilon;
      break;
    case "rmsprop":
      p.h1 = opt.decay;
      p.h2 = opt.momentum;
      p.h3 = opt.epsilon;
      break;
    case "adam":
    case "adamw":
      p.h1 = opt.beta1;
      p.h2 = opt.beta2;
      p.h3 = opt.epsilon;
      p.h4 = 1 - powInt(opt.beta1, t);
      p.h5 = 1 - powInt(opt.beta2, t);
      break;
    default:
      break;
  }
  return p;
}
