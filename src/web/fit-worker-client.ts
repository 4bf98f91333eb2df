// The page side of the fit worker (src/web/fit-worker.ts): spawns it, relays epochs, settles with
// the fitted model's JSON or a DescentError.
import { DescentError, type DescentErrorCode } from "../errors.js";
import type { EpochInfo } from "../train/history.js";

/** Messages the fit worker sends back. */
export type FitWorkerReply =
  | { type: "epoch"; info: EpochInfo }
  | { type: "done"; json: Record<string, unknown> }
  | { type: "error"; code: DescentErrorCode | null; message: string; json?: Record<string, unknown> };

/**
 * Runs one fit request (plain data, see src/web/fit-worker.ts) in a new module Worker and resolves
 * to the model `rebuild` makes of the JSON it posts; `onEpoch` gets each epoch's record. When the
 * fit fails after training began, the DescentError carries the model as it stood (`model`). The
 * worker ends with the fit.
 */
export function runFitWorker<T>(
  request: object,
  rebuild: (json: Record<string, unknown>) => T,
  onEpoch?: (info: EpochInfo) => void,
): Promise<T> {
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
      try {
        if (msg.type === "done") resolve(rebuild(msg.json));
        else {
          const model = msg.json === undefined ? undefined : rebuild(msg.json);
          reject(new DescentError(msg.code ?? "E_STATE", msg.message, { model }));
        }
      } catch (err) {
        reject(err);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new DescentError("E_STATE", `the fit worker failed: ${e.message}`));
    };
    worker.postMessage({ ...request, progress: onEpoch !== undefined });
  });
}
