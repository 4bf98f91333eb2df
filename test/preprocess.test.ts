// The typed-column layer and the transformers on messy inputs: missing-cell spellings, records,
// Arrow tables with nulls, dates, refusals, and saved steps read back.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableFromJSON } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { readCsvTable } from "../src/io/csv-table.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { ColumnTransformer, makeColumnSelector } from "../src/preprocess/column-transformer.js";
import { DateFeatures } from "../src/preprocess/date-features.js";
import { MinMaxScaler } from "../src/preprocess/min-max-scaler.js";
import { OneHotEncoder } from "../src/preprocess/one-hot-encoder.js";
import { makePipeline, Pipeline } from "../src/preprocess/pipeline.js";
import { PolynomialFeatures } from "../src/preprocess/polynomial-features.js";
import { SimpleImputer } from "../src/preprocess/simple-imputer.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { stepFromJSON, type TableTransformer } from "../src/preprocess/transformer.js";
import { dateOf } from "../src/table/column-builder.js";
import { type ArrowTableView, type Column, toColumnTable } from "../src/table/column-table.js";

const dir = mkdtempSync(join(tmpdir(), "descent-preprocess-"));
function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function caught(f: () => unknown): DescentError {
  try {
    f();
  } catch (e) {
    if (e instanceof DescentError) return e;
    throw e;
  }
  throw new Error("expected a DescentError");
}

describe("CSV cells typed", () => {
  it("reads every missing spelling as missing, in any case, and types around them", async () => {
    const p = csv("missing.csv", "a,b,c\n1,x,true\n,NA,FALSE\nNaN,null,\nnull,N/A,na\nn/a,y,TRUE\n2.5, z ,false\n");
    const t = await readCsvTable(p);
    const [a, b, c] = t.columns as [Column, Column, Column];
    expect([a.kind, b.kind, c.kind]).toEqual(["number", "string", "boolean"]);
    expect(Array.from(a.values as Float64Array)).toEqual([1, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 2.5]);
    expect(b.values).toEqual(["x", null, null, null, "y", "z"]);
    expect(Array.from(c.values as Float64Array)).toEqual([1, 0, Number.NaN, Number.NaN, 1, 0]);
  });

  it("takes other missing spellings when asked", async () => {
    const p = csv("custom.csv", "a,b\n1,?\n-,u\n3,v\n");
    const t = await readCsvTable(p, { missing: ["?", "-"] });
    expect(Array.from(t.columns[0]?.values as Float64Array)).toEqual([1, Number.NaN, 3]);
    expect(t.columns[1]?.values).toEqual([null, "u", "v"]);
  });

  it("reads ISO dates, timestamps and JavaScript's Date text as dates (UTC without a zone)", async () => {
    const p = csv(
      "dates.csv",
      "d,t,j\n2001-01-01,2001-01-01T00:01:00Z,Mon Jan 01 2001 00:01:00 GMT+0000 (Coordinated Universal Time)\n2001-02-03,2001-02-03 04:05:06,\n",
    );
    const t = await readCsvTable(p);
    expect(t.columns.map((c) => c.kind)).toEqual(["date", "date", "date"]);
    expect(t.columns[0]?.values[0]).toBe(Date.UTC(2001, 0, 1));
    expect(t.columns[1]?.values[1]).toBe(Date.UTC(2001, 1, 3, 4, 5, 6));
    expect(t.columns[2]?.values[0]).toBe(Date.UTC(2001, 0, 1, 0, 1));
    expect(Number.isNaN(t.columns[2]?.values[1] as number)).toBe(true);
    expect(Number.isNaN(dateOf("2001"))).toBe(true);
  });

  it("turns a numeric column into text when a text cell comes later, and reads only the columns asked for", async () => {
    const p = csv("mixed.csv", 'id,v,w\n1,10,a\n2,"x, y",b\n3,30,c\n');
    const t = await readCsvTable(p, { columns: ["v"] });
    expect(t.columns.map((c) => c.name)).toEqual(["v"]);
    expect(t.columns[0]).toEqual({ kind: "string", name: "v", values: ["10", "x, y", "30"] });
  });

  it("names the line of a ragged row", async () => {
    const p = csv("ragged.csv", "a,b\n1,2\n3\n");
    await expect(readCsvTable(p)).rejects.toThrow(/line 3: ragged/);
  });
});

