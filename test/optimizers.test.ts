// Every optimizer converges on a parabola and on Rosenbrock; the fused kernels (JS and both WASM
// builds) equal the composed optax-style chains to the bit.
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend.js";
import { createBackend } from "../src/backend/create-backend.js";
import { l1Coefficient } from "../src/kernels/penalty.js";
import { Prng } from "../src/kernels/prng.js";
import { type OptimizerSpec, resolveOptimizer } from "../src/optim/optimizer-spec.js";
import { ScheduleId } from "../src/optim/schedules.js";
import { minimize } from "../src/train/minimize.js";
import type { Penalty } from "../src/train/options.js";
import { applyUpdate, optimizerChain, sgdDecay } from "./helpers/optimizer-chains.js";
import { testPlan, testState } from "./helpers/plan.js";

const parabola = {
  // f(x) = 0.5 Σ c_j (x_j − m_j)², minimum at m.
  f: (x: Float64Array) => 0.5 * (1 * (x[0] - 3) ** 2 + 4 * (x[1] + 1) ** 2),
  grad: (x: Float64Array, g: Float64Array) => {
    g[0] = x[0] - 3;
    g[1] = 4 * (x[1] + 1);
  },
};
const rosenbrock = {
  f: (x: Float64Array) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
  grad: (x: Float64Array, g: Float64Array) => {
    g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
    g[1] = 200 * (x[1] - x[0] ** 2);
  },
};

const OPTIMIZERS: Array<[string, OptimizerSpec, OptimizerSpec]> = [
  // [name, spec for the parabola, spec for Rosenbrock]
  ["sgd", { name: "sgd", learningRate: 0.2 }, { name: "sgd", learningRate: 0.001 }],
  ["momentum", { name: "momentum", learningRate: 0.05 }, { name: "momentum", learningRate: 0.0005 }],
  ["nesterov", { name: "nesterov", learningRate: 0.05 }, { name: "nesterov", learningRate: 0.0005 }],
  ["adagrad", { name: "adagrad", learningRate: 1 }, { name: "adagrad", learningRate: 0.5 }],
  ["rmsprop", { name: "rmsprop", learningRate: 0.01 }, { name: "rmsprop", learningRate: 0.001 }],
  ["adam", { name: "adam", learningRate: 0.05 }, { name: "adam", learningRate: 0.02 }],
  ["adamw", { name: "adamw", learningRate: 0.05 }, { name: "adamw", learningRate: 0.02 }],
];

describe("minimize with every optimizer", () => {
  it.each(OPTIMIZERS)("%s reaches the minimum of a parabola", (_name, spec) => {
    const r = minimize(parabola, [0, 0], { optimizer: spec, maxEpochs: 20_000, gradTol: 1e-6 });
    expect(r.x[0]).toBeCloseTo(3, 4);
    expect(r.x[1]).toBeCloseTo(-1, 4);
    expect(r.path[0]).toEqual(Float64Array.from([0, 0]));
    expect(r.path.length).toBe(r.history.loss.length);
  });

  it.each(OPTIMIZERS)("%s reaches the minimum of Rosenbrock from (-1.5, 2)", (_name, _p, spec) => {
    const r = minimize(rosenbrock, [-1.5, 2], {
      optimizer: spec,
      maxEpochs: 200_000,
      gradTol: 1e-5,
      schedule: "constant",
    });
    expect(Math.abs((r.x[0] as number) - 1)).toBeLessThan(2e-2);
    expect(Math.abs((r.x[1] as number) - 1)).toBeLessThan(4e-2);
    expect(rosenbrock.f(r.x)).toBeLessThan(1e-3);
  });

  it("a too-large rate diverges and returns the last finite iterate", () => {
    const r = minimize(parabola, [0, 0], { learningRate: 5, maxEpochs: 10_000 });
    expect(r.stopReason).toBe("diverged");
    expect(Array.from(r.x).every(Number.isFinite)).toBe(true);
  });
});

describe("fused optimizer kernels equal the composed chains to the bit", () => {
  const kinds = ["js", "wasm-simd", "wasm-scalar"] as const;
  const backends: Backend[] = [];
  beforeAll(async () => {
    for (const k of kinds) backends.push(await createBackend(k, "float64"));
  });
  const cases: Array<[OptimizerSpec, Penalty, boolean]> = [];
  for (const [, spec] of OPTIMIZERS) {
    for (const penalty of ["l2", "l1", "elasticnet", "none"] as Penalty[]) cases.push([spec, penalty, true]);
    cases.push([spec, "l2", false]);
  }
  it.each(cases)("%o with %s, fitIntercept %s", (spec, penalty, fitIntercept) => {
    const opt = resolveOptimizer(spec);
    const nPen = 13;
    const nAll = 14;
    const alpha = 2;
    const pen = { penalty, alpha, l1Ratio: 0.4 };
    const rng = new Prng(11);
    const start = Float64Array.from({ length: nAll }, () => rng.nextFloat() - 0.5);
    const grads = Array.from({ length: 20 }, () =>
      Float64Array.from({ length: nAll }, () => (rng.nextFloat() - 0.5) * 3),
    );
    // The chain, on batches of 4 rows (gradient scale 1/4) at rate 0.05.
    const lr = 0.05;
    const l2 = penalty === "l2" ? alpha : penalty === "elasticnet" ? alpha * 0.6 : 0;
    const chain = optimizerChain(opt, l2);
    const state = chain.init(nAll);
    if (opt.kind === "adagrad") state[0]?.fill(opt.initialAccumulatorValue);
    const x = start.slice();
    grads.forEach((g, s) => {
      const u = g.map((v) => v * 0.25);
      const ctx = { params: x, lr, t: s + 1, nPen, nActive: fitIntercept ? nAll : nPen };
      chain.update(u, state, ctx);
      applyUpdate(x, u, ctx, lr * l1Coefficient(pen), sgdDecay(opt, l2, lr));
    });
    // The fused kernels: one gradientStep per gradient.
    for (const b of backends) {
      const st = testState(b, start, 2);
      if (opt.kind === "adagrad") st.s1?.view.fill(opt.initialAccumulatorValue);
      const plan = testPlan(b, {
        optimizer: spec,
        penalty: pen,
        schedule: { id: ScheduleId.constant, eta: lr, a: 0, b: 0, c: 0 },
        nPen,
        nAll,
        fitIntercept,
        rows: 10,
        batch: 4,
      });
      for (const gr of grads) {
        st.grad.view.set(gr);
        b.gradientStep(plan, 4, 0, st);
      }
      expect(Array.from(st.params.view), b.kind).toEqual(Array.from(x));
      if (penalty === "l1") expect(Array.from(st.params.view).some((v) => v === 0)).toBe(true);
    }
  });
});

describe("optimizer specs", () => {
  it("fill in TensorFlow.js's defaults and refuse unknown parameters", () => {
    expect(resolveOptimizer("adam")).toMatchObject({ kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(resolveOptimizer({ name: "momentum", momentum: 0.5, useNesterov: true }).kind).toBe("nesterov");
    expect(() => resolveOptimizer({ name: "adam", beta3: 1 })).toThrow(/'adam' has no parameter 'beta3'/);
    expect(() => resolveOptimizer("lbfgs")).toThrow(/must be one of/);
    expect(() => resolveOptimizer({ name: "adam", beta1: 1 })).toThrow(/beta1 must be a number in \[0, 1\)/);
  });
});
