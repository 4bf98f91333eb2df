// crossValidate and crossValScore (scikit-learn's cross_validate and cross_val_score): a fresh copy
// of the estimator fitted on each fold's training rows and scored on its test rows. On a Dataset
// the folds are its subsets, trained in place without copying X.

import { type Dataset, isDataset, pickTargets } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { type Matrix, type MatrixLike, markFinite, toMatrix } from "../matrix.js";
import { getScorer, type Scorable, type Scorer, type Targets } from "../metrics/scorers.js";
import { takeRows } from "../models/sub-problems.js";
import { Pipeline } from "../preprocess/pipeline.js";
import {
  isColumnTable,
  isRecords,
  type TableLike,
  takeRows as takeTableRows,
  toColumnTable,
} from "../table/column-table.js";
import type { Label } from "../table/label-types.js";
import { cloneWith, type Params } from "./clone-estimator.js";
import { canRunFoldWorkers, foldsOnWorkers } from "./fold-workers.js";
import { KFold, type Split, type Splitter, StratifiedKFold } from "./splitters.js";

/**
 * An estimator model selection can copy, fit and score: descent's estimators, and pipelines
 * ending in one (fitted on tables too).
 */
export interface SelectableEstimator extends Scorable {
  /** Trains on X and y (or on a Dataset, its targets when y is omitted). */
  fit(X: never, y?: ArrayLike<never>, options?: never): Promise<unknown>;
  /** Every option in force (a new estimator made with them trains the same way); pipelines have none. */
  getOptions?(): Record<string, unknown>;
}

/** Options of crossValidate and crossValScore. */
export interface CrossValidateOptions {
  /**
   * Folds: a count (StratifiedKFold for a classifier, KFold otherwise, unshuffled, as
   * scikit-learn's), a splitter, or the splits themselves. Default 5.
   */
  cv?: number | Splitter | readonly Split[];
  /**
   * Scorer name(s) as scikit-learn's ('r2', 'accuracy', 'neg_mean_squared_error', 'f1_macro', …)
   * or a scorer function; default the estimator's own: R² for regressors, accuracy for classifiers.
   */
  scoring?: string | Scorer | readonly string[];
  /** Also score each fold's training rows. Default false. */
  returnTrainScore?: boolean;
  /** Row weights: passed to fit for the training rows and to the scorers for the scored rows. */
  sampleWeight?: ArrayLike<number> | null;
  /**
   * Worker threads the folds run on, k folds at once (Node; descent's estimators and scorer names
   * only; elsewhere the folds run in turn). The scores are the same for any number. Default 1.
   */
  threads?: number;
  /**
   * The score of a fold whose fit or scoring fails with a DescentError (a diverging candidate, a
   * fold without both classes): a number, NaN by default, with the error kept in `errors`; or
   * 'raise' to stop at the first failure. As scikit-learn's error_score; crossValidate still
   * throws when every fold fails, a search when every fit of every candidate does.
   */
  errorScore?: number | "raise";
  /**
   * Also return each fold's fitted estimator (`estimators`), as scikit-learn's return_estimator.
   * Default false. From worker threads they come back through toJSON / fromJSON, the same weights.
   */
  returnEstimator?: boolean;
}

/** The scores of one scorer over the folds. */
export interface FoldScores {
  /** Score on each fold's test rows. */
  testScore: Float64Array;
  /** Score on each fold's training rows (with returnTrainScore). */
  trainScore?: Float64Array;
  /** Milliseconds each fold's fit took. */
  fitMs: Float64Array;
  /** Milliseconds each fold's scoring took. */
  scoreMs: Float64Array;
  /** Per fold, why its fit or scoring failed (the error's code and message; see errorScore), or null. */
  errors: Array<string | null>;
  /**
   * With returnEstimator: each fold's fitted estimator (null where its fit failed), the same
   * objects in every scorer's entry.
   */
  estimators?: Array<SelectableEstimator | null>;
}

/** The errorScore of the options, checked: a number (NaN by default) or 'raise'. */
export function errorScoreOf(options: { errorScore?: number | "raise" }): number | "raise" {
  const e = options.errorScore ?? Number.NaN;
  if (e !== "raise" && typeof e !== "number")
    throw new DescentError("E_OPTION", `option 'errorScore' must be a number or 'raise' (got ${String(e)})`);
  return e;
}

/**
 * Records a failed fit or scoring on fold f: every scorer's scores there become `errorScore` and the
 * error is kept. Rethrows `err` under 'raise', and anything but a DescentError (a bug, not a failure
 * of the candidate on this data).
 */
