// Hostile inputs, faults and concurrency: typed errors that name the place, nothing lost, no hang.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { DescentErrorCode } from "../src/errors.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { getRuntime } from "../src/runtime/wasm-runtime.js";
import { loadDataset, standardisedDiabetes } from "./helpers/datasets.js";
import { expectDescentError } from "./helpers/expect-error.js";

const { Z, y } = standardisedDiabetes();
const iris = loadDataset("iris", "species");
const Zi = new StandardScaler().fitTransform(iris.X);
const X3 = [
  [1, 2],
  [3, 4],
  [5, 6],
];

describe("bad inputs through every estimator", () => {
  const cases: Array<[string, () => unknown, DescentErrorCode, RegExp]> = [
    [
      "Infinity in y",
      () => new LinearRegression().fit(X3, [1, Number.POSITIVE_INFINITY, 3]),
      "E_NONFINITE",
      /y .*Infinity.* row 1/,
    ],
    [
      "-Infinity in sampleWeight",
      () => new LinearRegression().fit(X3, [1, 2, 3], { sampleWeight: [1, Number.NEGATIVE_INFINITY, 1] }),
      "E_NONFINITE",
      /sampleWeight .* row 1/,
    ],
    [
      "NaN in a classifier's X",
      () => new LogisticRegression().fit([[1], [Number.NaN]], [0, 1]),
      "E_NONFINITE",
      /row 1, column 0/,
    ],
    ["a non-finite label", () => new LinearSVM().fit(X3, [0, Number.NaN, 1]), "E_NONFINITE", /label .* row 1/],
    [
      "X/y mismatch for a classifier",
      () => new LinearSVM().fit(X3, [0, 1]),
      "E_SHAPE",
      /y has 2 values but X has 3 rows/,
    ],
    [
      "ragged X for a classifier",
      () => new LogisticRegression().fit([[1, 2], [3]], [0, 1]),
      "E_SHAPE",
      /row 1 has 1 columns/,
    ],
    ["empty X for a classifier", () => new LogisticRegression().fit([], []), "E_EMPTY", /no (rows|labels)/],
    ["NaN option", () => new LogisticRegression({ alpha: Number.NaN }), "E_OPTION", /'alpha'/],
    ["zero option", () => new LinearSVM({ learningRate: 0 }), "E_OPTION", /'learningRate'/],
    ["negative option", () => new LinearRegression({ nIterNoChange: -2 }), "E_OPTION", /'nIterNoChange'/],
    ["batchSize 0", () => new LinearRegression({ batchSize: 0 }), "E_OPTION", /'batchSize'/],
    [
      "unknown optimizer",
      () => new LogisticRegression({ optimizer: "lbfgs" as never }),
      "E_OPTION",
      /'optimizer' must be one of/,
    ],
    [
      "threads with the js backend",
      () => new LinearRegression({ threads: 2, backend: "js" }),
      "E_OPTION",
      /'threads' needs backend/,
    ],
    ["a bad multiClass", () => new LogisticRegression({ multiClass: "pairs" as never }), "E_OPTION", /'multiClass'/],
  ];
  it.each(cases)("%s", async (_name, f, code, pattern) => {
    await expectDescentError(f, code, pattern);
  });

  it("labels not seen at fit are refused wherever labels are read", async () => {
    const m = await new LogisticRegression({ maxEpochs: 3 }).fit(Zi, iris.y);
    const bad = iris.y.map((v, i) => (i === 4 ? 9 : v));
    await expectDescentError(() => m.score(Zi, bad), "E_LABELS", /label 9 at row 4 was not seen at fit/);
    await expectDescentError(() => m.partialFit(Zi, bad), "E_LABELS", /label 9 at row 4/);
    await expectDescentError(
      () => m.predict([[1, 2, 3]]),
      "E_SHAPE",
      /3 columns but LogisticRegression was fitted with 4/,
    );
  });

  it("hostile model JSON is refused for every model kind without polluting prototypes", async () => {
    const clf = (await new LinearSVM({ maxEpochs: 2 }).fit(Zi, iris.y)).toJSON();
    const mf = (await new MatrixFactorization({ factors: 2, epochs: 1 }).fit([1, 2], [1, 2], [3, 4])).toJSON();
    const cases: Array<[() => unknown, RegExp]> = [
      [() => LinearSVM.fromJSON(JSON.stringify(clf).slice(0, 200)), /does not parse/],
      [() => LinearSVM.fromJSON({ ...clf, version: 2 }), /unsupported 'version' 2/],
      [() => LinearSVM.fromJSON({ ...clf, params: [1, 2] }), /'params' has 2 values, expected 15/],
      [() => LogisticRegression.fromJSON(clf), /'model' is "LinearSVM", expected 'LogisticRegression'/],
      [
        () =>
          LinearSVM.fromJSON(
            JSON.parse(JSON.stringify(clf).replace('"options":{', '"options":{"__proto__":{"hacked":true},')),
          ),
        /forbidden key '__proto__'/,
      ],
      [() => MatrixFactorization.fromJSON({ ...mf, P: [1] }), /'P' has 1 values, expected 4/],
      [() => MatrixFactorization.fromJSON({ ...mf, rated: [[7], []] }), /'rated\[0\]' has an item index out of range/],
    ];
    for (const [f, pattern] of cases) await expectDescentError(f, "E_FORMAT", pattern);
    expect(({} as Record<string, unknown>).hacked).toBeUndefined();
  });

  it("MLP model JSON whose classes, output kind or units do not fit together is refused", async () => {
    const { MLPClassifier } = await import("../src/models/mlp-classifier.js");
    const { MLPRegressor } = await import("../src/models/mlp-regressor.js");
    const clf = JSON.parse(
      JSON.stringify((await new MLPClassifier({ hiddenLayerSizes: [4], maxEpochs: 3 }).fit(Zi, iris.y)).toJSON()),
    );
    // The iris classifier with one class lost: 3 softmax units for 2 labels.
    await expectDescentError(
      () => MLPClassifier.fromJSON({ ...clf, classes: clf.classes.slice(0, 2) }),
      "E_FORMAT",
      /2 classes need a logistic output of 1 unit, but the network has 3 softmax/,
    );
    // An identity output on a classifier: its "probabilities" would leave [0, 1].
    await expectDescentError(
      () => MLPClassifier.fromJSON({ ...clf, output: 0 }),
      "E_FORMAT",
      /3 classes need a softmax output of 3 units, but the network has 3 identity/,
    );
    const Zd = new StandardScaler().fitTransform(loadDataset("diabetes", "progression").X);
    const reg = JSON.parse(
      JSON.stringify(
        (
          await new MLPRegressor({ hiddenLayerSizes: [3], maxEpochs: 2 }).fit(
            Zd,
            loadDataset("diabetes", "progression").y,
          )
        ).toJSON(),
      ),
    );
    // A regressor whose output is logistic: its predictions would be squeezed into (0, 1).
    await expectDescentError(
      () => MLPRegressor.fromJSON({ ...reg, output: 1 }),
      "E_FORMAT",
      /identity output units, but the network has 1 logistic/,
    );
    // 5 identity output units are a multi-output regressor (issue 30): it loads and predicts 5 a row.
    const units = [...reg.units.slice(0, -1), 5];
    const size = units.reduce((s: number, u: number, l: number) => (l === 0 ? 0 : s + (units[l - 1] + 1) * u), 0);
    const params = new Array(size).fill(0.1);
    const five = MLPRegressor.fromJSON({
      ...reg,
      units,
      params,
      progress: { ...reg.progress, moments: reg.progress.moments.map(() => params) },
    });
    expect((five.predict(Zd) as { cols: number }).cols).toBe(5);
  });

  it("model JSON nested 8,000 levels deep is checked (typed error), not a stack overflow", async () => {
    const clf = (await new LinearSVM({ maxEpochs: 2 }).fit(Zi, iris.y)).toJSON();
    const deep = `${"[".repeat(8000)}${"]".repeat(8000)}`;
    const text = JSON.stringify({ ...clf, options: "DEEP" }).replace('"DEEP"', deep);
    await expectDescentError(() => LinearSVM.fromJSON(text), "E_FORMAT", /options/);
    // A forbidden key deep down is found and named by its path.
    const hidden = `${'{"a":'.repeat(5000)}{"__proto__":1}${"}".repeat(5000)}`;
    const withKey = JSON.stringify({ ...clf, extra: "HIDDEN" }).replace('"HIDDEN"', hidden);
    await expectDescentError(
      () => LinearSVM.fromJSON(withKey),
      "E_FORMAT",
      /forbidden key '__proto__' at \$\.extra(\.a){5000}$/,
    );
  });
});

