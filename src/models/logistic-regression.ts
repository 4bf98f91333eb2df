import { readModel, writeModel } from "../io/model-json.js";
import type { ProbabilityForm } from "../io/onnx-export.js";
import { ownExp, ownLog, ownLog1p } from "../kernels/math.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { checkOwnOptions, type OptionTable } from "../options/option-table.js";
import { resolveSgdOptions, serializableOptions } from "../train/options.js";
import { CLASSIFIER_KEYS, type ClassifierOptions, LinearClassifier, normalisedRow } from "./linear-classifier.js";

/** Options of LogisticRegression. */
export interface LogisticRegressionOptions extends ClassifierOptions {
  /** With 3+ classes: one softmax model ('multinomial', default) or one binary model per class ('ovr'). */
  multiClass?: "multinomial" | "ovr";
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + ownLog1p(ownExp(-z)) : ownLog1p(ownExp(z));
}

/** The largest of s[at..at+K). */
function rowMax(s: Float64Array, at: number, K: number): number {
  let top = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < K; c++) top = Math.max(top, s[at + c] as number);
  return top;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + ownExp(-z));
  const e = ownExp(z);
  return e / (1 + e);
}

/** LogisticRegression's own options (beside SGD_OPTION_TABLE and the classifiers' classWeight). */
export const LOGISTIC_REGRESSION_OPTION_TABLE: OptionTable = {
  multiClass: {
    rule: { type: "choice", values: ["multinomial", "ovr"] },
    default: "multinomial",
    doc: "3+ classes: one softmax model, or one binary model per class",
  },
};

/**
 * Logistic regression by gradient descent: binary log loss log(1 + exp(−y f)) with labels mapped to
 * −1/+1, or for 3+ classes the multinomial loss −log softmax(W x + b)[y] (or one-vs-rest).
 */
export class LogisticRegression extends LinearClassifier {
  /** How 3+ classes are handled. */
  readonly multiClass: "multinomial" | "ovr";

  constructor(options?: LogisticRegressionOptions) {
    super(options, resolveSgdOptions(options, [...CLASSIFIER_KEYS, ...Object.keys(LOGISTIC_REGRESSION_OPTION_TABLE)]));
    const mc = checkOwnOptions(LOGISTIC_REGRESSION_OPTION_TABLE, options).multiClass as "multinomial" | "ovr";
    this.multiClass = mc;
  }

  protected get modelName(): string {
    return "LogisticRegression";
  }

  protected get binaryLoss(): "log" {
    return "log";
  }

  protected get multinomial(): boolean {
    return this.multiClass === "multinomial";
  }

  protected get probabilityForm(): ProbabilityForm {
    return this.nOutputs === 1 ? "sigmoid" : this.multinomial ? "softmax" : "ovrSigmoid";
  }

  /**
   * Class probabilities, rows × classes (columns in the order of `classes`): the sigmoid for two
   * classes, the softmax for multinomial, normalised per-class sigmoids for one-vs-rest.
   */
  predictProba(X: MatrixLike): Matrix {
    return this.classTable(
      X,
      (f) => {
        const p1 = sigmoid(f);
        return [1 - p1, p1];
      },
      this.multinomial
        ? (s, at, K, out) => {
            const top = rowMax(s, at, K);
            normalisedRow(s, at, K, out, (v) => ownExp(v - top));
          }
        : (s, at, K, out) => normalisedRow(s, at, K, out, sigmoid),
    );
  }

  /**
   * The natural log of predictProba, computed stably: log-sigmoid −log(1 + e^(−f)) for two classes,
   * f_k − logsumexp(f) for multinomial, log of the normalised sigmoids for one-vs-rest.
   */
  predictLogProba(X: MatrixLike): Matrix {
    if (this.nOutputs > 1 && !this.multinomial) {
      const p = this.predictProba(X);
      return { ...p, data: p.data.map(Math.log) };
    }
    return this.classTable(
      X,
      (f) => [-softplus(f), -softplus(-f)],
      (s, at, K, out) => {
        const top = rowMax(s, at, K);
        let sum = 0;
        for (let c = 0; c < K; c++) sum += ownExp((s[at + c] as number) - top);
        const lse = top + ownLog(sum);
        for (let c = 0; c < K; c++) out[at + c] = (s[at + c] as number) - lse;
      },
    );
  }

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Record<string, unknown> {
    return { ...serializableOptions(this.opts), ...this.classifierOptions, multiClass: this.multiClass };
  }

  /** A versioned, JSON-safe snapshot: options, classes, weights, history, optimizer state. */
  toJSON(): Record<string, unknown> {
    return writeModel("LogisticRegression", {
      options: this.getOptions(),
      ...this.classifierJSON(),
    });
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): LogisticRegression {
    const { o, model } = readModel(
      json,
      "LogisticRegression",
      (options) => new LogisticRegression(options as LogisticRegressionOptions),
    );
    model.restoreClassifier(o);
    return model;
  }
}
