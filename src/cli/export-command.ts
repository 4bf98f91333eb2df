import { rename, writeFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import { MF_BUNDLE_FORMAT } from "./mf-command.js";
import { parseBundle, readModelFile } from "./model-bundle.js";

/** What `descent export` wrote. */
export interface ExportReport {
  model: string;
  out: string;
  bytes: number;
  dtype: "float64" | "float32";
  scaler: boolean;
}

/**
 * Runs `descent export model.json --onnx model.onnx`: the model of a `descent fit --out` file as an
 * ONNX graph taking raw rows (the file's scaler folded in front), written atomically.
 */
export async function runExport(modelPath: string, out: string, float32: boolean): Promise<ExportReport> {
  const obj = await readModelFile(modelPath);
  if (obj.format === MF_BUNDLE_FORMAT) {
    throw new DescentError(
      "E_OPTION",
      "descent export does not write matrix factorisation models yet (linear models and MLPs only)",
    );
  }
  const { model, scaler } = parseBundle(obj, modelPath);
  const dtype = float32 ? "float32" : "float64";
  const bytes = model.toONNX({
    dtype,
    scaler: scaler === null ? null : { mean: scaler.mean as Float64Array, scale: scaler.scale as Float64Array },
  });
  const tmp = `${out}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, out);
  return { model: model.constructor.name, out, bytes: bytes.length, dtype, scaler: scaler !== null };
}
