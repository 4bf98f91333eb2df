// `descent cv` and `descent tune`: cross-validation and grid search of the model the fit flags
// describe, on a file read whole with descent fit's column plan and staged once as a Dataset.

import cliProgress from "cli-progress";
import { Dataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { crossValidate, type FoldScores, type SelectableEstimator } from "../model-selection/cross-validate.js";
import { gridSearch, parameterGrid, type SearchResult } from "../model-selection/search.js";
import { KFold, type Split, StratifiedKFold, TimeSeriesSplit } from "../model-selection/splitters.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";
import { type FitFlags, isRegression, makeModel, modelOptions, normaliseLabels } from "./fit-command.js";
import { loadFitData, type Preprocessing } from "./fit-data.js";
import { writeBundle } from "./model-bundle.js";

/** Flags of `descent cv` and `descent tune`: the model flags of descent fit and the selection's. */
export interface SelectFlags extends FitFlags {
  /** Folds (KFold for regressors, StratifiedKFold for classifiers, unshuffled). */
  folds?: number;
  /** Scorer names, comma-separated (cv: several; tune: the first ranks). */
  scoring?: string[];
  /** tune: `name=v1,v2` per option searched. */
  grid?: string[];
  /** Shuffle the rows before cutting the folds (seeded by --seed): for files sorted by class or time. */
  shuffleFolds?: boolean;
  /** Rows in time order: TimeSeriesSplit, each fold tested on rows after all its training rows. */
  timeSeries?: boolean;
}

/**
 * The folds of --folds: KFold for regressors and StratifiedKFold for classifiers, unshuffled as
 * scikit-learn's cv=k, or shuffled with --shuffle-folds (a file sorted by class or time otherwise
 * tests each fold on rows unlike its training rows); with --time-series, TimeSeriesSplit (the file's
 * rows in time order: each fold trains on the rows before its test rows).
 */
function foldsFlag(f: SelectFlags, rows: number, y: ArrayLike<number | string>): Split[] {
  if (f.folds !== undefined && f.folds < 2)
    throw new DescentError("E_OPTION", `--folds must be at least 2 (got ${f.folds})`);
  if (f.timeSeries === true) {
    if (f.shuffleFolds === true)
      throw new DescentError("E_OPTION", "--time-series keeps the rows in file order: leave out --shuffle-folds");
    return new TimeSeriesSplit({ nSplits: f.folds ?? 5 }).split(rows);
  }
  const o = { nSplits: f.folds ?? 5, shuffle: f.shuffleFolds === true, seed: f.seed ?? 0 };
  return isRegression(f.model) ? new KFold(o).split(rows) : new StratifiedKFold(o).split(rows, y);
}

/** The data of a selection command, staged. */
interface Staged {
  ds: Dataset<number | string>;
  X: Matrix;
  y: Array<number | string>;
  scaler: StandardScaler | null;
  featureNames: string[];
  preprocessing: Preprocessing;
  model: SelectableEstimator;
}

/**
 * The file read whole with descent fit's column plan, standardised on all its rows unless --scale
 * none (the folds then share those statistics, as `descent lr-find` does), staged on the model's
 * backend, dtype and threads.
 */
async function stage(file: string, f: SelectFlags): Promise<Staged> {
  if (f.validation !== undefined || f.earlyStopping || f.checkpoint !== undefined || f.resume !== undefined) {
    throw new DescentError(
      "E_OPTION",
      "cv and tune take no --validation, --early-stopping, --checkpoint or --resume (the folds hold out rows)",
    );
  }
  const regression = isRegression(f.model);
  const options = modelOptions(f, false);
  const model = makeModel(f, options) as unknown as SelectableEstimator;
  const data = await loadFitData(file, f, regression);
  const c = data.chunk;
  const raw: Matrix = { data: c.X, rows: c.rows, cols: c.featureNames.length };
  const scaler = f.scale === "none" ? null : new StandardScaler();
  const X = scaler === null ? raw : scaler.fitTransform(raw);
  const y = regression ? c.y : normaliseLabels(c.y);
  const o = model.getOptions?.() ?? {};
  const ds = await Dataset.from(X, y, {
    dtype: o.dtype === "float32" ? "float32" : "float64",
    backend: (o.backend as "wasm" | undefined) ?? "wasm",
    threads: (o.threads as number | undefined) ?? 1,
  });
  return { ds, X, y, scaler, featureNames: c.featureNames, preprocessing: data.preprocessing, model };
}

/** The scorer names of --scoring (undefined: the model's own score). */
function scoringOf(f: SelectFlags): string[] | undefined {
  return f.scoring === undefined || f.scoring.length === 0 ? undefined : f.scoring;
}

/** What `descent cv` reports (also its --json output). */
export interface CvReport {
  file: string;
  model: string;
  rows: number;
  folds: number;
  /** Whether the folds are time-series splits (--time-series). */
  timeSeries: boolean;
  /** Per scorer: each fold's test score, their mean and standard deviation. */
  scores: Record<string, { test: number[]; mean: number; std: number }>;
  /** Milliseconds of each fold's fit. */
  fitMs: number[];
  /** Per fold, why its fit or scoring failed (its scores are then NaN), or null. */
  errors: Array<string | null>;
}

function meanStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) * (x - mean), 0) / v.length) };
}