export function failOnFold(
  err: unknown,
  errorScore: number | "raise",
  out: ReadonlyMap<string, FoldScores>,
  f: number,
  fitMs: number,
): DescentError {
  if (errorScore === "raise" || !(err instanceof DescentError)) throw err;
  for (const s of out.values()) {
    s.testScore[f] = errorScore;
    if (s.trainScore !== undefined) s.trainScore[f] = errorScore;
    s.fitMs[f] = fitMs;
    s.scoreMs[f] = 0;
    s.errors[f] = `${err.code}: ${err.message}`;
  }
  return err;
}

/** Throws when every one of `fits` fits failed: the first failure's code, with a count. */
export function throwIfAllFailed(failures: ReadonlyArray<DescentError | null>, fits: number): void {
  const failed = failures.filter((e): e is DescentError => e !== null);
  const first = failed[0];
  if (first === undefined || failed.length < fits) return;
  throw new DescentError(first.code, `all ${fits} fits failed; the first: ${first.message}`, { cause: first });
}

/** The estimators fold workers can make anew by class name (the library's own). */
const FOLD_WORKER_ESTIMATORS = ["LinearRegression", "LogisticRegression", "LinearSVM", "MLPClassifier", "MLPRegressor"];

/** Whether X is a table (records or typed columns) rather than a matrix or a Dataset. */
function isTable(X: unknown): boolean {
  return isColumnTable(X) || isRecords(X);
}

/** Whether an estimator is a classifier (it has classes once fitted, as scikit-learn's is_classifier). */
export function isClassifier(estimator: object): boolean {
  if (estimator instanceof Pipeline) return estimator.estimator !== null && isClassifier(estimator.estimator);
  return "classes" in estimator;
}

/**
 * A new unfitted estimator like `estimator` with `params` applied (`step__option` for a pipeline's
 * steps), as scikit-learn's clone and set_params.
 */
export function cloneEstimator<E extends SelectableEstimator>(estimator: E, params: Params = {}): E {
  return cloneWith(estimator, params);
}

/** The data of a model-selection call: host rows, targets and a way to get a fold's training data. */
export interface SelectionData {
  rows: number;
  /** Targets: one a row, or rows of several. */
  y: Targets;
  /** Rows of X as a host matrix (for scoring). */
  take(rows: Int32Array): Matrix;
  /** Rows of X to fit on: a Dataset subset (trained in place) or a host matrix. */
  fitRows(rows: Int32Array): MatrixLike | Dataset;
}

/** X (a Dataset or a matrix) and y as SelectionData; E_SHAPE when y is missing or of the wrong length. */
export function selectionData(X: MatrixLike | TableLike | Dataset, y?: Targets | null): SelectionData {
  if (isDataset(X)) {
    const targets = y ?? (X.targets as Label[] | null);
    if (targets === null || targets === undefined)
      throw new DescentError("E_SHAPE", "this Dataset has no targets: pass y, or make it with Dataset.from(X, y)");
    if (targets.length !== X.rows)
      throw new DescentError("E_SHAPE", `y has ${targets.length} values but X has ${X.rows} rows`);
    // The rows scored are read only, and were scanned when staged: not scanned again.
    return {
      rows: X.rows,
      y: targets,
      take: (r) => markFinite(X.subset(r).rowsToRead()),
      fitRows: (r) => X.subset(r),
    };
  }
  if (isColumnTable(X) || isRecords(X)) {
    // A table (for a pipeline): its rows by index, columns and kinds kept.
    const t = toColumnTable(X);
    if (y === undefined || y === null || y.length !== t.rows)
      throw new DescentError("E_SHAPE", `y has ${String(y?.length)} values but X has ${t.rows} rows`);
    const rowsOf = (r: Int32Array) => takeTableRows(t, r) as unknown as Matrix;
    return { rows: t.rows, y, take: rowsOf, fitRows: rowsOf };
  }
  const m = toMatrix(X as MatrixLike, "X");
  if (y === undefined || y === null || y.length !== m.rows)
    throw new DescentError("E_SHAPE", `y has ${String(y?.length)} values but X has ${m.rows} rows`);
  return { rows: m.rows, y, take: (r) => takeRows(m, r), fitRows: (r) => takeRows(m, r) };
}

