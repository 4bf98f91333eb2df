import { open, stat, writeFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import type { CsvChunk } from "../io/csv-stream.js";
import { lossPlotSvg } from "../io/loss-svg.js";
import { inMemoryBytes, isTableFile } from "../io/table-file.js";
import type { ActivationName } from "../kernels/mlp-net.js";
import { isMatrix, type Matrix, predictionVector } from "../matrix.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM, type MarginLoss } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPOptions } from "../models/mlp-options.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import type { ColumnNote } from "../preprocess/column-plan.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";
import type { StopReason } from "../train/history.js";
import type { OptimizerName, Penalty, ScheduleName, SgdOptions } from "../train/options.js";
import { changedOnResume, checkpointState } from "./checkpoint-state.js";
import { loadFitData, openFitStream, type Preprocessing } from "./fit-data.js";
import type { FitReport } from "./fit-report.js";
import { bucketSlices, removeBuckets, stageBuckets, trainOnBuckets } from "./fit-stream.js";
import { defaultBudget, parseBytes } from "./memory-budget.js";
import { parseBundle, readModelFile, writeBundle } from "./model-bundle.js";
import { runMultiTargetFit, targetNames } from "./multi-target-fit.js";
import { type ProgressReporter, progressReporter } from "./progress.js";
import { checkValidationFraction, splitValidation } from "./validation-rows.js";

/** Flags of `descent fit` as commander hands them over (strings where the user typed them). */
export interface FitFlags {
  target: string;
  model: "linear" | "logistic" | "svm" | "mlp" | "mlp-regressor";
  /** Hidden layer sizes of --model mlp / mlp-regressor, e.g. "64,32". */
  hidden?: string;
  /** scikit-learn's MLP solver name (sgd, adam, lbfgs) for --model mlp / mlp-regressor. */
  solver?: string;
  activation?: string;
  loss?: string;
  optimizer?: string;
  lr?: number;
  schedule?: string;
  batchSize?: string;
  epochs?: number;
  penalty?: string;
  alpha?: number;
  l1Ratio?: number;
  epsilon?: number;
  average?: string;
  scale: "standard" | "none";
  seed?: number;
  shuffle?: "true" | "once" | "false";
  backend?: string;
  dtype?: string;
  threads?: number;
  validation?: number;
  earlyStopping?: boolean;
  out?: string;
  plot?: string;
  json?: boolean;
  quiet?: boolean;
  drop?: string[];
  /** Columns read as categories / as numbers, whatever their cells look like. */
  categorical?: string[];
  numeric?: string[];
  /** How missing feature cells are filled: median (default), mean, mostFrequent, or drop-rows. */
  impute?: string;
  /** At most this many one-hot columns per text column. */
  maxCategories?: number;
  /** Cell texts read as missing (default: empty, NA, NaN, null, N/A). */
  missing?: string[];
  memory?: string;
  /** Rows shuffled together in memory when streaming (default: what a quarter of --memory holds). */
  shuffleBuffer?: number;
  /** Write the full training state here every `every` epochs (in memory only). */
  checkpoint?: string;
  every?: number;
  /** Continue from a checkpoint written by --checkpoint. */
  resume?: string;
}

type Model = LinearRegression | LogisticRegression | LinearSVM | MLPClassifier | MLPRegressor;

/** Whether a model kind predicts numbers (R²) rather than labels (accuracy). */
export function isRegression(kind: FitFlags["model"]): boolean {
  return kind === "linear" || kind === "mlp-regressor";
}

function bad(message: string): never {
  throw new DescentError("E_OPTION", message);
}

/** Library options from the flags (only the ones the user gave; the library fills the rest). */
export function modelOptions(f: FitFlags, streaming: boolean): SgdOptions & { loss?: string; epsilon?: number } {
  const o: SgdOptions & { loss?: string; epsilon?: number } = {};
  if (f.optimizer !== undefined) o.optimizer = f.optimizer as OptimizerName;
  if (f.lr !== undefined) o.learningRate = f.lr;
  if (f.schedule !== undefined) o.schedule = f.schedule as ScheduleName;
  if (f.batchSize !== undefined) {
    if (f.batchSize === "full") o.batchSize = "full";
    else {
      const b = Number(f.batchSize);
      if (!Number.isInteger(b) || b < 1)
        bad(`--batch-size must be a positive integer or 'full' (got '${f.batchSize}')`);
      o.batchSize = b;
    }
  }
  if (f.epochs !== undefined) o.maxEpochs = f.epochs;
  if (f.penalty !== undefined) o.penalty = f.penalty as Penalty;
  if (f.alpha !== undefined) o.alpha = f.alpha;
  if (f.l1Ratio !== undefined) o.l1Ratio = f.l1Ratio;
  if (f.average !== undefined) {
    const k = f.average === "true" ? true : Number(f.average);
    if (k !== true && !(Number.isInteger(k) && k >= 1))
      bad(`--average must be 'true' or a step number >= 1 (got '${f.average}')`);
    o.average = k;
  }
  if (f.epsilon !== undefined) {
    if (f.model !== "linear")
      bad("--epsilon is for --model linear (huber, epsilonInsensitive, squaredEpsilonInsensitive)");
    o.epsilon = f.epsilon;
  }
  if (f.seed !== undefined) o.seed = f.seed;
  if (f.shuffle !== undefined) o.shuffle = f.shuffle === "once" ? "once" : f.shuffle === "true";
  if (f.backend !== undefined) o.backend = f.backend as BackendName;
  if (f.dtype !== undefined) o.dtype = f.dtype as "float64" | "float32";
  if (f.threads !== undefined) o.threads = f.threads;
  if (f.earlyStopping) {
    if (streaming) bad("--early-stopping needs the data in memory: raise --memory or drop --early-stopping");
    o.earlyStopping = true;
    if (f.validation !== undefined) o.validationFraction = f.validation;
  }
  if (f.loss !== undefined) {
    const allowed =
      f.model === "linear"
        ? ["squared", "huber", "epsilonInsensitive", "squaredEpsilonInsensitive"]
        : f.model === "svm"
          ? ["hinge", "squaredHinge", "modifiedHuber", "perceptron"]
          : ["log"];
    if (!allowed.includes(f.loss))
      bad(`--loss for --model ${f.model} must be one of ${allowed.join(", ")} (got '${f.loss}')`);
    if (f.model !== "logistic") o.loss = f.loss;
  }
  return o;
}

/** The MLP options of the flags (--hidden, --activation, and the common ones that apply). */
function mlpOptions(f: FitFlags, o: SgdOptions): MLPOptions {
  const hidden =
    f.hidden === undefined
      ? undefined
      : f.hidden.split(",").map((v) => {
          const u = Number(v.trim());
          if (!Number.isInteger(u) || u < 1) bad(`--hidden must be layer sizes like 64,32 (got '${f.hidden}')`);
          return u;
        });
  if (o.shuffle === "once") bad("--shuffle once does not apply to --model mlp (true or false)");
  if (o.schedule !== undefined && !["constant", "invscaling", "adaptive"].includes(o.schedule as string))
    bad(`--schedule for an MLP must be constant, invscaling or adaptive (got '${String(o.schedule)}')`);
  const out: MLPOptions = {
    ...(hidden === undefined ? {} : { hiddenLayerSizes: hidden }),
    ...(f.activation === undefined ? {} : { activation: f.activation as ActivationName }),
    ...(o.optimizer === undefined ? {} : { solver: o.optimizer as OptimizerName }),
    ...(f.solver === undefined ? {} : { solver: f.solver as "sgd" | "adam" | "lbfgs" }),
  };
  for (const key of [
    "learningRate",
    "batchSize",
    "maxEpochs",
    "alpha",
    "seed",
    "earlyStopping",
    "validationFraction",
    "backend",
    "dtype",
    "onEpoch",
  ] as const) {
    if (o[key] !== undefined) (out as Record<string, unknown>)[key] = o[key];
  }
  if (o.schedule !== undefined) out.schedule = o.schedule as MLPOptions["schedule"];
  if (o.shuffle !== undefined) out.shuffle = o.shuffle as boolean;
  return out;
}

export function makeModel(f: FitFlags, options: SgdOptions & { loss?: string; epsilon?: number }): Model {
  if (f.model === "mlp" || f.model === "mlp-regressor") {
    const o = mlpOptions(f, options);
    return f.model === "mlp" ? new MLPClassifier(o) : new MLPRegressor(o);
  }
  if (f.hidden !== undefined || f.activation !== undefined || f.solver !== undefined)
    bad(
      "--hidden, --activation and --solver are for --model mlp or mlp-regressor (the linear models take --optimizer)",
    );
  if (f.model === "linear") return new LinearRegression(options as ConstructorParameters<typeof LinearRegression>[0]);
  const { loss, ...rest } = options;
  if (f.model === "logistic") return new LogisticRegression(rest);
  return new LinearSVM({ ...rest, ...(loss === undefined ? {} : { loss: loss as MarginLoss }) });
}

/** Column count of the header line (to size chunks before reading any rows). */
async function headerColumns(path: string): Promise<number> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString("utf8");
    const firstLine = text.split(/\r?\n/)[0] ?? "";
    const rec = parse(firstLine, { bom: true }) as string[][];
    return Math.max(1, rec[0]?.length ?? 1);
  } finally {
    await fh.close();
  }
}

