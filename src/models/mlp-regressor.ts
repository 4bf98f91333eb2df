import { type Dataset, rowsAndTargets } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { readModel, writeModel } from "../io/model-json.js";
import { MlpOutput, type NetShape } from "../kernels/mlp-net.js";
import { type Matrix, type MatrixLike, toVector } from "../matrix.js";
import { r2Score } from "./metrics.js";
import { MultiLayerPerceptron } from "./mlp.js";
import type { MLPOptions } from "./mlp-options.js";

/** A multi-layer perceptron regressor, as scikit-learn's MLPRegressor: identity output, half squared error. */
export class MLPRegressor extends MultiLayerPerceptron {
  constructor(options?: MLPOptions) {
    super(options);
  }

  protected get modelName(): string {
    return "MLPRegressor";
  }

  protected exportClasses(): null {
    return null;
  }

  private targets(y: Float64Array) {
    return { y, outputs: 1, output: MlpOutput.identity, strata: null };
  }

  /** Trains from new weights (or the current ones with warmStart, or initialWeights) until a stop rule fires. */
  async fit(data: MatrixLike | Dataset, target?: ArrayLike<number>, options?: object): Promise<this> {
    this.assertUsable();
    const { X, y } = rowsAndTargets(data, target);
    this.checkFitOptions(options);
    const m = this.checkX(X, this.opts.warmStart);
    await this.train(m, this.targets(toVector(y, m.rows, "y")), this.opts.maxEpochs, true);
    return this;
  }

  /** One more epoch over (X, y), continuing the optimizer state. */
  async partialFit(data: MatrixLike | Dataset, target?: ArrayLike<number>, options?: object): Promise<this> {
    this.assertUsable();
    const { X, y } = rowsAndTargets(data, target);
    this.checkFitOptions(options);
    this.assertPartialFit();
    const first = this.shape === null;
    const m = this.checkX(X, !first);
    await this.train(m, this.targets(toVector(y, m.rows, "y")), 1, first);
    return this;
  }

  /** Predictions, one per row, in float64. */
  predict(X: MatrixLike): Float64Array {
    return this.outputsOf(this.checkX(X, true)).data as Float64Array;
  }

  /** The training objective on (X, y): mean half squared error plus (alpha/2)·‖W‖²/n, in float64. */
  objective(X: MatrixLike, y: ArrayLike<number>): number {
    const m = this.checkX(X, true);
    return this.objectiveOf(m, this.targets(toVector(y, m.rows, "y")));
  }

  /** R² of the predictions on (X, y). */
  score(X: MatrixLike, y: ArrayLike<number>): number {
    const pred = this.predict(X);
    return r2Score(toVector(y, pred.length, "y"), pred);
  }

  protected validationScore(shape: NetShape, p: Float64Array, v: { m: Matrix; y: Float64Array }): number {
    return r2Score(v.y, this.outputsAt(shape, p, v.m));
  }

  /** A versioned, JSON-safe snapshot: options, weights, history, optimizer state. */
  toJSON(): Record<string, unknown> {
    return writeModel("MLPRegressor", {
      options: this.getOptions(),
      ...this.stateJSON(),
    });
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): MLPRegressor {
    const { o, model } = readModel(json, "MLPRegressor", (options) => new MLPRegressor(options as MLPOptions));
    model.restoreState(o);
    // A regressor predicts one number a row through an identity output.
    const { units, output } = model.savedShape();
    const last = units[units.length - 1] as number;
    if (output !== MlpOutput.identity || last !== 1)
      throw new DescentError(
        "E_FORMAT",
        `model JSON: an MLPRegressor has one identity output unit, but the network has ${last} ${["identity", "logistic", "softmax"][output] ?? "unknown"} output unit(s)`,
      );
    return model;
  }
}
