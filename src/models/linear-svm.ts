import { DescentError } from "../errors.js";
import { readModel, writeModel } from "../io/model-json.js";
import type { ProbabilityForm } from "../io/onnx-export.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { checkOwnOptions, type OptionTable } from "../options/option-table.js";
import { resolveSgdOptions, serializableOptions } from "../train/options.js";
import { CLASSIFIER_KEYS, type ClassifierOptions, LinearClassifier, normalisedRow } from "./linear-classifier.js";

/** Margin losses of LinearSVM. */
export type MarginLoss = "hinge" | "squaredHinge" | "modifiedHuber" | "perceptron";

const MARGIN_LOSSES: readonly MarginLoss[] = ["hinge", "squaredHinge", "modifiedHuber", "perceptron"];

/** Options of LinearSVM. */
export interface LinearSVMOptions extends ClassifierOptions {
  /**
   * 'hinge' max(0, 1 − y f) (default), 'squaredHinge' max(0, 1 − y f)², 'modifiedHuber' (the
   * squared hinge up to y f = −1, then linear: −4 y f; it has predictProba) or 'perceptron'
   * max(0, −y f).
   */
  loss?: MarginLoss;
}

/** LinearSVM's own options (beside SGD_OPTION_TABLE and the classifiers' classWeight). */
export const LINEAR_SVM_OPTION_TABLE: OptionTable = {
  loss: {
    rule: { type: "choice", values: MARGIN_LOSSES },
    default: "hinge",
    doc: "`'hinge'`, `'squaredHinge'`, `'modifiedHuber'` or `'perceptron'`",
  },
};

/** A linear support vector machine trained by (sub)gradient descent; 3+ classes one-vs-rest. */
export class LinearSVM extends LinearClassifier {
  /** The margin loss. */
  readonly loss: MarginLoss;

  constructor(options?: LinearSVMOptions) {
    super(options, resolveSgdOptions(options, [...CLASSIFIER_KEYS, ...Object.keys(LINEAR_SVM_OPTION_TABLE)]));
    const loss = checkOwnOptions(LINEAR_SVM_OPTION_TABLE, options).loss as MarginLoss;
    this.loss = loss;
  }

  protected get modelName(): string {
    return "LinearSVM";
  }

  protected get binaryLoss(): MarginLoss {
    return this.loss;
  }

  protected get multinomial(): boolean {
    return false;
  }

  protected get probabilityForm(): ProbabilityForm {
    return this.loss === "modifiedHuber" ? "modifiedHuber" : null;
  }

  /**
   * Class probabilities under loss 'modifiedHuber' (scikit-learn's rule), rows × classes in the
   * order of `classes`: for two classes p(classes[1]) = (clip(f, −1, 1) + 1)/2; for 3+ classes each
   * one-vs-rest value (clip(f_k, −1, 1) + 1)/2 divided by their sum (uniform where all are 0).
   * Other losses have no probabilities: E_OPTION.
   */
  predictProba(X: MatrixLike): Matrix {
    if (this.loss !== "modifiedHuber") {
      throw new DescentError(
        "E_OPTION",
        `LinearSVM.predictProba needs loss 'modifiedHuber' (this model's loss is '${this.loss}')`,
      );
    }
    const half = (f: number): number => (Math.min(1, Math.max(-1, f)) + 1) / 2;
    return this.classTable(
      X,
      (f) => {
        const p1 = half(f);
        return [1 - p1, p1];
      },
      (s, at, K, out) => normalisedRow(s, at, K, out, half),
    );
  }

  /** The natural log of predictProba (−Infinity where a probability is 0), as scikit-learn's. */
  predictLogProba(X: MatrixLike): Matrix {
    const p = this.predictProba(X);
    return { ...p, data: p.data.map(Math.log) };
  }

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Record<string, unknown> {
    return { ...serializableOptions(this.opts), classWeight: this.classWeightOption, loss: this.loss };
  }

  /** A versioned, JSON-safe snapshot: options, classes, weights, history, optimizer state. */
  toJSON(): Record<string, unknown> {
    return writeModel("LinearSVM", {
      options: this.getOptions(),
      ...this.classifierJSON(),
    });
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): LinearSVM {
    const { o, model } = readModel(json, "LinearSVM", (options) => new LinearSVM(options as LinearSVMOptions));
    model.restoreClassifier(o);
    return model;
  }
}
