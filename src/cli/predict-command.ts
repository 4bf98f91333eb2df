import { stringify } from "csv-stringify/sync";
import { DescentError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { type CsvChunk, readCsvChunks } from "../io/csv-stream.js";
import { readTypedChunks } from "../io/read-table.js";
import { isTableFile, readTableFile } from "../io/table-file.js";
import { isMatrix, predictionVector } from "../matrix.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import { shellWord } from "../preprocess/column-plan.js";
import type { Column } from "../table/column-table.js";
import { type Preprocessing, preparePredictTable } from "./fit-data.js";
import type { ModelBundle } from "./model-bundle.js";

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

/** One chunk as an async sequence. */
async function* oneChunk(chunk: Promise<CsvChunk>): AsyncGenerator<CsvChunk> {
  yield await chunk;
}

/**
 * Raw rows of a file through a saved column plan, a chunk at a time: the columns read with the
 * kinds they had at fit (missing ones named), cast and transformed as at fit; the target, when the
 * file has it, kept for the score (a row with a missing target is predicted but not scored).
 */
async function* preparedChunks(
  file: string,
  p: Preprocessing,
  target: string,
  regression: boolean,
): AsyncGenerator<CsvChunk> {
  const names = p.inputColumns.map((c) => c.name);
  const kinds = Object.fromEntries(p.inputColumns.map((c) => [c.name, c.kind]));
  const read = { kinds, chunkRows: 8192, ...(p.missing === null ? {} : { missing: p.missing }) };
  let first = true;
  for await (const t of readTypedChunks(file, read)) {
    const have = t.columns.map((c) => c.name);
    if (first) {
      const absent = names.filter((n) => !have.includes(n));
      if (absent.length > 0)
        throw new DescentError(
          "E_FORMAT",
          `'${file}' has no column ${absent.map(shellWord).join(", ")}, which the model was trained on (columns: ${have.join(", ")})`,
        );
      first = false;
    }
    const X = preparePredictTable({ rows: t.rows, columns: names.map((n) => t.columns[have.indexOf(n)] as Column) }, p);
    const m = p.preprocessor.transform(X);
    const targetColumn = t.columns.find((c) => c.name === target);
    const y: Array<number | string> = [];
    if (targetColumn !== undefined)
      for (let r = 0; r < t.rows; r++) {
        const v = targetColumn.values[r] as number | string | null;
        y.push(v === null || (typeof v === "number" && Number.isNaN(v)) ? Number.NaN : regression ? Number(v) : v);
      }
    yield {
      featureNames: p.preprocessor.getFeatureNamesOut(),
      X: m.data as Float64Array,
      rows: m.rows,
      y,
      hasTarget: targetColumn !== undefined,
    };
  }
}

/**
 * Runs `descent predict` with a bundle from parseBundle: streams the CSV (columns by name, any order; the target
 * column optional), writes one prediction per row (and class probabilities with --proba) as CSV to
 * --out or stdout. The output file appears only when everything succeeded.
 */
export async function runPredict(bundle: ModelBundle, file: string, f: PredictFlags): Promise<PredictReport> {
  const { model, scaler, featureNames, target } = bundle;
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
  const text = out.join("");
  if (f.out !== undefined) {
    await writeFileAtomic(f.out, text);
    report.out = f.out;
  } else if (!f.json) {
    process.stdout.write(text);
  }
  return report;
}
