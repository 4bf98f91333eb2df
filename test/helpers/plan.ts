// Training plans and step buffers for kernel-level tests of the step kernels.
import type { Backend, StepBuffers } from "../../src/backend/backend.js";
import type { LinearLoss } from "../../src/kernels/losses.js";
import type { PenaltyConfig } from "../../src/kernels/penalty.js";
import { PLAN_SLOTS, writePlan } from "../../src/kernels/plan.js";
import { type OptimizerSpec, resolveOptimizer } from "../../src/optim/optimizer-spec.js";
import { ScheduleId, type ScheduleParams } from "../../src/optim/schedules.js";
import type { Buffer } from "../../src/runtime/buffer.js";

/** What a test plan may set; the rest defaults to plain SGD at rate 0.05 without a penalty. */
export interface TestPlan {
  optimizer?: OptimizerSpec | string;
  penalty?: PenaltyConfig;
  schedule?: ScheduleParams;
  nPen: number;
  nAll: number;
  fitIntercept?: boolean;
  rows: number;
  batch: number;
  loss?: LinearLoss;
  lossParam?: number;
  classes?: number;
  step?: number;
  epoch?: number;
  averageStart?: number;
}

/** A plan buffer of backend b written from `p`. */
export function testPlan(b: Backend, p: TestPlan): Buffer<Float64Array> {
  const plan = b.allocF64(PLAN_SLOTS);
  writePlan(
    plan.view,
    {
      optimizer: resolveOptimizer(p.optimizer ?? "sgd"),
      penalty: p.penalty ?? { penalty: "none", alpha: 0, l1Ratio: 0 },
      schedule: p.schedule ?? { id: ScheduleId.constant, eta: 0.05, a: 0, b: 0, c: 0 },
      nPen: p.nPen,
      nAll: p.nAll,
      fitIntercept: p.fitIntercept ?? true,
      rows: p.rows,
      batch: p.batch,
      loss: p.loss ?? "squared",
      lossParam: p.lossParam ?? 0,
      classes: p.classes ?? 1,
      averageStart: p.averageStart ?? 0,
    },
    p.step ?? 0,
    p.epoch ?? 0,
    1,
  );
  return plan;
}

/** Zeroed step buffers over `nAll` parameters starting at `params` (optimizer slots given or none). */
export function testState(b: Backend, params: ArrayLike<number>, slots = 0): StepBuffers {
  const nAll = params.length;
  const p = b.alloc(nAll);
  p.view.set(Array.from(params));
  return {
    params: p,
    grad: b.alloc(nAll),
    s1: slots > 0 ? b.alloc(nAll) : null,
    s2: slots > 1 ? b.alloc(nAll) : null,
    acc: b.alloc(nAll),
    mark: b.alloc(nAll),
  };
}
