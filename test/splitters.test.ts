// KFold, StratifiedKFold and trainTestSplit against scikit-learn 1.2.1's index sets (unshuffled;
// test/fixtures/sklearn-splits.json from scripts/sklearn-split-fixtures.py), and the properties of
// the shuffled splits (a partition, the same for the same seed, class shares kept).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset } from "../src/data/dataset.js";
import { KFold, StratifiedKFold, TimeSeriesSplit, trainTestIndices } from "../src/model-selection/splitters.js";
import { trainTestSplit } from "../src/model-selection/train-test-split.js";
import { expectDescentError } from "./helpers/expect-error.js";

interface Folds {
  train: number[];
  test: number[];
}
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/sklearn-splits.json", import.meta.url), "utf8")) as {
  kfold: Array<{ n: number; k: number; folds: Folds[] }>;
  stratified: Array<{ y: Array<number | string>; k: number; folds: Folds[] }>;
  trainTest: Array<{ n: number; testSize: number; train: number[]; test: number[] }>;
  timeSeries: Array<{
    n: number;
    args: { n_splits?: number; gap?: number; max_train_size?: number; test_size?: number };
    folds: Folds[];
  }>;
};

const plain = (s: { train: Int32Array; test: Int32Array }) => ({
  train: Array.from(s.train),
  test: Array.from(s.test),
});

describe("splitters equal scikit-learn's index sets unshuffled", () => {
  it.each(fixtures.kfold)("KFold n=$n k=$k", ({ n, k, folds }) => {
    expect(new KFold({ nSplits: k }).split(n).map(plain)).toEqual(folds);
  });
  it.each(fixtures.stratified)("StratifiedKFold k=$k on $y.length labels", ({ y, k, folds }) => {
    expect(new StratifiedKFold({ nSplits: k }).split(y.length, y).map(plain)).toEqual(folds);
  });
  it.each(fixtures.trainTest)(
    "trainTestSplit n=$n testSize=$testSize, shuffle false",
    ({ n, testSize, train, test }) => {
      expect(plain(trainTestIndices(n, { testSize, shuffle: false }))).toEqual({ train, test });
    },
  );
});

describe("TimeSeriesSplit equals scikit-learn's", () => {
  it.each(fixtures.timeSeries.map((c) => [`n=${c.n} ${JSON.stringify(c.args)}`, c] as const))("%s", (_, c) => {
    const a = c.args;
    const splitter = new TimeSeriesSplit({
      ...(a.n_splits === undefined ? {} : { nSplits: a.n_splits }),
      ...(a.gap === undefined ? {} : { gap: a.gap }),
      ...(a.max_train_size === undefined ? {} : { maxTrainSize: a.max_train_size }),
      ...(a.test_size === undefined ? {} : { testSize: a.test_size }),
    });
    expect(splitter.split(c.n).map(plain)).toEqual(c.folds);
  });

  it("refuses splits that leave no training row, and trains before it tests", async () => {
    await expectDescentError(() => new TimeSeriesSplit({ nSplits: 5 }).split(5), "E_OPTION", /nSplits/);
    await expectDescentError(
      () => new TimeSeriesSplit({ nSplits: 3, testSize: 3 }).split(9),
      "E_OPTION",
      /no training row/,
    );
    await expectDescentError(() => new TimeSeriesSplit({ gap: -1 }), "E_OPTION", /gap/);
    for (const { train, test } of new TimeSeriesSplit({ nSplits: 4, gap: 1 }).split(50))
      expect(Math.max(...train)).toBeLessThan(Math.min(...test) - 1);
  });
});

