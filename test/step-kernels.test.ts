// The step kernels (assembly/train.ts and their JS mirror): every schedule's rate computed inside
// the kernel, with the bits of the host's scheduleRate; the epoch's gradient norm; the threaded path.
import { describe, expect, it } from "vitest";
import { createBackend } from "../src/backend/create-backend.js";
import { PlanSlot } from "../src/kernels/plan.js";
import { Prng } from "../src/kernels/prng.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { ScheduleId, type ScheduleParams, scheduleRate } from "../src/optim/schedules.js";
import { standardisedDiabetes } from "./helpers/datasets.js";
import { testPlan, testState } from "./helpers/plan.js";

const SCHEDULES: Array<[string, ScheduleParams]> = [
  ["constant", { id: ScheduleId.constant, eta: 0.05, a: 0, b: 0, c: 0 }],
  ["invscaling 0.25", { id: ScheduleId.invscaling, eta: 0.05, a: 0.25, b: 0, c: 0 }],
  ["invscaling 1 (integer power)", { id: ScheduleId.invscaling, eta: 0.05, a: 1, b: 0, c: 0 }],
  ["optimal", { id: ScheduleId.optimal, eta: 0, a: 1e-3, b: 316.2277660168379, c: 0 }],
  ["step", { id: ScheduleId.step, eta: 0.05, a: 0.5, b: 2, c: 0 }],
  ["exponential", { id: ScheduleId.exponential, eta: 0.05, a: 0.9, b: 0, c: 0 }],
  ["cosine", { id: ScheduleId.cosine, eta: 0.05, a: 0, b: 37, c: 0.001 }],
];

describe("rates inside the step kernels", () => {
  it.each(SCHEDULES)(
    "%s: each step's rate is the host's scheduleRate to the bit, on every backend",
    async (_name, sched) => {
      const n = 23;
      const d = 3;
      const rng = new Prng(3);
      const X = Float64Array.from({ length: n * d }, () => rng.nextFloat() - 0.5);
      const y = Float64Array.from({ length: n }, () => rng.nextFloat());
      for (const kind of ["js", "wasm-simd", "wasm-scalar"] as const) {
        const b = await createBackend(kind, "float64");
        const Xb = b.allocCopy(X);
        const yb = b.allocCopy(y);
        const state = testState(b, [0, 0, 0, 0]);
        const plan = testPlan(b, { nPen: d, nAll: d + 1, rows: n, batch: 4, schedule: sched, step: 40 });
        // Three epochs, each ending on a smaller batch; the rate of the last step of each.
        for (let e = 0; e < 3; e++) {
          plan.view[PlanSlot.epoch] = e + 5;
          b.linearSteps(plan, Xb, yb, null, null, 0, n, d, state);
          const steps = plan.view[PlanSlot.step] as number;
          expect(plan.view[PlanSlot.lastRate], `${kind} epoch ${e}`).toBe(
            scheduleRate(sched.id, sched.eta, sched.a, sched.b, sched.c, steps, e + 5),
          );
        }
        expect(plan.view[PlanSlot.step]).toBe(40 + 3 * 6);
        expect(Array.from(state.params.view).every(Number.isFinite)).toBe(true);
      }
    },
  );
});

describe("history.gradNorm under plain SGD", () => {
  const { Z, y } = standardisedDiabetes();
  const n = Z.rows;
  const d = Z.cols;

  /** ‖∇J(w, b)‖ of the ridge objective at the given parameters, computed directly. */
  function gradientNorm(w: ArrayLike<number>, b: number, alpha: number): number {
    const g = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      let f = b;
      for (let j = 0; j < d; j++) f += (Z.data[i * d + j] as number) * (w[j] as number);
      const r = f - (y[i] as number);
      for (let j = 0; j < d; j++) g[j] = (g[j] as number) + (r * (Z.data[i * d + j] as number)) / n;
      g[d] = (g[d] as number) + r / n;
    }
    for (let j = 0; j < d; j++) g[j] = (g[j] as number) + alpha * (w[j] as number);
    return Math.hypot(...g);
  }

  it("is the full gradient's norm for a full batch, from the step the update took", async () => {
    const m = await new LinearRegression({
      batchSize: "full",
      learningRate: 0.1,
      alpha: 0.01,
      maxEpochs: 1,
      tol: null,
    }).fit(Z, y);
    const exact = gradientNorm(new Float64Array(d), 0, 0.01);
    expect(Math.abs((m.history.gradNorm[0] as number) - exact)).toBeLessThan(1e-10 * exact);
  });

  it("averages the batch gradients with weights |B|/n under a rate that changes every step", async () => {
    const o = { batchSize: 64, learningRate: 0.02, alpha: 0.01, maxEpochs: 1, tol: null, shuffle: false as const };
    const sgd = await new LinearRegression({ ...o, schedule: { name: "invscaling", powerT: 0.5 } }).fit(Z, y);
    // The same steps by hand: each batch's gradient at the parameters it was taken at.
    const w = new Float64Array(d);
    let b = 0;
    const acc = new Float64Array(d + 1);
    for (let off = 0, t = 1; off < n; off += 64, t++) {
      const count = Math.min(64, n - off);
      const g = new Float64Array(d + 1);
      for (let i = off; i < off + count; i++) {
        let f = b;
        for (let j = 0; j < d; j++) f += (Z.data[i * d + j] as number) * (w[j] as number);
        const r = f - (y[i] as number);
        for (let j = 0; j < d; j++) g[j] = (g[j] as number) + r * (Z.data[i * d + j] as number);
        g[d] = (g[d] as number) + r;
      }
      const lr = 0.02 / Math.sqrt(t);
      for (let j = 0; j <= d; j++) {
        const gj = (g[j] as number) / count + (j < d ? 0.01 * (w[j] as number) : 0);
        acc[j] = (acc[j] as number) + (count / n) * gj;
      }
      for (let j = 0; j < d; j++) w[j] = (1 - lr * 0.01) * (w[j] as number) - lr * ((g[j] as number) / count);
      b -= lr * ((g[d] as number) / count);
    }
    const expected = Math.hypot(...acc);
    expect(Math.abs((sgd.history.gradNorm[0] as number) - expected)).toBeLessThan(1e-9 * expected);
    sgd.coef.forEach((v, j) => {
      expect(Math.abs(v - (w[j] as number))).toBeLessThan(1e-9 * Math.max(1, Math.abs(w[j] as number)));
    });
  });
});
