import { hostBackend } from "../backend/js-backend.js";
import type { Dataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { field, type JsonObject, MODEL_VERSION, readCount, readState } from "../io/model-json.js";
import type { OnnxSpec, ProbabilityForm } from "../io/onnx-export.js";
import type { LinearLoss } from "../kernels/losses.js";
import { penaltyValue } from "../kernels/penalty.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { checkOwnOptions, type OptionTable } from "../options/option-table.js";
import type { GradientShard } from "../parallel/gradient-shard.js";
import type { ResolvedSgdOptions, SgdOptions } from "../train/options.js";
import { type ShardedFitOptions, shardedSolver } from "../train/sharded-checkpoint.js";
import { type ClassWeight, classWeights, encodeLabels, indexLabels, type Label, readLabels } from "./labels.js";
import { type FitOptions, LinearModel, linearScores, type SubProblem, takeEntries } from "./linear-model.js";
import { accuracy } from "./metrics.js";
import { fullBatchOnShards, lbfgsOnShards } from "./sharded-fits.js";
import { validationSplit } from "./validation-split.js";

/** Options every linear classifier takes. */
export interface ClassifierOptions extends SgdOptions {
  /** Weight per class label, or 'balanced' (n / (classes · count)); multiplies sampleWeight. */
  classWeight?: ClassWeight | null;
  /**
   * How one-vs-rest problems (3+ classes, not multinomial) use classWeight: 'row' (default) weighs
   * every row by its own class's weight in every problem; 'positive' is scikit-learn's
   * SGDClassifier convention: problem k weighs class k's rows by its weight and the rest by 1.
   */
  ovrClassWeight?: "row" | "positive";
}

/** Options of a classifier's partialFit. */
export interface PartialFitOptions extends FitOptions {
  /** All class labels, required on the first call when a batch may not show every class. */
  classes?: ArrayLike<Label>;
}

/** The classifiers' own option (beside SGD_OPTION_TABLE). */
export const CLASSIFIER_OPTION_TABLE: OptionTable = {
  classWeight: {
    rule: {
      type: "nullable",
      rule: { type: "custom", accepts: "'balanced' or { label: weight }", check: checkClassWeight },
    },
    default: null,
    doc: "`{ label: weight }` or `'balanced'` (n / (classes · count)); multiplies `sampleWeight`",
  },
  ovrClassWeight: {
    rule: { type: "choice", values: ["row", "positive"] },
    default: "row",
    doc: "one-vs-rest problems (3+ classes, not multinomial): `'row'` weighs every row by its own class's weight; `'positive'` is scikit-learn's SGDClassifier convention, where each problem weighs only its positive class's rows and the rest 1",
  },
};

/** Own option keys of classifiers (validated by CLASSIFIER_OPTION_TABLE, not by the common options). */
export const CLASSIFIER_KEYS: readonly string[] = Object.keys(CLASSIFIER_OPTION_TABLE);

function checkClassWeight(v: unknown): ClassWeight | null {
  if (v === undefined || v === null) return null;
  if (v === "balanced") return v;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new DescentError(
      "E_OPTION",
      `option 'classWeight' must be 'balanced' or { label: weight } (got ${JSON.stringify(v)})`,
    );
  }
  return { ...(v as Record<string, number>) };
}

/** Index of the largest of `k` values starting at `off` (first one on ties). */
function argmax(a: Float64Array, off: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if ((a[off + c] as number) > (a[off + best] as number)) best = c;
  return best;
}

/**
 * out[at..at+K) ← f(s[at..at+K)) divided by their sum; a row whose values are all 0 becomes
 * uniform (1/K each).
 */
export function normalisedRow(
  s: Float64Array,
  at: number,
  K: number,
  out: Float64Array,
  f: (v: number) => number,
): void {
  let sum = 0;
  for (let c = 0; c < K; c++) {
    const v = f(s[at + c] as number);
    out[at + c] = v;
    sum += v;
  }
  for (let c = 0; c < K; c++) out[at + c] = sum === 0 ? 1 / K : (out[at + c] as number) / sum;
}

