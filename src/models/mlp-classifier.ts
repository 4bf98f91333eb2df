import { type Dataset, rowsAndTargets } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { field, readModel, writeModel } from "../io/model-json.js";
import { MlpOutput, type NetShape } from "../kernels/mlp-net.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { encodeLabels, indexLabels, type Label, readLabels } from "./labels.js";
import { accuracy } from "./metrics.js";
import { MultiLayerPerceptron } from "./mlp.js";
import type { MLPOptions } from "./mlp-options.js";
import { checkIndicator, indicatorPicks, subsetAccuracy, targetMatrix } from "./mlp-targets.js";

/** Classification targets: one label a row, or a rows × labels 0/1 indicator matrix (multi-label). */
export type ClassificationTargets = ArrayLike<Label> | Matrix | ArrayLike<ArrayLike<number>>;

/**
 * A multi-layer perceptron classifier, as scikit-learn's MLPClassifier: two classes end in one
 * logistic unit (binary log loss, classes[1] the positive class), three or more in a softmax; a
 * 0/1 indicator matrix y (two or more columns) trains one logistic unit per label (multi-label).
 */
export class MLPClassifier extends MultiLayerPerceptron {
  /** The sorted class labels seen at fit (multi-label: the label columns 0 … k−1); null before. */
  classes: Label[] | null = null;
  /** Whether the model was fitted on a label indicator matrix (one logistic output per label). */
  multiLabel = false;

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

  /** The targets of a label indicator matrix: one logistic output per column. */
  private labelTargets(m: Matrix) {
    return { y: m.data as Float64Array, outputs: m.cols, output: MlpOutput.logistic, strata: null };
  }

  /** y as an indicator matrix of 2+ columns (checked 0/1), or null for one label a row. */
  private indicator(y: unknown, rows: number): Matrix | null {
    const m = targetMatrix(y, rows);
    if (m === null || m.cols === 1) return null;
    checkIndicator(m);
    return m;
  }

  /** E_LABELS when a warm start or a later partialFit switches between labels and a label matrix. */
  private sameKind(multiLabel: boolean, cols: number): void {
    if (this.classes === null) return;
    if (this.multiLabel === multiLabel && (!multiLabel || this.classes.length === cols)) return;
    const had = this.multiLabel ? `a label matrix of ${this.classes.length} columns` : "one label a row";
    const now = multiLabel ? `a label matrix of ${cols} columns` : "one label a row";
    throw new DescentError(
      "E_LABELS",
      `the model was trained on ${had} but y is ${now}: a warm start or partialFit continues the same targets`,
    );
  }

  /** One label a row from y (the first column of a one-column matrix). */
  private labelsOf(y: unknown, rows: number): ArrayLike<Label> {
    const m = targetMatrix(y, rows);
    return m === null ? (y as ArrayLike<Label>) : Array.from(m.data);
  }

  /** Trains from new weights (or the current ones with warmStart, or initialWeights) until a stop rule fires. */
  async fit(data: MatrixLike | Dataset, target?: ClassificationTargets, options?: object): Promise<this> {
    this.assertUsable();
    const { X, y: given } = rowsAndTargets(data, target as ArrayLike<Label> | undefined);
    this.checkFitOptions(options);
    const m = this.checkFitX(X, this.opts.warmStart);
    const warm = this.opts.warmStart && this.classes !== null && this.nEpochs > 0;
    const labels = this.indicator(given, m.rows);
    if (labels !== null) {
      if (warm) this.sameKind(true, labels.cols);
      await this.train(m, this.labelTargets(labels), this.opts.maxEpochs, true);
      this.classes = Array.from({ length: labels.cols }, (_, c) => c);
      this.multiLabel = true;
      return this;
    }
    if (warm) this.sameKind(false, 0);
    const y = this.labelsOf(given, m.rows);
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
    this.multiLabel = false;
    return this;
  }

