// MLP warm starts continue as scikit-learn's do (issue 30, bug 1): a second fit with warmStart
// carries on nEpochs, the loss curve and the invscaling schedule's time, with a fresh optimizer;
// checked against scikit-learn 1.2.1 (test/fixtures/sklearn-mlp-warm.json from
// scripts/sklearn-mlp-warm-fixtures.py) to 1e-10. Also the refusals of classes that change.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Matrix } from "../src/matrix.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import type { MLPOptions } from "../src/models/mlp-options.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { expectDescentError } from "./helpers/expect-error.js";
import { sklearnMlpOptions } from "./helpers/sklearn-mlp-options.js";

interface Case {
  data: "diabetes" | "iris";
  classifier: boolean;
  params: Record<string, unknown>;
  initialCoefs: number[][][];
  initialIntercepts: number[][];
  firstLossCurve: number[];
  lossCurve: number[];
  nIter: number;
  coefs: number[][][];
  intercepts: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/sklearn-mlp-warm.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
};
const TARGETS = { diabetes: "progression", iris: "species" } as const;

function optionsOf(c: Case): MLPOptions {
  return { ...sklearnMlpOptions(c), warmStart: true };
}

describe.each(Object.keys(fixture.cases))("MLP warm start as scikit-learn's: %s", (name) => {
  const c = fixture.cases[name] as Case;
  it("the second fit continues nEpochs, the loss curve and the schedule; weights to 1e-10", async () => {
    const { X, y } = loadDataset(c.data, TARGETS[c.data]);
    const Z = new StandardScaler().fitTransform(X);
    const target = c.classifier ? y : y.map((v) => v / 100);
    const m = c.classifier ? new MLPClassifier(optionsOf(c)) : new MLPRegressor(optionsOf(c));
    await m.fit(Z, target);
    expect(m.nEpochs).toBe(c.firstLossCurve.length);
    await m.fit(Z, target);
    expect(m.nEpochs).toBe(c.nIter);
    expect(m.history.loss).toHaveLength(c.lossCurve.length);
    m.history.loss.forEach((l, i) => {
      expect(Math.abs(l - (c.lossCurve[i] as number))).toBeLessThan(1e-10);
    });
    m.coefs.forEach((w, l) => {
      const ref = (c.coefs[l] as number[][]).flat();
      w.data.forEach((v, j) => {
        expect(Math.abs(v - (ref[j] as number))).toBeLessThan(1e-10);
      });
    });
  });
});

describe("classes that change are refused (issue 30, bugs 2 and 3)", () => {
  const X = Array.from({ length: 12 }, (_, i) => [i % 4, (i * 3) % 5]);
  it("a warm-started fit on other classes is E_LABELS naming both sets", async () => {
    const m = new MLPClassifier({ hiddenLayerSizes: [3], maxEpochs: 2, warmStart: true });
    await m.fit(X, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    await expectDescentError(m.fit(X, [0, 1, 3, 0, 1, 3, 0, 1, 3, 0, 1, 3]), "E_LABELS", /\[0,1,2\].*\[0,1,3\]/);
    await expectDescentError(m.fit(X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), "E_LABELS", /\[0,1,2\].*\[0,1\]/);
  });
  it("partialFit with classes other than the first call's is E_LABELS; one class names what was passed", async () => {
    const m = new MLPClassifier({ hiddenLayerSizes: [3] });
    await m.partialFit(X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], { classes: [0, 1] });
    await expectDescentError(
      m.partialFit(X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], { classes: [0, 1, 2] }),
      "E_LABELS",
      /\[0,1\].*\[0,1,2\]/,
    );
    await expectDescentError(
      new MLPClassifier().partialFit(X, Array(12).fill(2), { classes: [2] }),
      "E_LABELS",
      /options\.classes has 1 class \(\[2\]\)/,
    );
  });
});

describe("clear messages and scikit-learn's field names (issue 30, items 5 and 8)", () => {
  const X = Array.from({ length: 10 }, (_, i) => [i, (i * 7) % 3]);
  it("name the option and the shape that is wrong", async () => {
    // 'lbfgs' is a solver now (issue 30, item 6); its own options are checked by name.
    await expectDescentError(() => new MLPClassifier({ solver: "lbfgs", maxFun: 0 }), "E_OPTION", /option 'maxFun'/);
    await expectDescentError(
      () => new MLPRegressor({ solver: "nadam" as never }),
      "E_OPTION",
      /option 'solver' must be one of/,
    );
    // A matrix y is several outputs or labels now (item 7): ragged rows and non-0/1 labels are named.
    const ragged = X.map((r, i) => (i === 3 ? [r[0] as number] : [r[0] as number, 1]));
    await expectDescentError(new MLPRegressor().fit(X, ragged as never), "E_SHAPE", /y/);
    await expectDescentError(
      new MLPClassifier().fit(X, X.map(() => [0, 2]) as never),
      "E_LABELS",
      /row 0 column 1 is 2/,
    );
  });
  it("lossCurve, bestLoss, validationScores, bestValidationScore and nIter read what history holds", async () => {
    const y = X.map((r) => (r[0] as number) / 10);
    const m = await new MLPRegressor({ hiddenLayerSizes: [4], maxEpochs: 7, tol: null }).fit(X, y);
    expect(m.nIter).toBe(7);
    expect(m.lossCurve).toEqual(m.history.loss);
    expect(m.bestLoss).toBe(Math.min(...m.history.loss));
    expect(m.validationScores).toBeNull();
    const e = await new MLPRegressor({
      hiddenLayerSizes: [4],
      maxEpochs: 5,
      earlyStopping: true,
      validationFraction: 0.3,
    }).fit(X, y);
    expect(e.validationScores).toEqual(e.history.valScore);
    expect(e.bestValidationScore).toBe(Math.max(...(e.history.valScore as number[])));
    expect(e.bestLoss).toBeNull();
  });
});

describe("dtype 'auto' takes the data's float width (issue 30, bug 5)", () => {
  const X = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
  const y = X.map((r) => (r[0] as number) - 0.5 * (r[1] as number));
  const f32: Matrix = { data: Float32Array.from(X.flat()), rows: 40, cols: 3 };
  const hex = (m: MLPRegressor) =>
    Buffer.from(Float64Array.from(m.coefs.flatMap((w) => Array.from(w.data))).buffer).toString("hex");
  const opts: MLPOptions = { hiddenLayerSizes: [4], maxEpochs: 5, tol: null, shuffle: false };

  it("a Float32Array matrix (or rows of Float32Arrays) trains in float32 unless dtype is set", async () => {
    const auto = await new MLPRegressor(opts).fit(f32, y);
    const explicit32 = await new MLPRegressor({ ...opts, dtype: "float32" }).fit(f32, y);
    const explicit64 = await new MLPRegressor({ ...opts, dtype: "float64" }).fit(f32, y);
    const rows32 = await new MLPRegressor(opts).fit(
      X.map((r) => Float32Array.from(r)),
      y,
    );
    expect(hex(auto)).toBe(hex(explicit32));
    expect(hex(rows32)).toBe(hex(explicit32));
    expect(hex(explicit64)).not.toBe(hex(explicit32));
    // Plain arrays train in float64, as before.
    expect(hex(await new MLPRegressor(opts).fit(X, y))).toBe(
      hex(await new MLPRegressor({ ...opts, dtype: "float64" }).fit(X, y)),
    );
    expect(new MLPRegressor().getOptions().dtype).toBe("auto");
  });
});
