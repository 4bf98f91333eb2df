// ONNX export: every model kind run by onnxruntime-web (its WebAssembly build, in Node) gives what
// predict / predictProba give: within 1e-12 in float64 graphs, 1e-6 in float32 ones; labels equal.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticRatings } from "../src/datasets/synthetic-ratings.js";
import { type Matrix, predictionVector } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
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
      const pred = predictionVector(m.predict(Zd));
      const o = await runOnnx(m.toONNX(), Zd);
      expect(worst(o.variable as number[], pred)).toBeLessThanOrEqual(1e-12 * 400);
      const o32 = await runOnnx(m.toONNX({ dtype: "float32" }), Zd, "float32");
      const rel = worst(o32.variable as number[], pred) / Math.max(...Array.from(pred, Math.abs));
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

  it("MLPClassifier multi-label: 'label' is predict's 0/1 matrix, 'probabilities' predictProba; MLPRegressor multi-output: 'variable' is N × outputs", async () => {
    const labels = iris.y.map((c, i) => [c === 0 ? 1 : 0, (Zi.data[i * 4 + 3] as number) > 0 ? 1 : 0, c === 2 ? 1 : 0]);
    const m = await new MLPClassifier({ hiddenLayerSizes: [6], solver: "lbfgs", maxEpochs: 40 }).fit(Zi, labels);
    const o = await runOnnx(m.toONNX(), Zi);
    expect((o.label ?? []).map(Number)).toEqual(Array.from((m.predict(Zi) as Matrix).data));
    expect(worst(o.probabilities as number[], m.predictProba(Zi).data)).toBeLessThanOrEqual(1e-12);
    const two = diabetes.y.map((v, i) => [v / 100, (Zd.data[i * 10 + 2] as number) ** 2]);
    const r = await new MLPRegressor({ hiddenLayerSizes: [8], solver: "lbfgs", maxEpochs: 40 }).fit(Zd, two);
    const v = await runOnnx(r.toONNX(), Zd);
    expect(worst(v.variable as number[], (r.predict(Zd) as Matrix).data)).toBeLessThanOrEqual(1e-12 * 10);
  });
});

async function runRatings(
  bytes: Uint8Array,
  users: Array<number | string>,
  items: Array<number | string>,
  dtype = "float64",
) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const ids = (v: Array<number | string>) =>
    typeof v[0] === "string"
      ? new ort.Tensor("string", v as string[], [v.length])
      : new ort.Tensor(
          "int64",
          BigInt64Array.from(v as number[], (x) => BigInt(x)),
          [v.length],
        );
  const out = await session.run({ user: ids(users), item: ids(items) });
  expect(session.outputNames).toEqual(["rating"]);
  expect(out.rating?.type).toBe(dtype);
  return Array.from(out.rating?.data as ArrayLike<number>);
}

describe("MatrixFactorization in onnxruntime-web", () => {
  const s = syntheticRatings({ users: 40, items: 30, rank: 3, observed: 600, noise: 0.1, seed: 5 });
  // Every fitted pair, plus pairs with an unknown user, an unknown item, and both unknown.
  const queryUsers = [...s.users.slice(0, 200), 999, 3, 998];
  const queryItems = [...s.items.slice(0, 200), 4, 997, 996];

  it("integer ids: 'rating' is predict, unknown ids included (float64 1e-12, float32 1e-5)", async () => {
    const m = await new MatrixFactorization({ factors: 4, epochs: 20, seed: 1 }).fit(s.users, s.items, s.ratings);
    const expected = m.predict(queryUsers, queryItems);
    const got = await runRatings(m.toONNX(), queryUsers, queryItems);
    expect(worst(got, expected)).toBeLessThanOrEqual(1e-12);
    expect(got[got.length - 1]).toBe(expected[expected.length - 1]);
    const got32 = await runRatings(m.toONNX({ dtype: "float32" }), queryUsers, queryItems, "float32");
    expect(worst(got32, expected)).toBeLessThanOrEqual(1e-5);
  });

  it("string ids, including ids that look alike ('7' is not 7 once every id is a string)", async () => {
    const name = (prefix: string) => (id: number) => (id % 2 === 0 ? `${prefix}${id}` : String(id));
    const users = s.users.map(name("u"));
    const items = s.items.map(name("i"));
    const m = await new MatrixFactorization({ factors: 3, epochs: 15, seed: 2 }).fit(users, items, s.ratings);
    const qu = [...users.slice(0, 100), "nobody", "u2"];
    const qi = [...items.slice(0, 100), "i4", "nothing"];
    expect(worst(await runRatings(m.toONNX(), qu, qi), m.predict(qu, qi))).toBeLessThanOrEqual(1e-12);
  });

  it("ids of mixed types or fractional ids are refused with E_OPTION naming the side", async () => {
    const mixed = await new MatrixFactorization({ factors: 2, epochs: 2 }).fit([1, "b", 1], [1, 2, 2], [3, 4, 5]);
    expect(() => mixed.toONNX()).toThrow(/user ids/);
    const fractional = await new MatrixFactorization({ factors: 2, epochs: 2 }).fit([1, 2], [0.5, 2], [3, 4]);
    expect(() => fractional.toONNX()).toThrow(/item ids mix types or include fractions/);
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

  it("writes a matrix-factorisation model: ids in, descent's ratings out", async () => {
    const csv = ["who,what,stars"];
    for (let u = 0; u < 20; u++)
      for (let i = 0; i < 15; i += 1 + (u % 3)) csv.push(`user${u},item${i},${(u * 7 + i * 3) % 5}`);
    const ratings = join(dir, "ratings.csv");
    writeFileSync(ratings, `${csv.join("\n")}\n`);
    const model = join(dir, "mf.json");
    const fitArgs = ["--model", "mf", "--user", "who", "--item", "what", "--target", "stars", "--factors", "3"];
    const fit = run("fit", ratings, ...fitArgs, "--epochs", "20", "--out", model, "--quiet");
    expect(fit.status, fit.stderr).toBe(0);
    const onnx = join(dir, "mf.onnx");
    const r = run("export", model, "--onnx", onnx, "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: "MatrixFactorization", dtype: "float64", scaler: false });
    const m = MatrixFactorization.fromJSON(JSON.parse(readFileSync(model, "utf8")).model);
    const users = ["user0", "user5", "user19", "stranger"];
    const items = ["item0", "item14", "item3", "item2"];
    const got = await runRatings(new Uint8Array(readFileSync(onnx)), users, items);
    expect(worst(got, m.predict(users, items))).toBeLessThanOrEqual(1e-12);
  });
});