/** Runs `descent cv data.csv --target y [--folds 5] [--scoring r2,...]`. */
export async function runCv(file: string, f: SelectFlags): Promise<CvReport> {
  const s = await stage(file, f);
  try {
    const names = scoringOf(f) ?? [isRegression(f.model) ? "r2" : "accuracy"];
    const folds = f.folds ?? 5;
    const byName = (await crossValidate(s.model, s.ds, null, {
      cv: foldsFlag(f, s.X.rows, s.y),
      scoring: names,
    })) as Record<string, FoldScores>;
    const scores: CvReport["scores"] = {};
    for (const [name, fs] of Object.entries(byName))
      scores[name] = { test: Array.from(fs.testScore), ...meanStd(Array.from(fs.testScore)) };
    const first = Object.values(byName)[0] as FoldScores;
    return {
      file,
      model: s.model.constructor.name,
      rows: s.X.rows,
      folds,
      timeSeries: f.timeSeries === true,
      scores,
      fitMs: Array.from(first.fitMs),
      errors: first.errors,
    };
  } finally {
    s.ds.dispose();
  }
}

const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(5)).toString() : String(v));

/** The human-readable cv report. */
export function formatCvReport(r: CvReport): string {
  const how = r.timeSeries ? `${r.folds} time-series splits` : `${r.folds}-fold cross-validation`;
  const lines = [`${r.model} on ${r.file} (${r.rows} rows), ${how}`];
  for (const [name, s] of Object.entries(r.scores))
    lines.push(`${name.padEnd(24)} ${fmt(s.mean)} ± ${fmt(s.std)}   folds: ${s.test.map(fmt).join(", ")}`);
  lines.push(`fit time per fold: ${r.fitMs.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}`);
  r.errors.forEach((e, f) => {
    if (e !== null) lines.push(`fold ${f + 1} failed (scored NaN): ${e}`);
  });
  return lines.join("\n");
}

/** Flag names of the options a --grid may search, as the library names them. */
const GRID_NAMES: Record<string, string> = {
  lr: "learningRate",
  "learning-rate": "learningRate",
  alpha: "alpha",
  "l1-ratio": "l1Ratio",
  penalty: "penalty",
  "batch-size": "batchSize",
  epochs: "maxEpochs",
  schedule: "schedule",
  optimizer: "optimizer",
  loss: "loss",
  epsilon: "epsilon",
  average: "average",
  momentum: "momentum",
  hidden: "hiddenLayerSizes",
  activation: "activation",
};

/** A --grid value as the option takes it: numbers, true/false, layer sizes for --hidden, else text. */
function gridValue(option: string, text: string): unknown {
  if (option === "hiddenLayerSizes") return text.split("x").map(Number);
  if (text === "true" || text === "false") return text === "true";
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : text;
}

/** The grid of --grid name=v1,v2 flags (each name once; --hidden sizes as 64x32). */
export function parseGrid(flags: readonly string[]): Record<string, unknown[]> {
  if (flags.length === 0) throw new DescentError("E_OPTION", "tune needs at least one --grid name=v1,v2");
  const grid: Record<string, unknown[]> = {};
  for (const g of flags) {
    const at = g.indexOf("=");
    const name = at < 0 ? g : g.slice(0, at).trim();
    const option = GRID_NAMES[name] ?? name;
    if (at < 0 || g.slice(at + 1).trim() === "")
      throw new DescentError("E_OPTION", `--grid '${g}' must be name=v1,v2 (e.g. alpha=1e-5,1e-4)`);
    if (Object.hasOwn(grid, option)) throw new DescentError("E_OPTION", `--grid names '${name}' twice`);
    grid[option] = g
      .slice(at + 1)
      .split(",")
      .map((v) => gridValue(option, v.trim()));
  }
  return grid;
}

/** What `descent tune` reports (also its --json output). */
export interface TuneReport {
  file: string;
  model: string;
  rows: number;
  folds: number;
  /** The scorer that ranks (the first of --scoring). */
  scoring: string;
  best: { params: Record<string, unknown>; score: number };
  /** Every candidate, best rank first. */
  results: Array<{
    params: Record<string, unknown>;
    mean: number;
    std: number;
    rank: number;
    fitMs: number;
    /** Per fold, why the candidate's fit or scoring failed (scored NaN), or null. */
    errors: Array<string | null>;
    /** With several --scoring names: each one's mean test score. */
    scores?: Record<string, number>;
  }>;
  out?: string;
}