/** The share of n rows for which `hit` holds, weighted by sw (unweighted when null). */
function weightedHits(n: number, sw: Float64Array | null, hit: (i: number) => boolean): number {
  let hits = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = sw === null ? 1 : (sw[i] as number);
    total += w;
    if (hit(i)) hits += w;
  }
  return total > 0 ? hits / total : 0;
}

/**
 * Shared machinery of LogisticRegression and LinearSVM: label encoding (numbers or strings),
 * class weights, binary / multinomial / one-vs-rest problems, decision values and accuracy.
 * Binary problems map classes[0] to −1 and classes[1] to +1, as scikit-learn.
 */
export abstract class LinearClassifier extends LinearModel {
  /** The sorted class labels seen at fit; null before. */
  classes: Label[] | null = null;
  protected readonly classWeight: ClassWeight | null;
  /** How one-vs-rest problems weigh the classes (see ClassifierOptions.ovrClassWeight). */
  protected readonly ovrClassWeight: "row" | "positive";

  protected constructor(options: ClassifierOptions | undefined, opts: ResolvedSgdOptions) {
    super(opts);
    const own = checkOwnOptions(CLASSIFIER_OPTION_TABLE, options);
    this.classWeight = own.classWeight as ClassWeight | null;
    this.ovrClassWeight = own.ovrClassWeight as "row" | "positive";
  }

  /** The loss of binary and one-vs-rest problems. */
  protected abstract get binaryLoss(): LinearLoss;
  /** That loss's parameter (Huber's threshold, the epsilon-insensitive tube's half-width); 0 by default. */
  protected get binaryLossParam(): number {
    return 0;
  }
  /** Whether 3+ classes are trained jointly with the softmax loss (else one-vs-rest). */
  protected abstract get multinomial(): boolean;

  /** Weights: a Float64Array for two classes, a classes × features Matrix otherwise. */
  get coef(): Float64Array | Matrix {
    const p = this.fitted();
    const d = this.nFeatures;
    if (this.nOutputs === 1) return p.slice(0, d);
    return { data: p.slice(0, this.nOutputs * d), rows: this.nOutputs, cols: d };
  }

  /** Intercepts: a number for two classes, one per class otherwise. */
  get intercept(): number | Float64Array {
    const p = this.fitted();
    const d = this.nFeatures;
    if (this.nOutputs === 1) return p[d] as number;
    return p.slice(this.nOutputs * d);
  }

  private knownClasses(): Label[] {
    this.fitted();
    if (this.classes === null) throw new DescentError("E_STATE", `${this.modelName} has no classes`);
    return this.classes;
  }

  /** The problems for labels `index` (class indices) under `classes`, with optional validation rows. */
  private problems(
    index: Float64Array,
    weights: { given: Float64Array | null; classes: Label[] },
    K: number,
    val: { m: Matrix; index: Float64Array; sw: Float64Array | null } | null,
  ): { problems: SubProblem[]; outputs: number } {
    const lossParam = this.binaryLossParam;
    const sw = this.rowWeights(weights.given, index, weights.classes);
    const binaryTargets = (k: number, idx: Float64Array): Float64Array => {
      const t = new Float64Array(idx.length);
      for (let i = 0; i < idx.length; i++) t[i] = idx[i] === k ? 1 : -1;
      return t;
    };
    const binaryValidate = (k: number): SubProblem["validate"] => {
      if (val === null) return null;
      const target = binaryTargets(k, val.index);
      return (p) => {
        const f = linearScores(val.m, p, 1);
        return weightedHits(f.length, val.sw, (i) => ((f[i] as number) > 0 ? 1 : -1) === target[i]);
      };
    };
    if (K === 2) {
      return {
        outputs: 1,
        problems: [
          {
            kind: "linear",
            loss: this.binaryLoss,
            lossParam,
            outputs: 1,
            y: binaryTargets(1, index),
            sampleWeight: sw,
            validate: binaryValidate(1),
          },
        ],
      };
    }
    if (this.multinomial) {
      const validate: SubProblem["validate"] =
        val === null
          ? null
          : (p) => {
              const s = linearScores(val.m, p, K);
              return weightedHits(val.m.rows, val.sw, (i) => argmax(s, i * K, K) === val.index[i]);
            };
      return {
        outputs: K,
        problems: [{ kind: "softmax", loss: "log", lossParam, outputs: K, y: index, sampleWeight: sw, validate }],
      };
    }
    return {
      outputs: K,
      problems: Array.from({ length: K }, (_, k) => ({
        kind: "linear" as const,
        loss: this.binaryLoss,
        lossParam,
        outputs: 1,
        y: binaryTargets(k, index),
        sampleWeight: this.ovrClassWeight === "positive" ? this.positiveWeights(k, weights, index) : sw,
        validate: binaryValidate(k),
      })),
    };
  }