describe("memory", () => {
  it("a dataset that cannot fit in WebAssembly memory gives E_MEMORY with the size and what to do", async () => {
    // 4.4 GB of float32 (allocated lazily by the OS, never touched): more than wasm32 can address.
    const data = new Float32Array(1_100_000_000);
    await expectDescentError(
      () => new LinearRegression({ dtype: "float32" }).fit({ data, rows: 100_000_000, cols: 11 }, new Float64Array(0)),
      "E_MEMORY",
      /100000000 × 11 float32 needs \d\.\d GiB .* at most 4 GiB: .*partialFit/,
    );
  });

  it("fits give their memory back: repeated fits in one process do not grow the runtime", async () => {
    const rt = await getRuntime("simd");
    if (rt === null) throw new Error("SIMD build unavailable");
    await new LinearRegression({ maxEpochs: 2 }).fit(Z, y);
    const size = rt.memory.buffer.byteLength;
    // What the runtime itself keeps (the generator state slot), allocated before any fit.
    const kept = rt.arena.usedBytes;
    expect(kept).toBeLessThanOrEqual(64);
    for (let i = 0; i < 30; i++) {
      const m = await new LogisticRegression({ maxEpochs: 2, optimizer: "adam" }).fit(Zi, iris.y);
      m.dispose();
      await new LinearRegression({ maxEpochs: 2 }).fit(Z, y);
    }
    expect(rt.memory.buffer.byteLength).toBe(size);
    expect(rt.arena.usedBytes).toBe(kept);
  });
});

