// The metrics against scikit-learn 1.2.1 (test/fixtures/sklearn-metrics.json, from
// scripts/sklearn-metrics-fixtures.py): every case to 1e-12, with and without sample weights, on
// numeric and text labels, ties in the scores and a zero probability; and the refusals.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DescentError } from "../src/errors.js";
import {
  accuracyScore,
  balancedAccuracyScore,
  confusionMatrix,
  f1Score,
  logLoss,
  matthewsCorrcoef,
  precisionScore,
  recallScore,
  rocAucScore,
} from "../src/metrics/classification-metrics.js";
import {
  averagePrecisionScore,
  brierScoreLoss,
  precisionRecallCurve,
  rocCurve,
} from "../src/metrics/probability-metrics.js";
import {
  explainedVarianceScore,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogError,
  medianAbsoluteError,
  rootMeanSquaredError,
} from "../src/metrics/regression-metrics.js";
import { r2Score } from "../src/models/metrics.js";

interface Fixture {
  data: {
    w: number[];
    y: number[];
    p: number[];
    yb: number[];
    pb: number[];
    sb: number[];
    yc: string[];
    pc: string[];
    pr: number[][];
  };
  cases: Array<{ name: string; value: number; weighted: boolean; data?: string; average?: string; posLabel?: number }>;
  confusion: number[][];
  confusionWeighted: number[][];
  limits: Array<{
    name: "r2Score" | "explainedVarianceScore";
    y: number[];
    p: number[];
    forceFinite: boolean;
    value: number | string;
  }>;
  confusionNormalized: Record<"true" | "pred" | "all", number[][]>;
  curves: Array<{
    name: "rocCurve" | "precisionRecallCurve";
    y: Array<number | string>;
    score: number[];
    options: Record<string, unknown>;
    out: Record<string, number[]>;
  }>;
  optionCases: Array<{
    name: string;
    y: Array<number | string>;
    pred: Array<number | string> | number[][];
    options: Record<string, unknown>;
    value: number | string;
  }>;
}

