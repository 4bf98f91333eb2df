// Module Web Worker behind fitInWorker() and fitMatrixFactorizationInWorker(): builds the
// estimator, fits, and posts epochs and the JSON (src/web/fit-worker-client.ts reads them).
import { DescentError } from "../errors.js";
import type { MatrixLike } from "../matrix.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { type Id, MatrixFactorization } from "../models/matrix-factorization.js";
import type { EpochInfo } from "../train/history.js";
import type { WorkerFitOptions, WorkerModelKind } from "./fit-in-worker.js";
import type { WorkerMfOptions } from "./fit-mf-in-worker.js";
import type { FitWorkerReply } from "./fit-worker-client.js";

type FitRequest =
  | { kind: WorkerModelKind; options: WorkerFitOptions; X: MatrixLike; y: Array<number | string>; progress: boolean }
  | {
      kind: "MatrixFactorization";
      options: WorkerMfOptions;
      users: Id[];
      items: Id[];
      ratings: number[];
      progress: boolean;
    };

const scope = globalThis as unknown as {
  onmessage: ((e: { data: FitRequest }) => void) | null;
  postMessage(msg: FitWorkerReply): void;
};

/** Fits what the request names and returns the model JSON. */
async function fitRequest(req: FitRequest, onEpoch: ((info: EpochInfo) => undefined) | undefined) {
  if (req.kind === "MatrixFactorization") {
    const opts = onEpoch === undefined ? req.options : { ...req.options, onEpoch };
    return (await new MatrixFactorization(opts).fit(req.users, req.items, req.ratings)).toJSON();
  }
  const opts = onEpoch === undefined ? req.options : { ...req.options, onEpoch };
  if (req.kind === "LinearRegression")
    return (await new LinearRegression(opts as never).fit(req.X, req.y as number[])).toJSON();
  if (req.kind === "LogisticRegression")
    return (await new LogisticRegression(opts as never).fit(req.X, req.y)).toJSON();
  return (await new LinearSVM(opts as never).fit(req.X, req.y)).toJSON();
}

scope.onmessage = async (e) => {
  try {
    const onEpoch = e.data.progress
      ? (info: EpochInfo) => {
          scope.postMessage({ type: "epoch", info });
          return undefined;
        }
      : undefined;
    scope.postMessage({ type: "done", json: await fitRequest(e.data, onEpoch) });
  } catch (err) {
    scope.postMessage({
      type: "error",
      code: err instanceof DescentError ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
    });
  }
};
