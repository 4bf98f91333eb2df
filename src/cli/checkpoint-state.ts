// What a checkpoint written by `descent fit --checkpoint` must hold to be resumed, and the flags a
// --resume refuses because they would change the checkpoint's model.
import { DescentError } from "../errors.js";
import type { JsonObject } from "../io/model-json.js";

/**
 * Flags a --resume checks against the checkpoint's model: (flag key, flag, the model options it
 * sets). Given with another value than the checkpoint's, they are refused rather than ignored.
 */
const RESUME_FIXED: ReadonlyArray<[string, string, readonly string[]]> = [
  ["hidden", "--hidden", ["hiddenLayerSizes"]],
  ["activation", "--activation", ["activation"]],
  ["loss", "--loss", ["loss"]],
  ["optimizer", "--optimizer", ["optimizer", "solver"]],
  ["lr", "--lr", ["learningRate"]],
  ["schedule", "--schedule", ["schedule"]],
  ["batchSize", "--batch-size", ["batchSize"]],
  ["penalty", "--penalty", ["penalty"]],
  ["alpha", "--alpha", ["alpha"]],
  ["l1Ratio", "--l1-ratio", ["l1Ratio"]],
  ["epsilon", "--epsilon", ["epsilon"]],
  ["average", "--average", ["average"]],
  ["seed", "--seed", ["seed"]],
  ["shuffle", "--shuffle", ["shuffle"]],
  ["backend", "--backend", ["backend"]],
  ["dtype", "--dtype", ["dtype"]],
  ["threads", "--threads", ["threads"]],
];

/**
 * The flags given to a --resume that would change the checkpoint's model: those whose options
 * differ between the model the flags make and the checkpoint's.
 */
export function changedOnResume(
  flags: Readonly<Record<string, unknown>>,
  fromFlags: Record<string, unknown>,
  saved: Record<string, unknown>,
): string[] {
  return RESUME_FIXED.filter(
    ([key, , options]) =>
      flags[key] !== undefined &&
      options.some((o) => o in fromFlags && JSON.stringify(fromFlags[o]) !== JSON.stringify(saved[o])),
  ).map(([, flag]) => flag);
}

/** The loop state of a checkpoint: the epochs done, the best objective, the epochs since it improved. */
export interface CheckpointState {
  epoch: number;
  best: number;
  stale: number;
}

/**
 * A checkpoint's loop state, trusted no further than it checks out (E_FORMAT naming the file):
 * whole counts, and the epochs its model itself says it has trained.
 */
export function checkpointState(saved: JsonObject, path: string, modelEpochs: number): CheckpointState {
  const state = saved.checkpoint as { epoch?: unknown; best?: unknown; stale?: unknown } | undefined | null;
  if (state === undefined || state === null || typeof state !== "object")
    throw new DescentError("E_FORMAT", `'${path}' is a model file, not a checkpoint (write one with --checkpoint)`);
  const whole = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (!whole(state.epoch) || !whole(state.stale))
    throw new DescentError(
      "E_FORMAT",
      `checkpoint '${path}': 'epoch' and 'stale' must be whole numbers >= 0 (got ${JSON.stringify(state.epoch)} and ${JSON.stringify(state.stale)})`,
    );
  if (state.epoch !== modelEpochs)
    throw new DescentError(
      "E_FORMAT",
      `checkpoint '${path}': 'epoch' is ${state.epoch} but its model has trained ${modelEpochs} epochs`,
    );
  if (state.best !== undefined && state.best !== null && typeof state.best !== "number")
    throw new DescentError("E_FORMAT", `checkpoint '${path}': 'best' must be a number`);
  return {
    epoch: state.epoch,
    best: typeof state.best === "number" ? state.best : Number.POSITIVE_INFINITY,
    stale: state.stale,
  };
}
