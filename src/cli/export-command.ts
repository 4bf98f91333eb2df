import { writeFileAtomic } from "../io/atomic-write.js";
import { MatrixFactorization } from "../models/matrix-factorization.js";
import { preprocessingOnnx } from "../preprocess/preprocess-onnx.js";
import type { ColumnKind } from "../table/column-table.js";
import type { Preprocessing } from "./fit-data.js";
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
 * ONNX graph, written atomically: raw rows in (the file's scaler folded in front) for linear models
 * and MLPs; user and item ids in, ratings out, for matrix factorisation.
 */
export async function runExport(modelPath: string, out: string, float32: boolean): Promise<ExportReport> {
  const obj = await readModelFile(modelPath);
  const dtype = float32 ? "float32" : "float64";
  let bytes: Uint8Array;
  let name: string;
  let scaled = false;
  if (obj.format === MF_BUNDLE_FORMAT) {
    const model = MatrixFactorization.fromJSON(obj.model);
    bytes = model.toONNX({ dtype });
    name = "MatrixFactorization";
  } else {
    const { model, scaler, preprocessing } = parseBundle(obj, modelPath);
    bytes = model.toONNX({
      dtype,
      scaler: scaler === null ? null : { mean: scaler.mean as Float64Array, scale: scaler.scale as Float64Array },
      prelude:
        preprocessing === null
          ? null
          : preprocessingOnnx(preprocessing.preprocessor, onnxColumns(preprocessing), dtype),
    });
    name = model.constructor.name;
    scaled = scaler !== null;
  }
  await writeFileAtomic(out, bytes);
  return { model: name, out, bytes: bytes.length, dtype, scaler: scaled };
}

/** The ONNX inputs of a saved plan: each column as the preprocessing reads it (--categorical ones as text, --numeric ones as numbers). */
function onnxColumns(p: Preprocessing): Array<{ name: string; kind: ColumnKind }> {
  return p.inputColumns.map((c) => ({
    name: c.name,
    kind: p.flags.categorical?.includes(c.name) ? "string" : p.flags.numeric?.includes(c.name) ? "number" : c.kind,
  }));
}
