// The code every gradient worker runs, sent as a string so no file has to be located at run time.
// It instantiates the threaded build over the shared memory it is sent, then answers each
// { id, fn, args } with { id, result } from the kernel of that name.

const HANDLER = `
let kernels = null;
function handle(msg, post) {
  if (msg.type === "init") {
    kernels = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
    // Workers stream their blocks of rows side by side, which saturates the memory bus: reading
    // rows ahead early only adds traffic there (measured: 15% slower), so it is off in workers.
    kernels.setTouchAhead(0);
    post({ type: "ready" });
    return;
  }
  if (msg.type === "crash") throw new Error("worker asked to crash (test hook)");
  try {
    post({ type: "done", id: msg.id, result: kernels[msg.fn](...msg.args) });
  } catch (err) {
    post({ type: "failed", id: msg.id, message: String((err && err.message) || err) });
  }
}
`;

/** For Node worker_threads (evaluated as CommonJS). */
export const NODE_WORKER_SOURCE = `${HANDLER}
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (msg) => handle(msg, (reply) => parentPort.postMessage(reply)));
`;

/** For browser Workers (created from a Blob URL of this string). */
export const BROWSER_WORKER_SOURCE = `${HANDLER}
self.onmessage = (event) => handle(event.data, (reply) => self.postMessage(reply));
`;
