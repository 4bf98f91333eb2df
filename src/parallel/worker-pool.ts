import { DescentError } from "../errors.js";
import { isNode } from "../runtime/is-node.js";
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from "./worker-source.js";

/** A browser Worker behind the small part of the worker_threads interface the pool uses. */
function browserWorker(w: Worker): NodeWorker {
  return {
    postMessage: (msg) => w.postMessage(msg),
    on(event: string, cb: (arg: never) => void) {
      if (event === "message") w.addEventListener("message", (e) => (cb as (m: unknown) => void)(e.data));
      else if (event === "error") {
        w.addEventListener("error", (e) => {
          e.preventDefault();
          (cb as (err: Error) => void)(new Error(e.message || "worker error"));
        });
      }
      // Browsers have no exit event: a terminated worker is only noticed through terminate().
    },
    terminate: async () => {
      w.terminate();
      return 0;
    },
    ref: () => undefined,
    unref: () => undefined,
  } as NodeWorker;
}

/** One kernel call for a worker: an export name of the threaded build and its arguments. */
export interface KernelCall {
  fn: string;
  args: number[];
}

interface NodeWorker {
  postMessage(msg: unknown): void;
  on(event: "message", cb: (msg: { type: string; id?: number; result?: number; message?: string }) => void): void;
  on(event: "error", cb: (err: Error) => void): void;
  on(event: "exit", cb: (code: number) => void): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

interface Pending {
  resolve: (v: number) => void;
  reject: (e: Error) => void;
}

/**
 * A fixed set of worker threads that share one WebAssembly.Memory with the host. `run` sends one
 * call to each worker (call i to worker i) and resolves to their results in that order. A worker
 * that fails or exits rejects every pending call with E_STATE and breaks the pool for good.
 */
export class WorkerPool {
  /** Number of workers. */
  readonly size: number;
  private readonly workers: NodeWorker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: DescentError | null = null;

  private constructor(workers: NodeWorker[]) {
    this.workers = workers;
    this.size = workers.length;
  }

  /** Starts `size` workers on `module` over `memory` (which must be shared): Node worker_threads or browser Workers. */
  static async start(size: number, module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<WorkerPool> {
    const workers: NodeWorker[] = [];
    if (isNode()) {
      const { Worker } = await import("node:worker_threads");
      for (let i = 0; i < size; i++)
        workers.push(new Worker(NODE_WORKER_SOURCE, { eval: true }) as unknown as NodeWorker);
    } else {
      const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: "text/javascript" }));
      for (let i = 0; i < size; i++) workers.push(browserWorker(new Worker(url)));
    }
    const pool = new WorkerPool(workers);
    await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            w.on("message", (msg) => {
              if (msg.type === "ready") resolve();
              else pool.settle(msg);
            });
            w.on("error", (err) => {
              pool.fail(new DescentError("E_STATE", `gradient worker ${i} failed: ${err.message}`, { cause: err }));
              reject(err);
            });
            w.on("exit", (code) => {
              pool.fail(new DescentError("E_STATE", `gradient worker ${i} exited (code ${code}) while training`));
              reject(new Error(`worker ${i} exited`));
            });
            w.postMessage({ type: "init", module, memory });
          }),
      ),
    );
    for (const w of workers) w.unref();
    return pool;
  }

  /** True once a worker has failed; a broken pool rejects every call. */
  get broken(): boolean {
    return this.failure !== null;
  }

  /** Runs calls[i] on worker i (calls.length <= size) and resolves to the results in order. */
  run(calls: readonly KernelCall[]): Promise<number[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    // Idle workers do not keep the process alive; busy ones must, or Node would exit mid-call.
    if (this.pending.size === 0) for (const w of this.workers) w.ref();
    return Promise.all(
      calls.map(
        (call, i) =>
          new Promise<number>((resolve, reject) => {
            const id = this.nextId++;
            this.pending.set(id, { resolve, reject });
            (this.workers[i] as NodeWorker).postMessage({ type: "call", id, fn: call.fn, args: call.args });
          }),
      ),
    );
  }

  /** Test hook: makes worker i throw, as a crashing thread would. */
  crashWorker(i: number): void {
    (this.workers[i] as NodeWorker).postMessage({ type: "crash" });
  }

  /** Stops every worker. */
  async terminate(): Promise<void> {
    this.fail(new DescentError("E_STATE", "the worker pool was shut down"));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(msg: { type: string; id?: number; result?: number; message?: string }): void {
    const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
    if (p === undefined || msg.id === undefined) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if (msg.type === "done") p.resolve(msg.result as number);
    else p.reject(new DescentError("E_STATE", `gradient worker call failed: ${msg.message ?? "unknown error"}`));
  }

  private fail(err: DescentError): void {
    if (this.failure !== null) return;
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    // Stop the survivors too: their buffers are about to be freed and must not be written to.
    for (const w of this.workers) {
      w.unref();
      void w.terminate();
    }
  }
}

const pools = new Map<number, Promise<WorkerPool>>();

/** The process-wide pool of `size` workers for a module and memory (restarted if it broke). */
export async function getPool(
  size: number,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): Promise<WorkerPool> {
  const cached = pools.get(size);
  if (cached !== undefined) {
    const pool = await cached.catch(() => null);
    if (pool !== null && !pool.broken) return pool;
  }
  const p = WorkerPool.start(size, module, memory);
  pools.set(size, p);
  p.catch(() => pools.delete(size));
  return p;
}
