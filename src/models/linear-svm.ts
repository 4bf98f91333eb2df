import { DescentError } from "../errors.js";
import { MODEL_FORMAT, MODEL_VERSION, readEnvelope, readObject } from "../io/model-json.js";
import { resolveSgdOptions, serializableOptions } from "../train/options.js";
import { CLASSIFIER_KEYS, type ClassifierOptions, LinearClassifier } from "./linear-classifier.js";

/** Options of LinearSVM. */
export interface LinearSVMOptions extends ClassifierOptions {
  /** 'hinge' max(0, 1 − y f) (default) or 'squaredHinge' max(0, 1 − y f)². */
  loss?: "hinge" | "squaredHinge";
}

/** A linear support vector machine trained by (sub)gradient descent; 3+ classes one-vs-rest. */
export class LinearSVM extends LinearClassifier {
  /** The margin loss. */
  readonly loss: "hinge" | "squaredHinge";

  constructor(options?: LinearSVMOptions) {
    super(options, resolveSgdOptions(options, [...CLASSIFIER_KEYS, "loss"]));
    const loss = options?.loss ?? "hinge";
    if (loss !== "hinge" && loss !== "squaredHinge") {
      throw new DescentError(
        "E_OPTION",
        `option 'loss' must be 'hinge' or 'squaredHinge' (got ${JSON.stringify(loss)})`,
      );
    }
    this.loss = loss;
  }

  protected get modelName(): string {
    return "LinearSVM";
  }

  protected get binaryLoss(): "hinge" | "squaredHinge" {
    return this.loss;
  }

  protected get multinomial(): boolean {
    return false;
  }

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Record<string, unknown> {
    return { ...serializableOptions(this.opts), classWeight: this.classWeightOption, loss: this.loss };
  }

  /** A versioned, JSON-safe snapshot: options, classes, weights, history, optimizer state. */
  toJSON(): Record<string, unknown> {
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      model: "LinearSVM",
      options: this.getOptions(),
      ...this.classifierJSON(),
    };
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): LinearSVM {
    const o = readEnvelope(json, "LinearSVM");
    let model: LinearSVM;
    try {
      model = new LinearSVM(readObject(o, "options") as LinearSVMOptions);
    } catch (err) {
      throw new DescentError("E_FORMAT", `model JSON: bad 'options': ${(err as Error).message}`, { cause: err });
    }
    model.restoreClassifier(o);
    return model;
  }
}
