import { describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";

describe("the first seed's example", () => {
  // X = [[1,1],[2,2],[3,3]], y = [1,2,3], theta from zero, 1000 full-batch iterations, no intercept.
  // The seed writes the gradient as (2/m)·Xᵀ(Xθ − y) with rate 0.01: that is our half-squared
  // loss (gradient (1/m)·Xᵀ(Xθ − y)) at rate 0.02. The seed prints [0.99935587 0.99933838], which is
  // wrong: both columns are equal, so the iterates stay equal (θ1 = θ2) and converge to the
  // minimum-norm solution of θ1 + θ2 = 1, i.e. 0.5 each.
  it.each(["js", "wasm"] as const)("converges to theta = [0.5, 0.5] (%s)", async (backend) => {
    const model = new LinearRegression({
      batchSize: "full",
      learningRate: 0.02,
      fitIntercept: false,
      penalty: "none",
      maxEpochs: 1000,
      tol: null,
      shuffle: false,
      backend,
    });
    await model.fit(
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      [1, 2, 3],
    );
    expect(model.nEpochs).toBe(1000);
    expect(model.stopReason).toBe("maxEpochs");
    expect(model.intercept).toBe(0);
    expect(Math.abs((model.coef[0] as number) - 0.5)).toBeLessThan(1e-6);
    expect(Math.abs((model.coef[1] as number) - 0.5)).toBeLessThan(1e-6);
    expect(model.coef[0]).toBe(model.coef[1]);
  });
});
