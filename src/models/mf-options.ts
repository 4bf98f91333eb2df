// Matrix factorisation's options (defaults, checks, E_OPTION messages) and the checks of its
// input triples (finite ratings, usable ids).
import { BACKEND_NAMES, type BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import type { DType } from "../matrix.js";
import { normaliseSchedule, type ScheduleSpec } from "../optim/schedules.js";
import type { Id } from "../table/label-types.js";
import type { EpochInfo } from "../train/history.js";

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

function fail(name: string, why: string): never {
  throw new DescentError("E_OPTION", `option '${name}' ${why}`);
}

export function resolve(o: MatrixFactorizationOptions | undefined): Resolved {
  const opts = (o ?? {}) as Record<string, unknown>;
  const known = [
    "factors",
    "epochs",
    "learningRate",
    "regularization",
    "biased",
    "initStd",
    "seed",
    "shuffle",
    "backend",
    "dtype",
    "threads",
    "onEpoch",
    "validationData",
    "schedule",
    "tol",
    "nIterNoChange",
    "gradTol",
    "earlyStopping",
    "validationFraction",
    ...RATE_KEYS,
  ];
  for (const k of Object.keys(opts)) if (!known.includes(k)) fail(k, "is unknown for MatrixFactorization");
  const get = <T>(k: string, d: T): T => (opts[k] === undefined ? d : (opts[k] as T));
  const posInt = (k: string, d: number): number => {
    const v = get(k, d);
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1)
      fail(k, `must be an integer >= 1 (got ${String(v)})`);
    return v;
  };
  const nonNeg = (k: string, d: number): number => {
    const v = get(k, d);
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      fail(k, `must be a finite number >= 0 (got ${String(v)})`);
    return v;
  };
  const learningRate = nonNeg("learningRate", 0.005);
  if (learningRate === 0) fail("learningRate", "must be > 0");
  const regularization = nonNeg("regularization", 0.02);
  const backend = get<BackendName>("backend", "wasm");
  if (!BACKEND_NAMES.includes(backend))
    fail("backend", `must be one of ${BACKEND_NAMES.join(", ")} (got ${String(backend)})`);
  const dtype = get<DType>("dtype", "float64");
  if (dtype !== "float64" && dtype !== "float32")
    fail("dtype", `must be 'float64' or 'float32' (got ${String(dtype)})`);
  const threads = posInt("threads", 1);
  if (threads > 64) fail("threads", `must be at most 64 (got ${threads})`);
  const seed = get("seed", 0);
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) fail("seed", `must be an integer (got ${String(seed)})`);
  const bool = (k: string, d: boolean): boolean => {
    const v = get(k, d);
    if (typeof v !== "boolean") fail(k, `must be true or false (got ${String(v)})`);
    return v;
  };
  const onEpoch = get<MatrixFactorizationOptions["onEpoch"] | null>("onEpoch", null);
  if (onEpoch !== null && typeof onEpoch !== "function") fail("onEpoch", "must be a function");
  const validationData = get<RatingTriples | null>("validationData", null);
  if (
    validationData !== null &&
    (typeof validationData !== "object" || !["users", "items", "ratings"].every((k) => k in validationData))
  )
    fail("validationData", "must be an object { users, items, ratings }");
  const schedule = get<ScheduleSpec>("schedule", "constant");
  if (normaliseSchedule(schedule).name === "optimal")
    fail("schedule", "'optimal' is the linear models' schedule (1/(alpha·(t0 + t))); use another one");
  const orNull = (k: string, d: number | null, check: (v: number) => boolean, range: string): number | null => {
    const v = get<unknown>(k, d);
    if (v === null) return null;
    if (typeof v !== "number" || !Number.isFinite(v) || !check(v))
      fail(k, `must be ${range} or null (got ${String(v)})`);
    return v;
  };
  const validationFraction = get("validationFraction", 0.1);
  if (typeof validationFraction !== "number" || !(validationFraction > 0 && validationFraction < 1))
    fail("validationFraction", `must be a number in (0, 1) (got ${String(validationFraction)})`);
  return {
    schedule,
    tol: orNull("tol", null, (v) => v >= 0, "a finite number >= 0"),
    nIterNoChange: posInt("nIterNoChange", 5),
    gradTol: orNull("gradTol", null, (v) => v >= 0, "a finite number >= 0"),
    earlyStopping: bool("earlyStopping", false),
    validationFraction,
    factors: posInt("factors", 100),
    epochs: posInt("epochs", 20),
    learningRate,
    regularization,
    biased: bool("biased", true),
    initStd: nonNeg("initStd", 0.1),
    seed,
    shuffle: bool("shuffle", true),
    lrBu: nonNeg("lrBu", learningRate),
    lrBi: nonNeg("lrBi", learningRate),
    lrPu: nonNeg("lrPu", learningRate),
    lrQi: nonNeg("lrQi", learningRate),
    regBu: nonNeg("regBu", regularization),
    regBi: nonNeg("regBi", regularization),
    regPu: nonNeg("regPu", regularization),
    regQi: nonNeg("regQi", regularization),
    backend,
    dtype,
    threads,
    onEpoch,
    validationData,
  };
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
