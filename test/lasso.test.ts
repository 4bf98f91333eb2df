import { describe, expect, it } from "vitest";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { loadDataset } from "./helpers/datasets.js";

/** Diabetes as scikit-learn ships it: every column centred and scaled to unit Euclidean norm. */
function unitNormDiabetes(): { X: Matrix; y: number[]; names: string[] } {
  const { X, y, featureNames } = loadDataset("diabetes", "progression");
  const n = X.length;
  const d = featureNames.length;
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const mean = X.reduce((s, r) => s + (r[j] as number), 0) / n;
    const norm = Math.sqrt(X.reduce((s, r) => s + ((r[j] as number) - mean) ** 2, 0));
    for (let i = 0; i < n; i++) data[i * d + j] = (((X[i] as number[])[j] as number) - mean) / norm;
  }
  return { X: { data, rows: n, cols: d }, y, names: featureNames };
}

describe.each(["js", "wasm"] as const)("lasso by proximal gradient descent (%s)", (backend) => {
  it("reproduces scikit-learn's Lasso(alpha=1): three non-zero weights, the rest exactly 0", async () => {
    const { X, y, names } = unitNormDiabetes();
    // Lasso's objective (1/(2n))‖y − Xw − b‖² + alpha‖w‖₁ is the contract's with penalty 'l1'.
    // The intercept direction has curvature 1 (a column of ones), so the step must stay below 2; the
    // unit-norm columns have curvature ≤ 4.02/442, hence the many epochs.
    const model = await new LinearRegression({
      batchSize: "full",
      penalty: "l1",
      alpha: 1,
      learningRate: 1.9,
      maxEpochs: 500_000,
      tol: null,
      gradTol: 1e-9,
      backend,
    }).fit(X, y);
    expect(model.stopReason).toBe("gradTol");
    const coef = model.coef;
    const nonZero = names.filter((_, j) => coef[j] !== 0);
    expect(nonZero).toEqual(["bmi", "bp", "s5"]);
    expect(coef[names.indexOf("bmi")]).toBeCloseTo(367.7, 2);
    expect(coef[names.indexOf("bp")]).toBeCloseTo(6.31, 2);
    expect(coef[names.indexOf("s5")]).toBeCloseTo(307.6, 2);
    names.forEach((name, j) => {
      if (!nonZero.includes(name)) expect(Object.is(coef[j], 0) || Object.is(coef[j], -0)).toBe(true);
    });
  });

  it("elasticnet reaches a point that satisfies its optimality (KKT) conditions", async () => {
    const { X, y } = unitNormDiabetes();
    const alpha = 1;
    const rho = 0.5;
    const model = await new LinearRegression({
      batchSize: "full",
      penalty: "elasticnet",
      alpha,
      l1Ratio: rho,
      learningRate: 1.9,
      maxEpochs: 500_000,
      tol: null,
      gradTol: 1e-9,
      backend,
    }).fit(X, y);
    expect(model.stopReason).toBe("gradTol");
    const w = model.coef;
    const { rows: n, cols: d, data } = X;
    const r = Array.from({ length: n }, (_, i) => {
      let f = model.intercept;
      for (let j = 0; j < d; j++) f += (data[i * d + j] as number) * (w[j] as number);
      return f - (y[i] as number);
    });
    expect(Math.abs(r.reduce((a, b) => a + b, 0) / n)).toBeLessThan(1e-7);
    let zeros = 0;
    for (let j = 0; j < d; j++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += ((data[i * d + j] as number) * (r[i] as number)) / n;
      g += alpha * (1 - rho) * (w[j] as number);
      if (w[j] === 0) {
        zeros++;
        expect(Math.abs(g)).toBeLessThanOrEqual(alpha * rho + 1e-7);
      } else {
        expect(Math.abs(g + alpha * rho * Math.sign(w[j] as number))).toBeLessThan(1e-6);
      }
    }
    expect(zeros).toBeGreaterThan(0);
  });
});
