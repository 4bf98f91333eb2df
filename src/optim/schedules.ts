import { ScheduleId, type ScheduleParams } from "../kernels/schedule.js";
import { checkSpec, type OptionTable, optionError } from "../options/option-table.js";

export { rateAt, ScheduleId, type ScheduleParams, scheduleRate } from "../kernels/schedule.js";

/** Learning-rate schedule names. */
export type ScheduleName = "constant" | "invscaling" | "optimal" | "adaptive" | "step" | "exponential" | "cosine";

/**
 * A schedule name, or a name with parameters:
 * - constant: η
 * - invscaling: η / t^powerT (t the 1-based step; powerT 0.25, scikit-learn's SGDRegressor default)
 * - optimal: 1 / (alpha·(t0 + t − 1)), t0 = 1/(alpha·√(1/√alpha)) (scikit-learn's heuristic; needs alpha > 0)
 * - adaptive: η, divided by 5 each time nIterNoChange epochs pass without improving by tol (the
 *   training loop stops when it falls below 1e-6, as scikit-learn)
 * - step: η · gamma^⌊epoch / stepSize⌋ (gamma 0.5, stepSize 10 epochs)
 * - exponential: η · gamma^epoch (gamma 0.95)
 * - cosine: η_min + (η − η_min)·(1 + cos(π·min(t − 1, T)/T))/2, T = decaySteps (default: every step
 *   of maxEpochs epochs), η_min = minLearningRate (0)
 */
export type ScheduleSpec =
  | ScheduleName
  | {
      /** The schedule's name. */
      name: "constant";
    }
  | {
      /** The schedule's name. */
      name: "invscaling";
      /** The power of t (default 0.25). */
      powerT?: number;
    }
  | {
      /** The schedule's name. */
      name: "optimal";
    }
  | {
      /** The schedule's name. */
      name: "adaptive";
    }
  | {
      /** The schedule's name. */
      name: "step";
      /** The factor each stepSize epochs (default 0.5). */
      gamma?: number;
      /** Epochs between drops (default 10). */
      stepSize?: number;
    }
  | {
      /** The schedule's name. */
      name: "exponential";
      /** The factor each epoch (default 0.95). */
      gamma?: number;
    }
  | {
      /** The schedule's name. */
      name: "cosine";
      /** Steps of the decay (default: every step of maxEpochs epochs). */
      decaySteps?: number;
      /** The rate at the end of the decay (default 0). */
      minLearningRate?: number;
    };

/** Context a schedule is built in. */
export interface ScheduleContext {
  learningRate: number;
  alpha: number;
  maxEpochs: number;
  stepsPerEpoch: number;
}

/** Every schedule name, in the order the docs list them. */
export const SCHEDULE_NAMES: readonly ScheduleName[] = [
  "constant",
  "invscaling",
  "optimal",
  "adaptive",
  "step",
  "exponential",
  "cosine",
];
const GAMMA = {
  rule: {
    type: "custom",
    accepts: "in (0, 1]",
    check: (v: unknown) => {
      if (typeof v !== "number" || !(v > 0 && v <= 1)) throw new RangeError("gamma");
      return v;
    },
  },
  doc: "the rate's factor",
} as const;

/** Each schedule's parameters, with their defaults. */
const PARAMETER_TABLES: Record<ScheduleName, OptionTable> = {
  constant: {},
  invscaling: { powerT: { rule: { type: "number", min: 0 }, default: 0.25, doc: "the power of t" } },
  optimal: {},
  adaptive: {},
  step: {
    gamma: { ...GAMMA, default: 0.5 },
    stepSize: { rule: { type: "integer", min: 1 }, default: 10, doc: "epochs between drops" },
  },
  exponential: { gamma: { ...GAMMA, default: 0.95 } },
  cosine: {
    decaySteps: {
      rule: { type: "integer", min: 0 },
      default: 0,
      doc: "steps of the decay (0: every step of maxEpochs)",
    },
    minLearningRate: { rule: { type: "number", min: 0 }, default: 0, doc: "the rate at the end" },
  },
};

/** Validates a schedule spec; returns its name and normalised parameters. */
export function normaliseSchedule(spec: unknown): { name: ScheduleName; params: Record<string, number> } {
  const { name, params } = checkSpec("schedule", PARAMETER_TABLES, spec);
  return { name: name as ScheduleName, params: params as Record<string, number> };
}

/** The numbers of a validated spec in a context (see ScheduleParams). */
export function makeSchedule(
  spec: { name: ScheduleName; params: Record<string, number> },
  ctx: ScheduleContext,
): ScheduleParams {
  const eta = ctx.learningRate;
  const p = spec.params;
  switch (spec.name) {
    case "constant":
    case "adaptive":
      return { id: ScheduleId.constant, eta, a: 0, b: 0, c: 0 };
    case "invscaling":
      return { id: ScheduleId.invscaling, eta, a: p.powerT ?? 0.25, b: 0, c: 0 };
    case "optimal": {
      if (!(ctx.alpha > 0)) throw optionError("schedule", "'optimal' needs alpha > 0");
      const typw = Math.sqrt(1 / Math.sqrt(ctx.alpha));
      return { id: ScheduleId.optimal, eta, a: ctx.alpha, b: 1 / (typw * ctx.alpha), c: 0 };
    }
    case "step":
      return { id: ScheduleId.step, eta, a: p.gamma ?? 0.5, b: p.stepSize ?? 10, c: 0 };
    case "exponential":
      return { id: ScheduleId.exponential, eta, a: p.gamma ?? 0.95, b: 0, c: 0 };
    case "cosine":
      return {
        id: ScheduleId.cosine,
        eta,
        a: 0,
        b: p.decaySteps || ctx.maxEpochs * ctx.stepsPerEpoch,
        c: p.minLearningRate ?? 0,
      };
  }
}