  /** One more epoch over (X, y), continuing the optimizer state; the first call fixes the classes (options.classes). */
  async partialFit(
    data: MatrixLike | Dataset,
    target?: ClassificationTargets,
    options: { classes?: ArrayLike<Label> } = {},
  ): Promise<this> {
    this.assertUsable();
    const { X, y: given } = rowsAndTargets(data, target as ArrayLike<Label> | undefined);
    this.checkFitOptions(options);
    this.assertPartialFit();
    const first = this.classes === null || this.shape === null;
    const m = this.checkFitX(X, !first);
    const labels = this.indicator(given, m.rows);
    if (!first) this.sameKind(labels !== null, labels?.cols ?? 0);
    if (labels !== null) {
      await this.train(m, this.labelTargets(labels), 1, first);
      this.classes = Array.from({ length: labels.cols }, (_, c) => c);
      this.multiLabel = true;
      return this;
    }
    const y = this.labelsOf(given, m.rows);
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

  /** Class probabilities, rows × classes in the order of `classes` (multi-label: each label's probability). */
  predictProba(X: MatrixLike): Matrix {
    const out = this.outputsOf(this.checkX(X, true));
    if (out.cols > 1 || this.multiLabel) return out;
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

  /**
   * Predicted labels: a Float64Array for numeric labels, an Array for string or boolean labels; a
   * multi-label model gives a rows × labels 0/1 Matrix (probability above 0.5).
   */
  predict(X: MatrixLike): Float64Array | string[] | boolean[] | Matrix {
    const classes = this.knownClasses();
    if (this.multiLabel) return indicatorPicks(this.outputsOf(this.checkX(X, true)));
    const picks = this.picks(this.outputsOf(this.checkX(X, true)));
    if (typeof classes[0] === "string") return Array.from(picks, (k) => classes[k] as string);
    if (typeof classes[0] === "boolean") return Array.from(picks, (k) => classes[k] as boolean);
    return Float64Array.from(picks, (k) => classes[k] as number);
  }

  /** The training objective on (X, y): mean log loss plus (alpha/2)·‖W‖²/n, in float64. */
  objective(X: MatrixLike, y: ClassificationTargets): number {
    const m = this.checkX(X, true);
    if (this.multiLabel) return this.objectiveOf(m, this.labelTargets(this.sameLabels(y, m.rows)));
    const index = indexLabels(this.labelsOf(y, m.rows), this.knownClasses());
    if (index.length !== m.rows)
      throw new DescentError("E_SHAPE", `y has ${index.length} values but X has ${m.rows} rows`);
    return this.objectiveOf(m, this.targets(index, this.knownClasses().length));
  }

  /** Accuracy of predict(X) against y (multi-label: the share of rows with every label right). */
  score(X: MatrixLike, y: ClassificationTargets): number {
    if (this.multiLabel) {
      const m = this.checkX(X, true);
      const labels = this.sameLabels(y, m.rows);
      return subsetAccuracy(labels.data, indicatorPicks(this.outputsOf(m)).data, labels.cols);
    }
    const pred = this.predict(X) as Float64Array | string[] | boolean[];
    const labels = this.labelsOf(y, pred.length);
    if (labels.length !== pred.length)
      throw new DescentError("E_SHAPE", `y has ${labels.length} values but X has ${pred.length} rows`);
    indexLabels(labels, this.knownClasses());
    return accuracy(labels, pred);
  }

  /** y as the model's label matrix (E_SHAPE / E_LABELS otherwise). */
  private sameLabels(y: unknown, rows: number): Matrix {
    const labels = this.indicator(y, rows);
    const k = this.knownClasses().length;
    if (labels === null || labels.cols !== k)
      throw new DescentError("E_SHAPE", `y must be a 0/1 label matrix of ${k} columns, as at fit`);
    return labels;
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
    if (shape.output === MlpOutput.logistic && K > 1) {
      const out = indicatorPicks({ data: this.outputsAt(shape, p, v.m), rows: v.m.rows, cols: K });
      return subsetAccuracy(v.y, out.data, K);
    }
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
      multiLabel: this.multiLabel,
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
    const multiLabel = (o as { multiLabel?: unknown }).multiLabel === true;
    const expected = multiLabel
      ? { output: MlpOutput.logistic, units: k }
      : k === 2
        ? { output: MlpOutput.logistic, units: 1 }
        : { output: MlpOutput.softmax, units: k };
    if (k < 2) throw new DescentError("E_FORMAT", `model JSON: an MLPClassifier needs at least 2 classes (has ${k})`);
    if (output !== expected.output || last !== expected.units)
      throw new DescentError(
        "E_FORMAT",
        `model JSON: ${k} ${multiLabel ? "labels" : "classes"} need a ${multiLabel ? `logistic output of ${k} units` : k === 2 ? "logistic output of 1 unit" : `softmax output of ${k} units`}, but the network has ${last} ${["identity", "logistic", "softmax"][output] ?? "unknown"} output unit(s)`,
      );
    model.classes = classes;
    model.multiLabel = multiLabel;
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
