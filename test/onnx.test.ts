// ONNX export: every model kind run by onnxruntime-web (its WebAssembly build, in Node) gives what
// predict / predictProba give: within 1e-12 in float64 graphs, 1e-6 in float32 ones; labels equal.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import { afterAll, describe, expect, it } from "vitest";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/models/standard-scaler.js";
import { loadDataset } from "./helpers/datasets.js";

ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

const iris = loadDataset("iris", "species");
const Zi = new StandardScaler().fitTransform(iris.X);
const cancer = loadDataset("breast_cancer", "benign");
const Zc = new StandardScaler().fitTransform(cancer.X);
const diabetes = loadDataset("diabetes", "progression");
const Zd = new StandardScaler().fitTransform(diabetes.X);

async function runOnnx(bytes: Uint8Array, X: Matrix, dtype: "float64" | "float32" = "float64") {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const data = dtype === "float64" ? Float64Array.from(X.data) : Float32Array.from(X.data);
  const out = await session.run({ X: new ort.Tensor(dtype, data, [X.rows, X.cols]) });
  return {
    label: out.label === undefined ? null : Array.from(out.label.data as ArrayLike<unknown>),
    probabilities: out.probabilities === undefined ? null : Array.from(out.probabilities.data as ArrayLike<number>),
    variable: out.variable === undefined ? null : Array.from(out.variable.data as ArrayLike<number>),
  };
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs((a[i] as number) - (b[i] as number)));
  return w;
}

type Classifier = LogisticRegression | LinearSVM | MLPClassifier;

async function checkClassifier(m: Classifier, X: Matrix, probabilities: boolean): Promise<void> {
  const o = await runOnnx(m.toONNX(), X);
  const expected = Array.from(m.predict(X) as ArrayLike<unknown>);
  // A bool tensor reads back as bytes 0/1.
  const labels = typeof expected[0] === "boolean" ? (o.label ?? []).map((v) => Boolean(v)) : o.label;
  expect(labels).toEqual(expected);
  if (probabilities) {
    const p = (m as LogisticRegression).predictProba(X);
    expect(worst(o.probabilities as number[], p.data)).toBeLessThanOrEqual(1e-12);
    const o32 = await runOnnx(m.toONNX({ dtype: "float32" }), X, "float32");
    expect(worst(o32.probabilities as number[], p.data)).toBeLessThanOrEqual(1e-6);
  } else expect(o.probabilities).toBeNull();
}

describe("ONNX export in onnxruntime-web", () => {
  it("LinearRegression (squared and Huber) and MLPRegressor: 'variable' is predict", async () => {
    for (const m of [
      await new LinearRegression({ maxEpochs: 50 }).fit(Zd, diabetes.y),
      await new LinearRegression({ loss: "huber", epsilon: 5, maxEpochs: 50 }).fit(Zd, diabetes.y),
      await new MLPRegressor({ hiddenLayerSizes: [8, 4], activation: "tanh", maxEpochs: 30 }).fit(
        Zd,
        diabetes.y.map((v) => v / 100),
      ),
    ]) {
      const o = await runOnnx(m.toONNX(), Zd);
      expect(worst(o.variable as number[], m.predict(Zd))).toBeLessThanOrEqual(1e-12 * 400);
      const o32 = await runOnnx(m.toONNX({ dtype: "float32" }), Zd, "float32");
      const rel = worst(o32.variable as number[], m.predict(Zd)) / Math.max(...Array.from(m.predict(Zd), Math.abs));
      expect(rel).toBeLessThanOrEqual(1e-6);
    }
  });

  it("a scaler folded in front takes raw rows", async () => {
    const scaler = new StandardScaler().fit(diabetes.X);
    const m = await new LinearRegression({ maxEpochs: 50 }).fit(scaler.transform(diabetes.X), diabetes.y);
    const raw: Matrix = { data: Float64Array.from(diabetes.X.flat()), rows: diabetes.X.length, cols: 10 };
    const o = await runOnnx(
      m.toONNX({ scaler: { mean: scaler.mean as Float64Array, scale: scaler.scale as Float64Array } }),
      raw,
    );
    expect(worst(o.variable as number[], m.predict(scaler.transform(diabetes.X)))).toBeLessThanOrEqual(1e-10);
  });

  it("LogisticRegression: binary, multinomial and one-vs-rest, numeric, string and boolean labels", async () => {
    const names = iris.y.map((v) => ["setosa", "versicolor", "virginica"][v] as string);
    await checkClassifier(await new LogisticRegression({ maxEpochs: 40 }).fit(Zc, cancer.y), Zc, true);
    await checkClassifier(await new LogisticRegression({ maxEpochs: 40 }).fit(Zi, names), Zi, true);
    await checkClassifier(await new LogisticRegression({ maxEpochs: 40, multiClass: "ovr" }).fit(Zi, iris.y), Zi, true);
    await checkClassifier(
      await new LogisticRegression({ maxEpochs: 40 }).fit(
        Zc,
        cancer.y.map((v) => v === 1),
      ),
      Zc,
      true,
    );
  });

  it("LinearSVM: labels for every loss, probabilities under modifiedHuber (binary and one-vs-rest)", async () => {
    await checkClassifier(await new LinearSVM({ maxEpochs: 30 }).fit(Zi, iris.y), Zi, false);
    await checkClassifier(await new LinearSVM({ maxEpochs: 30, loss: "modifiedHuber" }).fit(Zc, cancer.y), Zc, true);
    await checkClassifier(await new LinearSVM({ maxEpochs: 30, loss: "modifiedHuber" }).fit(Zi, iris.y), Zi, true);
  });

  it("MLPClassifier: binary (logistic output) and multiclass (softmax), with its metadata", async () => {
    await checkClassifier(
      await new MLPClassifier({ hiddenLayerSizes: [6], maxEpochs: 30 }).fit(Zc, cancer.y),
      Zc,
      true,
    );
    const m = await new MLPClassifier({ hiddenLayerSizes: [8, 5], activation: "logistic", maxEpochs: 30 }).fit(
      Zi,
      iris.y,
    );
    await checkClassifier(m, Zi, true);
    const session = await ort.InferenceSession.create(m.toONNX(), { executionProviders: ["wasm"] });
    expect(session.inputNames).toEqual(["X"]);
    expect(session.outputNames).toEqual(["label", "probabilities"]);
  });
});

describe("descent export", () => {
  const dir = mkdtempSync(join(tmpdir(), "descent-onnx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const data = fileURLToPath(new URL("../data/breast_cancer.csv", import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir });

  it("writes the fitted model with its scaler folded in: raw rows in, descent predict's labels out", async () => {
    const model = join(dir, "bc.json");
    expect(run("fit", data, "--target", "benign", "--model", "logistic", "--out", model, "--quiet").status).toBe(0);
    const onnx = join(dir, "bc.onnx");
    const r = run("export", model, "--onnx", onnx, "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: "LogisticRegression", dtype: "float64", scaler: true });
    const predicted = run("predict", model, data);
    const labels = predicted.stdout.trim().split("\n").slice(1).map(Number);
    const raw: Matrix = { data: Float64Array.from(cancer.X.flat()), rows: cancer.X.length, cols: 30 };
    const o = await runOnnx(new Uint8Array(readFileSync(onnx)), raw);
    expect(o.label).toEqual(labels);
    const bad = run("export", join(dir, "missing.json"), "--onnx", onnx);
    expect(bad.status).toBe(1);
  });
});
