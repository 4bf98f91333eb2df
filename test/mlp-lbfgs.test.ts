// scikit-learn's MLPs with solver 'lbfgs', multi-label y and multi-output y, against scikit-learn
// 1.2.1 (SciPy 1.10's L-BFGS-B) started from the same initial weights: the iteration count, every
// objective value L-BFGS reached (each one of the evaluations scikit-learn recorded, in order) and
// the final weights to 1e-8 relative; the stochastic solvers' multi-output cases to 1e-10. The
// reference numbers: test/fixtures/sklearn-mlp-lbfgs.json (scripts/sklearn-mlp-lbfgs-fixtures.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DescentError } from "../src/errors.js";
import { isMatrix, type Matrix } from "../src/matrix.js";
import { crossValidate, type FoldScores } from "../src/model-selection/cross-validate.js";
import { KFold } from "../src/model-selection/splitters.js";
import type { MultiLayerPerceptron } from "../src/models/mlp.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { takeRows } from "../src/models/sub-problems.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { findLearningRate } from "../src/tuning/find-learning-rate.js";
import { loadDataset } from "./helpers/datasets.js";
import { sklearnMlpOptions } from "./helpers/sklearn-mlp-options.js";

interface Case {
  data: "iris" | "breast_cancer" | "diabetes";
  kind: "classes" | "regression" | "multi-output" | "multi-label";
  y: number[][] | null;
  params: Record<string, unknown>;
  initialCoefs: number[][][];
  initialIntercepts: number[][];
  coefs: number[][][];
  intercepts: number[][];
  nIter: number;
  loss: number;
  predict: Array<number | number[]>;
  predictProba?: number[][];
  score: number;
  evaluations?: number[];
  lossCurve?: number[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/sklearn-mlp-lbfgs.json", import.meta.url), "utf8")) as {
  mlp: Record<string, Case>;
};
const TARGETS = { iris: "species", breast_cancer: "benign", diabetes: "progression" } as const;

function dataOf(c: Case): { X: Matrix; y: number[] | number[][] } {
  const { X, y } = loadDataset(c.data, TARGETS[c.data]);
  const Z = new StandardScaler().fitTransform(X);
  if (c.y !== null) return { X: Z, y: c.y };
  return { X: Z, y: c.kind === "regression" ? y.map((v) => v / 100) : y };
}

function optionsOf(c: Case) {
  const p = c.params;
  const base = sklearnMlpOptions(c);
  if (p.solver !== "lbfgs") return base;
  return {
    ...base,
    solver: "lbfgs" as const,
    tol: (p.tol as number | undefined) ?? 1e-4,
    maxFun: (p.max_fun as number | undefined) ?? 15000,
  };
}

function model(
  c: Case,
  backend: "js" | "wasm-simd" | "wasm-scalar" = "wasm-simd",
): MultiLayerPerceptron & {
  predict(X: Matrix): unknown;
  score(X: Matrix, y: unknown): number;
} {
  const opts = { ...optionsOf(c), backend };
  return c.kind === "classes" || c.kind === "multi-label" ? new MLPClassifier(opts) : new MLPRegressor(opts);
}

function weights(m: MultiLayerPerceptron): number[] {
  return [...m.coefs.flatMap((w) => Array.from(w.data)), ...m.intercepts.flatMap((b) => Array.from(b))];
}

describe.each(Object.keys(fixture.mlp))("MLP against scikit-learn: %s", (name) => {
  const c = fixture.mlp[name] as Case;
  it("the same iterations, objective values and weights", async () => {
    const { X, y } = dataOf(c);
    const m = model(c);
    await (m as MLPRegressor).fit(X, y as number[][]);
    const ref = [...(c.coefs.flat(2) as number[]), ...(c.intercepts.flat() as number[])];
    const got = weights(m);
    expect(got.length).toBe(ref.length);
    const lbfgs = c.evaluations !== undefined;
    const tol = lbfgs ? 1e-8 : 1e-10;
    got.forEach((v, j) => {
      const r = ref[j] as number;
      expect(Math.abs(v - r)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(r)));
    });
    expect(m.nIter).toBe(c.nIter);
    if (lbfgs) {
      // Each iteration's objective is one of scikit-learn's evaluations, in order.
      const evals = c.evaluations as number[];
      let at = 0;
      for (const f of m.lossCurve) {
        while (at < evals.length && Math.abs((evals[at] as number) - f) > 1e-8 * Math.abs(f)) at++;
        expect(at).toBeLessThan(evals.length);
        at++;
      }
      expect(Math.abs((m.lossCurve.at(-1) as number) - c.loss)).toBeLessThanOrEqual(1e-8 * c.loss);
    } else {
      m.lossCurve.forEach((l, e) => {
        expect(Math.abs(l - (c.lossCurve?.[e] as number))).toBeLessThanOrEqual(1e-10 * Math.max(1, l));
      });
    }
    // Predictions on every 7th row, and the score on all.
    const rows = Array.from({ length: Math.ceil(X.rows / 7) }, (_, k) => k * 7);
    const Xt: Matrix = { data: new Float64Array(rows.length * X.cols), rows: rows.length, cols: X.cols };
    rows.forEach((r, k) => {
      Xt.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), k * X.cols);
    });
    const pred = m.predict(Xt);
    const flat = isMatrix(pred) ? Array.from(pred.data) : Array.from(pred as ArrayLike<number>);
    const refPred = c.predict.flat() as number[];
    expect(flat.length).toBe(refPred.length);
    flat.forEach((v, j) => {
      expect(Math.abs(v - (refPred[j] as number))).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(v)));
    });
    if (c.predictProba !== undefined) {
      const p = (m as MLPClassifier).predictProba(Xt);
      expect(p.cols).toBe((c.predictProba[0] as number[]).length);
      Array.from(p.data).forEach((v, j) => {
        expect(Math.abs(v - (c.predictProba?.flat()[j] as number))).toBeLessThanOrEqual(1e-7);
      });
    }
    expect(Math.abs((m as MLPRegressor).score(X, y as number[][]) - c.score)).toBeLessThanOrEqual(1e-7);
  });
});