describe("records and Arrow tables as typed columns", () => {
  it("types records: numbers, text, booleans, Dates; null, undefined and NaN are missing", () => {
    const t = toColumnTable([
      { n: 1, s: "a", b: true, d: new Date(Date.UTC(2020, 0, 1)) },
      { n: null, s: undefined, b: false, d: null },
      { n: Number.NaN, s: "b", d: new Date(Date.UTC(2020, 5, 1)) },
    ]);
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ["n", "number"],
      ["s", "string"],
      ["b", "boolean"],
      ["d", "date"],
    ]);
    expect(t.columns[1]?.values).toEqual(["a", null, "b"]);
    expect(Array.from(t.columns[2]?.values as Float64Array)).toEqual([1, 0, Number.NaN]);
  });

  it("honours an Arrow column's nulls (not read as 0) and reads text, dictionary, boolean and timestamp columns", () => {
    const table = tableFromJSON([
      { x: 1.5, s: "a", b: true },
      { x: null, s: null, b: null },
      { x: 3, s: "c", b: false },
    ]);
    // tableFromJSON types its result as a union with an all-null schema; it is one table.
    const t = toColumnTable(table as unknown as ArrowTableView);
    expect(t.columns.map((c) => c.kind)).toEqual(["number", "string", "boolean"]);
    expect(Array.from(t.columns[0]?.values as Float64Array)).toEqual([1.5, Number.NaN, 3]);
    expect(t.columns[1]?.values).toEqual(["a", null, "c"]);
    const dated = toColumnTable(tableFromArrays({ when: [new Date(Date.UTC(2021, 2, 4, 5))] }));
    expect(dated.columns[0]?.kind).toBe("date");
    expect(dated.columns[0]?.values[0]).toBe(Date.UTC(2021, 2, 4, 5));
  });

  it("an estimator refuses an Arrow null instead of reading it as 0", async () => {
    const table = tableFromJSON([{ x: 1 }, { x: null }, { x: 3 }]);
    await expect(
      new LinearRegression({ maxEpochs: 2 }).fit(table as unknown as ArrowTableView, [1, 2, 3]),
    ).rejects.toThrow(/missing cell \(null\) at row 1/);
  });
});