/** Runs `descent tune data.csv --target y --grid alpha=1e-5,1e-4 [--grid lr=0.01,0.1] [--folds 5]`. */
export async function runTune(file: string, f: SelectFlags, tty: boolean): Promise<TuneReport> {
  const grid = parseGrid(f.grid ?? []);
  const candidates = parameterGrid(grid).length;
  const s = await stage(file, f);
  const bar =
    f.quiet || !tty
      ? null
      : new cliProgress.SingleBar(
          {
            format: "fits [{bar}] {value}/{total} ({candidates} candidates × {folds} folds)",
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
  try {
    // Several --scoring names: every candidate is scored by each, ranked by the first.
    const names = scoringOf(f);
    const scoring = names === undefined ? undefined : names.length === 1 ? names[0] : names;
    const folds = f.folds ?? 5;
    const cv = foldsFlag(f, s.X.rows, s.y);
    bar?.start(candidates * cv.length, 0, { candidates, folds: cv.length });
    const r: SearchResult<SelectableEstimator> = await gridSearch(s.model, grid, s.ds, null, {
      cv,
      ...(scoring === undefined ? {} : { scoring }),
      refit: f.out !== undefined,
      // The bar moves with each fit: on staged data the candidates train a fold at a time.
      onFit: (done) => bar?.update(done),
      onCandidate: (done, all) => {
        if (bar === null && !f.quiet) process.stderr.write(`candidate ${done}/${all}\n`);
      },
    });
    bar?.stop();
    const report: TuneReport = {
      file,
      model: s.model.constructor.name,
      rows: s.X.rows,
      folds,
      scoring: names?.[0] ?? (isRegression(f.model) ? "r2" : "accuracy"),
      best: { params: r.bestParams, score: r.bestScore },
      results: r.results
        .map((c) => ({
          params: c.params,
          mean: c.meanTestScore,
          std: c.stdTestScore,
          rank: c.rank,
          fitMs: c.meanFitMs,
          errors: c.errors,
          ...(c.scores === undefined
            ? {}
            : { scores: Object.fromEntries(Object.entries(c.scores).map(([k, v]) => [k, v.meanTestScore])) }),
        }))
        .sort((a, b) => a.rank - b.rank),
    };
    if (f.out !== undefined && r.bestEstimator !== null) {
      await writeBundle(f.out, {
        model: r.bestEstimator as unknown as Parameters<typeof writeBundle>[1]["model"],
        scaler: s.scaler,
        featureNames: s.featureNames,
        target: f.target,
        preprocessing: s.preprocessing,
      });
      report.out = f.out;
    }
    return report;
  } finally {
    bar?.stop();
    s.ds.dispose();
  }
}

/** The human-readable tune report: the results table, best first. */
export function formatTuneReport(r: TuneReport): string {
  const shown = (p: Record<string, unknown>): string =>
    Object.entries(p)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("x") : String(v)}`)
      .join(" ");
  // The other scorers' means, a column each after the ranking scorer's.
  const others = Object.keys(r.results[0]?.scores ?? {}).filter((k) => k !== r.scoring);
  const width = (k: string) => Math.max(10, k.length);
  const extra = (c: TuneReport["results"][number]): string =>
    others.map((k) => `${fmt(c.scores?.[k] ?? Number.NaN).padEnd(width(k))}  `).join("");
  const lines = [
    `${r.model} on ${r.file} (${r.rows} rows): ${r.results.length} candidates × ${r.folds} folds, scored by ${r.scoring}`,
    `rank  mean        std         ${others.map((k) => `${k.padEnd(width(k))}  `).join("")}fit ms  options`,
    ...r.results.map(
      (c) =>
        `${String(c.rank).padStart(4)}  ${fmt(c.mean).padEnd(10)}  ${fmt(c.std).padEnd(10)}  ${extra(c)}${c.fitMs.toFixed(0).padStart(6)}  ${shown(c.params)}`,
    ),
    `best: ${shown(r.best.params)} (${fmt(r.best.score)})`,
  ];
  for (const c of r.results) {
    const failed = c.errors.filter((e) => e !== null);
    if (failed.length > 0)
      lines.push(`${shown(c.params)}: ${failed.length} of ${c.errors.length} fits failed (scored NaN): ${failed[0]}`);
  }
  if (r.out !== undefined) lines.push(`refitted on every row and written to ${r.out}`);
  return lines.join("\n");
}