describe("MLP lbfgs, multi-label and multi-output: backends, refusals, saving", () => {
  const iris = loadDataset("iris", "species");
  const Z = new StandardScaler().fitTransform(iris.X);
  const labels = iris.y.map((s, i) => [s === 0 ? 1 : 0, (Z.data[i * 4 + 2] as number) > 0 ? 1 : 0]);

  it("lbfgs and multi-label training give the same bits on js, wasm-simd and wasm-scalar (float64)", async () => {
    for (const y of [iris.y, labels] as const) {
      const fits = await Promise.all(
        (["js", "wasm-simd", "wasm-scalar"] as const).map((backend) =>
          new MLPClassifier({ solver: "lbfgs", hiddenLayerSizes: [5], maxEpochs: 30, seed: 3, backend }).fit(Z, y),
        ),
      );
      const hex = fits.map((m) => Buffer.from(Float64Array.from(weights(m)).buffer).toString("hex"));
      expect(hex[1]).toBe(hex[0]);
      expect(hex[2]).toBe(hex[0]);
    }
  });

  it("refuses partialFit under lbfgs, a label matrix that is not 0/1, and a switch of target kind", async () => {
    const code = async (p: Promise<unknown>) => ((await p.catch((e) => e)) as DescentError).code;
    expect(await code(new MLPClassifier({ solver: "lbfgs" }).partialFit(Z, iris.y, { classes: [0, 1, 2] }))).toBe(
      "E_OPTION",
    );
    await expect(findLearningRate(new MLPClassifier({ solver: "lbfgs" }), Z, iris.y)).rejects.toThrow(
      /solver 'lbfgs' has no learning rate/,
    );
    expect(
      await code(
        new MLPClassifier({ maxEpochs: 2 }).fit(
          Z,
          labels.map((r) => [r[0] as number, 2]),
        ),
      ),
    ).toBe("E_LABELS");
    const warm = await new MLPClassifier({ maxEpochs: 2, warmStart: true, tol: null }).fit(Z, labels);
    expect(await code(warm.fit(Z, iris.y))).toBe("E_LABELS");
    const reg = await new MLPRegressor({ maxEpochs: 2, tol: null }).fit(Z, labels);
    expect(() => reg.score(Z, iris.y)).toThrow(/the network has 2/);
    expect(await code(new MLPRegressor({ maxEpochs: 2 }).fit(Z, labels.slice(1)))).toBe("E_SHAPE");
    expect(
      await code(
        new MLPRegressor({ maxEpochs: 2 }).fit(
          Z,
          labels.map((r) => [r[0] as number, Number.NaN]),
        ),
      ),
    ).toBe("E_NONFINITE");
  });

  it("a multi-label model and a multi-output model survive toJSON/fromJSON with their predictions", async () => {
    const c = await new MLPClassifier({ hiddenLayerSizes: [4], maxEpochs: 20, tol: null }).fit(Z, labels);
    const c2 = MLPClassifier.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(c2.multiLabel).toBe(true);
    expect(Array.from((c2.predict(Z) as Matrix).data)).toEqual(Array.from((c.predict(Z) as Matrix).data));
    expect(c2.predictProba(Z).cols).toBe(2);
    const r = await new MLPRegressor({ hiddenLayerSizes: [4], maxEpochs: 20, tol: null }).fit(Z, labels);
    const r2 = MLPRegressor.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    const p = r2.predict(Z) as Matrix;
    expect(p.cols).toBe(2);
    expect(Array.from(p.data)).toEqual(Array.from((r.predict(Z) as Matrix).data));
    // A one-column matrix is one output, as scikit-learn's (n, 1) y.
    const one = await new MLPRegressor({ hiddenLayerSizes: [4], maxEpochs: 3, tol: null }).fit(
      Z,
      labels.map((row) => [row[0] as number]),
    );
    expect(one.predict(Z)).toBeInstanceOf(Float64Array);
  });
});

