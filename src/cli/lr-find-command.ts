import { writeFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import { lossPlotSvg } from "../io/loss-svg.js";
import type { DType } from "../matrix.js";
import { MatrixFactorization } from "../models/matrix-factorization.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";
import { findLearningRate } from "../tuning/find-learning-rate.js";
import type { LearningRateCurve } from "../tuning/range-test.js";
import { type FitFlags, isRegression, makeModel, modelOptions } from "./fit-command.js";
import { loadFitData } from "./fit-data.js";
import { mfModelOptions, readRatings } from "./mf-command.js";

/** Flags of `descent lr-find`: the model flags of `descent fit` (matrix factorisation's too), and the sweep's. */
export interface LrFindFlags extends Omit<FitFlags, "model"> {
  model: FitFlags["model"] | "mf";
  user?: string;
  item?: string;
  factors?: number;
  regularization?: number;
  min?: number;
  max?: number;
  steps?: number;
}

/** What `descent lr-find` reports (also its --json output). */
export interface LrFindReport {
  file: string;
  model: string;
  rows: number;
  suggestion: number;
  minimumRate: number;
  steepestRate: number;
  stopReason: LearningRateCurve["stopReason"];
  rates: number[];
  losses: number[];
  smoothed: number[];
  plot?: string;
}

/**
 * Runs `descent lr-find data.csv --target y`: the learning-rate range test (findLearningRate) for
 * the model the fit flags describe, on the whole file in memory, standardised unless --scale none;
 * with --model mf, on the ratings CSV's (user, item, target) columns.
 */
export async function runLrFind(file: string, f: LrFindFlags): Promise<LrFindReport> {
  if (f.validation !== undefined || f.earlyStopping || f.out !== undefined) {
    throw new DescentError("E_OPTION", "lr-find takes no --validation, --early-stopping or --out (it trains a copy)");
  }
  const sweep = {
    ...(f.min === undefined ? {} : { min: f.min }),
    ...(f.max === undefined ? {} : { max: f.max }),
    ...(f.steps === undefined ? {} : { steps: f.steps }),
    ...(f.seed === undefined ? {} : { seed: f.seed }),
  };
  let curve: LearningRateCurve;
  let name: string;
  let rows: number;
  if (f.model === "mf") {
    const t = await readRatings(file, f);
    const model = new MatrixFactorization(mfModelOptions({ ...f, dtype: f.dtype as DType | undefined }));
    curve = await findLearningRate(model, t, sweep);
    name = "MatrixFactorization";
    rows = t.ratings.length;
  } else {
    const flags: FitFlags = { ...f, model: f.model };
    const regression = isRegression(flags.model);
    const model = makeModel(flags, modelOptions(flags, false));
    // The same column plan as descent fit (text one-hot, missing cells imputed, dates expanded).
    const all = (await loadFitData(file, flags, regression)).chunk;
    const y = all.y;
    const raw = { data: all.X, rows: all.rows, cols: all.featureNames.length };
    const X = f.scale === "none" ? raw : new StandardScaler().fitTransform(raw);
    curve = await findLearningRate(model, X, y, sweep);
    name = model.constructor.name;
    rows = all.rows;
  }
  const report: LrFindReport = {
    file,
    model: name,
    rows,
    suggestion: curve.suggestion,
    minimumRate: curve.minimumRate,
    steepestRate: curve.steepestRate,
    stopReason: curve.stopReason,
    rates: curve.rates,
    losses: curve.losses,
    smoothed: curve.smoothed,
  };
  if (f.plot !== undefined) {
    const svg = lossPlotSvg(
      `learning-rate range test: ${report.model}, ${rows} rows`,
      {
        name: f.model === "mf" ? "mean squared error (smoothed)" : "objective (smoothed)",
        values: curve.smoothed,
        color: "#2563eb",
      },
      null,
      {
        name: "learning rate (log scale)",
        values: curve.rates,
        log: true,
        mark: { at: curve.suggestion, label: `suggested ${curve.suggestion.toPrecision(2)}` },
      },
    );
    await writeFile(f.plot, svg);
    report.plot = f.plot;
  }
  return report;
}

/** The human-readable lr-find report. */
export function formatLrFindReport(r: LrFindReport): string {
  const lines = [
    `${r.model} on ${r.file} (${r.rows} rows): ${r.rates.length} steps, rates ${r.rates[0]?.toExponential(1)} to ${r.rates[r.rates.length - 1]?.toExponential(1)} (${r.stopReason})`,
    `lowest smoothed loss at rate ${r.minimumRate.toPrecision(3)}; steepest fall at ${r.steepestRate.toPrecision(3)}`,
    `suggested learning rate: ${r.suggestion.toPrecision(3)}  (descent fit ... --lr ${r.suggestion.toPrecision(3)})`,
  ];
  if (r.plot !== undefined) lines.push(`curve written to ${r.plot}`);
  return lines.join("\n");
}
