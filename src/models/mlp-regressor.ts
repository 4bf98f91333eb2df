import { type Dataset, rowsAndTargets } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { readModel, writeModel } from "../io/model-json.js";
import { MlpOutput, type NetShape } from "../kernels/mlp-net.js";
import { type Matrix, type MatrixLike, toVector } from "../matrix.js";
import { r2Score } from "./metrics.js";
import { MultiLayerPerceptron } from "./mlp.js";
import type { MLPOptions } from "./mlp-options.js";
import { targetMatrix, uniformR2 } from "./mlp-targets.js";

/** Regression targets: one value a row, or a matrix (rows × outputs) for several outputs. */
export type RegressionTargets = ArrayLike<number> | Matrix | ArrayLike<ArrayLike<number>>;

/**
 * A multi-layer perceptron regressor, as scikit-learn's MLPRegressor: identity outputs, half
 * squared error (averaged over the outputs when y is a matrix, as scikit-learn's).
 */
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

  /** The targets of y for X's rows: a vector, or a rows × outputs matrix (several outputs). */
  private targets(y: RegressionTargets, rows: number) {
    const m = targetMatrix(y, rows);
    if (m !== null) return { y: m.data as Float64Array, outputs: m.cols, output: MlpOutput.identity, strata: null };
    return { y: toVector(y as ArrayLike<number>, rows, "y"), outputs: 1, output: MlpOutput.identity, strata: null };
  }

  /** Outputs per row (1 before fit). */
  get nOutputs(): number {
    return this.shape === null ? 1 : (this.shape.units[this.shape.layers] as number);
  }

  /** Trains from new weights (or the current ones with warmStart, or initialWeights) until a stop rule fires. */
  async fit(data: MatrixLike | Dataset, target?: RegressionTargets, options?: object): Promise<this> {
    this.assertUsable();
    const { X, y } = rowsAndTargets(data, target as ArrayLike<number> | undefined);
    this.checkFitOptions(options);
    const m = this.checkFitX(X, this.opts.warmStart);
    await this.train(m, this.targets(y, m.rows), this.opts.maxEpochs, true);
    return this;
  }

  /** One more epoch over (X, y), continuing the optimizer state. */
  async partialFit(data: MatrixLike | Dataset, target?: RegressionTargets, options?: object): Promise<this> {
    this.assertUsable();
    const { X, y } = rowsAndTargets(data, target as ArrayLike<number> | undefined);
    this.checkFitOptions(options);
    this.assertPartialFit();
    const first = this.shape === null;
    const m = this.checkFitX(X, !first);
    await this.train(m, this.targets(y, m.rows), 1, first);
    return this;
  }

  /**
   * Predictions in float64: one a row (a Float64Array) for one output, else a rows × outputs
   * Matrix (as scikit-learn's predict gives (n,) or (n, k)).
   */
  predict(X: MatrixLike): Float64Array | Matrix {
    const out = this.outputsOf(this.checkX(X, true));
    return out.cols === 1 ? (out.data as Float64Array) : out;
  }

  /** The training objective on (X, y): mean half squared error plus (alpha/2)·‖W‖²/n, in float64. */
  objective(X: MatrixLike, y: RegressionTargets): number {
    const m = this.checkX(X, true);
    return this.objectiveOf(m, this.checkedTargets(y, m.rows));
  }

  /** R² of the predictions on (X, y), averaged over the outputs (scikit-learn's 'uniform_average'). */
  score(X: MatrixLike, y: RegressionTargets): number {
    const m = this.checkX(X, true);
    const t = this.checkedTargets(y, m.rows);
    const pred = this.outputsOf(m).data;
    return t.outputs === 1 ? r2Score(t.y, pred) : uniformR2(t.y, pred, t.outputs);
  }

  /** targets(y) with as many outputs as the network has. */
  private checkedTargets(y: RegressionTargets, rows: number) {
    const t = this.targets(y, rows);
    if (t.outputs !== this.nOutputs)
      throw new DescentError("E_SHAPE", `y has ${t.outputs} output(s) a row but the network has ${this.nOutputs}`);
    return t;
  }

  protected validationScore(shape: NetShape, p: Float64Array, v: { m: Matrix; y: Float64Array }): number {
    const k = shape.units[shape.layers] as number;
    const pred = this.outputsAt(shape, p, v.m);
    return k === 1 ? r2Score(v.y, pred) : uniformR2(v.y, pred, k);
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
    // A regressor predicts through identity outputs.
    const { units, output } = model.savedShape();
    const last = units[units.length - 1] as number;
    if (output !== MlpOutput.identity)
      throw new DescentError(
        "E_FORMAT",
        `model JSON: an MLPRegressor has identity output units, but the network has ${last} ${["identity", "logistic", "softmax"][output] ?? "unknown"} output unit(s)`,
      );
    return model;
  }
}
