// Pipelines exported whole to ONNX: raw rows with text, dates and missing cells in, run by
// onnxruntime-web, equal to descent's predict (labels equal, probabilities and values to 1e-12).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import { afterAll, describe, expect, it } from "vitest";
import { readCsvTable } from "../src/io/csv-table.js";
import { readTableFileTable } from "../src/io/table-file.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { ColumnTransformer, makeColumnSelector } from "../src/preprocess/column-transformer.js";
import { DateFeatures } from "../src/preprocess/date-features.js";
import { MinMaxScaler } from "../src/preprocess/min-max-scaler.js";
import { OneHotEncoder } from "../src/preprocess/one-hot-encoder.js";
import { makePipeline } from "../src/preprocess/pipeline.js";
import { SimpleImputer } from "../src/preprocess/simple-imputer.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import type { ColumnTable } from "../src/table/column-table.js";

ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "descent-onnx-pipeline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each column as an N × 1 tensor: text as strings ('' missing), the rest as doubles (NaN missing). */
function feeds(t: ColumnTable, stringColumns: ReadonlySet<string> = new Set()): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const c of t.columns) {
    if (c.kind === "string")
      out[c.name] = new ort.Tensor(
        "string",
        c.values.map((v) => v ?? ""),
        [t.rows, 1],
      );
    else if (stringColumns.has(c.name))
      out[c.name] = new ort.Tensor(
        "string",
        Array.from(c.values, (v) => (Number.isNaN(v) ? "" : String(v))),
        [t.rows, 1],
      );
    else out[c.name] = new ort.Tensor("float64", Float64Array.from(c.values), [t.rows, 1]);
  }
  return out;
}

async function run(bytes: Uint8Array, input: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  return session.run(input);
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs((a[i] as number) - (b[i] as number)));
  return w;
}

describe("Pipeline.toONNX on raw rows", () => {
  it("penguins with a date and a boolean (Parquet, nulls): imputers, scaler, one-hot, dates, logistic regression", async () => {
    const t = await readTableFileTable(join(root, "test/fixtures/parquet/penguins-zstd.parquet"));
    const y = t.columns[0]?.values as string[];
    const X: ColumnTable = { columns: t.columns.slice(1), rows: t.rows };
    const p = makePipeline(
      new ColumnTransformer([
        [
          "num",
          makePipeline(new SimpleImputer({ strategy: "median", addIndicator: true }), new StandardScaler()),
          makeColumnSelector({ dtypeInclude: ["number", "boolean"] }),
        ],
        [
          "when",
          makePipeline(new DateFeatures(), new SimpleImputer(), new MinMaxScaler()),
          makeColumnSelector({ dtypeInclude: "date" }),
        ],
        [
          "cat",
          makePipeline(new SimpleImputer({ strategy: "mostFrequent" }), new OneHotEncoder({ handleUnknown: "ignore" })),
          makeColumnSelector({ dtypeInclude: "string" }),
        ],
      ]),
      new LogisticRegression({ maxEpochs: 30, seed: 3 }),
    );
    await p.fit(X, y);
    const out = await run(p.toONNX(), feeds(X));
    expect(Array.from(out.label?.data as ArrayLike<string>)).toEqual(p.predict(X));
    expect(worst(out.probabilities?.data as Float64Array, p.predictProba(X).data)).toBeLessThanOrEqual(1e-12);
    // Unknown categories and missing cells at prediction time.
    const odd = feeds(X);
    odd.Island = new ort.Tensor(
      "string",
      Array.from({ length: X.rows }, (_, i) => (i % 3 === 0 ? "Atlantis" : i % 3 === 1 ? "" : "Dream")),
      [X.rows, 1],
    );
    const island = X.columns.findIndex((c) => c.name === "Island");
    const changed: ColumnTable = {
      rows: X.rows,
      columns: X.columns.map((c, j) =>
        j === island
          ? {
              kind: "string",
              name: c.name,
              values: Array.from({ length: X.rows }, (_, i) =>
                i % 3 === 0 ? "Atlantis" : i % 3 === 1 ? null : "Dream",
              ),
            }
          : c,
      ),
    };
    const o2 = await run(p.toONNX(), odd);
    expect(Array.from(o2.label?.data as ArrayLike<string>)).toEqual(p.predict(changed));
  });

  it("an MLP classifier in float32", async () => {
    const t = await readCsvTable(join(root, "data/penguins.csv"));
    const y = t.columns[0]?.values as string[];
    const X: ColumnTable = { columns: t.columns.slice(1), rows: t.rows };
    const p = makePipeline(
      new ColumnTransformer([
        [
          "num",
          makePipeline(new SimpleImputer(), new StandardScaler()),
          makeColumnSelector({ dtypeInclude: "number" }),
        ],
        ["cat", new OneHotEncoder({ handleUnknown: "ignore" }), makeColumnSelector({ dtypeInclude: "string" })],
      ]),
      new MLPClassifier({ hiddenLayerSizes: [8], maxEpochs: 20, seed: 1 }),
    );
    await p.fit(X, y);
    const out = await run(p.toONNX({ dtype: "float32" }), feeds(X));
    expect(worst(out.probabilities?.data as Float32Array, p.predictProba(X).data)).toBeLessThanOrEqual(1e-5);
  });
});

