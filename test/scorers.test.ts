// Scorers by scikit-learn's names: each is its metric on the model's predictions, errors negated,
// roc_auc on the decision values where the model has them; unknown names and misuse are refused.
import { describe, expect, it } from "vitest";
import type { DescentError } from "../src/errors.js";
import { f1Score, logLoss, matthewsCorrcoef, rocAucScore } from "../src/metrics/classification-metrics.js";
import { averagePrecisionScore, brierScoreLoss } from "../src/metrics/probability-metrics.js";
import {
  maxError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
} from "../src/metrics/regression-metrics.js";
import { getScorer, SCORER_NAMES } from "../src/metrics/scorers.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";

describe("scorers", () => {
  it("know scikit-learn's names", () => {
    for (const n of [
      "r2",
      "neg_mean_squared_error",
      "neg_root_mean_squared_error",
      "f1_macro",
      "roc_auc",
      "roc_auc_ovr",
      "roc_auc_ovo",
      "roc_auc_ovo_weighted",
      "neg_log_loss",
      "balanced_accuracy",
      "neg_median_absolute_error",
      "neg_mean_absolute_percentage_error",
      "neg_mean_squared_log_error",
      "max_error",
      "matthews_corrcoef",
      "average_precision",
      "neg_brier_score",
    ])
      expect(SCORER_NAMES).toContain(n);
    expect(() => getScorer("f2")).toThrow(/no scorer named 'f2'/);
  });

  it("regression scorers are the metric on predict, errors negated", async () => {
    const { X, y } = loadDataset("diabetes", "progression");
    const Z = new StandardScaler().fitTransform(X);
    const m = await new LinearRegression({ batchSize: "full", maxEpochs: 200, learningRate: 0.1 }).fit(Z, y);
    expect(getScorer("neg_mean_squared_error")(m, Z, y)).toBe(-meanSquaredError(y, m.predict(Z)));
    expect(getScorer("r2")(m, Z, y)).toBe(m.score(Z, y));
    const pred = m.predict(Z);
    expect(getScorer("neg_median_absolute_error")(m, Z, y)).toBe(-medianAbsoluteError(y, pred));
    expect(getScorer("neg_mean_absolute_percentage_error")(m, Z, y)).toBe(-meanAbsolutePercentageError(y, pred));
    // scikit-learn's 'max_error' is negated too, and takes no weights.
    expect(getScorer("max_error")(m, Z, y)).toBe(-maxError(y, pred));
    expect(() => getScorer("max_error")(m, Z, y, new Float64Array(y.length).fill(1))).toThrow(/no sample weights/);
  });

  it("classification scorers: f1_macro on predict, roc_auc on the decision values, log loss on the probabilities", async () => {
    const { X, y } = loadDataset("iris", "species");
    const Z = new StandardScaler().fitTransform(X);
    const labels = Array.from(y as ArrayLike<number | string>).map(String);
    const m = await new LogisticRegression({ maxEpochs: 50 }).fit(Z, labels);
    expect(getScorer("f1_macro")(m, Z, labels)).toBe(f1Score(labels, m.predict(Z) as string[], { average: "macro" }));
    expect(getScorer("matthews_corrcoef")(m, Z, labels)).toBe(matthewsCorrcoef(labels, m.predict(Z) as string[]));
    const p = m.predictProba(Z);
    const rows = Array.from({ length: p.rows }, (_, r) => Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols)));
    expect(getScorer("neg_log_loss")(m, Z, labels)).toBe(-logLoss(labels, rows));
    expect(getScorer("roc_auc_ovr")(m, Z, labels)).toBe(rocAucScore(labels, rows));
    expect(getScorer("roc_auc_ovo")(m, Z, labels)).toBe(rocAucScore(labels, rows, { multiClass: "ovo" }));
    const err = (() => {
      try {
        getScorer("roc_auc")(m, Z, labels);
      } catch (e) {
        return e as DescentError;
      }
      return null;
    })();
    expect(err?.code).toBe("E_LABELS");
    const two = labels.map((l) => (l === labels[0] ? "yes" : "no"));
    const b = await new LogisticRegression({ maxEpochs: 50 }).fit(Z, two);
    expect(getScorer("roc_auc")(b, Z, two)).toBe(rocAucScore(two, b.decisionFunction(Z) as Float64Array));
    // The positive class is the model's second ('yes'), for the average precision and the Brier score.
    expect(getScorer("average_precision")(b, Z, two)).toBe(
      averagePrecisionScore(two, b.decisionFunction(Z) as Float64Array, { posLabel: "yes" }),
    );
    const pb = b.predictProba(Z);
    const pYes = Float64Array.from({ length: pb.rows }, (_, r) => pb.data[r * 2 + 1] as number);
    expect(getScorer("neg_brier_score")(b, Z, two)).toBe(-brierScoreLoss(two, pYes, { posLabel: "yes" }));
    expect(getScorer("neg_brier_score")(b, Z, two)).toBeLessThan(0);
  });
});
