import { DescentError } from "../errors.js";
import { field, readEnvelope, writeModel } from "../io/model-json.js";
import type { OnnxExportOptions } from "../io/onnx-export.js";
import type { Matrix } from "../matrix.js";
import {
  type ColumnKind,
  type ColumnTable,
  matrixColumns,
  numericMatrix,
  type TableLike,
  toColumnTable,
} from "../table/column-table.js";
import "./known-steps.js";
import { preprocessingOnnx } from "./preprocess-onnx.js";
import {
  type FloatOutput,
  isTableStep,
  outputMatrix,
  registerStep,
  stepFromJSON,
  type TableStep,
} from "./transformer.js";

/**
 * The estimator at the end of a pipeline: anything that fits a matrix and predicts (every model of
 * descent: linear, logistic, SVM, MLP).
 */
export interface PipelineEstimator {
  /** Trains on the transformed matrix. */
  fit(X: Matrix, y?: unknown, options?: unknown): Promise<unknown>;
  /** Predicts from the transformed matrix. */
  predict(X: Matrix): unknown;
  /** A JSON-safe snapshot (the estimator's own fromJSON reads it back). */
  toJSON(): Record<string, unknown>;
}

/** A step of a pipeline: a transformer (or a ColumnTransformer, or a pipeline of transformers), or the estimator last. */
export type PipelineStep = TableStep | PipelineEstimator;

function isEstimator(x: unknown): x is PipelineEstimator {
  if (typeof x !== "object" || x === null) return false;
  const e = x as Partial<PipelineEstimator>;
  return typeof e.fit === "function" && typeof e.predict === "function" && typeof e.toJSON === "function";
}

/** An optional method of the estimator, or E_STATE saying it has none. */
function methodOf<T>(est: PipelineEstimator | null, name: string): (X: Matrix) => T {
  const f = est === null ? undefined : (est as unknown as Record<string, unknown>)[name];
  if (typeof f !== "function")
    throw new DescentError(
      "E_STATE",
      `Pipeline: the last step (${est === null ? "a transformer" : est.constructor.name}) has no ${name}`,
    );
  return (f as (X: Matrix) => T).bind(est);
}

/**
 * Transformers in order, then (optionally) an estimator, as scikit-learn's Pipeline: `fit` learns
 * each transformer on the output of the ones before and trains the estimator on the last output;
 * `predict`, `predictProba`, `decisionFunction` and `score` pass raw rows through the same steps.
 * The last transformer writes straight into the matrix the estimator reads; earlier ones hand
 * typed columns on. A pipeline of transformers only is itself a transformer.
 */
export class Pipeline implements TableStep {
  /** The steps, [name, step] in order. */
  readonly steps: ReadonlyArray<readonly [string, PipelineStep]>;
  /** The columns fit saw, with their kinds (the raw inputs of toONNX); null before fit. */
  inputColumns: Array<{
    /** The column's name. */
    name: string;
    /** Its kind at fit. */
    kind: ColumnKind;
  }> | null = null;

  constructor(steps: ReadonlyArray<readonly [string, PipelineStep]>) {
    if (!Array.isArray(steps) || steps.length === 0)
      throw new DescentError("E_OPTION", "Pipeline needs a non-empty list of [name, step] pairs");
    const names = new Set<string>();
    steps.forEach(([name, step], i) => {
      if (typeof name !== "string" || name === "" || name.includes("__"))
        throw new DescentError(
          "E_OPTION",
          `Pipeline: step name ${JSON.stringify(name)} must be a non-empty name without '__'`,
        );
      if (names.has(name)) throw new DescentError("E_OPTION", `Pipeline: step name '${name}' is used twice`);
      names.add(name);
      const last = i === steps.length - 1;
      if (!isTableStep(step) && !(last && isEstimator(step)))
        throw new DescentError(
          "E_OPTION",
          `Pipeline step '${name}' must be a transformer${last ? " or an estimator (fit and predict)" : " (only the last step may be an estimator)"}`,
        );
    });
    this.steps = steps;
  }

  /** The step named `name`. */
  namedStep(name: string): PipelineStep {
    const s = this.steps.find(([n]) => n === name);
    if (s === undefined) throw new DescentError("E_OPTION", `Pipeline has no step '${name}'`);
    return s[1];
  }

  /** The estimator at the end, or null for a pipeline of transformers. */
  get estimator(): PipelineEstimator | null {
    const last = this.steps.at(-1)?.[1];
    return last !== undefined && !isTableStep(last) ? last : null;
  }

