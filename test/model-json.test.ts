import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { standardisedDiabetes } from "./helpers/datasets.js";

const { Z, y } = standardisedDiabetes();

describe("LinearRegression toJSON / fromJSON", () => {
  it("save → load → predict gives identical predictions and state", async () => {
    const model = await new LinearRegression({ maxEpochs: 10, tol: null, seed: 9 }).fit(Z, y);
    const text = JSON.stringify(model.toJSON());
    const loaded = LinearRegression.fromJSON(JSON.parse(text));
    expect(Array.from(loaded.predict(Z))).toEqual(Array.from(model.predict(Z)));
    expect(loaded.nEpochs).toBe(10);
    expect(loaded.stopReason).toBe("maxEpochs");
    expect(loaded.history.loss).toEqual(model.history.loss);
    expect(loaded.getOptions()).toEqual(model.getOptions());
    expect(LinearRegression.fromJSON(text).intercept).toBe(model.intercept);
  });

  it("save mid-training → load → partialFit continues exactly like uninterrupted training", async () => {
    const opts = { maxEpochs: 3, tol: null, seed: 4, batchSize: 8 };
    const straight = await new LinearRegression(opts).fit(Z, y);
    await straight.partialFit(Z, y);
    await straight.partialFit(Z, y);
    const first = await new LinearRegression(opts).fit(Z, y);
    const resumed = LinearRegression.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    await resumed.partialFit(Z, y);
    await resumed.partialFit(Z, y);
    expect(resumed.nEpochs).toBe(5);
    expect(Array.from(resumed.coef)).toEqual(Array.from(straight.coef));
    expect(resumed.intercept).toBe(straight.intercept);
  });

  const good = (): Record<string, unknown> => ({
    format: "descent-model",
    version: 1,
    model: "LinearRegression",
    options: {},
    nFeatures: 2,
    nOutputs: 1,
    params: [1, 2, 3],
    history: { loss: [], gradNorm: [], learningRate: [], ms: [] },
    subHistories: [{ loss: [], gradNorm: [], learningRate: [], ms: [] }],
    stopReason: null,
    nEpochs: 0,
    progress: [{ step: 0, epoch: 0, rng: null, moments: [], rateScale: 1 }],
  });

  it("a minimal valid document loads", () => {
    const m = LinearRegression.fromJSON(good());
    expect(Array.from(m.predict([[1, 1]]))).toEqual([6]);
  });

  it.each([
    ["truncated text", '{"format":"descent-model","version":1', /does not parse/],
    ["wrong version", { ...good(), version: 99 }, /unsupported 'version' 99/],
    ["wrong model kind", { ...good(), model: "Other" }, /'model' is "Other"/],
    ["wrong array length", { ...good(), params: [1] }, /'params' has 1 values, expected 3/],
    ["non-number weight", { ...good(), params: [1, "x", 3] }, /'params\[1\]' is not a finite number/],
    ["missing progress", { ...good(), progress: [] }, /'progress' must be an array with one entry per sub-history/],
    [
      "bad moments",
      { ...good(), progress: [{ step: 0, epoch: 0, rng: null, moments: [[1]], rateScale: 1 }] },
      /'progress\[0\]\.moments\[0\]' has 1 values, expected 3/,
    ],
    ["unknown option", { ...good(), options: { speed: 1 } }, /bad 'options'.*'speed' is unknown/],
    [
      "__proto__ key",
      JSON.parse('{"format":"descent-model","version":1,"__proto__":{"polluted":1}}'),
      /forbidden key '__proto__'/,
    ],
  ])("refuses %s with E_FORMAT", (_name, json, pattern) => {
    let caught: unknown;
    try {
      LinearRegression.fromJSON(json);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DescentError);
    expect((caught as DescentError).code).toBe("E_FORMAT");
    expect((caught as DescentError).message).toMatch(pattern);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("StandardScaler", () => {
  it("uses the population std, leaves zero-variance columns unscaled, and round-trips", () => {
    const X = [
      [1, 5, 10],
      [2, 5, 20],
      [3, 5, 60],
    ];
    const s = new StandardScaler().fit(X);
    expect(Array.from(s.mean ?? [])).toEqual([2, 5, 30]);
    expect(s.scale?.[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(s.scale?.[1]).toBe(1);
    const Zs = s.transform(X);
    expect(Array.from(Zs.data.filter((_, i) => i % 3 === 1))).toEqual([0, 0, 0]);
    const back = s.inverseTransform(Zs);
    back.data.forEach((v, i) => {
      expect(v).toBeCloseTo((X[Math.floor(i / 3)] as number[])[i % 3] as number, 12);
    });
    const again = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(Array.from(again.transform(X).data)).toEqual(Array.from(Zs.data));
    expect(() => s.transform([[1, 2]])).toThrow(/2 columns but the scaler was fitted with 3/);
  });
});
