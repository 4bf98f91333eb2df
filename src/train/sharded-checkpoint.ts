// The coordinator's state of a sharded fit, saved after every epoch so that a fit that stopped (the
// coordinator killed, a worker lost for good) resumes where it was and ends with the model an
// unbroken run gives. The state says which fit wrote it (model, solver, loss, shard sizes, columns,
// options): a checkpoint of another fit is refused, never trained on.
import { DescentError } from "../errors.js";
import type { History } from "./history.js";
import type { TrainProgress } from "./train-loop.js";

/**
 * Where a sharded fit keeps its coordinator state (a JSON text): `fileCheckpoint(path)` from
 * `descent/node` writes a file atomically; anything with these two methods will do (a key-value
 * store, a browser's storage).
 */
export interface ShardedCheckpoint {
  /** The last saved state, or null when there is none (a fresh fit). */
  load(): Promise<string | null>;
  /** Replaces the saved state with `state`, whole or not at all. */
  save(state: string): Promise<void>;
}

/** Options of `fitSharded`. */
export interface ShardedFitOptions {
  /** 'gd' (default): the estimator's optimizer, full batch; 'lbfgs': L-BFGS, far fewer round trips. */
  solver?: "gd" | "lbfgs";
  /**
   * Where the coordinator saves its state after every epoch ('gd' only); a fit given a checkpoint
   * that holds a state of this same fit goes on from it, and ends with the model an unbroken run
   * gives. A checkpoint of another fit is E_STATE.
   */
  checkpoint?: ShardedCheckpoint;
}

/** The solver a sharded fit runs, checked against its options (L-BFGS keeps no checkpoint). */
export function shardedSolver(options: ShardedFitOptions, what: string): "gd" | "lbfgs" {
  const solver = options.solver ?? "gd";
  if (solver !== "gd" && solver !== "lbfgs")
    throw new DescentError(
      "E_OPTION",
      `${what}: option 'solver' must be 'gd' or 'lbfgs', got ${JSON.stringify(solver)}`,
    );
  if (solver === "lbfgs" && options.checkpoint !== undefined)
    throw new DescentError(
      "E_OPTION",
      `${what}: option 'checkpoint' works with solver 'gd' (L-BFGS runs few, cheap iterations: rerun it)`,
    );
  return solver;
}

/** Which fit a checkpoint belongs to: every field must match for a run to resume from it. */
export interface ShardedFitIdentity {
  model: string;
  solver: "gd" | "localSgd";
  loss: string;
  lossParam: number;
  /** Rows of each shard, in shard order. */
  shardRows: number[];
  cols: number;
  featureNames: string[] | null;
  /** The estimator's options that change its result (see optionsIdentity). */
  options: Record<string, unknown>;
}

/** A sharded fit's state after an epoch. */
export interface ShardedState {
  identity: ShardedFitIdentity;
  params: Float64Array;
  /** The parameters the run first started from (the divergence guard's yardstick). */
  startParams: Float64Array;
  zeroObjective: number;
  progress: TrainProgress;
  history: History;
  /** Set once the run has ended: a resumed fit restores the model and trains no further. */
  stopReason?: string;
}

const FORMAT = "descent-sharded-checkpoint";
const VERSION = 1;

/**
 * The options that identify a fit: callbacks dropped; maxEpochs, the backend and threads left out
 * (a resumed run may be given more epochs, and the backends give the same bits).
 */
export function optionsIdentity(options: object): Record<string, unknown> {
  const o = JSON.parse(JSON.stringify(options)) as Record<string, unknown>;
  for (const key of ["maxEpochs", "backend", "threads", "onEpoch"]) delete o[key];
  return o;
}

/** `state` as the checkpoint's JSON text (non-finite history values as null). */
export function writeShardedState(state: ShardedState): string {
  const p = state.progress;
  return JSON.stringify({
    format: FORMAT,
    version: VERSION,
    ...state,
    params: Array.from(state.params),
    startParams: Array.from(state.startParams),
    progress: { ...p, moments: p.moments.map((m) => Array.from(m)) },
  });
}