/** Numeric labels when every label reads as a finite number, else the strings. */
export function normaliseLabels(y: Array<number | string>): Array<number | string> {
  return y.every((v) => typeof v === "string" && v !== "" && Number.isFinite(Number(v))) ? y.map(Number) : y;
}

function asMatrix(c: CsvChunk, scaler: StandardScaler | null): Matrix {
  const m = { data: c.X, rows: c.rows, cols: c.featureNames.length };
  return scaler === null ? m : scaler.transform(m);
}

/** Score (R² or accuracy) and objective accumulated over chunks. */
class Tally {
  n = 0;
  objective = 0;
  hits = 0;
  ss = 0;
  sy = 0;
  syy = 0;
  add(model: Model, m: Matrix, y: Array<number | string>): void {
    if (m.rows === 0) return;
    if (model instanceof LinearRegression || model instanceof MLPRegressor) {
      const yn = y as number[];
      const pred = predictionVector(model.predict(m));
      this.objective += model.objective(m, yn) * m.rows;
      yn.forEach((v, i) => {
        this.ss += (v - (pred[i] as number)) ** 2;
        this.sy += v;
        this.syy += v * v;
      });
    } else {
      const predicted = model.predict(m);
      const pred = isMatrix(predicted) ? predictionVector(predicted) : predicted;
      this.objective += model.objective(m, y) * m.rows;
      y.forEach((v, i) => {
        if (pred[i] === v) this.hits++;
      });
    }
    this.n += m.rows;
  }
  score(regression: boolean): number {
    if (!regression) return this.hits / this.n;
    const tot = this.syy - (this.sy * this.sy) / this.n;
    return tot <= 0 ? (this.ss === 0 ? 1 : 0) : 1 - this.ss / tot;
  }
}