  /**
   * Problem k's row weights under ovrClassWeight 'positive' (scikit-learn's SGDClassifier): class
   * k's rows carry its class weight, the other rows 1, times the sample weights.
   */
  private positiveWeights(
    k: number,
    weights: { given: Float64Array | null; classes: Label[] },
    index: Float64Array,
  ): Float64Array | null {
    if (this.classWeight === null) return weights.given;
    const ck = classWeights(this.classWeight, weights.classes, index)[k] as number;
    const g = weights.given;
    return index.map((c, i) => (g === null ? 1 : (g[i] as number)) * (c === k ? ck : 1));
  }

  /** Sample weights times class weights (null when all are 1). */
  private rowWeights(sw: Float64Array | null, index: Float64Array, classes: Label[]): Float64Array | null {
    if (this.classWeight === null) return sw;
    const cw = classWeights(this.classWeight, classes, index);
    return index.map((c, i) => (sw === null ? 1 : (sw[i] as number)) * (cw[c] as number));
  }

  /** Trains from scratch (or from the current weights with warmStart) until a stop rule fires. */
  async fit(data: MatrixLike | Dataset, target?: ArrayLike<Label>, options: FitOptions = {}): Promise<this> {
    this.assertUsable();
    const { X, y } = this.fitInput(data, target);
    this.assertFitsMemory(X);
    // NaN/Infinity: the backend scans the rows it trains on; validation rows are scanned below.
    const m = this.checkX(X, this.opts.warmStart, false);
    const { classes, index } = encodeLabels(y);
    if (index.length !== m.rows)
      throw new DescentError("E_SHAPE", `y has ${index.length} values but X has ${m.rows} rows`);
    if (classes.length < 2) {
      throw new DescentError(
        "E_LABELS",
        `y has one class only (${JSON.stringify(classes[0])}): a classifier needs at least two`,
      );
    }
    const given = this.checkWeights(options.sampleWeight, m.rows, true);
    const K = classes.length;
    if (!this.opts.earlyStopping) {
      const { problems, outputs } = this.problems(index, { given, classes }, K, null);
      const init = this.initialParams(options, outputs, m.cols);
      const staged = await this.stageX(m);
      this.classes = classes;
      await this.trainProblems(staged, problems, outputs, this.opts.maxEpochs, true, init);
      return this;
    }
    const { train, validation } = validationSplit(m.rows, this.opts.validationFraction, this.opts.seed, index, (k) =>
      JSON.stringify(classes[k]),
    );
    const val = {
      m: this.validationRows(m, validation),
      index: takeEntries(index, validation),
      sw: given === null ? null : takeEntries(given, validation),
    };
    const { problems, outputs } = this.problems(
      takeEntries(index, train),
      { given: given === null ? null : takeEntries(given, train), classes },
      K,
      val,
    );
    const init = this.initialParams(options, outputs, m.cols);
    const staged = await this.stageX(m, train);
    this.classes = classes;
    await this.trainProblems(staged, problems, outputs, this.opts.maxEpochs, true, init);
    return this;
  }

  /**
   * Full-batch training of a binary classifier over shards of the rows held elsewhere (each shard's
   * targets ±1: `descent worker … --classes a,b` maps b to +1): the same result as fit with
   * batchSize 'full' on all the rows, to 1e-12. `classes` are the two labels, negative first.
   * With `checkpoint`, the coordinator's state is saved after every epoch and a stopped fit resumes.
   */
  async fitSharded(
    shards: readonly GradientShard[],
    options: ShardedFitOptions & { classes: readonly Label[] },
  ): Promise<this> {
    const classes = [...options.classes];
    if (classes.length !== 2) {
      throw new DescentError(
        "E_OPTION",
        `${this.modelName}.fitSharded trains two classes (got ${classes.length}): pass { classes: [negative, positive] }`,
      );
    }
    const start = this.shardedStart();
    if (shardedSolver(options, `${this.modelName}.fitSharded`) === "lbfgs")
      this.adoptSharded(await lbfgsOnShards(start, shards, this.binaryLoss, this.binaryLossParam));
    else
      this.adoptSharded(
        await fullBatchOnShards(start, shards, this.binaryLoss, this.binaryLossParam, options.checkpoint),
      );
    this.classes = classes;
    return this;
  }

