import { DescentError } from "../errors.js";
import { readModel, writeModel } from "../io/model-json.js";
import type { ProbabilityForm } from "../io/onnx-export.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { checkOwnOptions, type OptionTable } from "../options/option-table.js";
import { resolveSgdOptions, serializableOptions } from "../train/options.js";
import { CLASSIFIER_KEYS, type ClassifierOptions, LinearClassifier, normalisedRow } from "./linear-classifier.js";

/**
 * Losses of LinearSVM: the margin losses, and scikit-learn's SGDClassifier regression losses on
 * the ±1 targets ('squared', 'huber', 'epsilonInsensitive', 'squaredEpsilonInsensitive').
 */
export type MarginLoss =
  | "hinge"
  | "squaredHinge"
  | "modifiedHuber"
  | "perceptron"
  | "squared"
  | "huber"
  | "epsilonInsensitive"
  | "squaredEpsilonInsensitive";

const MARGIN_LOSSES: readonly MarginLoss[] = [
  "hinge",
  "squaredHinge",
  "modifiedHuber",
  "perceptron",
  "squared",
  "huber",
  "epsilonInsensitive",
  "squaredEpsilonInsensitive",
];

/** The losses that take `epsilon`. */
const EPSILON_LOSSES: readonly MarginLoss[] = ["huber", "epsilonInsensitive", "squaredEpsilonInsensitive"];

/** Options of LinearSVM. */
export interface LinearSVMOptions extends ClassifierOptions {
  /**
   * 'hinge' max(0, 1 − y f) (default), 'squaredHinge' max(0, 1 − y f)², 'modifiedHuber' (the
   * squared hinge up to y f = −1, then linear: −4 y f; it has predictProba) or 'perceptron'
   * max(0, −y f); or a regression loss on the ±1 targets, as scikit-learn's SGDClassifier allows.
   */
  loss?: MarginLoss;
  /** Huber's threshold, or the epsilon-insensitive tube's half-width (> 0 for Huber, >= 0 for the tube). Default 0.1. */
  epsilon?: number;
}

/** LinearSVM's own options (beside SGD_OPTION_TABLE and the classifiers' classWeight). */
export const LINEAR_SVM_OPTION_TABLE: OptionTable = {
  loss: {
    rule: { type: "choice", values: MARGIN_LOSSES },
    default: "hinge",
    doc: "`'hinge'`, `'squaredHinge'`, `'modifiedHuber'`, `'perceptron'`, or a regression loss on the ±1 targets as scikit-learn's SGDClassifier takes (`'squared'`, `'huber'`, `'epsilonInsensitive'`, `'squaredEpsilonInsensitive'`)",
  },
  epsilon: {
    rule: { type: "number", min: 0 },
    default: 0.1,
    doc: "`'huber'`'s threshold (> 0), or the tube's half-width (≥ 0)",
  },
};

/** A linear support vector machine trained by (sub)gradient descent; 3+ classes one-vs-rest. */
export class LinearSVM extends LinearClassifier {
  /** The loss. */
  readonly loss: MarginLoss;
  /** The loss's epsilon (used by 'huber' and the epsilon-insensitive losses). */
  readonly epsilon: number;

  constructor(options?: LinearSVMOptions) {
    super(options, resolveSgdOptions(options, [...CLASSIFIER_KEYS, ...Object.keys(LINEAR_SVM_OPTION_TABLE)]));
    const own = checkOwnOptions(LINEAR_SVM_OPTION_TABLE, options);
    this.loss = own.loss as MarginLoss;
    this.epsilon = own.epsilon as number;
    if (this.loss === "huber" && this.epsilon === 0)
      throw new DescentError("E_OPTION", "option 'epsilon' must be a finite number > 0 for the 'huber' loss (got 0)");
  }

  protected override get binaryLossParam(): number {
    return EPSILON_LOSSES.includes(this.loss) ? this.epsilon : 0;
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
    return { ...serializableOptions(this.opts), ...this.classifierOptions, loss: this.loss, epsilon: this.epsilon };
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