describe("transformers refuse what they cannot do, naming the column", () => {
  it("SimpleImputer: a column with no value at all", () => {
    const e = caught(() =>
      new SimpleImputer().fit([
        { a: 1, b: null },
        { a: 2, b: null },
      ]),
    );
    expect(e.code).toBe("E_EMPTY");
    expect(e.message).toMatch(/column 'b' has no value/);
    // 'constant' fills it.
    expect(
      Array.from(new SimpleImputer({ strategy: "constant", fillValue: 7 }).fitTransform([{ b: null }]).data),
    ).toEqual([7]);
  });

  it("SimpleImputer: mean of text", () => {
    expect(caught(() => new SimpleImputer().fit([{ s: "x" }])).message).toMatch(/column 's' holds text/);
  });

  it("OneHotEncoder with handleUnknown 'error': an unseen category names the column and value", () => {
    const enc = new OneHotEncoder().fit([{ island: "Biscoe" }, { island: "Dream" }]);
    const e = caught(() => enc.transform([{ island: "Torgersen" }]));
    expect(e.code).toBe("E_LABELS");
    expect(e.message).toMatch(/column 'island' has the category "Torgersen"/);
    const ignoring = new OneHotEncoder({ handleUnknown: "ignore" }).fit([{ island: "Biscoe" }, { island: "Dream" }]);
    expect(Array.from(ignoring.transform([{ island: "Torgersen" }]).data)).toEqual([0, 0]);
  });

  it("bad options are E_OPTION naming the option", () => {
    expect(caught(() => new SimpleImputer({ strategy: "mode" as "mean" })).message).toMatch(/'strategy'/);
    expect(caught(() => new OneHotEncoder({ minFrequency: 1.5 })).message).toMatch(/'minFrequency'/);
    expect(caught(() => new MinMaxScaler({ featureRange: [1, 0] })).message).toMatch(/'featureRange'/);
    expect(caught(() => new PolynomialFeatures({ degree: 0 })).message).toMatch(/'degree'/);
    expect(
      caught(
        () =>
          new ColumnTransformer([
            ["a", "drop", []],
            ["a", "drop", []],
          ]),
      ).message,
    ).toMatch(/'a' is used twice/);
  });

  it("a ColumnTransformer names a column the table lacks; a text column cannot pass through", () => {
    const ct = new ColumnTransformer([["n", new StandardScaler(), ["x"]]], { remainder: "passthrough" });
    expect(caught(() => ct.fit([{ y: 1 }])).message).toMatch(/no column 'x'/);
    expect(caught(() => ct.fit([{ x: 1, s: "t" }])).message).toMatch(/column 's' holds text/);
  });
});

describe("DateFeatures", () => {
  it("gives epoch seconds, year, month, day of week (Monday 0) and hour, in UTC", () => {
    const m = new DateFeatures().fitTransform([{ d: new Date(Date.UTC(2024, 1, 29, 13, 30)) }, { d: null }]);
    expect(Array.from(m.data.slice(0, 5))).toEqual([Date.UTC(2024, 1, 29, 13, 30) / 1000, 2024, 2, 3, 13]);
    expect(Array.from(m.data.slice(5)).every(Number.isNaN)).toBe(true);
    expect(new DateFeatures().fit([{ d: new Date(0) }]).getFeatureNamesOut()).toEqual([
      "d_epoch",
      "d_year",
      "d_month",
      "d_dayofweek",
      "d_hour",
    ]);
  });
});

describe("steps saved and read back", () => {
  const rows = [
    { n: 1, s: "a", d: new Date(Date.UTC(2020, 0, 1)) },
    { n: null, s: "b", d: new Date(Date.UTC(2021, 6, 1)) },
    { n: 5, s: null, d: new Date(Date.UTC(2022, 11, 31)) },
    { n: 2, s: "a", d: null },
  ];
  const steps: Array<[string, () => TableTransformer, string[]]> = [
    ["SimpleImputer", () => new SimpleImputer({ strategy: "median", addIndicator: true }), ["n"]],
    ["OneHotEncoder", () => new OneHotEncoder({ minFrequency: 2, handleUnknown: "infrequentIfExist" }), ["s"]],
    ["PolynomialFeatures", () => new PolynomialFeatures({ degree: 3 }), ["n"]],
    ["MinMaxScaler", () => new MinMaxScaler(), ["n"]],
    ["DateFeatures", () => new DateFeatures(), ["d"]],
  ];
  it.each(steps)("%s", (_, make, cols) => {
    const t = toColumnTable(rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c as keyof typeof r]]))));
    const step = make().fit(t);
    const back = stepFromJSON(JSON.parse(JSON.stringify(step.toJSON()))) as TableTransformer;
    expect(back.getFeatureNamesOut()).toEqual(step.getFeatureNamesOut());
    expect(Array.from(back.transform(t).data)).toEqual(Array.from(step.transform(t).data));
  });

  it("a pipeline of a ColumnTransformer and a classifier, on records, saved and read back", async () => {
    const X = Array.from({ length: 40 }, (_, i) => ({
      x: i % 7 === 0 ? null : i / 10,
      colour: ["red", "green", "blue"][i % 3] ?? null,
    }));
    const y = X.map((r, i) => (r.colour === "red" || i > 30 ? "yes" : "no"));
    const p = makePipeline(
      new ColumnTransformer([
        [
          "num",
          makePipeline(new SimpleImputer(), new StandardScaler()),
          makeColumnSelector({ dtypeInclude: "number" }),
        ],
        ["cat", new OneHotEncoder(), makeColumnSelector({ dtypeInclude: "string" })],
      ]),
      new LogisticRegression({ maxEpochs: 50, seed: 1 }),
    );
    expect(p.steps.map(([n]) => n)).toEqual(["columntransformer", "logisticregression"]);
    await p.fit(X, y);
    expect(p.score(X, y)).toBeGreaterThan(0.8);
    const back = Pipeline.fromJSON(JSON.stringify(p.toJSON()));
    expect(back.predict(X)).toEqual(p.predict(X));
    expect(back.getFeatureNamesOut()).toEqual(["num__x", "cat__colour_blue", "cat__colour_green", "cat__colour_red"]);
  });
});

