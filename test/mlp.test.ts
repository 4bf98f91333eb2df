// MLPClassifier / MLPRegressor behaviour: the kernels' odd shapes (SIMD tails, ragged batches) the
// same bits on every backend, float32 close to scikit-learn, determinism, what they learn, every
// input check, JSON save and resume, early stopping, restarts, divergence.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import type { ActivationName } from "../src/kernels/mlp-net.js";
import { Prng } from "../src/kernels/prng.js";
import { planeData } from "../src/lab/playground-data.js";
import type { Matrix } from "../src/matrix.js";
import type { MultiLayerPerceptron } from "../src/models/mlp.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { validationSplit } from "../src/models/validation-split.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";
import { expectDescentError } from "./helpers/expect-error.js";

const iris = loadDataset("iris", "species");
const Zi = new StandardScaler().fitTransform(iris.X);
const diabetes = loadDataset("diabetes", "progression");
const Zd = new StandardScaler().fitTransform(diabetes.X);
const yd = diabetes.y.map((v) => v / 100);

function bits(m: MultiLayerPerceptron): string {
  const all = [...m.coefs.flatMap((w) => Array.from(w.data)), ...m.intercepts.flatMap((b) => Array.from(b))];
  return Buffer.from(Float64Array.from(all).buffer).toString("hex");
}

describe("kernels: odd shapes give the same bits on js, wasm-simd and wasm-scalar", () => {
  it("random widths (SIMD tails), ragged batches, every activation, output and solver", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          hidden: fc.array(fc.integer({ min: 1, max: 19 }), { minLength: 1, maxLength: 3 }),
          d: fc.integer({ min: 1, max: 13 }),
          n: fc.integer({ min: 3, max: 60 }),
          batch: fc.integer({ min: 1, max: 17 }),
          activation: fc.constantFrom<ActivationName>("relu", "tanh", "logistic", "identity"),
          kind: fc.constantFrom("regression", "binary", "multiclass"),
          solver: fc.constantFrom("sgd", "adam", "rmsprop", "nesterov"),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async (c) => {
          const rng = new Prng(c.seed);
          const X = Array.from({ length: c.n }, () => Array.from({ length: c.d }, () => rng.nextFloat() * 2 - 1));
          const y = X.map((r, i) =>
            c.kind === "regression" ? (r[0] as number) * 2 + 0.1 : c.kind === "binary" ? i % 2 : i % 3,
          );
          const fits = await Promise.all(
            (["js", "wasm-simd", "wasm-scalar"] as const).map((backend) => {
              const o = {
                hiddenLayerSizes: c.hidden,
                activation: c.activation,
                solver: c.solver as "sgd",
                batchSize: c.batch,
                maxEpochs: 2,
                tol: null,
                seed: c.seed,
                learningRate: 0.01,
                backend,
              };
              return c.kind === "regression" ? new MLPRegressor(o).fit(X, y) : new MLPClassifier(o).fit(X, y);
            }),
          );
          const ref = bits(fits[0] as MultiLayerPerceptron);
          for (const f of fits) expect(bits(f)).toBe(ref);
          expect(fits[1]?.history.loss).toEqual(fits[0]?.history.loss);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });
});

describe("float32", () => {
  it("trains within 1e-5 of scikit-learn's float64 weights from the same start", async () => {
    const c = JSON.parse(readFileSync(new URL("./fixtures/sklearn-mlp.json", import.meta.url), "utf8")).cases[
      "iris-relu-adam"
    ] as { initialCoefs: number[][][]; initialIntercepts: number[][]; coefs: number[][][]; intercepts: number[][] };
    const m = await new MLPClassifier({
      hiddenLayerSizes: [8],
      activation: "relu",
      solver: "adam",
      batchSize: 32,
      alpha: 1e-3,
      learningRate: 0.01,
      maxEpochs: 30,
      tol: null,
      shuffle: false,
      dtype: "float32",
      initialWeights: { coefs: c.initialCoefs, intercepts: c.initialIntercepts },
    }).fit(Zi, iris.y);
    let worst = 0;
    m.coefs.forEach((w, l) => {
      const ref = (c.coefs[l] as number[][]).flat();
      w.data.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - (ref[j] as number)));
      });
    });
    expect(worst).toBeLessThan(1e-5);
  });
});

