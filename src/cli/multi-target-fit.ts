// `descent fit --target a,b`: several target columns, in memory. A multi-output regression with
// --model mlp-regressor, a multi-label classifier (each target 0/1 or true/false) with --model mlp.
// The feature columns go through the same column plan, --validation and scaling as one target.
import { DescentError } from "../errors.js";
import { readTypedTable } from "../io/read-table.js";
import type { Matrix } from "../matrix.js";
import type { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPRegressor } from "../models/mlp-regressor.js";
import { takeRows } from "../models/sub-problems.js";
import { planColumns } from "../preprocess/column-plan.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";
import { splitTargets } from "../table/target-columns.js";
import { columnFlags, type DataFlags, kindsOf, readOptions } from "./fit-data.js";
import type { FitReport } from "./fit-report.js";
import { writeBundle } from "./model-bundle.js";
import { isValidationRow } from "./validation-rows.js";

/** The flags a multi-target fit reads. */
export interface MultiTargetFlags extends DataFlags {
  model: string;
  scale: "standard" | "none";
  seed?: number;
  validation?: number;
  earlyStopping?: boolean;
  out?: string;
}

/**
 * The target column names of --target: for --model mlp and mlp-regressor, the columns it lists by
 * commas; for the other models, the one column it names (a column name may hold a comma there).
 */
export function targetNames(target: string, model: string): string[] {
  if (!target.includes(",") || (model !== "mlp" && model !== "mlp-regressor")) return [target];
  const names = target.split(",").map((s) => s.trim());
  if (names.some((n) => n === "") || new Set(names).size !== names.length)
    throw new DescentError("E_OPTION", `--target '${target}' must list distinct column names separated by commas`);
  return names;
}

/** Fits `model` on the file's features against the `names` targets; the report as for one target. */
export async function runMultiTargetFit(
  file: string,
  f: MultiTargetFlags,
  names: string[],
  model: MLPClassifier | MLPRegressor,
  started: number,
): Promise<FitReport> {
  const regression = f.model === "mlp-regressor";
  const table = await readTypedTable(file, readOptions(f));
  const split = splitTargets(table, names, regression, file);
  const plan = planColumns(split.X, f);
  const k = names.length;
  const Yfile: Matrix = { data: split.Y, rows: split.Y.length / k, cols: k };
  const Yall = plan.keptRows === null ? Yfile : takeRows(Yfile, Int32Array.from(plan.keptRows));
  const Xall = plan.preprocessor.transform(plan.table);
  const d = Xall.cols;
  const n = Xall.rows;
  const fraction = f.earlyStopping ? undefined : f.validation;
  const train: number[] = [];
  const held: number[] = [];
  for (let r = 0; r < n; r++)
    (fraction !== undefined && isValidationRow(r, f.seed ?? 0, fraction) ? held : train).push(r);
  if (train.length === 0)
    throw new DescentError("E_EMPTY", "no training rows left after holding out --validation rows");
  const part = (rows: number[]): { X: Matrix; Y: Matrix } => ({
    X: takeRows(Xall, Int32Array.from(rows)),
    Y: takeRows(Yall, Int32Array.from(rows)),
  });
  const tr = part(train);
  const scaler = f.scale === "standard" ? new StandardScaler().fit(tr.X) : null;
  const scaled = (m: Matrix) => (scaler === null ? m : scaler.transform(m));
  const Xtr = scaled(tr.X);
  await model.fit(Xtr, tr.Y);
  const report: FitReport = {
    file,
    mode: "memory",
    rows: n,
    features: d,
    target: names.join(","),
    model: model.constructor.name,
    objective: model.objective(Xtr, tr.Y),
    trainScore: model.score(Xtr, tr.Y),
    scoreName: regression ? "r2" : "accuracy",
    epochs: model.nEpochs,
    stopReason: model.stopReason,
    seconds: (performance.now() - started) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    columns: plan.notes,
    droppedRows: {
      missingTarget: split.droppedRows,
      missingFeature: plan.keptRows === null ? 0 : split.X.rows - plan.keptRows.length,
    },
    warnings: [],
  };
  if (!regression) report.classes = names;
  if (held.length > 0) {
    const va = part(held);
    report.validationScore = model.score(scaled(va.X), va.Y);
  } else if (f.earlyStopping && model.bestValidationScore !== null) report.validationScore = model.bestValidationScore;
  if (f.out !== undefined) {
    await writeBundle(f.out, {
      model,
      scaler,
      featureNames: plan.preprocessor.getFeatureNamesOut(),
      target: names.join(","),
      preprocessing: {
        preprocessor: plan.preprocessor,
        inputColumns: kindsOf(split.X),
        flags: columnFlags(f),
        missing: f.missing ?? null,
      },
    });
    report.out = f.out;
  }
  return report;
}