/** Runs `descent fit`; returns the report (printing is the caller's). Throws DescentError on bad input. */
export async function runFit(file: string, f: FitFlags, tty: boolean): Promise<FitReport> {
  const started = performance.now();
  try {
    const s = await stat(file);
    if (!s.isFile()) bad(`'${file}' is not a file`);
  } catch (err) {
    if (err instanceof DescentError) throw err;
    throw new DescentError("E_FORMAT", `cannot read '${file}': no such file`);
  }
  if (!["linear", "logistic", "svm", "mlp", "mlp-regressor"].includes(f.model))
    bad(`--model must be linear, logistic, svm, mlp or mlp-regressor (got '${f.model}')`);
  if (f.scale !== "standard" && f.scale !== "none") bad(`--scale must be standard or none (got '${f.scale}')`);
  checkValidationFraction(f.validation);
  const budget = f.memory === undefined ? defaultBudget() : parseBytes(f.memory);
  const size = (await stat(file)).size;
  const streaming = (await inMemoryBytes(file, size)) > budget;
  const options = modelOptions(f, streaming);
  const progressMode = f.json || f.quiet ? "quiet" : tty ? "bar" : "lines";
  const total = (options.maxEpochs as number | undefined) ?? (streaming ? 10 : 1000);
  const progress = progressReporter(total, progressMode);
  // One model, made before any reading so bad options fail fast. In memory it reports its own
  // epochs; streamed, each partialFit call is a chunk, so the passes are reported below instead.
  const model = makeModel(
    f,
    streaming
      ? options
      : {
          ...options,
          onEpoch: (info) => {
            progress.update(info);
            return undefined;
          },
        },
  );
  try {
    return await fitWith(model);
  } finally {
    progress.stop();
  }

  async function fitWith(model: Model): Promise<FitReport> {
    const names = targetNames(f.target, f.model);
    if (names.length > 1) {
      if (streaming || f.checkpoint !== undefined || f.resume !== undefined)
        bad("several targets train in memory: raise --memory, and leave out --checkpoint and --resume");
      return runMultiTargetFit(file, f, names, model as MLPClassifier | MLPRegressor, started);
    }
    const regression = isRegression(f.model);
    const seed = f.seed ?? 0;
    const fraction = f.earlyStopping ? undefined : f.validation;
    const scaler = f.scale === "standard" ? new StandardScaler() : null;
    const run: FitRun = {
      file,
      f,
      started,
      streaming,
      regression,
      progress,
      scaler,
      featureNames: [],
      preprocessing: null,
      notes: [],
      rows: 0,
      dropped: { target: 0, incomplete: 0 },
      train: new Tally(),
      val: new Tally(),
      epochs: 0,
      warnings: [],
    };

    /** A warning when a classifier's numeric target has very many values (likely a regression target). */
    function warnManyClasses(y: ReadonlyArray<number | string>): void {
      if (typeof y[0] !== "number") return;
      const distinct = new Set(y).size;
      if (distinct > 50)
        run.warnings.push(
          `target '${f.target}' has ${distinct} distinct numbers: a classifier makes each one a class; to predict a number use --model linear (or mlp-regressor)`,
        );
    }

    /** The whole file in memory, planned, split into training and --validation run.rows. */
    async function inMemory(): Promise<ReturnType<typeof splitValidation>> {
      const data = await loadFitData(file, f, regression);
      const all = data.chunk;
      run.featureNames = all.featureNames;
      run.preprocessing = data.preprocessing;
      run.notes = data.notes;
      run.dropped = { target: data.droppedTarget, incomplete: data.droppedIncomplete };
      run.rows = all.rows;
      if (!regression) warnManyClasses(all.y);
      const parts = splitValidation(all, 0, seed, fraction);
      if (parts.train.rows === 0)
        throw new DescentError("E_EMPTY", "no training run.rows left after holding out --validation run.rows");
      return parts;
    }

    if (f.checkpoint !== undefined || f.resume !== undefined) {
      if (streaming) bad("--checkpoint and --resume need the data in memory: raise --memory");
      return fitCheckpointed(run, model, inMemory);
    }
    if (f.every !== undefined) bad("--every needs --checkpoint");
    if (!streaming) {
      const { train: tr, val: va } = await inMemory();
      if (scaler !== null) scaler.fit({ data: tr.X, rows: tr.rows, cols: run.featureNames.length });
      const m = asMatrix(tr, scaler);
      if (model instanceof LinearRegression || model instanceof MLPRegressor) await model.fit(m, tr.y as number[]);
      else await model.fit(m, tr.y);
      progress.stop();
      run.train.add(model, m, tr.y);
      if (va !== null) run.val.add(model, asMatrix(va, scaler), va.y);
      run.epochs = model.nEpochs;
      return finishFit(run, model);
    }

    // Out of core: a first pass learns the column plan on a seeded sample, one pass fits the
    // scaler, then each epoch trains on the chunks in a random order through a shuffle buffer
    // (fit-stream.ts), and a last pass gives the final objective and scores.
    const columns = isTableFile(file) ? 8 : await headerColumns(file);
    const chunkBytes = Math.max(1 << 16, Math.floor(budget / 16));
    const chunkRows = Math.max(256, Math.floor(budget / 8 / (columns * 96)));
    const sampleRows = Math.max(1000, Math.min(200_000, Math.floor(budget / 16 / (columns * 48))));
    const stream = await openFitStream(file, f, regression, { rows: chunkRows, bytes: chunkBytes }, sampleRows, seed);
    run.preprocessing = stream.preprocessing;
    run.notes = stream.notes;
    run.featureNames = stream.preprocessing.preprocessor.getFeatureNamesOut();
    run.rows = stream.rows;
    run.dropped = { target: stream.droppedTarget, incomplete: 0 };
    const classes = regression ? null : stream.labels;
    if (classes !== null) warnManyClasses(classes);
    const width = run.featureNames.length + 1;
    const training = {
      epochs: total,
      seed,
      fraction,
      scaler,
      // Rows shuffled together in memory: a bucket read whole, its shuffled copy and the slices
      // trained on take about three times its bytes; a quarter of the budget for that.
      bucketRows: f.shuffleBuffer ?? Math.max(1024, Math.floor(budget / 4 / 3 / (width * 8))),
      writeBytes: Math.floor(budget / 16),
      regression,
      onProgress: (done: number, objective: number, learningRate: number) =>
        progress.running(done, objective, learningRate),
      onEpoch: (e: number, objective: number, learningRate: number) => {
        run.epochs = e;
        progress.update({
          epoch: e,
          loss: objective,
          gradNorm: Number.NaN,
          learningRate,
          ms: performance.now() - started,
        });
      },
    };
    const buckets = await stageBuckets(stream, training, classes);
    try {
      await trainOnBuckets(model, buckets, training, classes, stream.sliceRows);
      progress.stop();
      // The scores come from the staged run.rows (no third read of the file).
      for (const [files, tally] of [
        [buckets.files, run.train],
        [buckets.heldOut === null ? [] : [buckets.heldOut], run.val],
      ] as const)
        for (const bucket of files)
          for await (const { X, y } of bucketSlices(bucket, buckets.width, classes, stream.sliceRows, null))
            tally.add(model, scaler === null ? X : scaler.transform(X), y);
    } finally {
      await removeBuckets(buckets);
    }
    return finishFit(run, model);
  }
}

