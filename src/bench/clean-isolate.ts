// A worker thread that runs the JS baseline of a benchmark in a V8 isolate of its own.
//
// Why: growing a (non-shared) WebAssembly.Memory detaches its old ArrayBuffer, and the first
// detached buffer in an isolate makes V8 drop, for good, the assumption that no typed array there
// is ever detached (its "array buffer detaching" protector). From then on optimised typed-array
// code in that isolate checks for detachment on access and runs about 25% slower here (measured:
// the JS matrix factorisation epoch takes 39 ms in a fresh isolate, 49 ms after one detach). A JS
// baseline timed in the process that also ran the WASM backends would be that slower JS, not the
// JS a user gets who never loads WebAssembly. Node only (the benches and `descent bench`).
import { Worker } from "node:worker_threads";

// Evaluated as CommonJS in the worker: imports the named module and answers each call.
const SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ id, url, name, args }) => {
  try {
    const mod = await import(url);
    const result = await mod[name](...args);
    parentPort.postMessage({ id, ok: true, result });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, message: String((err && err.stack) || err) });
  }
});
`;

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

/**
 * A worker (its own V8 isolate, never touched by WebAssembly unless a called function loads it)
 * that calls exported functions of ES modules. Arguments and results cross by structured clone, so
 * typed arrays over a SharedArrayBuffer are shared, not copied. Calls run one after another; the
 * isolate stays alive between them, so its JIT warms up like a long-running app.
 */
export class CleanIsolate {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor() {
    // The same flags as this process (for example --expose-gc, so the worker can collect too).
    this.worker = new Worker(SOURCE, { eval: true });
    this.worker.on("message", (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`in the clean isolate: ${reply.message}`));
    });
    const fail = (err: Error): void => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on("error", (err) => fail(new Error(`the clean isolate failed: ${err.message}`)));
    this.worker.on("exit", (code) => fail(new Error(`the clean isolate exited (code ${code})`)));
  }

  /** Calls export `name` of the module at `url` (a file: URL, e.g. import.meta.url) with `args`. */
  call<R>(url: string, name: string, ...args: unknown[]): Promise<R> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.worker.postMessage({ id, url, name, args });
      } catch (err) {
        // Arguments that cannot be cloned (functions, for example): nothing was sent.
        this.pending.delete(id);
        reject(err);
      }
    });
  }

  /**
   * Runs `fn`, an export of the module at `url` under its own name, with `args`: in the clean isolate
   * when `isolated` (the JS baseline), otherwise directly in this one (the WASM tasks). One call
   * site for both keeps them timed the same way, and `fn` types the arguments.
   */
  async run<A extends unknown[], R>(
    isolated: boolean,
    url: string,
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<R> {
    return isolated ? this.call<R>(url, fn.name, ...args) : fn(...args);
  }

  /** Stops the worker; calls still waiting reject. */
  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    const closed = new Error("the clean isolate was closed");
    this.failure = closed;
    for (const p of this.pending.values()) p.reject(closed);
    this.pending.clear();
    await this.worker.terminate();
  }
}
