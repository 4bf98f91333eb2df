// The page side of the fit worker (src/web/fit-worker.ts): spawns it, relays epochs, settles with
// the fitted model's JSON or a DescentError.
import { DescentError, type DescentErrorCode } from "../errors.js";
import type { EpochInfo } from "../train/history.js";

/** Messages the fit worker sends back. */
export type FitWorkerReply =
  | { type: "epoch"; info: EpochInfo }
  | { type: "done"; json: Record<string, unknown> }
  | { type: "error"; code: DescentErrorCode | null; message: string };

/**
 * Runs one fit request (plain data, see src/web/fit-worker.ts) in a new module Worker and resolves
 * to the model JSON it posts; `onEpoch` gets each epoch's record. The worker ends with the fit.
 */
export function runFitWorker(request: object, onEpoch?: (info: EpochInfo) => void): Promise<Record<string, unknown>> {
  if (typeof Worker !== "function") {
    return Promise.reject(
      new DescentError("E_STATE", "training in a worker needs Web Workers (a browser); call fit() directly in Node"),
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
      if (msg.type === "error") reject(new DescentError(msg.code ?? "E_STATE", msg.message));
      else resolve(msg.json);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new DescentError("E_STATE", `the fit worker failed: ${e.message}`));
    };
    worker.postMessage({ ...request, progress: onEpoch !== undefined });
  });
}
