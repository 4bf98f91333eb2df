// The last of scikit-learn's SGD behaviours, from its own test suite: a validationFraction that
// leaves no training row is refused; capability getters answer before a call would throw.
import { describe, expect, it } from "vitest";
import { getScorer } from "../src/metrics/scorers.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { expectDescentError } from "./helpers/expect-error.js";

const X = Array.from({ length: 8 }, (_, i) => [i, (i * 3) % 5]);
const y = [0, 1, 0, 1, 0, 1, 0, 1];

describe("scikit-learn's SGD leftovers", () => {
  it("validationFraction 0.99 of 8 rows holds out all 8 and is refused, not clamped (as scikit-learn raises)", async () => {
    await expectDescentError(
      new LinearRegression({ earlyStopping: true, validationFraction: 0.99 }).fit(X, y),
      "E_OPTION",
      /validationFraction.*no training row/,
    );
    await expectDescentError(
      new LogisticRegression({ earlyStopping: true, validationFraction: 0.99 }).fit(X, y),
      "E_OPTION",
      /validationFraction/,
    );
    // 0.8 of 8 holds out 7 (rounded up) and trains on one: allowed, as scikit-learn allows it.
    await new LinearRegression({ earlyStopping: true, validationFraction: 0.8, maxEpochs: 3 }).fit(X, y);
  });

  it("hasPredictProba says whether predictProba answers, as hasattr does", async () => {
    const svm = await new LinearSVM({ maxEpochs: 3 }).fit(X, y);
    expect(svm.hasPredictProba).toBe(false);
    expect(() => svm.predictProba(X)).toThrow(/modifiedHuber/);
    const huber = await new LinearSVM({ maxEpochs: 3, loss: "modifiedHuber" }).fit(X, y);
    expect(huber.hasPredictProba).toBe(true);
    expect(huber.predictProba(X).cols).toBe(2);
    expect(new LogisticRegression().hasPredictProba).toBe(true);
    expect(new MLPClassifier().hasPredictProba).toBe(true);
    expect(svm.hasDecisionFunction).toBe(true);
    // A probability scorer asks first: a clear E_OPTION, not predictProba's own error.
    await expectDescentError(() => getScorer("neg_log_loss")(svm, X, y), "E_OPTION", /neg_log_loss.*predictProba/);
  });

  it("LinearSVM takes SGDClassifier's regression losses and refuses a Huber epsilon of 0", async () => {
    for (const loss of ["squared", "huber", "epsilonInsensitive", "squaredEpsilonInsensitive"] as const) {
      const m = await new LinearSVM({ loss, maxEpochs: 5, learningRate: 0.01 }).fit(X, y);
      expect(m.getOptions()).toMatchObject({ loss, epsilon: 0.1 });
      expect(m.predict(X)).toHaveLength(8);
    }
    expect(() => new LinearSVM({ loss: "huber", epsilon: 0 })).toThrow(/epsilon/);
    expect(() => new LinearSVM({ ovrClassWeight: "each" as never })).toThrow(/ovrClassWeight/);
  });
});
