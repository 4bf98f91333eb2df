// `descent predict` with a model fitted on several targets (`descent fit --target a,b`): one
// prediction column per target (and with --proba, a multi-label model's probability per label),
// scored when the file has every target: R² averaged over the outputs, or the share of rows with
// every label right.
import { stringify } from "csv-stringify/sync";
import { DescentError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import type { MLPClassifier } from "../models/mlp-classifier.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import type { Column } from "../table/column-table.js";
import type { ModelBundle } from "./model-bundle.js";
import { preparedChunks } from "./predict-chunks.js";

/** A multi-target prediction run: its report and the CSV text. */
export interface MultiTargetPrediction {
  report: { rows: number; score?: number; scoreName: "r2" | "accuracy" };
  text: string;
}

/** The target value of column c at row r as a number (NaN when missing or not a number). */
function cellOf(c: Column, r: number): number {
  const v = c.values[r];
  if (v === null || v === undefined) return Number.NaN;
  return typeof v === "number" ? v : Number(v);
}

/** Predicts every row of `file` with a multi-output or multi-label bundle. */
export async function predictMultiTarget(
  bundle: ModelBundle & { model: MLPRegressor | MLPClassifier },
  file: string,
  proba: boolean,
): Promise<MultiTargetPrediction> {
  const { model, scaler, target } = bundle;
  const regression = model instanceof MLPRegressor;
  const names = target.split(",");
  const k = names.length;
  if (bundle.preprocessing === null)
    throw new DescentError("E_FORMAT", "a model of several targets needs its column plan (a version 2 model file)");
  const header = [...names.map((n) => `prediction_${n}`), ...(proba && !regression ? names.map((n) => `p_${n}`) : [])];
  const out: string[] = [stringify([header])];
  // Per output: Σ(y − ŷ)², Σy, Σy² over the scored rows (regression); rows with every label right.
  const ss = new Float64Array(k);
  const sy = new Float64Array(k);
  const syy = new Float64Array(k);
  let hits = 0;
  let scored = 0;
  let rows = 0;
  let allTargets = true;
  for await (const chunk of preparedChunks(file, bundle.preprocessing, names[0] as string, regression)) {
    const raw: Matrix = { data: chunk.X, rows: chunk.rows, cols: bundle.featureNames.length };
    const m = scaler === null ? raw : scaler.transform(raw);
    const pred = model.predict(m) as Matrix;
    const p = proba && !regression ? (model as MLPClassifier).predictProba(m) : null;
    const columns = names.map((n) => chunk.table.columns.find((c) => c.name === n));
    if (columns.some((c) => c === undefined)) allTargets = false;
    const lines: number[][] = [];
    for (let i = 0; i < chunk.rows; i++) {
      const row = Array.from(pred.data.subarray(i * k, (i + 1) * k));
      if (p !== null) row.push(...p.data.subarray(i * k, (i + 1) * k));
      lines.push(row);
      if (!allTargets) continue;
      const truth = columns.map((c) => cellOf(c as Column, i));
      if (truth.some((v) => Number.isNaN(v))) continue;
      scored++;
      let right = true;
      truth.forEach((t, j) => {
        const e = t - (pred.data[i * k + j] as number);
        ss[j] = (ss[j] as number) + e * e;
        sy[j] = (sy[j] as number) + t;
        syy[j] = (syy[j] as number) + t * t;
        if (e !== 0) right = false;
      });
      if (right) hits++;
    }
    out.push(stringify(lines));
    rows += chunk.rows;
  }
  if (rows === 0) throw new DescentError("E_EMPTY", `'${file}' has a header but no rows`);
  const report: MultiTargetPrediction["report"] = { rows, scoreName: regression ? "r2" : "accuracy" };
  if (allTargets && scored > 0) {
    if (!regression) report.score = hits / scored;
    else {
      let r2 = 0;
      for (let j = 0; j < k; j++) {
        const tot = (syy[j] as number) - ((sy[j] as number) * (sy[j] as number)) / scored;
        r2 += tot <= 0 ? ((ss[j] as number) === 0 ? 1 : 0) : 1 - (ss[j] as number) / tot;
      }
      report.score = r2 / k;
    }
  }
  return { report, text: out.join("") };
}