/** The folds of a call: the splits of `cv` over the data. */
export function foldsOf(cv: CrossValidateOptions["cv"], estimator: object, data: SelectionData): readonly Split[] {
  const c = cv ?? 5;
  if (Array.isArray(c)) return c as readonly Split[];
  if (typeof c === "number") {
    if (!Number.isInteger(c) || c < 2)
      throw new DescentError("E_OPTION", `option 'cv' must be an integer >= 2, a splitter or splits (got ${c})`);
    // Stratified for a classifier's labels; plain folds for a label matrix (multi-label), as
    // scikit-learn's check_cv decides by the type of y.
    const labelRows = typeof data.y[0] === "object" && data.y[0] !== null;
    const splitter =
      isClassifier(estimator) && !labelRows ? new StratifiedKFold({ nSplits: c }) : new KFold({ nSplits: c });
    return splitter.split(data.rows, data.y as ArrayLike<Label>);
  }
  if (c !== null && typeof c === "object" && typeof (c as Splitter).split === "function")
    return (c as Splitter).split(data.rows, data.y as ArrayLike<Label>);
  throw new DescentError("E_OPTION", "option 'cv' must be an integer >= 2, a splitter or splits");
}

/** Scorers by name (one entry 'score' for the default). */
export function scorersOf(scoring: CrossValidateOptions["scoring"], estimator: object): Array<[string, Scorer]> {
  if (scoring === undefined || scoring === null)
    return [["score", getScorer(isClassifier(estimator) ? "accuracy" : "r2")]];
  if (typeof scoring === "function") return [["score", scoring]];
  if (typeof scoring === "string") return [[scoring, getScorer(scoring)]];
  if (Array.isArray(scoring) && scoring.length > 0) return scoring.map((s) => [s, getScorer(s)] as [string, Scorer]);
  throw new DescentError("E_OPTION", "option 'scoring' must be a scorer name, a list of them, or a scorer function");
}

function pick(w: ArrayLike<number> | null | undefined, rows: Int32Array): Float64Array | null {
  return w === null || w === undefined ? null : Float64Array.from(rows, (i) => w[i] as number);
}

/** A fold's rows, targets and weights, picked once for every model fitted and scored on it. */
export interface FoldData {
  /** The training rows to fit on (a Dataset subset, trained in place, or a host matrix). */
  fitX: MatrixLike | Dataset;
  yTrain: Targets;
  trainWeights: Float64Array | null;
  /** The test rows as a host matrix, for the scorers. */
  XTest: Matrix;
  yTest: Targets;
  testWeights: Float64Array | null;
  /** The training rows as a host matrix (for returnTrainScore), else null. */
  XTrain: Matrix | null;
}

/** The data of one fold (`withTrain`: also the training rows as a host matrix, to score them). */
export function foldData(
  data: SelectionData,
  split: Split,
  sw: ArrayLike<number> | null,
  withTrain: boolean,
): FoldData {
  const { train, test } = split;
  return {
    fitX: data.fitRows(train),
    yTrain: pickTargets<unknown>(data.y, train) as Targets,
    trainWeights: pick(sw, train),
    XTest: data.take(test),
    yTest: pickTargets<unknown>(data.y, test) as Targets,
    testWeights: pick(sw, test),
    XTrain: withTrain ? data.take(train) : null,
  };
}

/** Fits a model on a fold's training rows (with their weights). */
export async function fitOnFold(model: SelectableEstimator, fold: FoldData): Promise<void> {
  const w = fold.trainWeights;
  await model.fit(fold.fitX as never, fold.yTrain as never, (w === null ? {} : { sampleWeight: w }) as never);
}

/**
 * Scores a fitted model on fold number f with every scorer into `out` (by scorer name), with the
 * fit's milliseconds; the training rows too when the fold has them.
 */
export function scoreOnFold(
  model: SelectableEstimator,
  fold: FoldData,
  scorers: ReadonlyArray<[string, Scorer]>,
  out: ReadonlyMap<string, FoldScores>,
  f: number,
  fitMs: number,
): void {
  for (const [name, scorer] of scorers) {
    const s = out.get(name) as FoldScores;
    const t1 = performance.now();
    s.testScore[f] = scorer(model, fold.XTest, fold.yTest, fold.testWeights);
    s.scoreMs[f] = performance.now() - t1;
    s.fitMs[f] = fitMs;
    if (fold.XTrain !== null && s.trainScore !== undefined)
      s.trainScore[f] = scorer(model, fold.XTrain, fold.yTrain, fold.trainWeights);
  }
}

/** Empty FoldScores of k folds for each scorer name. */
export function emptyScores(names: readonly string[], k: number, withTrain: boolean): Map<string, FoldScores> {
  return new Map(
    names.map((name) => [
      name,
      {
        testScore: new Float64Array(k),
        ...(withTrain ? { trainScore: new Float64Array(k) } : {}),
        fitMs: new Float64Array(k),
        scoreMs: new Float64Array(k),
        errors: new Array<string | null>(k).fill(null),
      } as FoldScores,
    ]),
  );
}

/**
 * Fits a copy of the estimator on every fold's training rows and scores it on the fold's test
 * rows (and training rows, with returnTrainScore), folds in turn. With one scorer, its FoldScores;
 * with a list, FoldScores per name.
 */