  /** The transformer steps, in order. */
  private get transformers(): TableStep[] {
    return this.steps.flatMap(([, s]) => (isTableStep(s) ? [s] : []));
  }

  /** Learns every transformer in order (each on the output of the ones before) and returns the last output. */
  private fitTransformers(t: ColumnTable): Matrix | ColumnTable {
    const ts = this.transformers;
    let cur = t;
    for (let i = 0; i < ts.length; i++) {
      const step = ts[i] as TableStep;
      step.fitTable(cur);
      if (i < ts.length - 1) cur = step.transformTable(cur);
    }
    return ts.length === 0 ? cur : outputMatrix(ts.at(-1) as TableStep, cur);
  }

  /** X through every transformer: the matrix the estimator reads. */
  features(X: TableLike): Matrix {
    const ts = this.transformers;
    let cur = toColumnTable(X);
    if (ts.length === 0) return asMatrix(cur);
    for (let i = 0; i < ts.length - 1; i++) cur = (ts[i] as TableStep).transformTable(cur);
    return outputMatrix(ts.at(-1) as TableStep, cur);
  }

  /**
   * Learns every transformer, then trains the estimator on their output (`options` goes to the
   * estimator's fit: sampleWeight, coefInit …). Resolves to the pipeline.
   */
  async fit(X: TableLike, y?: ArrayLike<unknown>, options?: unknown): Promise<this> {
    const t = toColumnTable(X);
    this.inputColumns = t.columns.map((c) => ({ name: c.name, kind: c.kind }));
    const out = this.fitTransformers(t);
    const est = this.estimator;
    if (est !== null) {
      if (y === undefined)
        throw new DescentError("E_SHAPE", `Pipeline.fit: the estimator ${est.constructor.name} needs y`);
      await est.fit(asMatrix(out), y, options);
    }
    return this;
  }

  /** Learns the transformers from typed columns (a pipeline of transformers only). */
  fitTable(t: ColumnTable): void {
    if (this.estimator !== null)
      throw new DescentError("E_STATE", "Pipeline: a pipeline ending in an estimator is fitted with fit(X, y)");
    this.inputColumns = t.columns.map((c) => ({ name: c.name, kind: c.kind }));
    this.fitTransformers(t);
  }

  /** The estimator's predictions for raw rows X. */
  predict(X: TableLike): unknown {
    return methodOf<unknown>(this.estimator, "predict")(this.features(X));
  }

  /** The estimator's class probabilities for raw rows X. */
  predictProba(X: TableLike): Matrix {
    return methodOf<Matrix>(this.estimator, "predictProba")(this.features(X));
  }

  /** The estimator's log class probabilities for raw rows X. */
  predictLogProba(X: TableLike): Matrix {
    return methodOf<Matrix>(this.estimator, "predictLogProba")(this.features(X));
  }

  /** The estimator's decision values for raw rows X. */
  decisionFunction(X: TableLike): unknown {
    return methodOf<unknown>(this.estimator, "decisionFunction")(this.features(X));
  }

  /** The estimator's score (R² or accuracy) on raw rows X and targets y. */
  score(X: TableLike, y: ArrayLike<unknown>): number {
    const est = this.estimator;
    const f =
      est === null ? undefined : (est as unknown as { score?: (X: Matrix, y: ArrayLike<unknown>) => number }).score;
    if (typeof f !== "function") throw new DescentError("E_STATE", "Pipeline: the last step has no score");
    return f.call(est, this.features(X), y);
  }

  /** X through every transformer, as a float64 matrix (a pipeline of transformers, or the features of one with an estimator). */
  transform(X: TableLike): Matrix {
    return this.features(X);
  }

  /** fit(X) then transform(X), for a pipeline of transformers. */
  fitTransform(X: TableLike, _y?: unknown): Matrix {
    const t = toColumnTable(X);
    this.fitTable(t);
    return this.features(t);
  }

  /** X through every transformer, as number columns named as getFeatureNamesOut says. */
  transformTable(X: TableLike): ColumnTable {
    return matrixColumns(this.features(X), this.getFeatureNamesOut());
  }