describe("shuffled splits", () => {
  it("KFold shuffled: the test folds partition the rows, the same for the same seed, another for another", () => {
    const a = new KFold({ nSplits: 4, shuffle: true, seed: 3 }).split(37);
    const all = a.flatMap((s) => Array.from(s.test)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 37 }, (_, i) => i));
    for (const s of a) expect(s.train.length + s.test.length).toBe(37);
    expect(new KFold({ nSplits: 4, shuffle: true, seed: 3 }).split(37).map(plain)).toEqual(a.map(plain));
    expect(new KFold({ nSplits: 4, shuffle: true, seed: 4 }).split(37).map(plain)).not.toEqual(a.map(plain));
  });

  it("StratifiedKFold shuffled keeps each fold's class counts those of the unshuffled split", () => {
    const y = Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? "rare" : i % 2 === 0 ? "a" : "b"));
    const count = (s: { test: Int32Array }) => {
      const m = new Map<string, number>();
      for (const i of s.test) m.set(y[i] as string, (m.get(y[i] as string) ?? 0) + 1);
      return Object.fromEntries([...m].sort());
    };
    const base = new StratifiedKFold({ nSplits: 3 }).split(60, y).map(count);
    const shuffled = new StratifiedKFold({ nSplits: 3, shuffle: true, seed: 1 }).split(60, y);
    expect(shuffled.map(count)).toEqual(base);
  });

  it("trainTestSplit shuffled and stratified: sizes, class shares and seeds", () => {
    const y = Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));
    const s = trainTestIndices(100, { testSize: 0.25, stratify: y, seed: 2 });
    expect(s.test.length).toBe(25);
    expect(Array.from(s.test).filter((i) => y[i] === 1).length).toBe(5);
    expect(plain(trainTestIndices(100, { stratify: y, seed: 2 }))).toEqual(plain(s));
    const X = Array.from({ length: 100 }, (_, i) => [i, 2 * i]);
    const parts = trainTestSplit(X, y, { testSize: 0.25, seed: 7 });
    expect(parts.XTrain.rows).toBe(75);
    expect(parts.XTest.rows).toBe(25);
    expect(parts.yTest.length).toBe(25);
    parts.test.forEach((row, i) => {
      expect(parts.XTest.data[2 * i]).toBe(row);
      expect(parts.yTest[i]).toBe(y[row]);
    });
  });

  it("refuses what cannot be split, naming the option", async () => {
    await expectDescentError(() => new KFold({ nSplits: 1 }), "E_OPTION", /nSplits/);
    await expectDescentError(() => new KFold({ nSplits: 6 }).split(5), "E_OPTION", /nSplits/);
    await expectDescentError(() => new StratifiedKFold({ nSplits: 3 }).split(4, [0, 0, 1, 1]), "E_OPTION", /nSplits/);
    await expectDescentError(() => new StratifiedKFold().split(4), "E_SHAPE", /y/);
    await expectDescentError(() => trainTestIndices(3, { testSize: 0.9 }), "E_OPTION", /testSize/);
    await expectDescentError(
      () => trainTestIndices(4, { shuffle: false, stratify: [0, 0, 1, 1] }),
      "E_OPTION",
      /stratify/,
    );
    await expectDescentError(() => new KFold({ folds: 3 } as never), "E_OPTION", /folds/);
    // scikit-learn's StratifiedShuffleSplit refusals: a class of one row; fewer test rows than classes.
    await expectDescentError(() => trainTestIndices(5, { stratify: [0, 0, 0, 0, 1] }), "E_LABELS", /only 1 row/);
    await expectDescentError(
      () => trainTestIndices(9, { testSize: 2, stratify: [0, 0, 0, 1, 1, 1, 2, 2, 2] }),
      "E_OPTION",
      /each of the 3 classes/,
    );
  });

  it("trainTestSplit splits tables into tables and a Dataset into subsets of its memory, the same rows as a matrix", async () => {
    const y = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? "rare" : "common"));
    const records = y.map((label, i) => ({ size: i, colour: i % 3 === 0 ? "red" : "blue", label }));
    const X = Array.from({ length: 40 }, (_, i) => [i, i % 3]);
    const options = { testSize: 0.3, stratify: y, seed: 5 };
    const asMatrix = trainTestSplit(X, y, options);
    const asTable = trainTestSplit(records, y, options);
    expect(plain(asTable)).toEqual(plain(asMatrix));
    expect(asTable.XTest.rows).toBe(12);
    const sizes = asTable.XTest.columns.find((c) => c.name === "size");
    expect(Array.from(sizes?.kind === "number" ? sizes.values : [])).toEqual(Array.from(asMatrix.test));
    const colours = asTable.XTrain.columns.find((c) => c.name === "colour");
    expect(colours?.kind).toBe("string");
    const ds = await Dataset.from({ data: Float64Array.from(X.flat()), rows: 40, cols: 2 }, y);
    try {
      const asDataset = trainTestSplit(ds, null, options);
      expect(plain(asDataset)).toEqual(plain(asMatrix));
      expect(asDataset.XTest.matrix().data).toEqual(Float64Array.from(asMatrix.XTest.data));
      expect(asDataset.yTrain).toEqual(asMatrix.yTrain);
      expect(asDataset.XTrain.targets).toEqual(asMatrix.yTrain);
    } finally {
      ds.dispose();
    }
    await expectDescentError(() => trainTestSplit(records, y.slice(1)), "E_SHAPE", /39 values but X has 40 rows/);
  });
});
