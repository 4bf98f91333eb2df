// Matrix factorisation's options (defaults, checks, E_OPTION messages) and the checks of its
// input triples (finite ratings, usable ids).
import type { BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import type { DType } from "../matrix.js";
import { normaliseSchedule, type ScheduleSpec } from "../optim/schedules.js";
import {
  checkOptions,
  defaultFrom,
  type OptionEntry,
  type OptionTable,
  optionError,
  specRule,
} from "../options/option-table.js";
import type { Id } from "../table/label-types.js";
import type { EpochInfo } from "../train/history.js";
import { RULES, SGD_OPTION_TABLE } from "../train/options.js";

/** (user, item, rating) triples as three parallel arrays. */
export interface RatingTriples {
  /** The user of each rating. */
  users: ArrayLike<Id>;
  /** The item of each rating. */
  items: ArrayLike<Id>;
  /** The ratings. */
  ratings: ArrayLike<number>;
}

/** Options of MatrixFactorization (defaults as the Surprise library's SVD). */
export interface MatrixFactorizationOptions {
  /** Latent factors per user and item. Default 100. */
  factors?: number;
  /** Passes over the ratings (at most, with tol or earlyStopping). Default 20. */
  epochs?: number;
  /** Step size of every parameter group (each group's own rate, when given, replaces it). Default 0.005. */
  learningRate?: number;
  /**
   * How the rates change over the steps (one step per rating), as the linear models' `schedule`
   * except 'optimal': every group's rate is its base rate times the schedule's rate over
   * learningRate. Default 'constant'.
   */
  schedule?: ScheduleSpec;
  /**
   * Stop when the epoch's training MSE (or, with earlyStopping, the validation RMSE) has not
   * improved by tol for nIterNoChange epochs; null disables. Default null (run every epoch).
   */
  tol?: number | null;
  /** Epochs without improvement before stopping. Default 5. */
  nIterNoChange?: number;
  /** Stop once the epoch's gradient norm estimate (history.gradNorm) falls below this; null disables. Default null. */
  gradTol?: number | null;
  /**
   * Stop when the RMSE on held-out ratings stops improving (by tol, default 0 then, over
   * nIterNoChange epochs) and keep the best epoch's parameters. The held-out ratings are
   * validationData when given, else a seeded validationFraction share of the training ratings.
   * Default false.
   */
  earlyStopping?: boolean;
  /** Share of the ratings held out under earlyStopping without validationData, in (0, 1). Default 0.1. */
  validationFraction?: number;
  /** L2 regularisation of every parameter group. Default 0.02. */
  regularization?: number;
  /** Learn the user and item biases. Default true. */
  biased?: boolean;
  /** Standard deviation of the normal initial factors (mean 0). Default 0.1. */
  initStd?: number;
  /** Seed of the initial factors and the shuffling. Default 0. */
  seed?: number;
  /** Reshuffle the ratings every epoch. Default true. */
  shuffle?: boolean;
  /** Per-group step sizes and regularisation (default: learningRate and regularization). */
  lrBu?: number;
  /** The item biases' learning rate (default: learningRate). */
  lrBi?: number;
  /** The user factors' learning rate (default: learningRate). */
  lrPu?: number;
  /** The item factors' learning rate (default: learningRate). */
  lrQi?: number;
  /** The user biases' regularisation (default: regularization). */
  regBu?: number;
  /** The item biases' regularisation (default: regularization). */
  regBi?: number;
  /** The user factors' regularisation (default: regularization). */
  regPu?: number;
  /** The item factors' regularisation (default: regularization). */
  regQi?: number;
  /** Kernels. Default 'wasm'. */
  backend?: BackendName;
  /** Element type of the factors and biases during training: 'float64' (default; bit-identical across backends) or 'float32' (faster). */
  dtype?: DType;
  /**
   * Worker threads. With k > 1 each epoch runs as k rounds of k rating blocks that share no user
   * and no item (src/models/rating-blocks.ts), a round's blocks on k workers at once, lock-free;
   * deterministic for a given k, and the same bits with or without workers (backends without
   * them run the blocks in turn). Default 1.
   */
  threads?: number;
  /**
   * Held-out ratings scored after every epoch: their RMSE (as `score`) goes to history.valScore and
   * to onEpoch's `valScore`. Training does not see them. Not saved by toJSON. Default none.
   */
  validationData?: RatingTriples;
  /**
   * Called after every epoch with the epoch's training MSE as `loss` (and the validationData RMSE
   * as `valScore`); return false to stop.
   */
  onEpoch?: (info: EpochInfo) => boolean | undefined | Promise<boolean | undefined>;
}

/** The options with every default filled in. */
export type Resolved = Required<Omit<MatrixFactorizationOptions, "onEpoch" | "validationData" | "tol" | "gradTol">> & {
  tol: number | null;
  gradTol: number | null;
  onEpoch: MatrixFactorizationOptions["onEpoch"] | null;
  validationData: RatingTriples | null;
};

/** Validation triples resolved against the fit's id maps (−1: an id the fit did not see). */
export interface IndexedTriples {
  users: Int32Array;
  items: Int32Array;
  ratings: Float64Array;
}

/** The per-parameter learning rates and regularisations that can replace lr and reg. */
export const RATE_KEYS = ["lrBu", "lrBi", "lrPu", "lrQi", "regBu", "regBi", "regPu", "regQi"] as const;

/** The four parameter groups (b_u, b_i, P, Q) by the suffix of their option names. */
const GROUPS = [
  ["Bu", "the user biases'"],
  ["Bi", "the item biases'"],
  ["Pu", "the user factors'"],
  ["Qi", "the item factors'"],
] as const;

/** The four per-group options `prefix`Bu … `prefix`Qi, each defaulting to option `from`. */
function groupOptions(prefix: "lr" | "reg", from: string, what: string): OptionTable {
  return Object.fromEntries(
    GROUPS.map(([suffix, whose]) => [
      `${prefix}${suffix}`,
      { rule: RULES.nonNegative, default: defaultFrom(from), doc: `${whose} ${what}` },
    ]),
  );
}

/** MatrixFactorization's options (defaults as the Surprise library's SVD). */
export const MF_OPTION_TABLE: OptionTable = {
  factors: { rule: RULES.count, default: 100, doc: "latent factors per user and item" },
  epochs: { rule: RULES.count, default: 20, doc: "passes over the ratings (at most, with `tol` or `earlyStopping`)" },
  learningRate: { rule: RULES.positive, default: 0.005, doc: "step size of every parameter group" },
  regularization: { rule: RULES.nonNegative, default: 0.02, doc: "L2 regularisation of every parameter group" },
  schedule: {
    rule: specRule("a schedule name or { name, ...params } other than 'optimal'", (v) => {
      if (normaliseSchedule(v).name === "optimal")
        throw optionError("schedule", "'optimal' is the linear models' schedule (1/(alpha·(t0 + t))); use another one");
    }),
    default: "constant",
    doc: "how the rates change over the steps (one per rating); every group's rate is its own times the schedule's rate over `learningRate`",
  },
  tol: {
    rule: RULES.tolerance,
    default: null,
    doc: "stop when the training MSE (with `earlyStopping`, the validation RMSE) has not improved by `tol` for `nIterNoChange` epochs",
  },
  nIterNoChange: SGD_OPTION_TABLE.nIterNoChange as OptionEntry,
  gradTol: {
    ...(SGD_OPTION_TABLE.gradTol as OptionEntry),
    doc: "stop when the epoch's gradient-norm estimate falls below it",
  },
  earlyStopping: {
    ...(SGD_OPTION_TABLE.earlyStopping as OptionEntry),
    doc: "stop when the RMSE on `validationData` (else on a held-out `validationFraction` share) stops improving; keep the best epoch",
  },
  validationFraction: SGD_OPTION_TABLE.validationFraction as OptionEntry,
  biased: { rule: RULES.flag, default: true, doc: "learn the user and item biases" },
  initStd: { rule: RULES.nonNegative, default: 0.1, doc: "standard deviation of the normal initial factors" },
  seed: { rule: RULES.seed, default: 0, doc: "seed of the initial factors, the shuffles and the held-out share" },
  shuffle: { rule: RULES.flag, default: true, doc: "reshuffle the ratings every epoch" },
  ...groupOptions("lr", "learningRate", "rate"),
  ...groupOptions("reg", "regularization", "regularisation"),
  backend: { rule: RULES.backend, default: "wasm", doc: "where the kernels run" },
  dtype: {
    rule: RULES.dtype,
    default: "float64",
    doc: "the factors' and biases' type during training (`'float64'` is bit-identical across backends)",
  },
  threads: {
    rule: RULES.threads,
    default: 1,
    doc: "worker threads: each epoch runs as k rounds of k rating blocks that share no user and no item, deterministic for a given k",
  },
  validationData: {
    rule: {
      type: "nullable",
      rule: {
        type: "custom",
        accepts: "an object { users, items, ratings }",
        check: (v) => {
          if (typeof v !== "object" || v === null || !["users", "items", "ratings"].every((k) => k in v))
            throw new Error("not triples");
          return v;
        },
      },
    },
    default: null,
    shownDefault: "—",
    doc: "held-out ratings whose RMSE goes to `history.valScore` and `onEpoch` after every epoch (not saved by `toJSON`)",
  },
  onEpoch: {
    rule: RULES.callback,
    default: null,
    shownDefault: "—",
    doc: "called after every epoch with the training MSE as `loss` (and the validation RMSE as `valScore`); return `false` to stop",
  },
};

/** Checks MatrixFactorization's options and fills in defaults; E_OPTION names an unknown or out-of-range one. */
export function resolve(o: MatrixFactorizationOptions | undefined): Resolved {
  return checkOptions(MF_OPTION_TABLE, o, "for MatrixFactorization; see docs/options.md") as unknown as Resolved;
}

/** The ratings as a Float64Array; E_NONFINITE names the first value that is not a finite number. */
export function finiteRatings(ratings: ArrayLike<number>, n: number, name: string): Float64Array {
  if (ratings === null || typeof ratings !== "object" || ratings.length !== n)
    throw new DescentError("E_SHAPE", `${name} must be an array of ${n} numbers`);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = ratings[i];
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new DescentError("E_NONFINITE", `${name} has a non-finite value (${String(v)}) at row ${i}`);
    r[i] = v;
  }
  return r;
}

export function checkIds(ids: ArrayLike<Id>, n: number, name: string): void {
  if (ids === null || typeof ids !== "object" || typeof ids.length !== "number") {
    throw new DescentError("E_SHAPE", `${name} must be an array of ids`);
  }
  if (ids.length !== n) throw new DescentError("E_SHAPE", `${name} has ${ids.length} ids but ratings has ${n} values`);
  for (let i = 0; i < n; i++) {
    const v = ids[i];
    if (!(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) {
      throw new DescentError(
        "E_LABELS",
        `${name} has an invalid id (${String(v)}) at row ${i}: ids are numbers or strings`,
      );
    }
  }
}