  /** One more epoch over (X, y), continuing optimizer and schedule state; the first call fixes the classes. */
  async partialFit(
    data: MatrixLike | Dataset,
    target?: ArrayLike<Label>,
    options: PartialFitOptions = {},
  ): Promise<this> {
    this.assertUsable();
    const { X, y } = this.fitInput(data, target);
    this.assertPartialFitOptions(options);
    if (this.classWeight === "balanced") {
      throw new DescentError(
        "E_OPTION",
        "option 'classWeight' 'balanced' does not work with partialFit (one batch's class counts are not the data's): pass { label: weight } computed from all the data",
      );
    }
    this.assertFitsMemory(X);
    const m = this.checkX(X, true, false);
    if (this.classes === null || this.params === null) {
      const given = options.classes ?? y;
      const { classes } = encodeLabels(given);
      if (classes.length < 2)
        throw new DescentError("E_LABELS", "partialFit needs at least two classes (pass options.classes)");
      this.classes = classes;
    }
    const index = indexLabels(y, this.classes);
    if (index.length !== m.rows)
      throw new DescentError("E_SHAPE", `y has ${index.length} values but X has ${m.rows} rows`);
    const given = this.checkWeights(options.sampleWeight, m.rows, true);
    const { problems, outputs } = this.problems(index, { given, classes: this.classes }, this.classes.length, null);
    await this.trainProblems(await this.stageX(m), problems, outputs, 1, false);
    return this;
  }

  /**
   * A rows × classes table (columns in the order of `classes`) from the decision values of X:
   * `two(f)` gives a row's pair for two classes, `many(s, at, K, out)` writes a row of 3+ classes
   * from its K values s[at..at+K) to out[at..at+K).
   */
  protected classTable(
    X: MatrixLike,
    two: (f: number) => readonly [number, number],
    many: (s: Float64Array, at: number, K: number, out: Float64Array) => void,
  ): Matrix {
    const p = this.fitted();
    const m = this.checkX(X);
    const K = this.nOutputs;
    const s = linearScores(m, p, K);
    const cols = K === 1 ? 2 : K;
    const out = new Float64Array(m.rows * cols);
    for (let i = 0; i < m.rows; i++) {
      if (K === 1) {
        const [a, b] = two(s[i] as number);
        out[2 * i] = a;
        out[2 * i + 1] = b;
      } else many(s, i * K, K, out);
    }
    return { data: out, rows: m.rows, cols };
  }

  /** Decision values w·x + b: one per row for two classes, else a rows × classes Matrix. */
  decisionFunction(X: MatrixLike): Float64Array | Matrix {
    const p = this.fitted();
    const m = this.checkX(X);
    const s = linearScores(m, p, this.nOutputs);
    return this.nOutputs === 1 ? s : { data: s, rows: m.rows, cols: this.nOutputs };
  }

  /** Predicted labels: a Float64Array for numeric labels, an Array for string or boolean labels. */
  predict(X: MatrixLike): Float64Array | string[] | boolean[] {
    const classes = this.knownClasses();
    const p = this.fitted();
    const m = this.checkX(X);
    const K = this.nOutputs;
    const s = linearScores(m, p, K);
    const picks = Array.from({ length: m.rows }, (_, i) =>
      K === 1 ? ((s[i] as number) > 0 ? 1 : 0) : argmax(s, i * K, K),
    );
    if (typeof classes[0] === "string") return picks.map((k) => classes[k] as string);
    if (typeof classes[0] === "boolean") return picks.map((k) => classes[k] as boolean);
    return Float64Array.from(picks, (k) => classes[k] as number);
  }

