import { ownExp, ownLog, ownLog1p } from "../backend/js-math.js";
import { DescentError } from "../errors.js";
import { MODEL_FORMAT, MODEL_VERSION, readEnvelope, readObject } from "../io/model-json.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { resolveSgdOptions, serializableOptions } from "../train/options.js";
import { CLASSIFIER_KEYS, type ClassifierOptions, LinearClassifier } from "./linear-classifier.js";
import { linearScores } from "./linear-model.js";

/** Options of LogisticRegression. */
export interface LogisticRegressionOptions extends ClassifierOptions {
  /** With 3+ classes: one softmax model ('multinomial', default) or one binary model per class ('ovr'). */
  multiClass?: "multinomial" | "ovr";
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + ownLog1p(ownExp(-z)) : ownLog1p(ownExp(z));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + ownExp(-z));
  const e = ownExp(z);
  return e / (1 + e);
}

/**
 * Logistic regression by gradient descent: binary log loss log(1 + exp(−y f)) with labels mapped to
 * −1/+1, or for 3+ classes the multinomial loss −log softmax(W x + b)[y] (or one-vs-rest).
 */
export class LogisticRegression extends LinearClassifier {
  /** How 3+ classes are handled. */
  readonly multiClass: "multinomial" | "ovr";

  constructor(options?: LogisticRegressionOptions) {
    super(options, resolveSgdOptions(options, [...CLASSIFIER_KEYS, "multiClass"]));
    const mc = options?.multiClass ?? "multinomial";
    if (mc !== "multinomial" && mc !== "ovr") {
      throw new DescentError(
        "E_OPTION",
        `option 'multiClass' must be 'multinomial' or 'ovr' (got ${JSON.stringify(mc)})`,
      );
    }
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

  /**
   * Class probabilities, rows × classes (columns in the order of `classes`): the sigmoid for two
   * classes, the softmax for multinomial, normalised per-class sigmoids for one-vs-rest.
   */
  predictProba(X: MatrixLike): Matrix {
    const p = this.fitted();
    const m = this.checkX(X);
    const K = this.nOutputs;
    const s = linearScores(m, p, K);
    const cols = K === 1 ? 2 : K;
    const out = new Float64Array(m.rows * cols);
    for (let i = 0; i < m.rows; i++) {
      if (K === 1) {
        const p1 = sigmoid(s[i] as number);
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
        continue;
      }
      let sum = 0;
      if (this.multinomial) {
        let top = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < K; c++) top = Math.max(top, s[i * K + c] as number);
        for (let c = 0; c < K; c++) {
          const e = ownExp((s[i * K + c] as number) - top);
          out[i * K + c] = e;
          sum += e;
        }
      } else {
        for (let c = 0; c < K; c++) {
          const v = sigmoid(s[i * K + c] as number);
          out[i * K + c] = v;
          sum += v;
        }
      }
      for (let c = 0; c < K; c++) out[i * K + c] = (out[i * K + c] as number) / sum;
    }
    return { data: out, rows: m.rows, cols };
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
    const p = this.fitted();
    const m = this.checkX(X);
    const K = this.nOutputs;
    const s = linearScores(m, p, K);
    const cols = K === 1 ? 2 : K;
    const out = new Float64Array(m.rows * cols);
    for (let i = 0; i < m.rows; i++) {
      if (K === 1) {
        const f = s[i] as number;
        out[2 * i] = -softplus(f);
        out[2 * i + 1] = -softplus(-f);
        continue;
      }
      let top = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < K; c++) top = Math.max(top, s[i * K + c] as number);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += ownExp((s[i * K + c] as number) - top);
      const lse = top + ownLog(sum);
      for (let c = 0; c < K; c++) out[i * K + c] = (s[i * K + c] as number) - lse;
    }
    return { data: out, rows: m.rows, cols };
  }

  /** The options in force, with defaults filled in (no callback). */
  getOptions(): Record<string, unknown> {
    return { ...serializableOptions(this.opts), classWeight: this.classWeightOption, multiClass: this.multiClass };
  }

  /** A versioned, JSON-safe snapshot: options, classes, weights, history, optimizer state. */
  toJSON(): Record<string, unknown> {
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      model: "LogisticRegression",
      options: this.getOptions(),
      ...this.classifierJSON(),
    };
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): LogisticRegression {
    const o = readEnvelope(json, "LogisticRegression");
    let model: LogisticRegression;
    try {
      model = new LogisticRegression(readObject(o, "options") as LogisticRegressionOptions);
    } catch (err) {
      throw new DescentError("E_FORMAT", `model JSON: bad 'options': ${(err as Error).message}`, { cause: err });
    }
    model.restoreClassifier(o);
    return model;
  }
}
