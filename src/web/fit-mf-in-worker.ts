import { type Id, MatrixFactorization, type MatrixFactorizationOptions } from "../models/matrix-factorization.js";
import type { EpochInfo } from "../train/history.js";
import { runFitWorker } from "./fit-worker-client.js";

/** MatrixFactorization options a worker fit takes (plain data: no onEpoch, validationData is fine). */
export type WorkerMfOptions = Omit<MatrixFactorizationOptions, "onEpoch">;

/**
 * Trains a MatrixFactorization in a dedicated module Web Worker (browsers): the page's thread does
 * no training work, whatever the number of ratings. Resolves to the fitted model rebuilt from its
 * JSON (the same parameters, bit for bit, as fit() on the page with the same options); `onEpoch`
 * (optional) receives each epoch's record, with `valScore` when validationData is given. A fit that
 * fails after training began (E_DIVERGED, a bad option is caught before) rejects with the model as
 * it stood in the error's `model`.
 */
export function fitMatrixFactorizationInWorker(
  options: WorkerMfOptions,
  users: ArrayLike<Id>,
  items: ArrayLike<Id>,
  ratings: ArrayLike<number>,
  onEpoch?: (info: EpochInfo) => void,
): Promise<MatrixFactorization> {
  const request = {
    kind: "MatrixFactorization",
    options,
    users: Array.from(users),
    items: Array.from(items),
    ratings: Array.from(ratings),
  };
  return runFitWorker(request, (json) => MatrixFactorization.fromJSON(json), onEpoch);
}