describe("DateFeatures' calendar arithmetic agrees with Date", () => {
  it("on instants across four centuries, before 1970 included", () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({ d: new Date(-7e12 + i * 7.3e9 + (i % 24) * 3.6e6) }));
    const m = new DateFeatures().fitTransform(rows);
    rows.forEach(({ d }, r) => {
      const got = Array.from(m.data.slice(r * 5 + 1, r * 5 + 5));
      expect(got, d.toISOString()).toEqual([
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        (d.getUTCDay() + 6) % 7,
        d.getUTCHours(),
      ]);
    });
  });
});

describe("SimpleImputer's median", () => {
  it("is numpy's median on odd and even counts, ties and duplicates", () => {
    for (const values of [[3, 1, 2], [4, 1, 3, 2], [5, 5, 5, 1], [2, 2], [7], [-1, 10, 3, 3, 3, 8]]) {
      const sorted = [...values].sort((a, b) => a - b);
      const n = sorted.length;
      const expected =
        n % 2 ? (sorted[n >> 1] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
      const imp = new SimpleImputer({ strategy: "median" }).fit(values.map((v) => ({ v })));
      expect(imp.statistics).toEqual([expected]);
    }
  });
});

describe("the README's Real tables example", () => {
  it("trains on the penguins records and predicts a label per row, with an ONNX graph", async () => {
    const t = await readCsvTable("data/penguins.csv");
    const col = (name: string) => t.columns.find((c) => c.name === name)?.values as ArrayLike<unknown>;
    const penguins = Array.from({ length: t.rows }, (_, i) => ({
      island: col("Island")[i] as string,
      bill: Number.isNaN(col("Beak Length (mm)")[i]) ? null : (col("Beak Length (mm)")[i] as number),
      flipper: Number.isNaN(col("Flipper Length (mm)")[i]) ? null : (col("Flipper Length (mm)")[i] as number),
      sex: col("Sex")[i] as string | null,
      species: col("Species")[i] as string,
    }));
    const model = makePipeline(
      new ColumnTransformer([
        [
          "num",
          makePipeline(new SimpleImputer({ strategy: "median" }), new StandardScaler()),
          makeColumnSelector({ dtypeInclude: "number" }),
        ],
        [
          "cat",
          makePipeline(new SimpleImputer({ strategy: "mostFrequent" }), new OneHotEncoder({ handleUnknown: "ignore" })),
          ["island", "sex"],
        ],
      ]),
      new LogisticRegression(),
    );
    const X = penguins.map(({ species: _, ...rest }) => rest);
    await model.fit(
      X,
      penguins.map((p) => p.species),
    );
    expect(
      model.score(
        X,
        penguins.map((p) => p.species),
      ),
    ).toBeGreaterThan(0.95);
    expect(model.predict([{ island: "Dream", bill: 41, flipper: 190, sex: null }])).toEqual(["Adelie"]);
    expect(model.toONNX().length).toBeGreaterThan(100);
  });
});
