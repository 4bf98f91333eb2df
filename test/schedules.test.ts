import { describe, expect, it } from "vitest";
import { makeSchedule, normaliseSchedule, rateAt } from "../src/optim/schedules.js";

const ctx = { learningRate: 0.1, alpha: 1e-4, maxEpochs: 10, stepsPerEpoch: 10 };
const at = (spec: unknown, t: number, epoch = 0): number =>
  rateAt(makeSchedule(normaliseSchedule(spec), ctx), t, epoch);

describe("learning-rate schedules give their reference values", () => {
  it("constant", () => {
    expect(at("constant", 1)).toBe(0.1);
    expect(at("constant", 500, 49)).toBe(0.1);
  });

  it("invscaling: eta / t^0.25 by default", () => {
    expect(at("invscaling", 1)).toBe(0.1);
    expect(at("invscaling", 16)).toBeCloseTo(0.05, 15);
    expect(at({ name: "invscaling", powerT: 0.5 }, 100)).toBeCloseTo(0.01, 15);
  });

  it("optimal: scikit-learn's 1 / (alpha (t0 + t - 1)) with t0 = 1 / (alpha sqrt(1/sqrt(alpha)))", () => {
    // alpha = 1e-4: typw = sqrt(1/0.01) = 10, t0 = 1/(10·1e-4) = 1000.
    expect(at("optimal", 1)).toBeCloseTo(1 / (1e-4 * 1000), 12);
    expect(at("optimal", 1001)).toBeCloseTo(1 / (1e-4 * 2000), 12);
  });

  it("step: halves every 10 epochs by default", () => {
    expect(at("step", 1, 9)).toBe(0.1);
    expect(at("step", 1, 10)).toBe(0.05);
    expect(at({ name: "step", gamma: 0.1, stepSize: 2 }, 1, 5)).toBeCloseTo(0.001, 15);
  });

  it("exponential: eta · 0.95^epoch by default", () => {
    expect(at("exponential", 1, 0)).toBe(0.1);
    expect(at("exponential", 1, 2)).toBeCloseTo(0.1 * 0.9025, 15);
  });

  it("cosine: from eta to 0 over maxEpochs · stepsPerEpoch steps", () => {
    expect(at("cosine", 1)).toBe(0.1);
    expect(at("cosine", 51)).toBeCloseTo(0.05, 15);
    expect(at("cosine", 101)).toBeCloseTo(0, 15);
    expect(at("cosine", 500)).toBeCloseTo(0, 15);
    expect(at({ name: "cosine", decaySteps: 4, minLearningRate: 0.02 }, 3)).toBeCloseTo(0.06, 15);
  });

  it("adaptive starts at eta (the loop divides it by 5 on plateaus)", () => {
    expect(at("adaptive", 1000)).toBe(0.1);
  });

  it("bad specs are refused naming the parameter", () => {
    expect(() => normaliseSchedule("linear")).toThrow(/option 'schedule' must be one of/);
    expect(() => normaliseSchedule({ name: "step", gamma: 2 })).toThrow(/gamma must be in \(0, 1\]/);
    expect(() => normaliseSchedule({ name: "cosine", warmup: 3 })).toThrow(/'cosine' has no parameter 'warmup'/);
    expect(() => makeSchedule(normaliseSchedule("optimal"), { ...ctx, alpha: 0 })).toThrow(/needs alpha > 0/);
  });
});
