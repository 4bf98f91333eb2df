import { DescentError, type DescentErrorCode } from "../errors.js";
import type { MatrixLike } from "../matrix.js";
import type { ClassWeight } from "../models/labels.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import type { EpochInfo } from "../train/history.js";
import type { SgdOptions } from "../train/options.js";

/** Estimators `fitInWorker` can train. */
export type WorkerModelKind = "LinearRegression" | "LogisticRegression" | "LinearSVM";

/** Options `fitInWorker` forwards (plain data only: no callbacks cross to a worker). */
export type WorkerFitOptions = Omit<SgdOptions, "onEpoch"> & {
  loss?: string;
  epsilon?: number;
  multiClass?: "multinomial" | "ovr";
  classWeight?: ClassWeight | null;
};

/** Messages the fit worker sends back. */
export type FitWorkerReply =
  | { type: "epoch"; info: EpochInfo }
  | { type: "done"; json: Record<string, unknown> }
  | { type: "error"; code: DescentErrorCode | null; message: string };

/**
 * Trains a model in a dedicated module Web Worker (browsers), so the page's main thread does no
 * training work at all; resolves to the fitted model rebuilt from its JSON. `onEpoch` (optional)
 * receives each epoch's record; options must be plain data (no callbacks).
 */
export function fitInWorker(
  kind: WorkerModelKind,
  options: WorkerFitOptions,
  X: MatrixLike,
  y: ArrayLike<number | string>,
  onEpoch?: (info: EpochInfo) => void,
): Promise<LinearRegression | LogisticRegression | LinearSVM> {
  if (typeof Worker !== "function") {
    return Promise.reject(
      new DescentError("E_STATE", "fitInWorker needs Web Workers (a browser); call fit() directly in Node"),
    );
  }
  const worker = new Worker(new URL("./fit-worker.js", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FitWorkerReply>) => {
      const msg = e.data;
      if (msg.type === "epoch") {
        onEpoch?.(msg.info);
        return;
      }
      worker.terminate();
      if (msg.type === "error") {
        reject(new DescentError(msg.code ?? "E_STATE", msg.message));
        return;
      }
      try {
        resolve(
          kind === "LinearRegression"
            ? LinearRegression.fromJSON(msg.json)
            : kind === "LogisticRegression"
              ? LogisticRegression.fromJSON(msg.json)
              : LinearSVM.fromJSON(msg.json),
        );
      } catch (err) {
        reject(err);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new DescentError("E_STATE", `the fit worker failed: ${e.message}`));
    };
    const plainY = Array.from(y as ArrayLike<number | string>);
    worker.postMessage({ kind, options, X, y: plainY, progress: onEpoch !== undefined });
  });
}
