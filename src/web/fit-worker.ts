// Module Web Worker behind fitInWorker(): builds the estimator, fits, and posts epochs and the JSON.
import { DescentError } from "../errors.js";
import type { MatrixLike } from "../matrix.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import type { EpochInfo } from "../train/history.js";
import type { FitWorkerReply, WorkerFitOptions, WorkerModelKind } from "./fit-in-worker.js";

interface FitRequest {
  kind: WorkerModelKind;
  options: WorkerFitOptions;
  X: MatrixLike;
  y: Array<number | string>;
  progress: boolean;
}

const scope = globalThis as unknown as {
  onmessage: ((e: { data: FitRequest }) => void) | null;
  postMessage(msg: FitWorkerReply): void;
};

scope.onmessage = async (e) => {
  const { kind, options, X, y, progress } = e.data;
  try {
    const onEpoch = progress
      ? (info: EpochInfo) => {
          scope.postMessage({ type: "epoch", info });
          return undefined;
        }
      : undefined;
    const opts = onEpoch === undefined ? options : { ...options, onEpoch };
    let json: Record<string, unknown>;
    if (kind === "LinearRegression") json = (await new LinearRegression(opts as never).fit(X, y as number[])).toJSON();
    else if (kind === "LogisticRegression") json = (await new LogisticRegression(opts as never).fit(X, y)).toJSON();
    else json = (await new LinearSVM(opts as never).fit(X, y)).toJSON();
    scope.postMessage({ type: "done", json });
  } catch (err) {
    scope.postMessage({
      type: "error",
      code: err instanceof DescentError ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
    });
  }
};