  /** Accuracy of predict(X) against y (optionally weighted). */
  score(X: MatrixLike, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number>): number {
    const pred = this.predict(X);
    if (y.length !== pred.length)
      throw new DescentError("E_SHAPE", `y has ${y.length} values but X has ${pred.length} rows`);
    indexLabels(y, this.knownClasses());
    return accuracy(y, pred, this.checkWeights(sampleWeight, pred.length));
  }

  /**
   * The training objective on (X, y) in float64: mean weighted loss plus alpha·R(W), summed over the
   * binary problems for one-vs-rest (class weights included, as in training).
   */
  objective(X: MatrixLike, y: ArrayLike<Label>, options: FitOptions = {}): number {
    const p = this.fitted();
    const m = this.checkX(X);
    const classes = this.knownClasses();
    const index = indexLabels(y, classes);
    const given = this.checkWeights(options.sampleWeight, m.rows);
    const d = m.cols;
    const K = classes.length;
    const h = hostBackend;
    const Xb = h.wrap(m.data);
    const { problems } = this.problems(index, { given, classes }, K, null);
    let total = 0;
    problems.forEach((prob, k) => {
      const weights = prob.sampleWeight === null ? null : h.wrap(prob.sampleWeight);
      if (prob.kind === "softmax") {
        const sum = h.softmaxGrad(
          Xb,
          h.wrap(prob.y),
          weights,
          null,
          0,
          m.rows,
          d,
          K,
          h.wrap(p),
          h.alloc(p.length),
          h.allocF64(K),
        );
        total += sum / m.rows + penaltyValue(p, K * d, this.penalty);
        return;
      }
      const v = new Float64Array(d + 1);
      v.set(p.subarray(k * d, (k + 1) * d));
      v[d] = p[this.nOutputs * d + k] as number;
      const sum = h.linearGrad(
        prob.loss,
        Xb,
        h.wrap(prob.y),
        weights,
        null,
        0,
        m.rows,
        d,
        h.wrap(v),
        h.alloc(d + 1),
        prob.lossParam,
      );
      total += sum / m.rows + penaltyValue(v, d, this.penalty);
    });
    return total;
  }

  /** How this classifier's probabilities are formed, or null when it has none. */
  protected abstract get probabilityForm(): ProbabilityForm;

  /**
   * Whether predictProba gives probabilities (as scikit-learn's hasattr(model, 'predict_proba')):
   * LogisticRegression always, LinearSVM under loss 'modifiedHuber'.
   */
  get hasPredictProba(): boolean {
    return this.probabilityForm !== null;
  }

  /** Whether decisionFunction is there: always, for a linear classifier. */
  get hasDecisionFunction(): boolean {
    return true;
  }

  protected onnxSpec(): OnnxSpec {
    return {
      modelName: this.modelName,
      layers: [this.onnxLayer()],
      classes: this.knownClasses(),
      pick: this.nOutputs === 1 ? "sign" : "argmax",
      probabilities: this.probabilityForm,
      outputIsProbability: false,
      producerVersion: String(MODEL_VERSION),
    };
  }

  /** Classifier part of the model JSON. */
  protected classifierJSON(): Record<string, unknown> {
    return { classes: this.knownClasses(), nFeatures: this.nFeatures, ...this.stateJSON() };
  }

  /** Restores what classifierJSON wrote; E_FORMAT names what is wrong. */
  protected restoreClassifier(o: JsonObject): void {
    const classes = readLabels(field(o, "classes"));
    const d = readCount(o, "nFeatures");
    if (d < 1) throw new DescentError("E_FORMAT", "model JSON: 'nFeatures' must be at least 1");
    const state = readState(o, d);
    const expected = classes.length === 2 ? 1 : classes.length;
    if (state.nOutputs !== expected) {
      throw new DescentError(
        "E_FORMAT",
        `model JSON: 'nOutputs' is ${state.nOutputs}, expected ${expected} for ${classes.length} classes`,
      );
    }
    this.classes = classes;
    this.restoreState(state);
  }

  /** The classifiers' own options as given (classWeight, ovrClassWeight), for getOptions. */
  protected get classifierOptions(): { classWeight: ClassWeight | null; ovrClassWeight: "row" | "positive" } {
    return { classWeight: this.classWeight, ovrClassWeight: this.ovrClassWeight };
  }
}
