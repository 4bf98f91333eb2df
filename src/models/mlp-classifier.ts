import { type Dataset, rowsAndTargets } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { field, readModel, writeModel } from "../io/model-json.js";
import { MlpOutput, type NetShape } from "../kernels/mlp-net.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { encodeLabels, indexLabels, type Label, readLabels } from "./labels.js";
import { accuracy } from "./metrics.js";
import { MultiLayerPerceptron } from "./mlp.js";
import type { MLPOptions } from "./mlp-options.js";

/**
 * A multi-layer perceptron classifier, as scikit-learn's MLPClassifier: two classes end in one
 * logistic unit (binary log loss, classes[1] the positive class), three or more in a softmax.
 */
export class MLPClassifier extends MultiLayerPerceptron {
  /** The sorted class labels seen at fit; null before. */
  classes: Label[] | null = null;

  constructor(options?: MLPOptions) {
    super(options);
  }

  protected get modelName(): string {
    return "MLPClassifier";
  }

  protected exportClasses(): Label[] | null {
    return this.knownClasses();
  }

  private targets(index: Float64Array, K: number) {
    return {
      y: index,
      outputs: K === 2 ? 1 : K,
      output: K === 2 ? MlpOutput.logistic : MlpOutput.softmax,
      strata: index,
    };
  }

  /** Trains from new weights (or the current ones with warmStart, or initialWeights) until a stop rule fires. */
  async fit(data: MatrixLike | Dataset, target?: ArrayLike<Label>, options?: object): Promise<this> {
    this.assertUsable();
    const { X, y } = rowsAndTargets(data, target);
    this.checkFitOptions(options);
    const m = this.checkX(X, this.opts.warmStart);
    const { classes, index } = encodeLabels(y);
    if (index.length !== m.rows)
      throw new DescentError("E_SHAPE", `y has ${index.length} values but X has ${m.rows} rows`);
    if (classes.length < 2)
      throw new DescentError(
        "E_LABELS",
        `y has one class only (${JSON.stringify(classes[0])}): a classifier needs at least two`,
      );
    // A warm start continues the network it has: its classes must be these (scikit-learn refuses too).
    if (this.opts.warmStart && this.classes !== null && this.nEpochs > 0) sameClasses(this.classes, classes, "y");
    await this.train(m, this.targets(index, classes.length), this.opts.maxEpochs, true);
    this.classes = classes;
    return this;
  }

  /** One more epoch over (X, y), continuing the optimizer state; the first call fixes the classes (options.classes). */
  async partialFit(
    data: MatrixLike | Dataset,
    target?: ArrayLike<Label>,
    options: { classes?: ArrayLike<Label> } = {},
  ): Promise<this> {
    this.assertUsable();
    const { X, y } = rowsAndTargets(data, target);
    this.checkFitOptions(options);
    this.assertPartialFit();
    const first = this.classes === null || this.shape === null;
    const m = this.checkX(X, !first);
    const classes = first ? encodeLabels(options.classes ?? y).classes : (this.classes as Label[]);
    if (!first && options.classes !== undefined)
      sameClasses(classes, encodeLabels(options.classes).classes, "options.classes");
    if (classes.length < 2)
      throw new DescentError(
        "E_LABELS",
        options.classes === undefined
          ? `partialFit needs at least two classes: y has ${classes.length} (${JSON.stringify(classes)}); pass options.classes`
          : `partialFit needs at least two classes: options.classes has ${classes.length} class (${JSON.stringify(classes)})`,
      );
    const index = indexLabels(y, classes);
    if (index.length !== m.rows)
      throw new DescentError("E_SHAPE", `y has ${index.length} values but X has ${m.rows} rows`);
    await this.train(m, this.targets(index, classes.length), 1, first);
    this.classes = classes;
    return this;
  }

  /** Whether predictProba gives probabilities: always, for MLPClassifier. */
  get hasPredictProba(): boolean {
    return true;
  }

  /** Class probabilities, rows × classes in the order of `classes`. */
  predictProba(X: MatrixLike): Matrix {
    const out = this.outputsOf(this.checkX(X, true));
    if (out.cols > 1) return out;
    const data = new Float64Array(out.rows * 2);
    for (let i = 0; i < out.rows; i++) {
      const p = out.data[i] as number;
      data[2 * i] = 1 - p;
      data[2 * i + 1] = p;
    }
    return { data, rows: out.rows, cols: 2 };
  }

  /** The natural log of predictProba. */
  predictLogProba(X: MatrixLike): Matrix {
    const p = this.predictProba(X);
    return { ...p, data: p.data.map(Math.log) };
  }

