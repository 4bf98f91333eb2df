// Transformers and pipelines against scikit-learn 1.2.1 on the bundled cars and penguins tables
// (test/fixtures/sklearn-pipeline.json, written by scripts/sklearn-pipeline-fixtures.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readCsvTable } from "../src/io/csv-table.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { ColumnTransformer, makeColumnSelector } from "../src/preprocess/column-transformer.js";
import { MinMaxScaler } from "../src/preprocess/min-max-scaler.js";
import { OneHotEncoder } from "../src/preprocess/one-hot-encoder.js";
import { Pipeline } from "../src/preprocess/pipeline.js";
import { PolynomialFeatures } from "../src/preprocess/polynomial-features.js";
import { SimpleImputer } from "../src/preprocess/simple-imputer.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import type { TableTransformer } from "../src/preprocess/transformer.js";
import { type ColumnTable, selectColumns, takeRows } from "../src/table/column-table.js";

interface TransformerCase {
  columns: string[];
  options: Record<string, unknown>;
  names: string[];
  output: Array<Array<number | string | null>>;
}
interface PipelineCase {
  data: "cars" | "penguins";
  target: string;
  loss: string;
  names: string[];
  coef: number[] | number[][];
  intercept: number[];
  classes?: string[];
  predict: Array<number | string>;
  predictProba?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/sklearn-pipeline.json", import.meta.url), "utf8")) as {
  transformers: Record<string, TransformerCase>;
  pipelines: Record<string, PipelineCase>;
};

const cars = await readCsvTable("data/cars.csv");
const penguins = await readCsvTable("data/penguins.csv");

