import type { MatrixLike } from "../matrix.js";
import type { ClassWeight } from "../models/labels.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import type { EpochInfo } from "../train/history.js";
import type { SgdOptions } from "../train/options.js";
import { runFitWorker } from "./fit-worker-client.js";

/** Estimators `fitInWorker` can train. */
export type WorkerModelKind = "LinearRegression" | "LogisticRegression" | "LinearSVM";

/** Options `fitInWorker` forwards (plain data only: no callbacks cross to a worker). */
export type WorkerFitOptions = Omit<SgdOptions, "onEpoch"> & {
  /** The loss (regression or margin loss, by the model kind). */
  loss?: string;
  /** Huber's and the epsilon-insensitive losses' ε. */
  epsilon?: number;
  /** LogisticRegression: one softmax over the classes, or one-vs-rest. */
  multiClass?: "multinomial" | "ovr";
  /** Classifiers: weights per class, or 'balanced'. */
  classWeight?: ClassWeight | null;
};

/**
 * Trains a model in a dedicated module Web Worker (browsers), so the page's main thread does no
 * training work at all; resolves to the fitted model rebuilt from its JSON. `onEpoch` (optional)
 * receives each epoch's record; options must be plain data (no callbacks). A fit that fails after
 * training began (E_DIVERGED, say) rejects with the model as it stood in the error's `model`.
 */
export function fitInWorker(
  kind: WorkerModelKind,
  options: WorkerFitOptions,
  X: MatrixLike,
  y: ArrayLike<number | string>,
  onEpoch?: (info: EpochInfo) => void,
): Promise<LinearRegression | LogisticRegression | LinearSVM> {
  const rebuild = (json: Record<string, unknown>) =>
    kind === "LinearRegression"
      ? LinearRegression.fromJSON(json)
      : kind === "LogisticRegression"
        ? LogisticRegression.fromJSON(json)
        : LinearSVM.fromJSON(json);
  return runFitWorker({ kind, options, X, y: Array.from(y) }, rebuild, onEpoch);
}