/** "CODE message" of the DescentError `f` throws, or "none". */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as DescentError).code} ${(e as DescentError).message}`;
  }
  return "none";
}

const fx = JSON.parse(readFileSync(new URL("./fixtures/sklearn-metrics.json", import.meta.url), "utf8")) as Fixture;
const d = fx.data;

/** Our value of one fixture case. */
function ours(c: Fixture["cases"][number]): number {
  const sw = c.weighted ? d.w : null;
  const prf = { sampleWeight: sw, ...(c.average === undefined ? {} : { average: c.average as "macro" }) };
  switch (c.name) {
    case "meanAbsoluteError":
      return meanAbsoluteError(d.y, d.p, { sampleWeight: sw });
    case "meanSquaredError":
      return meanSquaredError(d.y, d.p, { sampleWeight: sw });
    case "rootMeanSquaredError":
      return rootMeanSquaredError(d.y, d.p, { sampleWeight: sw });
    case "r2Score":
      return r2Score(d.y, d.p, { sampleWeight: sw });
    case "explainedVarianceScore":
      return explainedVarianceScore(d.y, d.p, { sampleWeight: sw });
    case "accuracyScore":
      return accuracyScore(d.yc, d.pc, { sampleWeight: sw });
    case "balancedAccuracyScore":
      return balancedAccuracyScore(d.yc, d.pc, { sampleWeight: sw });
    case "precisionScore":
    case "recallScore":
    case "f1Score": {
      const fn = { precisionScore, recallScore, f1Score }[c.name];
      return c.data === "binary"
        ? fn(d.yb, d.pb, { sampleWeight: sw, ...(c.posLabel === undefined ? {} : { posLabel: c.posLabel }) })
        : fn(d.yc, d.pc, prf);
    }
    case "rocAucScore":
      return c.data === "binary"
        ? rocAucScore(d.yb, d.sb, { sampleWeight: sw })
        : rocAucScore(d.yc, d.pr, { sampleWeight: sw, ...(c.average === "weighted" ? { average: "weighted" } : {}) });
    case "logLoss":
      return c.data === "binary"
        ? logLoss(d.yb, d.sb, { sampleWeight: sw })
        : logLoss(d.yc, d.pr, { sampleWeight: sw });
  }
  throw new Error(`no case ${c.name}`);
}

describe("metrics equal scikit-learn 1.2.1's", () => {
  it.each(
    fx.cases.map(
      (c) =>
        [
          `${c.name} ${c.data ?? ""} ${c.average ?? ""} ${c.posLabel ?? ""} ${c.weighted ? "weighted" : ""}`,
          c,
        ] as const,
    ),
  )("%s", (_, c) => {
    const v = ours(c);
    expect(Math.abs(v - c.value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.value)));
  });

  it("the confusion matrix, counts and weights, labels sorted", () => {
    expect(confusionMatrix(d.yc, d.pc)).toEqual(fx.confusion);
    const weighted = confusionMatrix(d.yc, d.pc, { sampleWeight: d.w });
    weighted.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(Math.abs(v - (fx.confusionWeighted[i]?.[j] as number))).toBeLessThan(1e-12);
      });
    });
  });
});

describe("the limits, as scikit-learn's test_regression_metrics_at_limits", () => {
  it.each(fx.limits.map((c) => [`${c.name}(${c.y}, ${c.p}) forceFinite ${c.forceFinite}`, c] as const))(
    "%s",
    (_, c) => {
      const fn = c.name === "r2Score" ? r2Score : explainedVarianceScore;
      const v = fn(c.y, c.p, { forceFinite: c.forceFinite });
      // JSON carries NaN and infinities as text.
      expect(v).toBe(typeof c.value === "string" ? Number(c.value.replace("inf", "Infinity")) : c.value);
    },
  );

  it("the confusion matrix normalised by true label, prediction and all, a label of no row left at zeros", () => {
    for (const how of ["true", "pred", "all"] as const) {
      const ours = confusionMatrix(d.yc, d.pc, {
        labels: ["bird", "cat", "dog", "eel"],
        sampleWeight: d.w,
        normalize: how,
      });
      ours.forEach((row, i) => {
        row.forEach((v, j) => {
          expect(Math.abs(v - (fx.confusionNormalized[how][i]?.[j] as number))).toBeLessThan(1e-12);
        });
      });
    }
  });
});

describe("options as scikit-learn's, on cases of its own test suite", () => {
  const fns = {
    logLoss,
    accuracyScore,
    precisionScore,
    recallScore,
    f1Score,
    rocAucScore,
    medianAbsoluteError,
    maxError,
    meanAbsolutePercentageError,
    meanSquaredLogError,
    matthewsCorrcoef,
    averagePrecisionScore,
    brierScoreLoss,
  } as unknown as Record<string, (y: unknown, pred: unknown, options: unknown) => number>;
  it.each(fx.optionCases.map((c, i) => [`${i}: ${c.name} ${JSON.stringify(c.options).slice(0, 80)}`, c] as const))(
    "%s",
    (_, c) => {
      const v = (fns[c.name] as (y: unknown, pred: unknown, options: unknown) => number)(c.y, c.pred, c.options);
      if (typeof c.value === "string") expect(v).toBe(Number(c.value.replace("inf", "Infinity")));
      else expect(Math.abs(v - c.value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.value)));
    },
  );

  it("refuses a log loss whose y holds one label, or a label outside 'labels', and bad options", () => {
    expect(
      failure(() =>
        logLoss(
          [2, 2],
          [
            [0.2, 0.7],
            [0.6, 0.5],
          ],
        ),
      ),
    ).toMatch(/^E_LABELS .*only 2; pass them all as 'labels'/);
    expect(
      failure(() =>
        logLoss(
          [2, 5],
          [
            [0.2, 0.8],
            [0.6, 0.4],
          ],
          { labels: [1, 2] },
        ),
      ),
    ).toMatch(/^E_LABELS y holds 5/);
    expect(failure(() => logLoss([1, 2], [0.2, 0.6], { eps: 0.7 }))).toMatch(/^E_OPTION .*eps/);
    expect(failure(() => f1Score([1, 0], [1, 1], { zeroDivision: 2 as 1 }))).toMatch(/^E_OPTION .*zeroDivision/);
    expect(failure(() => meanSquaredLogError([1, 2], [1, -2]))).toMatch(/^E_OPTION .*no negative values: row 1/);
    expect(failure(() => brierScoreLoss([0, 1], [0.5, 1.5]))).toMatch(/^E_OPTION .*row 1 is 1.5, outside \[0, 1\]/);
    expect(failure(() => brierScoreLoss(["no", "yes"], [0.5, 0.5]))).toMatch(/^E_LABELS .*pass posLabel/);
    const probs = [
      [0.5, 0.3, 0.2],
      [0.2, 0.5, 0.3],
      [0.1, 0.2, 0.7],
    ];
    expect(failure(() => rocAucScore([0, 1, 2], probs, { multiClass: "ovo", sampleWeight: [1, 1, 1] }))).toMatch(
      /^E_OPTION .*one-vs-one ROC AUC takes no sample weights/,
    );
    expect(failure(() => rocAucScore([0, 1, 2], probs, { multiClass: "ovx" as "ovo" }))).toMatch(
      /^E_OPTION .*multiClass/,
    );
    expect(failure(() => averagePrecisionScore(["a", "b"], [0.5, 0.7]))).toMatch(/^E_LABELS posLabel 1 is not one/);
    expect(failure(() => averagePrecisionScore([0, 1, 2], [0.5, 0.7, 0.1]))).toMatch(/^E_LABELS .*at most two labels/);
    expect(failure(() => f1Score([1, 0], [1, 1], { average: "macro", labels: [] }))).toMatch(/^E_OPTION .*labels/);
    const toy = [
      [1, 0, 0],
      [0.1, 0.5, 0.4],
      [0.1, 0.1, 0.8],
      [0.3, 0.3, 0.4],
    ];
    expect(failure(() => rocAucScore(["a", "b", "a", "c"], toy, { labels: ["b", "a", "c"] }))).toMatch(
      /^E_OPTION .*ordered/,
    );
    expect(failure(() => rocAucScore(["a", "b", "a", "d"], toy, { labels: ["a", "b", "c"] }))).toMatch(
      /^E_LABELS y holds "d"/,
    );
  });
});

describe("the ROC and precision-recall curves equal scikit-learn 1.2.1's", () => {
  it.each(fx.curves.map((c, i) => [`${i}: ${c.name} ${Object.keys(c.options).join(" ")}`, c] as const))(
    "%s",
    (_, c) => {
      const got = (c.name === "rocCurve" ? rocCurve : precisionRecallCurve)(
        c.y,
        c.score,
        c.options,
      ) as unknown as Record<string, Float64Array>;
      for (const [key, want] of Object.entries(c.out)) {
        const v = got[key] as Float64Array;
        expect(v.length, key).toBe(want.length);
        want.forEach((x, i) => {
          expect(Math.abs((v[i] as number) - x), `${key}[${i}]`).toBeLessThanOrEqual(1e-12);
        });
      }
    },
  );

  it("asks for posLabel when the labels are not 0/1 or -1/1", () => {
    expect(failure(() => rocCurve(["a", "b"], [0.1, 0.9]))).toMatch(/^E_LABELS .*pass posLabel/);
    expect(rocCurve(["a", "b"], [0.1, 0.9], { posLabel: "b" }).tpr[1]).toBe(1);
  });
});

describe("refusals", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as DescentError).code;
    }
    return "none";
  };
  it("names what is wrong", () => {
    expect(code(() => meanSquaredError([1, 2], [1]))).toBe("E_SHAPE");
    expect(code(() => meanSquaredError([], []))).toBe("E_EMPTY");
    expect(code(() => f1Score(d.yc, d.pc))).toBe("E_LABELS");
    expect(code(() => precisionScore(["a", "b"], ["a", "b"]))).toBe("E_LABELS");
    expect(code(() => f1Score(d.yc, d.pc, { average: "median" as "macro" }))).toBe("E_OPTION");
    expect(code(() => rocAucScore([1, 1, 1], [0.1, 0.2, 0.3]))).toBe("E_LABELS");
    expect(code(() => accuracyScore([1, "1"], [1, 1]))).toBe("none");
    expect(code(() => confusionMatrix([1, "a"], [1, "a"]))).toBe("E_LABELS");
  });

  it("refuses NaN and infinity in y, predictions, scores, probabilities and weights, naming the row", () => {
    expect(failure(() => meanSquaredError([1, 2, Number.NaN], [1, 2, 3]))).toMatch(/^E_NONFINITE y at row 2 is NaN/);
    expect(failure(() => r2Score([1, 2, 3], [1, Number.POSITIVE_INFINITY, 3]))).toMatch(
      /^E_NONFINITE the prediction at row 1 is Infinity/,
    );
    expect(failure(() => meanAbsoluteError([1, 2], [1, 2], { sampleWeight: [1, Number.NaN] }))).toMatch(
      /^E_NONFINITE sampleWeight at row 1/,
    );
    expect(failure(() => accuracyScore([1, 2], [1, 2], { sampleWeight: [1, -1] }))).toMatch(/^E_OPTION .*negative/);
    expect(failure(() => accuracyScore([1, 2], [1, 2], { sampleWeight: [0, 0] }))).toMatch(
      /^E_OPTION .*0 on every row/,
    );
    expect(failure(() => f1Score([1, Number.NaN, 0], [1, 1, 0]))).toMatch(/^E_NONFINITE y at row 1 is NaN/);
    expect(failure(() => accuracyScore([1, 0], [1, Number.NEGATIVE_INFINITY]))).toMatch(
      /^E_NONFINITE the prediction at row 1 is -Infinity/,
    );
    expect(failure(() => balancedAccuracyScore([1, 0], [1, Number.NEGATIVE_INFINITY]))).toMatch(
      /^E_NONFINITE the prediction at row 1 is -Infinity/,
    );
    expect(failure(() => rocAucScore([1, 0, 1], [0.5, Number.NaN, 0.2]))).toMatch(/^E_NONFINITE the score at row 1/);
    expect(
      failure(() =>
        rocAucScore(
          ["a", "b"],
          [
            [0.5, Number.NaN],
            [0.2, 0.8],
          ],
        ),
      ),
    ).toMatch(/^E_NONFINITE the score at row 0, column 1/);
    expect(
      failure(() =>
        rocAucScore(
          ["a", "b"],
          [
            [0.5, 0.6],
            [0.2, 0.8],
          ],
        ),
      ),
    ).toMatch(/^E_SHAPE row 0 of the scores sums to 1.1/);
    expect(failure(() => logLoss([1, 0], [0.5, Number.NaN]))).toMatch(/^E_NONFINITE the probability at row 1/);
    expect(failure(() => r2Score([1, 2, 3], [1, 2]))).toMatch(/^E_SHAPE/);
    expect(failure(() => confusionMatrix([1, 0], [1, 0], { labels: [] }))).toMatch(/^E_LABELS .*at least one/);
    expect(failure(() => confusionMatrix([1, 0], [1, 0], { labels: [5, 6] }))).toMatch(
      /^E_LABELS .*none of the labels/,
    );
    expect(failure(() => confusionMatrix([1, 0], [1, 0], { normalize: "rows" as "true" }))).toMatch(/^E_OPTION/);
  });
});