  /** Predicted labels: a Float64Array for numeric labels, an Array for string or boolean labels. */
  predict(X: MatrixLike): Float64Array | string[] | boolean[] {
    const classes = this.knownClasses();
    const picks = this.picks(this.outputsOf(this.checkX(X, true)));
    if (typeof classes[0] === "string") return Array.from(picks, (k) => classes[k] as string);
    if (typeof classes[0] === "boolean") return Array.from(picks, (k) => classes[k] as boolean);
    return Float64Array.from(picks, (k) => classes[k] as number);
  }

  /** The training objective on (X, y): mean log loss plus (alpha/2)·‖W‖²/n, in float64. */
  objective(X: MatrixLike, y: ArrayLike<Label>): number {
    const m = this.checkX(X, true);
    const index = indexLabels(y, this.knownClasses());
    if (index.length !== m.rows)
      throw new DescentError("E_SHAPE", `y has ${index.length} values but X has ${m.rows} rows`);
    return this.objectiveOf(m, this.targets(index, this.knownClasses().length));
  }

  /** Accuracy of predict(X) against y. */
  score(X: MatrixLike, y: ArrayLike<Label>): number {
    const pred = this.predict(X);
    if (y.length !== pred.length)
      throw new DescentError("E_SHAPE", `y has ${y.length} values but X has ${pred.length} rows`);
    indexLabels(y, this.knownClasses());
    return accuracy(y, pred);
  }

  private knownClasses(): Label[] {
    this.fitted();
    if (this.classes === null) throw new DescentError("E_STATE", "MLPClassifier has no classes");
    return this.classes;
  }

  /** The class index of each row of outputs: p > 0.5 for one logistic unit, else the largest. */
  private picks(out: Matrix): Int32Array {
    const K = out.cols;
    const picks = new Int32Array(out.rows);
    for (let i = 0; i < out.rows; i++) {
      if (K === 1) {
        picks[i] = (out.data[i] as number) > 0.5 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let c = 1; c < K; c++) if ((out.data[i * K + c] as number) > (out.data[i * K + best] as number)) best = c;
      picks[i] = best;
    }
    return picks;
  }

  protected validationScore(shape: NetShape, p: Float64Array, v: { m: Matrix; y: Float64Array }): number {
    const K = shape.units[shape.layers] as number;
    const picks = this.picks({ data: this.outputsAt(shape, p, v.m), rows: v.m.rows, cols: K });
    let hits = 0;
    picks.forEach((k, i) => {
      if (k === v.y[i]) hits++;
    });
    return hits / picks.length;
  }

  /** A versioned, JSON-safe snapshot: options, classes, weights, history, optimizer state. */
  toJSON(): Record<string, unknown> {
    return writeModel("MLPClassifier", {
      options: this.getOptions(),
      classes: this.knownClasses(),
      ...this.stateJSON(),
    });
  }

  /** Rebuilds a model from toJSON() output (object or string); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): MLPClassifier {
    const { o, model } = readModel(json, "MLPClassifier", (options) => new MLPClassifier(options as MLPOptions));
    const classes = readLabels(field(o, "classes"));
    model.restoreState(o);
    // The output layer must be the one fit makes for these classes: a logistic unit for two, a
    // softmax unit per class for more (else predict would read labels that do not exist, and an
    // identity output would give "probabilities" outside [0, 1]).
    const { units, output } = model.savedShape();
    const k = classes.length;
    const last = units[units.length - 1] as number;
    const expected = k === 2 ? { output: MlpOutput.logistic, units: 1 } : { output: MlpOutput.softmax, units: k };
    if (k < 2) throw new DescentError("E_FORMAT", `model JSON: an MLPClassifier needs at least 2 classes (has ${k})`);
    if (output !== expected.output || last !== expected.units)
      throw new DescentError(
        "E_FORMAT",
        `model JSON: ${k} classes need a ${k === 2 ? "logistic output of 1 unit" : `softmax output of ${k} units`}, but the network has ${last} ${["identity", "logistic", "softmax"][output] ?? "unknown"} output unit(s)`,
      );
    model.classes = classes;
    return model;
  }
}

/** E_LABELS naming both sets when `now` (what `source` gives) are not the model's classes `had`. */
function sameClasses(had: readonly Label[], now: readonly Label[], source: string): void {
  if (had.length === now.length && had.every((c, i) => c === now[i])) return;
  throw new DescentError(
    "E_LABELS",
    `the model was trained on the classes ${JSON.stringify(had)} but ${source} has ${JSON.stringify(now)}: ` +
      "a warm start or partialFit continues the same classes (fit a new model for others)",
  );
}