export async function crossValidate(
  estimator: SelectableEstimator,
  X: MatrixLike | TableLike | Dataset,
  y?: Targets | null,
  options: CrossValidateOptions = {},
): Promise<FoldScores | Record<string, FoldScores>> {
  const { scores, failures } = await crossValidateFolds(estimator, X, y, options);
  throwIfAllFailed(failures, failures.length);
  return scores;
}

/**
 * crossValidate's scores with the failure of each fold (null where it scored), for callers that
 * decide themselves what many failures mean (a search). `prepared` is selectionData(X, y) made
 * once by a caller that cross-validates the same data again (so X is checked, or converted, once).
 */
export async function crossValidateFolds(
  estimator: SelectableEstimator,
  X: MatrixLike | TableLike | Dataset,
  y: Targets | null | undefined,
  options: CrossValidateOptions,
  prepared: SelectionData | null = null,
): Promise<{ scores: FoldScores | Record<string, FoldScores>; failures: Array<DescentError | null> }> {
  const errorScore = errorScoreOf(options);
  const data = prepared ?? selectionData(X, y);
  const sw = options.sampleWeight ?? null;
  if (sw !== null && sw.length !== data.rows)
    throw new DescentError("E_SHAPE", `sampleWeight has ${sw.length} values but X has ${data.rows} rows`);
  const folds = foldsOf(options.cv, estimator, data);
  const scorers = scorersOf(options.scoring, estimator);
  const k = folds.length;
  const failures = new Array<DescentError | null>(k).fill(null);
  const models = new Array<SelectableEstimator | null>(k).fill(null);
  const out = emptyScores(
    scorers.map(([name]) => name),
    k,
    options.returnTrainScore === true,
  );
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1)
    throw new DescentError("E_OPTION", `option 'threads' must be an integer >= 1 (got ${String(threads)})`);
  const names = typeof options.scoring === "function" ? null : scorers.map(([n]) => n);
  const className = estimator.constructor.name;
  const onWorkers =
    threads > 1 && names !== null && canRunFoldWorkers() && FOLD_WORKER_ESTIMATORS.includes(className) && !isTable(X);
  if (onWorkers) {
    const all = isDataset(X) ? X.matrix() : toMatrix(X as MatrixLike, "X");
    const defaultNames = options.scoring === undefined ? [isClassifier(estimator) ? "accuracy" : "r2"] : names;
    const results = await foldsOnWorkers(
      threads,
      className,
      estimator.getOptions?.() ?? {},
      all,
      data.y,
      sw === null ? null : Float64Array.from(sw),
      folds,
      defaultNames,
      options.returnTrainScore === true,
      errorScore,
      options.returnEstimator === true,
    );
    const Fitted = estimator.constructor as unknown as { fromJSON(json: unknown): SelectableEstimator };
    for (const r of results) {
      if (r.error !== null) failures[r.fold] = new DescentError(r.error.code, r.error.message);
      if (r.model !== null) models[r.fold] = Fitted.fromJSON(r.model);
      scorers.forEach(([name], i) => {
        const s = out.get(name) as FoldScores;
        s.testScore[r.fold] = r.test[i] as number;
        if (s.trainScore !== undefined && r.train !== null) s.trainScore[r.fold] = r.train[i] as number;
        s.fitMs[r.fold] = r.fitMs;
        s.scoreMs[r.fold] = r.scoreMs;
        s.errors[r.fold] = r.error === null ? null : `${r.error.code}: ${r.error.message}`;
      });
    }
  }
  for (let f = 0; f < k && !onWorkers; f++) {
    const fold = foldData(data, folds[f] as Split, sw, options.returnTrainScore === true);
    const model = cloneEstimator(estimator);
    const t0 = performance.now();
    try {
      await fitOnFold(model, fold);
      models[f] = model;
      scoreOnFold(model, fold, scorers, out, f, performance.now() - t0);
    } catch (err) {
      failures[f] = failOnFold(err, errorScore, out, f, performance.now() - t0);
    }
  }
  if (options.returnEstimator === true) for (const s of out.values()) s.estimators = models;
  const scores = Array.isArray(options.scoring) ? Object.fromEntries(out) : (out.values().next().value as FoldScores);
  return { scores, failures };
}

/** The test score of each fold (crossValidate with one scorer). */
export async function crossValScore(
  estimator: SelectableEstimator,
  X: MatrixLike | TableLike | Dataset,
  y?: Targets | null,
  options: Omit<CrossValidateOptions, "scoring" | "returnTrainScore"> & { scoring?: string | Scorer } = {},
): Promise<Float64Array> {
  const r = (await crossValidate(estimator, X, y, options)) as FoldScores;
  return r.testScore;
}
