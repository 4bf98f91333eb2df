import { readFile, rename, writeFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import { field, type JsonObject } from "../io/model-json.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import { StandardScaler } from "../models/standard-scaler.js";

/** Format tag of the files `descent fit --out` writes. */
export const BUNDLE_FORMAT = "descent-cli-model";
/** Version of that format. */
export const BUNDLE_VERSION = 1;

/** What `descent predict` needs: the model, its scaler, and how to read the CSV. */
export interface ModelBundle {
  model: LinearRegression | LogisticRegression | LinearSVM | MLPClassifier | MLPRegressor;
  scaler: StandardScaler | null;
  featureNames: string[];
  target: string;
}

/** The bundle as JSON text; `extra` fields (a checkpoint's loop state) go beside it. */
export function bundleToJson(b: ModelBundle, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(
    {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      target: b.target,
      featureNames: b.featureNames,
      scaler: b.scaler === null ? null : b.scaler.toJSON(),
      model: b.model.toJSON(),
      ...extra,
    },
    null,
    1,
  )}\n`;
}

/**
 * Writes the bundle atomically (a temporary file, then rename), so a failure, or a kill, leaves the
 * previous file whole and never a partial one.
 */
export async function writeBundle(path: string, b: ModelBundle, extra: Record<string, unknown> = {}): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bundleToJson(b, extra));
  await rename(tmp, path);
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
  if (field(obj, "version") !== BUNDLE_VERSION) {
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
  return { model, scaler, featureNames: names as string[], target };
}