describe("model selection on several outputs", () => {
  const iris = loadDataset("iris", "species");
  const Z = new StandardScaler().fitTransform(iris.X);
  const labels = iris.y.map((s, i) => [s === 0 ? 1 : 0, (Z.data[i * 4 + 2] as number) > 0 ? 1 : 0]);
  const outputs = iris.y.map((s, i) => [s, (Z.data[i * 4 + 3] as number) * 2]);

  it("crossValidate scores a multi-output regressor by R² averaged over outputs and a multi-label classifier by subset accuracy, as their score()", async () => {
    const opts = { hiddenLayerSizes: [5], solver: "lbfgs", maxEpochs: 30 } as const;
    for (const [make, y, scoring] of [
      [() => new MLPRegressor({ ...opts, hiddenLayerSizes: [5] }), outputs, "r2"],
      [() => new MLPClassifier({ ...opts, hiddenLayerSizes: [5] }), labels, "accuracy"],
    ] as const) {
      const folds = new KFold({ nSplits: 3, shuffle: true, seed: 1 }).split(Z.rows);
      const cv = (await crossValidate(make(), Z, y, { cv: folds, scoring })) as FoldScores;
      for (const [f, s] of folds.entries()) {
        const pick = (rows: Int32Array): Matrix => takeRows(Z, rows);
        const m = make();
        await (m as MLPRegressor).fit(
          pick(s.train),
          Array.from(s.train, (r) => y[r] as number[]),
        );
        const expected = (m as MLPRegressor).score(
          pick(s.test),
          Array.from(s.test, (r) => y[r] as number[]),
        );
        expect(cv.testScore[f]).toBe(expected);
      }
    }
    // A label matrix gets plain folds by default (no stratification on rows of labels).
    const byDefault = (await crossValidate(new MLPClassifier({ ...opts, hiddenLayerSizes: [3] }), Z, labels, {
      cv: 3,
    })) as FoldScores;
    expect(byDefault.testScore.length).toBe(3);
    await expect(
      crossValidate(new MLPClassifier({ ...opts, hiddenLayerSizes: [3] }), Z, labels, {
        cv: 3,
        scoring: "f1_macro",
      }),
    ).rejects.toThrow(/for a multi-label model use 'accuracy'/);
  });
});
