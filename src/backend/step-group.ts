// Several fits run at once on one backend, their training steps gathered: each fit trains through
// the group's backend, whose linearSteps waits until every fit still running has asked for its
// steps, then runs all the requests over the same rows in one Backend.linearStepsTogether call
// (each row read once for every per-sample SGD model among them). A search trains its candidates
// on a fold this way. The results are those of the fits run one after another: every model's
// steps are its own, only their interleaving changes.

import { DescentError } from "../errors.js";
import type { FloatBuffer } from "../runtime/buffer.js";
import type { Backend, LinearRun } from "./backend.js";

/** A fit's pending request for its steps. */
interface Request {
  run: LinearRun;
  X: FloatBuffer;
  start: number;
  end: number;
  d: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Runs fits together on `inner`, gathering their linearSteps calls (see the top of this file).
 * The fits must train through `backend`; any other call goes to `inner` unchanged.
 */
export class StepGroup {
  /** The backend the fits train through: `inner`, with linearSteps gathered and whole epochs asked for. */
  readonly backend: Backend;
  private readonly inner: Backend;
  private running = 0;
  private waiting: Request[] = [];

  constructor(inner: Backend) {
    this.inner = inner;
    const gathered: Backend["linearSteps"] = (plan, X, y, sampleWeight, idx, start, end, d, state) =>
      new Promise<void>((resolve, reject) => {
        this.waiting.push({ run: { plan, y, sampleWeight, idx, state }, X, start, end, d, resolve, reject });
        this.flushIfReady();
      });
    this.backend = new Proxy(inner, {
      get: (target, key) => {
        if (key === "linearSteps") return gathered;
        if (key === "wholeEpochs") return true;
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /**
   * Runs the fits at once (each `fits[i]()` trains through `backend`), gathering their steps;
   * resolves with their results in order once all have ended, or rejects with the first error
   * after all have ended (so none is left training on freed memory).
   */
  async run<R>(fits: ReadonlyArray<() => Promise<R>>): Promise<R[]> {
    const settled = await this.runSettled(fits);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
  }

  /** As `run`, but resolves with each fit's outcome (its result or its error) once all have ended. */
  async runSettled<R>(fits: ReadonlyArray<() => Promise<R>>): Promise<Array<PromiseSettledResult<R>>> {
    if (this.running > 0) throw new DescentError("E_STATE", "StepGroup.run: the group is already running fits");
    this.running = fits.length;
    return Promise.allSettled(
      fits.map(async (train) => {
        try {
          return await train();
        } finally {
          this.running--;
          this.flushIfReady();
        }
      }),
    );
  }

  /** Runs the waiting requests once every running fit is waiting. */
  private flushIfReady(): void {
    if (this.waiting.length === 0 || this.waiting.length < this.running) return;
    const batch = this.waiting;
    this.waiting = [];
    // Requests over the same positions of the same X go together (the backend checks their row orders).
    const groups: Request[][] = [];
    for (const r of batch) {
      const g = groups.find((q) => {
        const l = q[0] as Request;
        return l.X === r.X && l.d === r.d && l.start === r.start && l.end === r.end;
      });
      if (g === undefined) groups.push([r]);
      else g.push(r);
    }
    for (const g of groups) {
      const l = g[0] as Request;
      let pending: void | Promise<void>;
      try {
        pending = this.inner.linearStepsTogether(
          g.map((r) => r.run),
          l.X,
          l.start,
          l.end,
          l.d,
        );
      } catch (err) {
        for (const r of g) r.reject(err);
        continue;
      }
      if (pending === undefined) for (const r of g) r.resolve();
      else
        pending.then(
          () => {
            for (const r of g) r.resolve();
          },
          (err: unknown) => {
            for (const r of g) r.reject(err);
          },
        );
    }
  }
}
