import { describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { standardisedDiabetes } from "./helpers/datasets.js";

// Reference: scikit-learn's SGDRegressor(shuffle=False, penalty=None, learning_rate='constant',
// eta0=0.01, max_iter=5, tol=None) on diabetes standardised with population std (StandardScaler).
// Its squared loss is 0.5 (y - f)^2 and each sample updates w and b together, as ours does.
const SKLEARN = {
  intercept: 151.4395007834,
  coef: [0.4953943412, -10.0451204516, 25.2747749303],
};

describe.each(["js", "wasm-simd", "wasm-scalar"] as const)("matches SGDRegressor step for step (%s)", (backend) => {
  it("5 epochs of per-sample SGD without shuffling", async () => {
    const { Z, y } = standardisedDiabetes();
    const model = await new LinearRegression({
      batchSize: 1,
      shuffle: false,
      penalty: "none",
      learningRate: 0.01,
      schedule: "constant",
      maxEpochs: 5,
      tol: null,
      backend,
    }).fit(Z, y);
    expect(model.nEpochs).toBe(5);
    expect(Math.abs(model.intercept - SKLEARN.intercept)).toBeLessThan(1e-8);
    SKLEARN.coef.forEach((c, j) => {
      expect(Math.abs((model.coef[j] as number) - c)).toBeLessThan(1e-8);
    });
  });
});
