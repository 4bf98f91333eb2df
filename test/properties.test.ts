// Property-based checks (fast-check) over random shapes (n, d from 1 to 70, every SIMD tail),
// dtypes, losses, optimizers and batch sizes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prng } from "../src/kernels/prng.js";
import type { LinearClassifier } from "../src/models/linear-classifier.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import type { OptimizerName } from "../src/train/options.js";

/** float32 training may differ from float64 by this much relative to the objective's scale. */
const F32_OBJECTIVE_REL = 1e-3;
const RUNS = 25;

type Loss = "squared" | "huber" | "log" | "softmax" | "hinge" | "squaredHinge";
const LOSSES: Loss[] = ["squared", "huber", "log", "softmax", "hinge", "squaredHinge"];
const OPTIMIZERS: OptimizerName[] = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];

function problem(seed: number, n: number, d: number, loss: Loss): { X: number[][]; y: number[] } {
  const rng = new Prng(seed);
  const w = Array.from({ length: d }, () => rng.nextFloat() * 2 - 1);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.nextFloat() * 2 - 1));
  const y = X.map((row) => {
    const f = row.reduce((s, v, j) => s + v * (w[j] as number), 0) + 0.3 * (rng.nextFloat() - 0.5);
    if (loss === "squared" || loss === "huber") return f;
    if (loss === "softmax") return f < -0.3 ? 0 : f < 0.3 ? 1 : 2;
    return f > 0 ? 1 : 0;
  });
  // Classifiers need at least two classes: make sure both (or all three) appear.
  if (loss !== "squared" && loss !== "huber") {
    const classes = loss === "softmax" ? 3 : 2;
    for (let c = 0; c < Math.min(classes, n); c++) y[c] = c;
  }
  return { X, y };
}

function model(loss: Loss, options: Record<string, unknown>): LinearRegression | LinearClassifier {
  if (loss === "squared" || loss === "huber") return new LinearRegression({ ...options, loss });
  if (loss === "log" || loss === "softmax") return new LogisticRegression(options);
  return new LinearSVM({ ...options, loss });
}

async function train(m: LinearRegression | LinearClassifier, X: number[][], y: number[]): Promise<number[]> {
  if (m instanceof LinearRegression) await m.fit(X, y);
  else await m.fit(X, y);
  const c = m.coef;
  const b = m.intercept;
  return [...(c instanceof Float64Array ? c : c.data), ...(typeof b === "number" ? [b] : b)];
}

const shape = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  n: fc.integer({ min: 3, max: 70 }),
  d: fc.integer({ min: 1, max: 70 }),
  loss: fc.constantFrom(...LOSSES),
  optimizer: fc.constantFrom(...OPTIMIZERS),
  batch: fc.oneof(fc.constant<"full">("full"), fc.integer({ min: 1, max: 80 })),
});

describe("properties", () => {
  it("float64 fits are identical to the bit on js, wasm-simd and wasm-scalar", async () => {
    await fc.assert(
      fc.asyncProperty(shape, async ({ seed, n, d, loss, optimizer, batch }) => {
        const { X, y } = problem(seed, n, d, loss);
        const opts = {
          optimizer,
          batchSize: batch,
          maxEpochs: 3,
          tol: null,
          learningRate: 0.01,
          seed,
          penalty: "elasticnet",
        };
        const runs = await Promise.all(
          (["js", "wasm-simd", "wasm-scalar"] as const).map((backend) =>
            train(model(loss, { ...opts, backend }), X, y),
          ),
        );
        const bits = (v: number[]): string => Buffer.from(Float64Array.from(v).buffer).toString("hex");
        expect(bits(runs[1] as number[])).toBe(bits(runs[0] as number[]));
        expect(bits(runs[2] as number[])).toBe(bits(runs[0] as number[]));
      }),
      { numRuns: RUNS, seed: 20261123 },
    );
  });

  it("float32 fits reach the float64 objective within a stated tolerance, with finite predictions", async () => {
    await fc.assert(
      fc.asyncProperty(shape, async ({ seed, n, d, loss, optimizer, batch }) => {
        const { X, y } = problem(seed, n, d, loss);
        const opts = { optimizer, batchSize: batch, maxEpochs: 3, tol: null, learningRate: 0.01, seed };
        const m64 = model(loss, opts);
        const m32 = model(loss, { ...opts, dtype: "float32" });
        await train(m64, X, y);
        await train(m32, X, y);
        const j64 = m64 instanceof LinearRegression ? m64.objective(X, y) : (m64 as LinearClassifier).objective(X, y);
        const j32 = m32 instanceof LinearRegression ? m32.objective(X, y) : (m32 as LinearClassifier).objective(X, y);
        expect(Math.abs(j32 - j64)).toBeLessThanOrEqual(F32_OBJECTIVE_REL * Math.max(1, Math.abs(j64)));
        const pred = m32 instanceof LinearRegression ? m32.predict(X) : (m32 as LinearClassifier).decisionFunction(X);
        const values = pred instanceof Float64Array ? pred : pred.data;
        expect(Array.from(values).every(Number.isFinite)).toBe(true);
      }),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it("one full-batch step with a small rate never increases the objective of a smooth convex loss", async () => {
    const smooth: Loss[] = ["squared", "huber", "log", "softmax", "squaredHinge"];
    await fc.assert(
      fc.asyncProperty(shape, fc.constantFrom(...smooth), async ({ seed, n, d }, loss) => {
        const { X, y } = problem(seed, n, d, loss);
        // Curvature bound of the mean loss: (1/n) Σ (‖x‖² + 1) times the loss's second-derivative bound.
        const c = loss === "squaredHinge" ? 2 : loss === "log" ? 0.25 : 1;
        const L = (c * X.reduce((s, r) => s + r.reduce((a, v) => a + v * v, 0) + 1, 0)) / n + 1e-4;
        const opts = { batchSize: "full" as const, maxEpochs: 1, tol: null, learningRate: 0.5 / L, penalty: "l2" };
        const m = model(loss, opts);
        await train(m, X, y);
        // history.loss[0] is J at the starting point (zero parameters) for a full batch.
        const before = m.history.loss[0] as number;
        const after = m instanceof LinearRegression ? m.objective(X, y) : (m as LinearClassifier).objective(X, y);
        expect(after).toBeLessThanOrEqual(before * (1 + 1e-12));
      }),
      { numRuns: RUNS, seed: 99 },
    );
  });
});