function columns(t: ColumnTable, names: readonly string[]): ColumnTable {
  const all = t.columns.map((c) => c.name);
  return selectColumns(
    t,
    names.map((n) => all.indexOf(n)),
  );
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number | null>, tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    const e = expected[j];
    const a = actual[j] as number;
    if (e === null) expect(Number.isNaN(a), `${what}[${j}] should be missing`).toBe(true);
    else expect(Math.abs(a - e), `${what}[${j}]: ${a} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  }
}

function transformerOf(name: string, o: Record<string, unknown>): TableTransformer {
  if (name.startsWith("imputer")) return new SimpleImputer(o);
  if (name.startsWith("onehot")) return new OneHotEncoder(o);
  if (name.startsWith("polynomial")) return new PolynomialFeatures(o);
  return new MinMaxScaler(o as { featureRange: [number, number] });
}

describe("transformers equal scikit-learn 1.2.1 on the cars and penguins tables", () => {
  it.each(Object.keys(fixture.transformers))("%s", (name) => {
    const c = fixture.transformers[name] as TransformerCase;
    let t = columns(name === "imputer-most-frequent-text" ? penguins : cars, c.columns);
    if (name.startsWith("polynomial")) {
      // scikit-learn's case: the first 60 rows without a missing number.
      const numeric = columns(cars, ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration"]);
      const keep: number[] = [];
      for (let r = 0; r < cars.rows && keep.length < 60; r++)
        if (numeric.columns.every((col) => !Number.isNaN(col.values[r] as number))) keep.push(r);
      t = takeRows(t, keep);
    }
    const tr = transformerOf(name, c.options);
    tr.fit(t);
    expect(tr.getFeatureNamesOut()).toEqual(c.names);
    if (typeof c.output[0]?.[0] === "string") {
      const out = tr.transformTable(t);
      const cells = Array.from({ length: t.rows }, (_, r) => out.columns.map((col) => col.values[r]));
      expect(cells).toEqual(c.output);
      return;
    }
    const m = tr.transform(t);
    expect([m.rows, m.cols]).toEqual([c.output.length, c.names.length]);
    expectClose(m.data, c.output.flat() as Array<number | null>, 1e-12, name);
  });
});

describe.each(["js", "wasm-simd"] as const)(
  "Pipeline(ColumnTransformer, SGD) equals scikit-learn's, shuffle off (%s)",
  (backend) => {
    const sgd = {
      batchSize: 1,
      shuffle: false,
      maxEpochs: 5,
      tol: null,
      learningRate: 0.01,
      alpha: 1e-4,
      backend,
    } as const;
    const NUMERIC = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration"];

    it.each(["penguins-log", "penguins-hinge"])("%s", async (name) => {
      const c = fixture.pipelines[name] as PipelineCase;
      const species = penguins.columns[0];
      if (species?.kind !== "string") throw new Error("Species should be text");
      const X = { columns: penguins.columns.slice(1), rows: penguins.rows };
      const pre = new ColumnTransformer([
        [
          "num",
          new Pipeline([
            ["imp", new SimpleImputer()],
            ["sc", new StandardScaler()],
          ]),
          makeColumnSelector({ dtypeInclude: "number" }),
        ],
        [
          "cat",
          new Pipeline([
            ["imp", new SimpleImputer({ strategy: "mostFrequent" })],
            ["oh", new OneHotEncoder({ handleUnknown: "ignore" })],
          ]),
          makeColumnSelector({ dtypeInclude: "string" }),
        ],
      ]);
      const est =
        c.loss === "log_loss"
          ? new LogisticRegression({ ...sgd, multiClass: "ovr" })
          : new LinearSVM({ ...sgd, loss: "hinge" });
      const p = new Pipeline([
        ["pre", pre],
        ["clf", est],
      ]);
      await p.fit(X, species.values as string[]);
      expect(pre.getFeatureNamesOut()).toEqual(c.names);
      expect(p.classes).toEqual(c.classes);
      const coef = est.coef;
      expectClose("rows" in coef ? coef.data : coef, (c.coef as number[][]).flat(), 1e-10, "coef");
      const b = est.intercept;
      expectClose(typeof b === "number" ? [b] : b, c.intercept, 1e-10, "intercept");
      const head = takeRows(
        X,
        Array.from({ length: 30 }, (_, i) => i),
      );
      expect(Array.from(p.predict(head) as string[])).toEqual(c.predict);
      if (c.predictProba !== undefined) expectClose(p.predictProba(head).data, c.predictProba.flat(), 1e-10, "proba");
      // The fitted pipeline saved and read back predicts the same.
      const again = Pipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
      expect(Array.from(again.predict(head) as string[])).toEqual(c.predict);
    });

    it("cars-squared", async () => {
      const c = fixture.pipelines["cars-squared"] as PipelineCase;
      const mpg = cars.columns.find((col) => col.name === "Miles_per_Gallon");
      if (mpg === undefined || mpg.kind !== "number") throw new Error("no target");
      const keep: number[] = [];
      for (let r = 0; r < cars.rows; r++) if (!Number.isNaN(mpg.values[r] as number)) keep.push(r);
      const kept = takeRows(cars, keep);
      const X = columns(kept, ["Name", ...NUMERIC, "Origin"]);
      const y = (columns(kept, ["Miles_per_Gallon"]).columns[0]?.values ?? []) as Float64Array;
      const pre = new ColumnTransformer([
        [
          "num",
          new Pipeline([
            ["imp", new SimpleImputer({ strategy: "median", addIndicator: true })],
            ["sc", new StandardScaler()],
          ]),
          NUMERIC,
        ],
        ["origin", new OneHotEncoder({ drop: "first" }), ["Origin"]],
        ["name", new OneHotEncoder({ maxCategories: 8, handleUnknown: "infrequentIfExist" }), ["Name"]],
      ]);
      const est = new LinearRegression(sgd);
      const p = new Pipeline([
        ["pre", pre],
        ["reg", est],
      ]);
      await p.fit(X, y);
      expect(pre.getFeatureNamesOut()).toEqual(c.names);
      expectClose(est.coef, c.coef as number[], 1e-10, "coef");
      expectClose([est.intercept], c.intercept, 1e-10, "intercept");
      const head = takeRows(
        X,
        Array.from({ length: 30 }, (_, i) => i),
      );
      expectClose(p.predict(head) as Float64Array, c.predict as number[], 1e-10, "predict");
    });
  },
);
