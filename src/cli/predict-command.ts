import { stringify } from "csv-stringify/sync";
import { DescentError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { readCsvChunks } from "../io/csv-stream.js";
import { isTableFile, readTableFile } from "../io/table-file.js";
import { isMatrix, predictionVector } from "../matrix.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import type { ModelBundle } from "./model-bundle.js";
import { predictMultiTarget } from "./multi-target-predict.js";
import { oneChunk, preparedChunks } from "./predict-chunks.js";

/** Flags of `descent predict`. */
export interface PredictFlags {
  out?: string;
  proba?: boolean;
  json?: boolean;
}

/** What a prediction run reports. */
export interface PredictReport {
  rows: number;
  /** R² or accuracy when the CSV has the target column. */
  score?: number;
  scoreName: "r2" | "accuracy";
  out?: string;
}

/**
 * Runs `descent predict` with a bundle from parseBundle: streams the CSV (columns by name, any order; the target
 * column optional), writes one prediction per row (and class probabilities with --proba) as CSV to
 * --out or stdout. The output file appears only when everything succeeded.
 */
export async function runPredict(bundle: ModelBundle, file: string, f: PredictFlags): Promise<PredictReport> {
  const { model, scaler, featureNames, target } = bundle;
  if ((model instanceof MLPRegressor && model.nOutputs > 1) || (model instanceof MLPClassifier && model.multiLabel))
    return finishPredict(await predictMultiTarget({ ...bundle, model }, file, f.proba === true), f);
  const probabilistic =
    model instanceof LogisticRegression ||
    model instanceof MLPClassifier ||
    (model instanceof LinearSVM && model.loss === "modifiedHuber");
  if (f.proba && !probabilistic) {
    throw new DescentError(
      "E_OPTION",
      "--proba needs a model with probabilities (logistic, mlp, or svm with loss modifiedHuber)",
    );
  }
  const regression = model instanceof LinearRegression || model instanceof MLPRegressor;
  const classes = regression ? null : model.classes;
  const numericLabels = classes !== null && typeof classes[0] === "number";
  const header = ["prediction", ...(f.proba && classes !== null ? classes.map((c) => `p_${c}`) : [])];
  const out: string[] = [stringify([header])];
  let rows = 0;
  let hits = 0;
  let ss = 0;
  let sy = 0;
  let syy = 0;
  let hasTarget = false;
  let scored = 0;
  // The target column, when the file has it, gives a score.
  const layout = { target, targetOptional: true, drop: [], features: featureNames, labels: !regression };
  const chunks =
    bundle.preprocessing !== null
      ? preparedChunks(file, bundle.preprocessing, target, regression)
      : isTableFile(file)
        ? oneChunk(readTableFile(file, layout))
        : readCsvChunks(file, layout, 8192);
  for await (const chunk of chunks) {
    hasTarget = chunk.hasTarget;
    const raw = { data: chunk.X, rows: chunk.rows, cols: featureNames.length };
    const m = scaler === null ? raw : scaler.transform(raw);
    const predicted = model.predict(m);
    const pred = isMatrix(predicted) ? predictionVector(predicted) : predicted;
    const proba =
      f.proba && (model instanceof LogisticRegression || model instanceof MLPClassifier || model instanceof LinearSVM)
        ? model.predictProba(m)
        : null;
    const lines: Array<Array<string | number>> = [];
    for (let i = 0; i < chunk.rows; i++) {
      const row: Array<string | number> = [pred[i] as number | string];
      if (proba !== null) for (let c = 0; c < proba.cols; c++) row.push(proba.data[i * proba.cols + c] as number);
      lines.push(row);
      const truth = chunk.y[i] as number | string;
      if (hasTarget && !(typeof truth === "number" && Number.isNaN(truth))) {
        scored++;
        if (regression) {
          const t = truth as number;
          ss += (t - (pred[i] as number)) ** 2;
          sy += t;
          syy += t * t;
        } else if ((numericLabels ? Number(truth) : truth) === pred[i]) hits++;
      }
    }
    out.push(stringify(lines));
    rows += chunk.rows;
  }
  if (rows === 0) throw new DescentError("E_EMPTY", `'${file}' has a header but no rows`);
  const report: PredictReport = { rows, scoreName: regression ? "r2" : "accuracy" };
  if (hasTarget && scored > 0) {
    const tot = syy - (sy * sy) / scored;
    report.score = regression ? (tot <= 0 ? (ss === 0 ? 1 : 0) : 1 - ss / tot) : hits / scored;
  }
  return finishPredict({ report, text: out.join("") }, f);
}

/** Writes the predictions' CSV text to --out (atomically) or stdout (unless --json); the report. */
async function finishPredict(run: { report: PredictReport; text: string }, f: PredictFlags): Promise<PredictReport> {
  const { report, text } = run;
  if (f.out !== undefined) {
    await writeFileAtomic(f.out, text);
    report.out = f.out;
  } else if (!f.json) {
    process.stdout.write(text);
  }
  return report;
}
