// The pure-JS twin of assembly/mlp-update.ts: the MLP's update rules, operation for operation.

import type { FloatArray } from "../runtime/buffer.js";
import { optimizerStepJs, type StepArrays } from "./js-kernels.js";
import { MlpOptimizerId } from "./mlp-net.js";
import { PlanSlot } from "./plan.js";
import { powInt } from "./portable.js";
import { OptimizerId } from "./update.js";

/** Mirror of assembly/mlp-update.ts mlpUpdate: one step over all nAll parameters; acc += weight·g. */
export function mlpUpdate(
  plan: Float64Array,
  opt: number,
  nAll: number,
  t: number,
  lr: number,
  a: StepArrays,
  weight: number,
): void {
  const { params, grad, acc } = a;
  const h1 = plan[PlanSlot.h1] as number;
  const h2 = plan[PlanSlot.h2] as number;
  const h3 = plan[PlanSlot.h3] as number;
  if (opt === MlpOptimizerId.sklearnSgd || opt === MlpOptimizerId.sklearnAdam) {
    const s1 = a.s1 as FloatArray;
    const s2 = a.s2 as FloatArray;
    const nesterov = h2 !== 0;
    const rateT = opt === MlpOptimizerId.sklearnAdam ? (lr * Math.sqrt(1 - powInt(h2, t))) / (1 - powInt(h1, t)) : 0;
    for (let j = 0; j < nAll; j++) {
      const g = grad[j];
      acc[j] = acc[j] + weight * g;
      let u: number;
      if (opt === MlpOptimizerId.sklearnSgd) {
        const v = h1 * s1[j] - lr * g;
        s1[j] = v;
        u = nesterov ? h1 * v - lr * g : v;
      } else {
        const m = h1 * s1[j] + (1 - h1) * g;
        const v = h2 * s2[j] + (1 - h2) * (g * g);
        s1[j] = m;
        s2[j] = v;
        u = (-rateT * m) / (Math.sqrt(v) + h3);
      }
      params[j] = params[j] + u;
    }
    return;
  }
  let h4 = 1;
  let h5 = 1;
  if (opt === OptimizerId.adam || opt === OptimizerId.adamw) {
    h4 = 1 - powInt(h1, t);
    h5 = 1 - powInt(h2, t);
  }
  optimizerStepJs(opt, params, grad, a.s1, a.s2, nAll, nAll, true, 1, 0, lr, 0, h1, h2, h3, h4, h5, acc, weight);
}