function corrupt(what: string): never {
  throw new DescentError("E_FORMAT", `sharded checkpoint: ${what}`);
}

function numbers(v: unknown, length: number, what: string, finite: boolean): Float64Array {
  if (!Array.isArray(v) || v.length !== length) corrupt(`'${what}' must be an array of ${length} numbers`);
  const out = new Float64Array(length);
  v.forEach((x, i) => {
    if (x === null && !finite) out[i] = Number.NaN;
    else if (typeof x === "number" && Number.isFinite(x)) out[i] = x;
    else corrupt(`'${what}[${i}]' is ${JSON.stringify(x)}, not a finite number`);
  });
  return out;
}

function series(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) corrupt(`'${what}' must be an array`);
  return Array.from(numbers(v, v.length, what, false));
}

/**
 * The state in `text` when it was written by the fit `identity` describes, over `nAll`
 * parameters; null for no text. E_FORMAT when it is not a checkpoint, E_STATE naming what differs
 * when it is another fit's.
 */
export function readShardedState(text: string | null, identity: ShardedFitIdentity, nAll: number): ShardedState | null {
  if (text === null) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    corrupt("not JSON");
  }
  if (o === null || typeof o !== "object" || o.format !== FORMAT) corrupt(`not a ${FORMAT}`);
  if (o.version !== VERSION) corrupt(`version ${String(o.version)}, this release reads ${VERSION}`);
  const saved = o.identity as Record<string, unknown> | undefined;
  if (saved === undefined || typeof saved !== "object") corrupt("no 'identity'");
  for (const key of Object.keys(identity) as Array<keyof ShardedFitIdentity>) {
    const was = JSON.stringify(saved[key]);
    const now = JSON.stringify(identity[key]);
    if (was !== now)
      throw new DescentError(
        "E_STATE",
        `the sharded checkpoint was written by another fit: its ${key} is ${was}, this fit's ${now}. Remove it, or give this fit another checkpoint`,
      );
  }
  const p = o.progress as Record<string, unknown> | undefined;
  if (p === undefined || typeof p !== "object" || !Array.isArray(p.moments)) corrupt("no 'progress'");
  const epoch = p.epoch;
  const step = p.step;
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 0 || !Number.isSafeInteger(step) || (step as number) < 0)
    corrupt("'progress.epoch' and 'progress.step' must be whole numbers >= 0");
  const h = o.history as Record<string, unknown> | undefined;
  if (h === undefined || typeof h !== "object") corrupt("no 'history'");
  const history: History = {
    loss: series(h.loss, "history.loss"),
    gradNorm: series(h.gradNorm, "history.gradNorm"),
    learningRate: series(h.learningRate, "history.learningRate"),
    ms: series(h.ms, "history.ms"),
  };
  if (history.loss.length !== epoch) corrupt(`'history.loss' holds ${history.loss.length} epochs, progress ${epoch}`);
  const rng = p.rng;
  if (rng !== null && (!Array.isArray(rng) || rng.length !== 4 || !rng.every((x) => Number.isSafeInteger(x))))
    corrupt("'progress.rng' must be null or 4 whole numbers");
  return {
    identity,
    params: numbers(o.params, nAll, "params", true),
    startParams: numbers(o.startParams, nAll, "startParams", true),
    zeroObjective: numbers([o.zeroObjective], 1, "zeroObjective", true)[0] as number,
    progress: {
      epoch: epoch as number,
      step: step as number,
      rng: rng as TrainProgress["rng"],
      moments: p.moments.map((m, i) => numbers(m, nAll, `progress.moments[${i}]`, true)),
      rateScale: numbers([p.rateScale], 1, "progress.rateScale", true)[0] as number,
      l1Total: numbers([p.l1Total], 1, "progress.l1Total", true)[0] as number,
    },
    history,
    ...(typeof o.stopReason === "string" ? { stopReason: o.stopReason } : {}),
  };
}