describe("descent export of a fitted table model", () => {
  it("cars (text capped to infrequent, a date, missing numbers): the ONNX graph gives descent predict's values", async () => {
    const cli = join(root, "dist/cli/main.js");
    const model = join(dir, "cars.json");
    const onnx = join(dir, "cars.onnx");
    const preds = join(dir, "cars-pred.csv");
    const sh = (...a: string[]) => spawnSync(process.execPath, [cli, ...a], { encoding: "utf8" });
    const cars = join(root, "data/cars.csv");
    expect(
      sh("fit", cars, "--target", "Miles_per_Gallon", "--categorical", "Cylinders", "--epochs", "20", "--out", model)
        .status,
    ).toBe(0);
    const e = sh("export", model, "--onnx", onnx);
    expect(e.status, e.stderr).toBe(0);
    expect(sh("predict", model, cars, "--out", preds).status).toBe(0);
    const expected = readFileSync(preds, "utf8").trim().split("\n").slice(1).map(Number);
    const t = await readCsvTable(cars);
    const X: ColumnTable = { rows: t.rows, columns: t.columns.filter((c) => c.name !== "Miles_per_Gallon") };
    const out = await run(readFileSync(onnx), feeds(X, new Set(["Cylinders"])));
    expect(worst(out.variable?.data as Float64Array, expected)).toBeLessThanOrEqual(1e-9);
  });

  it("a regression pipeline in the library matches to 1e-12", async () => {
    const t = await readCsvTable(join(root, "data/cars.csv"));
    const keep = Array.from({ length: t.rows }, (_, i) => i).filter(
      (i) => !Number.isNaN(t.columns[1]?.values[i] as number),
    );
    const X: ColumnTable = {
      rows: keep.length,
      columns: t.columns
        .filter((c) => c.name !== "Miles_per_Gallon")
        .map((c) =>
          c.kind === "string"
            ? { ...c, values: keep.map((i) => c.values[i] ?? null) }
            : { ...c, values: Float64Array.from(keep, (i) => c.values[i] as number) },
        ),
    } as ColumnTable;
    const y = keep.map((i) => t.columns[1]?.values[i] as number);
    const p = makePipeline(
      new ColumnTransformer([
        [
          "num",
          makePipeline(new SimpleImputer(), new StandardScaler()),
          makeColumnSelector({ dtypeInclude: "number" }),
        ],
        ["year", makePipeline(new DateFeatures(), new StandardScaler()), ["Year"]],
        [
          "cat",
          new OneHotEncoder({ maxCategories: 6, handleUnknown: "infrequentIfExist", drop: "first" }),
          ["Name", "Origin"],
        ],
      ]),
      new LinearRegression({ maxEpochs: 20 }),
    );
    await p.fit(X, y);
    const out = await run(p.toONNX(), feeds(X));
    expect(worst(out.variable?.data as Float64Array, p.predict(X) as Float64Array)).toBeLessThanOrEqual(1e-12);
  });
});
