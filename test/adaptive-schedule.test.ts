// The 'adaptive' schedule to its last plateau (issue 30, bug 4): the rate is divided by 5 on each
// plateau while above 1e-6, so the last plateau trains at the first rate at or below it; epochs,
// weights and the MLP's loss curve against scikit-learn 1.2.1 (test/fixtures/sklearn-adaptive.json
// from scripts/sklearn-adaptive-fixtures.py), shuffling off.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/sklearn-adaptive.json", import.meta.url), "utf8"));
const { X, y } = loadDataset("diabetes", "progression");
const Z = new StandardScaler().fitTransform(X);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(b[i] as number)),
    );
};

describe("'adaptive' as scikit-learn's", () => {
  it.each(Object.keys(ref.linear))(
    "LinearRegression against SGDRegressor, %s: the same epochs and weights",
    async (name) => {
      const c = ref.linear[name];
      const m = await new LinearRegression({
        batchSize: 1,
        shuffle: false,
        schedule: "adaptive",
        learningRate: c.params.eta0,
        tol: c.params.tol,
        penalty: "none",
        nIterNoChange: 5,
        maxEpochs: 1000,
      }).fit(Z, y);
      expect(m.nEpochs).toBe(c.nIter);
      close(m.coef, c.coef, 1e-10);
      close([m.intercept], [c.intercept], 1e-10);
    },
  );

  it("MLPRegressor against scikit-learn's: the same epochs and loss curve", async () => {
    const c = ref.mlp;
    const p = c.params;
    const m = await new MLPRegressor({
      hiddenLayerSizes: p.hidden_layer_sizes,
      activation: p.activation,
      solver: "sgd",
      schedule: "adaptive",
      momentum: p.momentum,
      batchSize: p.batch_size,
      alpha: p.alpha,
      learningRate: p.learning_rate_init,
      maxEpochs: p.max_iter,
      tol: 1e-3,
      nIterNoChange: 3,
      shuffle: false,
      initialWeights: { coefs: c.initialCoefs, intercepts: c.initialIntercepts },
    }).fit(
      Z,
      y.map((v) => v / 100),
    );
    expect(m.nEpochs).toBe(c.nIter);
    close(m.history.loss, c.lossCurve, 1e-10);
  });
});