describe("concurrency and faults", () => {
  it("two models training at once (interleaved) get exactly what they get alone", async () => {
    const a = { batchSize: 8, maxEpochs: 30, tol: null, seed: 1, optimizer: "adam" as const, learningRate: 0.01 };
    const b = { batchSize: 4, maxEpochs: 30, tol: null, seed: 2, learningRate: 0.05 };
    const aloneA = await new LinearRegression(a).fit(Z, y);
    const aloneB = await new LogisticRegression(b).fit(Zi, iris.y);
    const [togetherA, togetherB] = await Promise.all([
      new LinearRegression(a).fit(Z, y),
      new LogisticRegression(b).fit(Zi, iris.y),
    ]);
    expect(Array.from(togetherA.coef)).toEqual(Array.from(aloneA.coef));
    expect(Array.from((togetherB.coef as { data: Float64Array }).data)).toEqual(
      Array.from((aloneB.coef as { data: Float64Array }).data),
    );
  });

  it("a callback that throws stops the fit with that error and leaves the model usable", async () => {
    const boom = new Error("user callback failed");
    const m = new LinearRegression({
      maxEpochs: 100,
      tol: null,
      onEpoch: (info) => {
        if (info.epoch === 3) throw boom;
        return undefined;
      },
    });
    await expect(m.fit(Z, y)).rejects.toBe(boom);
    expect(m.nEpochs).toBe(3);
    expect(m.stopReason).toBe("callback");
    expect(Array.from(m.predict(Z)).every(Number.isFinite)).toBe(true);
    await m.partialFit(Z, y);
    expect(m.nEpochs).toBe(4);
  });

  it.each(["squared", "huber"] as const)("a huge rate ends diverged with finite weights (%s)", async (loss) => {
    const m = new LinearRegression({ loss, learningRate: 1e6, epsilon: 1, maxEpochs: 50, batchSize: "full" });
    await expectDescentError(() => m.fit(Z, y), "E_DIVERGED", /smaller learningRate/);
    expect(Array.from(m.coef).every(Number.isFinite)).toBe(true);
  });

  it.each(["log", "hinge", "squaredHinge", "softmax"] as const)(
    "a huge rate on %s ends diverged with finite weights",
    async (loss) => {
      const big = iris.X.map((r) => r.map((v) => v * 1e8));
      const labels = loss === "softmax" ? iris.y : iris.y.map((v) => (v === 2 ? 1 : 0));
      const m =
        loss === "log" || loss === "softmax"
          ? new LogisticRegression({ learningRate: 1e8, maxEpochs: 30 })
          : new LinearSVM({ loss, learningRate: 1e8, maxEpochs: 30 });
      await expectDescentError(() => m.fit(big, labels), "E_DIVERGED", /diverged: .*smaller learningRate/);
      expect(m.stopReason).toBe("diverged");
      const c = m.coef;
      expect(Array.from(c instanceof Float64Array ? c : c.data).every(Number.isFinite)).toBe(true);
    },
  );
});

describe("determinism", () => {
  it("a seeded fit gives identical bytes three times and in a fresh process", async () => {
    const opts = { batchSize: 16, maxEpochs: 10, tol: null, seed: 11, optimizer: "adam" as const, learningRate: 0.01 };
    const bytes = async (): Promise<string> => {
      const m = await new LogisticRegression(opts).fit(Zi, iris.y);
      return Buffer.from((m.coef as { data: Float64Array }).data.buffer).toString("hex");
    };
    const runs = [await bytes(), await bytes(), await bytes()];
    expect(new Set(runs).size).toBe(1);
    const root = fileURLToPath(new URL("..", import.meta.url));
    const script = `
      import { LogisticRegression, StandardScaler } from "descent";
      import { readFileSync } from "node:fs";
      const rows = readFileSync("data/iris.csv", "utf8").trim().split(/\\r?\\n/).slice(1).map((l) => l.split(",").map(Number));
      const Z = new StandardScaler().fitTransform(rows.map((r) => r.slice(0, -1)));
      const m = await new LogisticRegression(${JSON.stringify(opts)}).fit(Z, rows.map((r) => r[r.length - 1]));
      console.log(Buffer.from(m.coef.data.buffer).toString("hex"));
    `;
    const fresh = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    expect(fresh).toBe(runs[0]);
  });
});
