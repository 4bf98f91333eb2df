/**
 * The code every gradient worker runs (Node worker_threads, evaluated from this string so no file
 * has to be located at run time). It instantiates the threaded build over the shared memory it is
 * sent, then answers each { id, fn, args } with { id, result } from the kernel of that name.
 */
export const NODE_WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
let kernels = null;
parentPort.on("message", (msg) => {
  if (msg.type === "init") {
    kernels = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
    parentPort.postMessage({ type: "ready" });
    return;
  }
  if (msg.type === "crash") throw new Error("worker asked to crash (test hook)");
  try {
    const result = kernels[msg.fn](...msg.args);
    parentPort.postMessage({ type: "done", id: msg.id, result });
  } catch (err) {
    parentPort.postMessage({ type: "failed", id: msg.id, message: String(err && err.message || err) });
  }
});
`;

/** The same protocol for browser Workers (created from a Blob URL of this string). */
export const BROWSER_WORKER_SOURCE = `
let kernels = null;
self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    kernels = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
    self.postMessage({ type: "ready" });
    return;
  }
  if (msg.type === "crash") throw new Error("worker asked to crash (test hook)");
  try {
    const result = kernels[msg.fn](...msg.args);
    self.postMessage({ type: "done", id: msg.id, result });
  } catch (err) {
    self.postMessage({ type: "failed", id: msg.id, message: String(err && err.message || err) });
  }
};
`;
