// The worker-thread path: partial gradients over shared memory reduced in a fixed order.
import { describe, expect, it } from "vitest";
import { createBackend } from "../src/backend/create-backend.js";
import { PARALLEL_MIN_WORK, ThreadedBackend } from "../src/backend/threaded-backend.js";
import { WasmBackend } from "../src/backend/wasm-backend.js";
import { DescentError } from "../src/errors.js";
import { Prng } from "../src/kernels/prng.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { getPool } from "../src/parallel/worker-pool.js";
import { getRuntime } from "../src/runtime/wasm-runtime.js";

/** Threaded and single-thread gradients differ only by the order of the partial sums. */
const REL_TOL = 1e-12;
const n = 70_001;
const d = 40;
const classes = 3;
const rng = new Prng(4);
const Xdata = Float64Array.from({ length: n * d }, () => rng.nextFloat() * 2 - 1);
const ydata = Float64Array.from({ length: n }, (_, i) => (Xdata[i * d] as number) + 0.3 * rng.nextFloat());
const labels = Float64Array.from({ length: n }, () => Math.floor(rng.nextFloat() * classes));

describe("threaded gradients", () => {
  it("are large enough here to take the worker path", () => {
    expect(n * d).toBeGreaterThan(PARALLEL_MIN_WORK);
  });

  it.each(["squared", "log", "softmax"] as const)(
    "%s: equal one thread to 1e-12 and repeat bit for bit",
    async (loss) => {
      const threaded = await createBackend("wasm-simd", "float64", 2);
      const single = await createBackend("wasm-simd", "float64");
      expect(threaded).toBeInstanceOf(ThreadedBackend);
      expect(single).toBeInstanceOf(WasmBackend);
      const outputs = loss === "softmax" ? classes : 1;
      const run = async (b: typeof threaded): Promise<{ loss: number; grad: number[] }> => {
        const X = b.alloc(n * d);
        X.view.set(Xdata);
        const y = b.alloc(n);
        y.view.set(loss === "squared" ? ydata : loss === "log" ? ydata.map((v) => (v > 0.5 ? 1 : -1)) : labels);
        const idx = b.allocIndex(n);
        idx.view.set(Int32Array.from({ length: n }, (_, i) => (i * 7919) % n));
        const params = b.alloc(outputs * (d + 1));
        params.view.set(Float64Array.from({ length: outputs * (d + 1) }, (_, j) => Math.sin(j) * 0.1));
        const grad = b.alloc(outputs * (d + 1));
        const scratch = b.allocF64(classes);
        let total: number;
        if (b instanceof ThreadedBackend) {
          total =
            loss === "softmax"
              ? await b.softmaxGradParallel(X, y, null, idx, 0, n, d, classes, params, grad, scratch)
              : await b.linearGradParallel(loss, X, y, null, idx, 0, n, d, params, grad, 0);
        } else {
          total =
            loss === "softmax"
              ? b.softmaxGrad(X, y, null, idx, 0, n, d, classes, params, grad, scratch)
              : b.linearGrad(loss, X, y, null, idx, 0, n, d, params, grad, 0);
        }
        const out = { loss: total, grad: Array.from(grad.view) };
        for (const buf of [X, y, params, grad, scratch]) b.free(buf);
        b.free(idx);
        return out;
      };
      const a = await run(threaded);
      const b = await run(threaded);
      const s = await run(single);
      expect(b).toEqual(a);
      expect(Math.abs(a.loss - s.loss)).toBeLessThanOrEqual(REL_TOL * Math.abs(s.loss));
      const scale = Math.max(...s.grad.map(Math.abs));
      a.grad.forEach((v, j) => {
        expect(Math.abs(v - (s.grad[j] as number))).toBeLessThanOrEqual(REL_TOL * scale);
      });
      (threaded as ThreadedBackend).dispose();
    },
  );

  it("a seeded threaded fit gives the same bytes every run, close to one thread", async () => {
    const X = { data: Xdata, rows: n, cols: d };
    const opts = { batchSize: "full" as const, learningRate: 0.3, maxEpochs: 4, tol: null };
    const a = await new LinearRegression({ ...opts, threads: 2 }).fit(X, ydata);
    const b = await new LinearRegression({ ...opts, threads: 2 }).fit(X, ydata);
    const one = await new LinearRegression(opts).fit(X, ydata);
    expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
    expect(b.history.loss).toEqual(a.history.loss);
    a.coef.forEach((v, j) => {
      expect(Math.abs(v - (one.coef[j] as number))).toBeLessThan(1e-12);
    });
    // The worker path's steps (gradientStep after the workers' gradient) keep the same history.
    a.history.gradNorm.forEach((g, e) => {
      const ref = one.history.gradNorm[e] as number;
      expect(Math.abs(g - ref)).toBeLessThan(1e-10 * ref);
    });
    a.history.loss.forEach((l, e) => {
      expect(Math.abs(l - (one.history.loss[e] as number))).toBeLessThan(1e-12 * l);
    });
  });

  it("averaging and the epsilon-insensitive loss take the worker path too, close to one thread", async () => {
    const X = { data: Xdata, rows: n, cols: d };
    const opts = {
      batchSize: 65_536,
      learningRate: 0.3,
      maxEpochs: 3,
      tol: null,
      shuffle: false,
      average: 2,
      penalty: "l1",
      alpha: 1e-3,
      loss: "epsilonInsensitive",
      epsilon: 0.05,
    } as const;
    const a = await new LinearRegression({ ...opts, threads: 2 }).fit(X, ydata);
    const one = await new LinearRegression(opts).fit(X, ydata);
    a.coef.forEach((v, j) => {
      expect(Math.abs(v - (one.coef[j] as number))).toBeLessThan(1e-12);
    });
    expect(Math.abs(a.intercept - one.intercept)).toBeLessThan(1e-12);
  });
});

describe("worker failure", () => {
  it("a worker that dies mid-fit makes fit reject with a clear error, and the next fit gets a fresh pool", async () => {
    const rt = await getRuntime("simd-shared");
    if (rt === null) throw new Error("threads build unavailable");
    const pool = await getPool(2, rt.module, rt.memory);
    const X = { data: Xdata, rows: n, cols: d };
    const model = new LogisticRegression({
      batchSize: "full",
      maxEpochs: 50,
      tol: null,
      threads: 2,
      onEpoch: (info) => {
        if (info.epoch === 2) pool.crashWorker(1);
        return undefined;
      },
    });
    const labelsBinary = Array.from(ydata, (v) => (v > 0.5 ? 1 : 0));
    let caught: unknown;
    try {
      await model.fit(X, labelsBinary);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DescentError);
    expect((caught as DescentError).code).toBe("E_STATE");
    expect((caught as DescentError).message).toMatch(/gradient worker 1 (failed|exited)/);
    expect(pool.broken).toBe(true);
    const again = await new LinearRegression({ batchSize: "full", maxEpochs: 2, tol: null, threads: 2 }).fit(X, ydata);
    expect(Number.isFinite(again.intercept)).toBe(true);
  });
});
