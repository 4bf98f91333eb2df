// Stop rules, history and callbacks of the training loop.
import { describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { standardisedDiabetes } from "./helpers/datasets.js";

const { Z, y } = standardisedDiabetes();

describe("stop rules and history", () => {
  it("tol stops after nIterNoChange epochs without improvement", async () => {
    const m = await new LinearRegression({
      batchSize: 32,
      learningRate: 0.01,
      tol: 0.05,
      nIterNoChange: 3,
      maxEpochs: 1000,
    }).fit(Z, y);
    expect(m.stopReason).toBe("tol");
    expect(m.nEpochs).toBeLessThan(1000);
    const h = m.history.loss;
    const n = h.length;
    // Each of the last three epochs failed to beat the best before it by tol; the one before did.
    for (let i = n - 3; i < n; i++) expect(h[i]).toBeGreaterThan(Math.min(...h.slice(0, i)) - 0.05);
    expect(h[n - 4]).toBeLessThanOrEqual(Math.min(...h.slice(0, n - 4)) - 0.05);
  });

  it("gradTol stops when the full gradient is small; full-batch history is the exact objective", async () => {
    const m = await new LinearRegression({
      batchSize: "full",
      learningRate: 0.4,
      tol: null,
      gradTol: 1e-3,
      maxEpochs: 100_000,
    }).fit(Z, y);
    expect(m.stopReason).toBe("gradTol");
    expect(m.history.gradNorm.at(-1)).toBeLessThan(1e-3);
    expect(m.history.gradNorm.slice(0, -1).every((g) => g >= 1e-3)).toBe(true);
    // history.loss[e] is J at the start of epoch e + 1 for full batch: monotone for a stable rate.
    for (let e = 1; e < m.history.loss.length; e++)
      expect(m.history.loss[e]).toBeLessThanOrEqual(m.history.loss[e - 1] as number);
    expect(m.history.learningRate.every((r) => r === 0.4)).toBe(true);
    expect(m.history.ms.length).toBe(m.nEpochs);
  });

  it("onEpoch sees every epoch and stops the fit when it returns false", async () => {
    const seen: number[] = [];
    const m = await new LinearRegression({
      maxEpochs: 50,
      tol: null,
      onEpoch: (info) => {
        seen.push(info.epoch);
        expect(Number.isFinite(info.loss)).toBe(true);
        return info.epoch < 4;
      },
    }).fit(Z, y);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(m.stopReason).toBe("callback");
    expect(m.nEpochs).toBe(4);
  });

  it("warmStart continues from the previous weights", async () => {
    const cold = await new LinearRegression({ batchSize: "full", learningRate: 0.1, maxEpochs: 5, tol: null }).fit(
      Z,
      y,
    );
    const warm = new LinearRegression({
      batchSize: "full",
      learningRate: 0.1,
      maxEpochs: 5,
      tol: null,
      warmStart: true,
    });
    await warm.fit(Z, y);
    await warm.fit(Z, y);
    expect(warm.history.loss[0]).toBeLessThan(cold.history.loss[0] as number);
    expect(warm.objective(Z, y)).toBeLessThan(cold.objective(Z, y));
  });

  it("sample weights of 2 on every row equal a doubled learning rate on the data term", async () => {
    const base = { batchSize: "full" as const, maxEpochs: 20, tol: null, penalty: "none" as const };
    const a = await new LinearRegression({ ...base, learningRate: 0.2 }).fit(Z, y, {
      sampleWeight: new Array(y.length).fill(2),
    });
    const b = await new LinearRegression({ ...base, learningRate: 0.4 }).fit(Z, y);
    for (let j = 0; j < 10; j++) expect(a.coef[j]).toBeCloseTo(b.coef[j] as number, 9);
  });

  it("fitIntercept false keeps b at 0 and huber loss trains", async () => {
    const m = await new LinearRegression({ fitIntercept: false, maxEpochs: 5 }).fit(Z, y);
    expect(m.intercept).toBe(0);
    const h = await new LinearRegression({
      loss: "huber",
      epsilon: 1,
      learningRate: 0.05,
      maxEpochs: 200,
      batchSize: 16,
    }).fit(Z, y);
    expect(h.score(Z, y)).toBeGreaterThan(0.3);
  });
});

describe("epochs split over partialFit calls", () => {
  it("visit the rows in the order one fit does, shuffled or not: the same bits", async () => {
    const { LinearRegression } = await import("../src/models/linear-regression.js");
    const { loadDataset } = await import("./helpers/datasets.js");
    const { StandardScaler } = await import("../src/preprocess/standard-scaler.js");
    const { X, y } = loadDataset("diabetes", "progression");
    const Z = new StandardScaler().fitTransform(X);
    for (const shuffle of [true, false, "once"] as const) {
      const whole = await new LinearRegression({ maxEpochs: 4, shuffle, tol: null, seed: 3 }).fit(Z, y);
      const split = new LinearRegression({ maxEpochs: 4, shuffle, tol: null, seed: 3 });
      for (let e = 0; e < 4; e++) await split.partialFit(Z, y);
      expect(Array.from(split.coef), String(shuffle)).toEqual(Array.from(whole.coef));
    }
  });
});
