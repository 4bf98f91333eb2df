import { readFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { field, type JsonObject } from "../io/model-json.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import type { ColumnFlags } from "../preprocess/column-plan.js";
import { ColumnTransformer } from "../preprocess/column-transformer.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";
import type { ColumnKind } from "../table/column-table.js";
import type { Preprocessing } from "./fit-data.js";

/** Format tag of the files `descent fit --out` writes. */
export const BUNDLE_FORMAT = "descent-cli-model";
/** Version of that format: 2 adds the column preprocessing (1, numeric columns only, is still read). */
export const BUNDLE_VERSION = 2;

/** What `descent predict` needs: the model, its scaler, and how to read the CSV. */
export interface ModelBundle {
  model: LinearRegression | LogisticRegression | LinearSVM | MLPClassifier | MLPRegressor;
  scaler: StandardScaler | null;
  /** The model's inputs: the preprocessor's output names (the file's columns for a version 1 file). */
  featureNames: string[];
  target: string;
  /** How raw rows become the model's inputs; null for a version 1 file (numeric columns as they are). */
  preprocessing: Preprocessing | null;
}

/** The bundle as JSON text; `extra` fields (a checkpoint's loop state) go beside it. */
export function bundleToJson(b: ModelBundle, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(
    {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      target: b.target,
      featureNames: b.featureNames,
      ...(b.preprocessing === null
        ? {}
        : {
            inputColumns: b.preprocessing.inputColumns,
            columnFlags: b.preprocessing.flags,
            missing: b.preprocessing.missing,
            preprocessor: b.preprocessing.preprocessor.toJSON(),
          }),
      scaler: b.scaler === null ? null : b.scaler.toJSON(),
      model: b.model.toJSON(),
      ...extra,
    },
    null,
    1,
  )}\n`;
}

/**
 * Writes the bundle atomically (writeFileAtomic: an exclusive temporary file, fsync, rename), so a
 * failure, or a kill, leaves the previous file whole and never a partial one.
 */
export async function writeBundle(path: string, b: ModelBundle, extra: Record<string, unknown> = {}): Promise<void> {
  await writeFileAtomic(path, bundleToJson(b, extra));
}

/** Reads a model file written by `descent fit --out` as a JSON object; E_FORMAT when it is not one. */
export async function readModelFile(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new DescentError("E_FORMAT", `cannot read model '${path}': ${(err as Error).message}`, { cause: err });
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (err) {
    throw new DescentError("E_FORMAT", `model '${path}' is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    throw new DescentError("E_FORMAT", `model '${path}': expected an object`);
  }
  return o as JsonObject;
}

/** Validates a linear-model bundle read by readModelFile from `path`; E_FORMAT names what is wrong. */
export function parseBundle(obj: JsonObject, path: string): ModelBundle {
  if (field(obj, "format") !== BUNDLE_FORMAT)
    throw new DescentError("E_FORMAT", `model '${path}': not a descent model file`);
  const version = field(obj, "version");
  if (version !== 1 && version !== BUNDLE_VERSION) {
    throw new DescentError("E_FORMAT", `model '${path}': unsupported version ${JSON.stringify(field(obj, "version"))}`);
  }
  const names = field(obj, "featureNames");
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string")) {
    throw new DescentError("E_FORMAT", `model '${path}': 'featureNames' must be a list of column names`);
  }
  const target = field(obj, "target");
  if (typeof target !== "string") throw new DescentError("E_FORMAT", `model '${path}': 'target' must be a column name`);
  const modelJson = field(obj, "model");
  const kind =
    modelJson !== null && typeof modelJson === "object" ? field(modelJson as JsonObject, "model") : undefined;
  const model =
    kind === "LinearRegression"
      ? LinearRegression.fromJSON(modelJson)
      : kind === "LogisticRegression"
        ? LogisticRegression.fromJSON(modelJson)
        : kind === "LinearSVM"
          ? LinearSVM.fromJSON(modelJson)
          : kind === "MLPClassifier"
            ? MLPClassifier.fromJSON(modelJson)
            : kind === "MLPRegressor"
              ? MLPRegressor.fromJSON(modelJson)
              : null;
  if (model === null) throw new DescentError("E_FORMAT", `model '${path}': unknown model kind ${JSON.stringify(kind)}`);
  const scalerJson = field(obj, "scaler");
  const scaler = scalerJson === null || scalerJson === undefined ? null : StandardScaler.fromJSON(scalerJson);
  if (model.nFeatures !== names.length || (scaler !== null && scaler.mean?.length !== names.length)) {
    throw new DescentError(
      "E_FORMAT",
      `model '${path}': ${names.length} feature names but the model has ${model.nFeatures} weights`,
    );
  }
  return {
    model,
    scaler,
    featureNames: names as string[],
    target,
    preprocessing: readPreprocessing(obj, path, names as string[]),
  };
}

const KINDS: readonly ColumnKind[] = ["number", "string", "boolean", "date"];

/** The preprocessing of a version 2 bundle (null when it has none); E_FORMAT names what is wrong. */
function readPreprocessing(obj: JsonObject, path: string, featureNames: string[]): Preprocessing | null {
  const pre = field(obj, "preprocessor");
  if (pre === undefined || pre === null) return null;
  const bad = (what: string): never => {
    throw new DescentError("E_FORMAT", `model '${path}': ${what}`);
  };
  const preprocessor = ColumnTransformer.fromJSON(pre);
  const cols = field(obj, "inputColumns");
  if (
    !Array.isArray(cols) ||
    !cols.every(
      (c) =>
        c !== null &&
        typeof c === "object" &&
        typeof (c as JsonObject).name === "string" &&
        KINDS.includes((c as JsonObject).kind as ColumnKind),
    )
  )
    bad("'inputColumns' must list { name, kind } of every input column");
  const flags = field(obj, "columnFlags");
  if (flags === null || typeof flags !== "object" || Array.isArray(flags)) bad("'columnFlags' must be an object");
  const missing = field(obj, "missing");
  if (missing !== null && !(Array.isArray(missing) && missing.every((m) => typeof m === "string")))
    bad("'missing' must be null or a list of texts");
  if (preprocessor.getFeatureNamesOut().join("\u0000") !== featureNames.join("\u0000"))
    bad("'featureNames' are not the preprocessor's outputs");
  return {
    preprocessor,
    inputColumns: (cols as Array<{ name: string; kind: ColumnKind }>).map((c) => ({ name: c.name, kind: c.kind })),
    flags: flags as ColumnFlags,
    missing: missing as string[] | null,
  };
}
