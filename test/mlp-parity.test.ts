// MLPClassifier / MLPRegressor against scikit-learn 1.2.1 started from the same initial weights,
// rows in order, no stopping rule: every weight and intercept, and the loss curve, to 1e-10; and
// float64 bit-identity across the js, wasm-simd and wasm-scalar kernels. Reference numbers:
// test/fixtures/sklearn-mlp.json, written by scripts/sklearn-mlp-fixtures.py.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Matrix } from "../src/matrix.js";
import type { MultiLayerPerceptron } from "../src/models/mlp.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { sklearnMlpOptions } from "./helpers/sklearn-mlp-options.js";

interface Case {
  data: "xor" | "iris" | "breast_cancer" | "diabetes";
  classifier: boolean;
  params: Record<string, unknown>;
  initialCoefs: number[][][];
  initialIntercepts: number[][];
  coefs: number[][][];
  intercepts: number[][];
  lossCurve: number[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/sklearn-mlp.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
};

const TARGETS = { iris: "species", breast_cancer: "benign", diabetes: "progression" } as const;

function dataOf(c: Case): { X: Matrix | number[][]; y: number[] } {
  if (c.data === "xor")
    return {
      X: [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      y: [0, 1, 1, 0],
    };
  const { X, y } = loadDataset(c.data, TARGETS[c.data]);
  return { X: new StandardScaler().fitTransform(X), y: c.classifier ? y : y.map((v) => v / 100) };
}

const optionsOf = sklearnMlpOptions;

async function train(c: Case, backend: "js" | "wasm-simd" | "wasm-scalar"): Promise<MultiLayerPerceptron> {
  const { X, y } = dataOf(c);
  const opts = { ...optionsOf(c), backend };
  return c.classifier ? new MLPClassifier(opts).fit(X, y) : new MLPRegressor(opts).fit(X, y);
}

function bits(m: MultiLayerPerceptron): string {
  const all = [...m.coefs.flatMap((w) => Array.from(w.data)), ...m.intercepts.flatMap((b) => Array.from(b))];
  return Buffer.from(Float64Array.from(all).buffer).toString("hex");
}

describe.each(Object.keys(fixture.cases))("MLP parity with scikit-learn: %s", (name) => {
  const c = fixture.cases[name] as Case;
  it("every weight, intercept and epoch loss within 1e-10 (wasm), the same bits on js, wasm-simd and wasm-scalar", async () => {
    const [js, simd, scalar] = await Promise.all([train(c, "js"), train(c, "wasm-simd"), train(c, "wasm-scalar")]);
    const m = simd as MultiLayerPerceptron;
    expect(m.nEpochs).toBe(c.lossCurve.length);
    let worst = 0;
    m.coefs.forEach((w, l) => {
      const ref = (c.coefs[l] as number[][]).flat();
      expect(w.data.length).toBe(ref.length);
      w.data.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - (ref[j] as number)));
      });
    });
    m.intercepts.forEach((b, l) => {
      b.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - (c.intercepts[l]?.[j] as number)));
      });
    });
    expect(worst).toBeLessThanOrEqual(1e-10);
    m.history.loss.forEach((l, e) => {
      expect(Math.abs(l - (c.lossCurve[e] as number))).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(l)));
    });
    expect(bits(js)).toBe(bits(m));
    expect(bits(scalar)).toBe(bits(m));
  });
});