/** What one run of `descent fit` has read, learned and counted so far (shared by its steps). */
interface FitRun {
  file: string;
  f: FitFlags;
  /** performance.now() when the run began. */
  started: number;
  streaming: boolean;
  regression: boolean;
  progress: ProgressReporter;
  scaler: StandardScaler | null;
  featureNames: string[];
  preprocessing: Preprocessing | null;
  notes: ColumnNote[];
  rows: number;
  dropped: { target: number; incomplete: number };
  train: Tally;
  val: Tally;
  epochs: number;
  warnings: string[];
}

/**
 * Training epoch by epoch (partialFit continues the step count, shuffle stream and optimizer
 * state exactly), with the stop rule kept here and the whole state written atomically every
 * `every` epochs, so --resume continues to the same bits as a run never interrupted, even one
 * killed mid-epoch (the last checkpoint is whole: written to a temporary file, then renamed).
 */
async function fitCheckpointed(
  run: FitRun,
  model: Model,
  inMemory: () => Promise<ReturnType<typeof splitValidation>>,
): Promise<FitReport> {
  const { f, file, progress, started, regression, scaler } = run;
  if (f.earlyStopping) bad("--checkpoint and --resume train epoch by epoch: drop --early-stopping");
  let m = model;
  let scaling = scaler;
  let first = 1;
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;
  const { train: tr, val: va } = await inMemory();
  // Known once the file is read.
  const { featureNames, preprocessing } = run;
  if (f.resume !== undefined) {
    const saved = await readModelFile(f.resume);
    const bundle = parseBundle(saved, f.resume);
    const state = checkpointState(saved, f.resume, bundle.model.nEpochs);
    if (bundle.featureNames.join() !== featureNames.join() || bundle.target !== f.target)
      throw new DescentError("E_FORMAT", `checkpoint '${f.resume}' was written for other columns than '${file}' has`);
    if (bundle.model.constructor !== m.constructor)
      bad(`checkpoint '${f.resume}' holds a ${bundle.model.constructor.name}, not the --model asked for`);
    // The checkpoint's model goes on with its own options: a flag that would change them is
    // refused rather than ignored (--epochs sets where the run ends).
    const changed = changedOnResume(
      f as unknown as Record<string, unknown>,
      m.getOptions() as Record<string, unknown>,
      bundle.model.getOptions() as Record<string, unknown>,
    );
    if (changed.length > 0)
      bad(
        `--resume continues the checkpoint's model with its own options: ${changed.join(", ")} would change it (give the checkpoint's values, or none; --epochs sets where the run ends)`,
      );
    m = bundle.model as Model;
    scaling = bundle.scaler;
    ({ best, stale } = state);
    first = state.epoch + 1;
  } else if (scaling !== null) scaling.fit({ data: tr.X, rows: tr.rows, cols: featureNames.length });
  const o = m.getOptions() as { maxEpochs: number; tol: number | null; nIterNoChange: number };
  // On --resume, --epochs sets how many epochs the run ends at (the checkpoint's count otherwise).
  const maxEpochs = f.resume !== undefined && f.epochs !== undefined ? f.epochs : o.maxEpochs;
  // The MLPs stop once more than nIterNoChange epochs have not improved, as scikit-learn's.
  const patience = m instanceof MLPClassifier || m instanceof MLPRegressor ? o.nIterNoChange + 1 : o.nIterNoChange;
  const data = asMatrix(tr, scaling);
  const classes = regression ? [] : normaliseLabels([...new Set(tr.y)]);
  const every = f.every ?? 1;
  const path = f.checkpoint ?? (f.resume as string);
  let reason: StopReason = "maxEpochs";
  run.epochs = first - 1;
  for (let e = first; e <= maxEpochs; e++) {
    if (m instanceof LinearRegression || m instanceof MLPRegressor) await m.partialFit(data, tr.y as number[]);
    else await m.partialFit(data, tr.y, { classes });
    const loss = m.history.loss.at(-1) ?? Number.NaN;
    const improved = o.tol === null || loss <= best - o.tol;
    if (loss < best) best = loss;
    stale = improved ? 0 : stale + 1;
    run.epochs = e;
    progress.update({
      epoch: e,
      loss,
      gradNorm: m.history.gradNorm.at(-1) ?? Number.NaN,
      learningRate: m.history.learningRate.at(-1) ?? Number.NaN,
      ms: performance.now() - started,
    });
    const settled = o.tol !== null && stale >= patience;
    const done = e === maxEpochs || settled;
    // The model file says why the run stopped, as the report does.
    if (done) m.stopReason = settled ? "tol" : "maxEpochs";
    if (e % every === 0 || done) {
      await writeBundle(
        path,
        { model: m, scaler: scaling, featureNames, target: f.target, preprocessing },
        { checkpoint: { epoch: e, best, stale } },
      );
    }
    if (settled) {
      reason = "tol";
      break;
    }
  }
  progress.stop();
  run.train.add(m, data, tr.y);
  if (va !== null) run.val.add(m, asMatrix(va, scaling), va.y);
  const report = await finishFit(run, m, scaling);
  report.stopReason = reason;
  return report;
}

