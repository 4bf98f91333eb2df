// Full-batch, mini-batch and stochastic gradient descent against the closed-form least-squares
// and ridge optima of standardised diabetes.
import { describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { standardisedDiabetes } from "./helpers/datasets.js";
import { ridgeClosedForm, ridgeObjective } from "./helpers/linalg.js";

/** Relative agreement with the closed form required of full-batch GD. */
const OPTIMUM_REL_TOL = 1e-6;
/** Mini-batch / stochastic runs must reach the optimal objective within 1%. */
const OBJECTIVE_REL_TOL = 0.01;

const { Z, y } = standardisedDiabetes();

function expectParamsClose(model: LinearRegression, theta: number[]): void {
  const d = theta.length - 1;
  const scale = Math.max(...theta.map(Math.abs));
  for (let j = 0; j < d; j++) {
    expect(Math.abs((model.coef[j] as number) - (theta[j] as number))).toBeLessThanOrEqual(OPTIMUM_REL_TOL * scale);
  }
  expect(Math.abs(model.intercept - (theta[d] as number))).toBeLessThanOrEqual(
    OPTIMUM_REL_TOL * Math.abs(theta[d] as number),
  );
}

describe.each(["js", "wasm"] as const)("standardised diabetes (%s)", (backend) => {
  // λmax of ZᵀZ/n is 4.02, so any rate below 2/4.02 converges; λmin is 0.0086, hence the many epochs.
  const fullBatch = {
    batchSize: "full" as const,
    learningRate: 0.45,
    maxEpochs: 100_000,
    tol: null,
    gradTol: 1e-10,
    backend,
  };

  it("full-batch GD reaches the least-squares solution of the normal equations", async () => {
    const theta = ridgeClosedForm(Z, y, 0);
    const model = await new LinearRegression({ ...fullBatch, penalty: "none" }).fit(Z, y);
    expect(model.stopReason).toBe("gradTol");
    expectParamsClose(model, theta);
    expect(model.objective(Z, y)).toBeCloseTo(ridgeObjective(Z, y, theta, 0), 8);
  });

  it("full-batch GD with alpha > 0 reaches the closed-form ridge optimum", async () => {
    const alpha = 0.05;
    const theta = ridgeClosedForm(Z, y, alpha);
    const model = await new LinearRegression({ ...fullBatch, penalty: "l2", alpha }).fit(Z, y);
    expect(model.stopReason).toBe("gradTol");
    expectParamsClose(model, theta);
    // The ridge weights are strictly shrunk relative to least squares.
    const ols = ridgeClosedForm(Z, y, 0);
    const norm = (v: ArrayLike<number>): number => Math.hypot(...Array.from(v).slice(0, 10));
    expect(norm(model.coef)).toBeLessThan(norm(ols));
  });

  it.each([
    ["mini-batch", 32, 0.01],
    ["stochastic", 1, 0.002],
  ] as const)("%s GD reaches the optimal objective within 1%%", async (_name, batchSize, learningRate) => {
    const optimum = ridgeObjective(Z, y, ridgeClosedForm(Z, y, 0), 0);
    const model = await new LinearRegression({
      batchSize,
      learningRate,
      penalty: "none",
      maxEpochs: 300,
      seed: 3,
      backend,
    }).fit(Z, y);
    const reached = model.objective(Z, y);
    expect(reached).toBeGreaterThanOrEqual(optimum * (1 - 1e-12));
    expect((reached - optimum) / optimum).toBeLessThan(OBJECTIVE_REL_TOL);
    expect(model.score(Z, y)).toBeGreaterThan(0.5);
  });

  it("the same seed gives the same weights twice, another seed different ones", async () => {
    const opts = { batchSize: 16, learningRate: 0.01, maxEpochs: 20, tol: null, seed: 42, backend };
    const a = await new LinearRegression(opts).fit(Z, y);
    const b = await new LinearRegression(opts).fit(Z, y);
    const c = await new LinearRegression({ ...opts, seed: 43 }).fit(Z, y);
    expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
    expect(b.intercept).toBe(a.intercept);
    expect(b.history.loss).toEqual(a.history.loss);
    expect(Array.from(c.coef)).not.toEqual(Array.from(a.coef));
  });
});

describe("backends agree", () => {
  it("float64 fits are identical to the bit between js, wasm-simd and wasm-scalar", async () => {
    const opts = { batchSize: 7, learningRate: 0.02, maxEpochs: 15, tol: null, seed: 5, alpha: 0.01 };
    const fits = await Promise.all(
      (["js", "wasm-simd", "wasm-scalar"] as const).map((backend) =>
        new LinearRegression({ ...opts, backend }).fit(Z, y),
      ),
    );
    const [js, simd, scalar] = fits.map((m) => ({
      coef: Array.from(m.coef),
      b: m.intercept,
      loss: m.history.loss,
      g: m.history.gradNorm,
    }));
    expect(simd).toEqual(js);
    expect(scalar).toEqual(js);
  });

  it("float32 fits agree with float64 within 1e-4 relative", async () => {
    const opts = { batchSize: 32, learningRate: 0.01, maxEpochs: 30, tol: null, seed: 1 };
    const f64 = await new LinearRegression({ ...opts, backend: "js" }).fit(Z, y);
    for (const backend of ["js", "wasm-simd", "wasm-scalar"] as const) {
      const f32 = await new LinearRegression({ ...opts, backend, dtype: "float32" }).fit(Z, y);
      const scale = Math.max(...Array.from(f64.coef, Math.abs));
      for (let j = 0; j < 10; j++) {
        expect(Math.abs((f32.coef[j] as number) - (f64.coef[j] as number))).toBeLessThan(1e-4 * scale);
      }
      expect(Math.abs(f32.intercept - f64.intercept)).toBeLessThan(1e-4 * Math.abs(f64.intercept));
    }
  });
});