describe("what an MLP learns", () => {
  it("XOR, which no linear model separates, with every one of ten seeds", async () => {
    const X = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const y = [0, 1, 1, 0];
    for (let seed = 0; seed < 10; seed++) {
      const m = await new MLPClassifier({
        hiddenLayerSizes: [8],
        activation: "tanh",
        learningRate: 0.05,
        maxEpochs: 500,
        seed,
      }).fit(X, y);
      expect(m.score(X, y)).toBe(1);
    }
  });

  it("iris to >= 97% and diabetes to R² >= 0.5, with string labels kept", async () => {
    const names = iris.y.map((v) => ["setosa", "versicolor", "virginica"][v] as string);
    const clf = await new MLPClassifier({ hiddenLayerSizes: [16], maxEpochs: 300, learningRate: 0.01 }).fit(Zi, names);
    expect(clf.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect(clf.score(Zi, names)).toBeGreaterThanOrEqual(0.97);
    const proba = clf.predictProba(Zi);
    for (let i = 0; i < proba.rows; i++) {
      let s = 0;
      for (let k = 0; k < proba.cols; k++) s += proba.data[i * proba.cols + k] as number;
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
    const lp = clf.predictLogProba(Zi);
    expect(lp.data[0]).toBeCloseTo(Math.log(proba.data[0] as number), 12);
    const reg = await new MLPRegressor({ hiddenLayerSizes: [16], maxEpochs: 300, learningRate: 0.01 }).fit(Zd, yd);
    expect(reg.score(Zd, yd)).toBeGreaterThanOrEqual(0.5);
  });

  it("a seed gives the same bytes every run; Glorot bounds hold (√(6/(in+out)), √(2/·) for logistic)", async () => {
    const o = { hiddenLayerSizes: [5], maxEpochs: 1, learningRate: 1e-12, tol: null };
    const a = await new MLPRegressor({ ...o, seed: 3 }).fit(Zd, yd);
    const b = await new MLPRegressor({ ...o, seed: 3 }).fit(Zd, yd);
    const c = await new MLPRegressor({ ...o, seed: 4 }).fit(Zd, yd);
    expect(bits(a)).toBe(bits(b));
    expect(bits(c)).not.toBe(bits(a));
    for (const activation of ["relu", "logistic"] as const) {
      const m = await new MLPRegressor({ ...o, activation }).fit(Zd, yd);
      const bound = Math.sqrt((activation === "logistic" ? 2 : 6) / (10 + 5));
      for (const v of m.coefs[0]?.data ?? []) expect(Math.abs(v)).toBeLessThanOrEqual(bound + 1e-9);
    }
  });

  it("the playground's seed study: a 2-3-1 tanh network on XOR ends in a poor local minimum from 4 of 20 seeds", async () => {
    const d = planeData("xor", 200, 0, 1);
    const X = Array.from({ length: 200 }, (_, i) => [
      (d.points[2 * i] as number) / 6,
      (d.points[2 * i + 1] as number) / 6,
    ]);
    const scores: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const m = await new MLPClassifier({
        hiddenLayerSizes: [3],
        activation: "tanh",
        learningRate: 0.03,
        batchSize: 10,
        maxEpochs: 300,
        tol: null,
        seed,
      }).fit(X, d.labels);
      scores.push(m.score(X, d.labels));
    }
    expect(scores.filter((s) => s >= 0.9).length).toBe(16);
    expect(Math.min(...scores)).toBeLessThan(0.8);
  });

  it("nInit keeps the restart with the lowest final loss", async () => {
    const o = { hiddenLayerSizes: [3], maxEpochs: 40, activation: "tanh" as const, learningRate: 0.02 };
    const losses: number[] = [];
    for (let s = 5; s < 8; s++) {
      const m = await new MLPClassifier({ ...o, seed: s }).fit(Zi, iris.y);
      losses.push(m.history.loss.at(-1) as number);
    }
    const best = await new MLPClassifier({ ...o, seed: 5, nInit: 3 }).fit(Zi, iris.y);
    expect(best.history.loss.at(-1)).toBe(Math.min(...losses));
  });
});

describe("training state", () => {
  it.each(["js", "wasm"] as const)(
    "saved mid-way and resumed equals training straight through (%s)",
    async (backend) => {
      const o = {
        hiddenLayerSizes: [6, 4],
        maxEpochs: 3,
        tol: null,
        backend,
        seed: 9,
        solver: "sgd" as const,
        learningRate: 0.05,
      };
      const straight = await new MLPClassifier(o).fit(Zi, iris.y);
      const saved = await new MLPClassifier(o).fit(Zi, iris.y);
      await straight.partialFit(Zi, iris.y);
      await straight.partialFit(Zi, iris.y);
      const resumed = MLPClassifier.fromJSON(JSON.parse(JSON.stringify(saved.toJSON())));
      expect(Array.from(resumed.predict(Zi) as Float64Array)).toEqual(Array.from(saved.predict(Zi) as Float64Array));
      await resumed.partialFit(Zi, iris.y);
      await resumed.partialFit(Zi, iris.y);
      expect(bits(resumed)).toBe(bits(straight));
      expect(resumed.nEpochs).toBe(5);
    },
  );

  it("early stopping holds out rows, scores them each epoch and keeps the best weights", async () => {
    const m = await new MLPClassifier({
      hiddenLayerSizes: [8],
      earlyStopping: true,
      nIterNoChange: 30,
      maxEpochs: 400,
      learningRate: 0.05,
    }).fit(Zi, iris.y);
    expect(m.history.valScore?.length).toBe(m.nEpochs);
    expect(m.stopReason).toBe("earlyStopping");
    const { validation } = validationSplit(Zi.rows, 0.1, 0, Float64Array.from(iris.y));
    const rows = Array.from(validation, (i) => Array.from(Zi.data.subarray(i * 4, i * 4 + 4)));
    const kept = m.score(
      rows,
      Array.from(validation, (i) => iris.y[i] as number),
    );
    expect(kept).toBe(Math.max(...(m.history.valScore ?? [])));
    expect(m.score(Zi, iris.y)).toBeGreaterThan(0.9);
  });

  it("a rate far too large ends E_DIVERGED with finite weights", async () => {
    const big = diabetes.X.map((r) => r.map((v) => v * 1e3));
    const m = new MLPRegressor({ hiddenLayerSizes: [8], solver: "sgd", learningRate: 10, maxEpochs: 50 });
    await expectDescentError(() => m.fit(big, diabetes.y), "E_DIVERGED", /diverged/);
    expect(m.stopReason).toBe("diverged");
    for (const w of m.coefs) expect(Array.from(w.data).every(Number.isFinite)).toBe(true);
  });
});

describe("input checks", () => {
  it("bad data, labels, options and files are refused with the place named", async () => {
    await expectDescentError(() => new MLPRegressor().fit([[1, 2], [3]], [1, 2]), "E_SHAPE", /row 1/);
    await expectDescentError(() => new MLPRegressor().fit([[1, Number.NaN]], [1]), "E_NONFINITE", /row 0.*column 1/);
    await expectDescentError(() => new MLPRegressor().fit([[1], [2]], [1]), "E_SHAPE", /y/);
    await expectDescentError(
      () => new MLPRegressor().fit([[1], [2]], [1, Number.POSITIVE_INFINITY]),
      "E_NONFINITE",
      /y/,
    );
    await expectDescentError(() => new MLPClassifier().fit([[1], [2]], [1, 1]), "E_LABELS", /one class/);
    expect(() => new MLPClassifier({ hiddenLayerSizes: [0] })).toThrow(/hiddenLayerSizes/);
    expect(() => new MLPClassifier({ activation: "gelu" as never })).toThrow(/activation/);
    expect(() => new MLPClassifier({ solver: "lbfgsb" as never })).toThrow(/solver/);
    expect(() => new MLPClassifier({ learningRate: -1 })).toThrow(/learningRate/);
    expect(() => new MLPClassifier({ bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new MLPRegressor().predict([[1]])).toThrow(DescentError);
    const m = await new MLPRegressor({ hiddenLayerSizes: [2], maxEpochs: 2 }).fit(Zd, yd);
    expect(() => m.predict([[1, 2]])).toThrow(/columns/);
    await expectDescentError(
      () =>
        new MLPRegressor({
          hiddenLayerSizes: [2],
          initialWeights: { coefs: [[[1, 2]]], intercepts: [[0, 0]] },
        }).fit(Zd, yd),
      "E_SHAPE",
      /initialWeights/,
    );
    expect(() => MLPRegressor.fromJSON({ ...m.toJSON(), params: [1, 2] })).toThrow(/params/);
    await expectDescentError(
      () => new MLPRegressor({ earlyStopping: true }).partialFit(Zd, yd),
      "E_OPTION",
      /earlyStopping/,
    );
  });

  it("sample weights and coefInit are refused, not ignored; warmStart continues from the weights reached", async () => {
    await expectDescentError(
      () => new MLPRegressor({ hiddenLayerSizes: [2] }).fit(Zd, yd, { sampleWeight: yd.map(() => 1) }),
      "E_OPTION",
      /sampleWeight/,
    );
    await expectDescentError(
      () => new MLPClassifier().fit(Zi, iris.y, { coefInit: [1] }),
      "E_OPTION",
      /initialWeights/,
    );
    const m = await new MLPRegressor({ hiddenLayerSizes: [8], maxEpochs: 50, learningRate: 0.01, seed: 2 }).fit(Zd, yd);
    const after50 = m.history.loss.at(-1) as number;
    m.setOptions({ warmStart: true, maxEpochs: 5 });
    await m.fit(Zd, yd);
    // A fresh start would begin near the first epoch's loss; the warm start begins where it stopped,
    // and (as scikit-learn's n_iter_ and loss_curve_, issue 30) its epochs and history go on.
    expect(m.history.loss[50] as number).toBeLessThan(after50 * 1.2);
    expect(m.nEpochs).toBe(55);
    expect(m.history.loss).toHaveLength(55);
  });

  it("coefs and intercepts are scikit-learn's layout (fanIn × fanOut per layer)", async () => {
    const m = await new MLPClassifier({ hiddenLayerSizes: [7, 5], maxEpochs: 1 }).fit(Zi, iris.y);
    expect(m.coefs.map((w: Matrix) => [w.rows, w.cols])).toEqual([
      [4, 7],
      [7, 5],
      [5, 3],
    ]);
    expect(m.intercepts.map((b) => b.length)).toEqual([7, 5, 3]);
    expect(m.layerUnits).toEqual([4, 7, 5, 3]);
  });
});