async function finishFit(run: FitRun, m: Model, scaling: StandardScaler | null = run.scaler): Promise<FitReport> {
  const { file, f, streaming, regression, started, train, val } = run;
  const report: FitReport = {
    file,
    mode: streaming ? "stream" : "memory",
    rows: run.rows,
    features: run.featureNames.length,
    target: f.target,
    model: m.constructor.name,
    objective: train.objective / train.n,
    trainScore: train.score(regression),
    scoreName: regression ? "r2" : "accuracy",
    epochs: run.epochs,
    stopReason: streaming ? "maxEpochs" : m.stopReason,
    seconds: (performance.now() - started) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    columns: run.notes,
    droppedRows: { missingTarget: run.dropped.target, missingFeature: run.dropped.incomplete },
    warnings: run.warnings,
  };
  if (!(m instanceof LinearRegression || m instanceof MLPRegressor) && m.classes !== null) report.classes = m.classes;
  if (val.n > 0) report.validationScore = val.score(regression);
  else if (f.earlyStopping && m.history.valScore !== undefined)
    report.validationScore = Math.max(...m.history.valScore);
  if (f.plot !== undefined) {
    const svg = lossPlotSvg(
      `${m.constructor.name} on ${file.split("/").pop() ?? file}`,
      { name: "objective J", values: m.history.loss, color: "#2563eb" },
      m.history.valScore === undefined
        ? null
        : { name: `validation ${regression ? "R²" : "accuracy"}`, values: m.history.valScore, color: "#ea580c" },
    );
    await writeFile(f.plot, svg);
    report.plot = f.plot;
  }
  if (f.out !== undefined) {
    await writeBundle(f.out, {
      model: m,
      scaler: scaling,
      featureNames: run.featureNames,
      target: f.target,
      preprocessing: run.preprocessing,
    });
    report.out = f.out;
  }
  return report;
}
