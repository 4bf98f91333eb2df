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

type Estimator = MatrixFactorization | LinearRegression | LogisticRegression | LinearSVM;

/** The estimator the request names (with its options and onEpoch), and its fit on the request's data. */
function prepare(
  req: FitRequest,
  onEpoch: ((info: EpochInfo) => undefined) | undefined,
): { model: Estimator; run: () => Promise<unknown> } {
  if (req.kind === "MatrixFactorization") {
    const model = new MatrixFactorization(onEpoch === undefined ? req.options : { ...req.options, onEpoch });
    return { model, run: () => model.fit(req.users, req.items, req.ratings) };
  }
  const opts = (onEpoch === undefined ? req.options : { ...req.options, onEpoch }) as never;
  if (req.kind === "LinearRegression") {
    const model = new LinearRegression(opts);
    return { model, run: () => model.fit(req.X, req.y as number[]) };
  }
  const model = req.kind === "LogisticRegression" ? new LogisticRegression(opts) : new LinearSVM(opts);
  return { model, run: () => model.fit(req.X, req.y) };
}

/** The model's JSON when it is usable (fitted, if only partly), else undefined. */
function jsonIfUsable(model: Estimator | null): Record<string, unknown> | undefined {
  try {
    return model?.toJSON();
  } catch {
    return undefined;
  }
}

scope.onmessage = async (e) => {
  let model: Estimator | null = null;
  try {
    const onEpoch = e.data.progress
      ? (info: EpochInfo) => {
          scope.postMessage({ type: "epoch", info });
          return undefined;
        }
      : undefined;
    const job = prepare(e.data, onEpoch);
    model = job.model;
    await job.run();
    scope.postMessage({ type: "done", json: job.model.toJSON() });
  } catch (err) {
    const json = jsonIfUsable(model);
    scope.postMessage({
      type: "error",
      code: err instanceof DescentError ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
      ...(json === undefined ? {} : { json }),
    });
  }
};