  /** Writes the transformers' output for t into out (row-major, `stride` a row) from column `offset`. */
  transformInto(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    const ts = this.transformers;
    let cur = t;
    for (let i = 0; i < ts.length - 1; i++) cur = (ts[i] as TableStep).transformTable(cur);
    const last = ts.at(-1);
    if (last === undefined) throw new DescentError("E_STATE", "Pipeline has no transformer");
    last.transformInto(cur, out, stride, offset);
  }

  /** Column count of the transformers' output. */
  get nFeaturesOut(): number {
    const last = this.transformers.at(-1);
    if (last === undefined) throw new DescentError("E_STATE", "Pipeline has no transformer");
    return last.nFeaturesOut;
  }

  /** Names of the transformers' output columns, each step naming its outputs from the names before it. */
  getFeatureNamesOut(inputFeatures?: readonly string[]): string[] {
    let names = inputFeatures === undefined ? undefined : [...inputFeatures];
    for (const s of this.transformers) names = s.getFeatureNamesOut(names);
    if (names === undefined) throw new DescentError("E_STATE", "Pipeline has no transformer");
    return names;
  }

  /** The estimator's class labels (classifiers), or null. */
  get classes(): unknown[] | null {
    const c = (this.estimator as { classes?: unknown[] | null } | null)?.classes;
    return c ?? null;
  }

  /**
   * The whole pipeline as one ONNX graph: one input per raw column (text as strings, an empty string
   * missing; numbers, booleans and dates — epoch milliseconds — as doubles, NaN missing; each
   * N × 1), the preprocessing, then the estimator's outputs (see its toONNX).
   */
  toONNX(options: Omit<OnnxExportOptions, "prelude"> = {}): Uint8Array {
    const est = this.estimator as (PipelineEstimator & { toONNX?: (o: OnnxExportOptions) => Uint8Array }) | null;
    if (est === null || typeof est.toONNX !== "function")
      throw new DescentError("E_STATE", "Pipeline.toONNX needs a fitted pipeline ending in an estimator");
    if (this.inputColumns === null) throw new DescentError("E_STATE", "Pipeline is not fitted yet: call fit first");
    const ts = this.transformers;
    const pre = ts.length === 1 ? (ts[0] as TableStep) : new Pipeline(this.steps.filter(([, s]) => isTableStep(s)));
    return est.toONNX({ ...options, prelude: preprocessingOnnx(pre, this.inputColumns, options.dtype) });
  }

  /** A versioned JSON snapshot of every step (fitted state included). */
  toJSON(): Record<string, unknown> {
    return writeModel("Pipeline", {
      steps: this.steps.map(([name, step]) => ({ name, step: step.toJSON() })),
      ...(this.inputColumns === null ? {} : { inputColumns: this.inputColumns }),
    });
  }

  /** Rebuilds a pipeline from toJSON() output (every step kind of descent); E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): Pipeline {
    const o = readEnvelope(json, "Pipeline");
    const steps = field(o, "steps");
    if (!Array.isArray(steps) || steps.length === 0)
      throw new DescentError("E_FORMAT", "model JSON: Pipeline 'steps' must be a non-empty list");
    return new Pipeline(
      steps.map((raw, k) => {
        const s = (raw ?? {}) as Record<string, unknown>;
        if (typeof s.name !== "string")
          throw new DescentError("E_FORMAT", `model JSON: Pipeline step ${k} has no name`);
        return [s.name, stepFromJSON(s.step) as PipelineStep] as const;
      }),
    );
  }
}

registerStep("Pipeline", Pipeline.fromJSON);

/** Typed columns (all numeric) or a matrix as a row-major float64 matrix. */
function asMatrix(x: Matrix | ColumnTable): Matrix {
  return "columns" in x ? numericMatrix(x, "the input of the Pipeline's estimator") : x;
}

/**
 * A Pipeline whose step names are the steps' class names in lower case (`standardscaler`,
 * `logisticregression`), numbered `-1`, `-2` … where a name repeats, as scikit-learn's make_pipeline.
 */
export function makePipeline(...steps: PipelineStep[]): Pipeline {
  const base = steps.map((s) => s.constructor.name.toLowerCase());
  const count = new Map<string, number>();
  for (const b of base) count.set(b, (count.get(b) ?? 0) + 1);
  const seen = new Map<string, number>();
  return new Pipeline(
    steps.map((s, i) => {
      const b = base[i] as string;
      if ((count.get(b) as number) === 1) return [b, s] as const;
      const k = (seen.get(b) ?? 0) + 1;
      seen.set(b, k);
      return [`${b}-${k}`, s] as const;
    }),
  );
}
