// Splitting rows for model selection, as scikit-learn 1.2's KFold, StratifiedKFold and
// train_test_split: unshuffled, the index sets are scikit-learn's exactly; shuffled, they are
// drawn from descent's seeded generator (not numpy's), so they differ from scikit-learn's but are
// the same for the same seed in Node and in browsers.

import { DescentError } from "../errors.js";
import { Prng } from "../kernels/prng.js";
import { checkOptions, type OptionTable } from "../options/option-table.js";
import type { Label } from "../table/label-types.js";
import { RULES } from "../train/options.js";

/** One split: row indices to train on and to test on, each in increasing order. */
export interface Split {
  /** Rows to train on. */
  train: Int32Array;
  /** Rows to test on. */
  test: Int32Array;
}

/** Something that splits n rows (and their labels, for stratified splitters) into folds. */
export interface Splitter {
  /** The splits, in order. `y` (one label a row) is needed by stratified splitters. */
  split(n: number | { length: number }, y?: ArrayLike<Label>): Split[];
  /** How many splits `split` gives. */
  readonly nSplits: number;
}

/** Options of KFold and StratifiedKFold. */
export interface KFoldOptions {
  /** Number of folds (>= 2). Default 5. */
  nSplits?: number;
  /** Shuffle the rows (KFold) or each class's fold assignment (StratifiedKFold) first. Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
}

const KFOLD_OPTIONS: OptionTable = {
  nSplits: { rule: { type: "integer", min: 2 }, default: 5, doc: "folds" },
  shuffle: { rule: RULES.flag, default: false, doc: "shuffle before splitting" },
  seed: { rule: RULES.seed, default: 0, doc: "seed of the shuffle" },
};

/** The options of a K-fold splitter, checked (E_OPTION names a bad one). */
abstract class FoldOptions {
  /** Number of folds. */
  readonly nSplits: number;
  /** Whether the rows (KFold) or each class's fold assignment (StratifiedKFold) are shuffled. */
  readonly shuffle: boolean;
  /** Seed of the shuffle. */
  readonly seed: number;

  constructor(options: KFoldOptions = {}) {
    const o = checkOptions(KFOLD_OPTIONS, options, `${new.target.name} takes nSplits, shuffle and seed`);
    this.nSplits = o.nSplits as number;
    this.shuffle = o.shuffle as boolean;
    this.seed = o.seed as number;
  }
}

function rowCount(n: number | { length: number }): number {
  const v = typeof n === "number" ? n : n?.length;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new DescentError("E_SHAPE", `split needs a row count or an array of rows (got ${String(n)})`);
  return v;
}

/** The rows of 0 .. n−1 not in `test` (sorted), and `test` sorted. */
function splitOf(n: number, isTest: Uint8Array): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (isTest[i] === 1 ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/**
 * K folds of consecutive rows (after a seeded shuffle when `shuffle`): fold i tests on its rows and
 * trains on the rest; the first n mod k folds have one row more (scikit-learn's KFold).
 */
export class KFold extends FoldOptions implements Splitter {
  split(n: number | { length: number }): Split[] {
    const rows = rowCount(n);
    const k = this.nSplits;
    if (k > rows) throw new DescentError("E_OPTION", `option 'nSplits' (${k}) is more than the ${rows} rows to split`);
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    if (this.shuffle) new Prng(this.seed).shuffle(order, rows);
    const out: Split[] = [];
    let start = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(rows / k) + (f < rows % k ? 1 : 0);
      const isTest = new Uint8Array(rows);
      for (let i = start; i < start + size; i++) isTest[order[i] as number] = 1;
      out.push(splitOf(rows, isTest));
      start += size;
    }
    return out;
  }
}

/** Classes numbered by first appearance (scikit-learn's StratifiedKFold encoding), and their counts. */
function encodeByAppearance(y: ArrayLike<Label>): { codes: Int32Array; counts: number[] } {
  const index = new Map<Label, number>();
  const codes = new Int32Array(y.length);
  const counts: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as Label;
    if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v)))
      throw new DescentError("E_LABELS", `y has no usable label (${String(v)}) at row ${i}`);
    let c = index.get(v);
    if (c === undefined) {
      c = index.size;
      index.set(v, c);
      counts.push(0);
    }
    codes[i] = c;
    counts[c] = (counts[c] as number) + 1;
  }
  return { codes, counts };
}

/**
 * K folds that keep each class's share (scikit-learn 1.2's StratifiedKFold): the classes, in order
 * of first appearance, are dealt round-robin over the folds by sorted class, and each class's rows
 * go to the folds in blocks, in row order (block order shuffled per class when `shuffle`).
 */
export class StratifiedKFold extends FoldOptions implements Splitter {
  split(n: number | { length: number }, y?: ArrayLike<Label>): Split[] {
    const rows = rowCount(n);
    if (y === undefined || y === null || y.length !== rows)
      throw new DescentError("E_SHAPE", `StratifiedKFold needs y with one label for each of the ${rows} rows`);
    const k = this.nSplits;
    const { codes, counts } = encodeByAppearance(y);
    if (counts.every((c) => c < k))
      throw new DescentError(
        "E_OPTION",
        `option 'nSplits' (${k}) is more than the rows of every class (at most ${Math.max(...counts)})`,
      );
    // allocation[f][c]: rows of class c in fold f, dealing the sorted codes round-robin.
    const classes = counts.length;
    const allocation = Array.from({ length: k }, () => new Array<number>(classes).fill(0));
    let pos = 0;
    for (let c = 0; c < classes; c++) {
      for (let r = 0; r < (counts[c] as number); r++, pos++) {
        const f = pos % k;
        (allocation[f] as number[])[c] = ((allocation[f] as number[])[c] as number) + 1;
      }
    }
    const rng = new Prng(this.seed);
    const fold = new Int32Array(rows);
    for (let c = 0; c < classes; c++) {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let r = 0; r < ((allocation[f] as number[])[c] as number); r++) folds.push(f);
      const order = Int32Array.from(folds);
      if (this.shuffle) rng.shuffle(order, order.length);
      let next = 0;
      for (let i = 0; i < rows; i++) if (codes[i] === c) fold[i] = order[next++] as number;
    }
    return Array.from({ length: k }, (_, f) =>
      splitOf(
        rows,
        Uint8Array.from(fold, (v) => (v === f ? 1 : 0)),
      ),
    );
  }
}

/** Options of TimeSeriesSplit. */
export interface TimeSeriesSplitOptions {
  /** Number of splits (>= 2). Default 5. */
  nSplits?: number;
  /** Rows of each test part. Default ⌊n / (nSplits + 1)⌋. */
  testSize?: number | null;
  /** Training rows at most: the latest ones before the test part. Default all of them. */
  maxTrainSize?: number | null;
  /** Rows left out between the training part and the test part. Default 0. */
  gap?: number;
}

const TIME_SERIES_OPTIONS: OptionTable = {
  nSplits: { rule: { type: "integer", min: 2 }, default: 5, doc: "splits" },
  testSize: {
    rule: { type: "nullable", rule: { type: "integer", min: 1 } },
    default: null,
    doc: "rows of each test part",
  },
  maxTrainSize: {
    rule: { type: "nullable", rule: { type: "integer", min: 1 } },
    default: null,
    doc: "training rows at most",
  },
  gap: { rule: { type: "integer", min: 0 }, default: 0, doc: "rows left out before each test part" },
};

/**
 * Splits of rows in time order (scikit-learn 1.2's TimeSeriesSplit): split i tests on the
 * (i+1)-th of nSplits blocks of testSize rows at the end of the data and trains on every row before
 * it (less `gap`, and at most the latest maxTrainSize), so no fold trains on rows after the ones it
 * is tested on. The test parts do not cover the first rows.
 */
export class TimeSeriesSplit implements Splitter {
  readonly nSplits: number;
  /** Rows of each test part (null: ⌊n / (nSplits + 1)⌋). */
  readonly testSize: number | null;
  /** Training rows at most (null: all before the test part). */
  readonly maxTrainSize: number | null;
  /** Rows left out between training and test parts. */
  readonly gap: number;

  constructor(options: TimeSeriesSplitOptions = {}) {
    const o = checkOptions(
      TIME_SERIES_OPTIONS,
      options,
      "TimeSeriesSplit takes nSplits, testSize, maxTrainSize and gap",
    );
    this.nSplits = o.nSplits as number;
    this.testSize = o.testSize as number | null;
    this.maxTrainSize = o.maxTrainSize as number | null;
    this.gap = o.gap as number;
  }

  split(n: number | { length: number }): Split[] {
    const rows = rowCount(n);
    const k = this.nSplits;
    if (k + 1 > rows)
      throw new DescentError("E_OPTION", `option 'nSplits' (${k}) needs more than ${k} rows (got ${rows})`);
    const testSize = this.testSize ?? Math.floor(rows / (k + 1));
    if (rows - this.gap - testSize * k <= 0)
      throw new DescentError(
        "E_OPTION",
        `${k} splits of ${testSize} test rows with a gap of ${this.gap} leave no training row of ${rows}`,
      );
    const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
    const out: Split[] = [];
    for (let start = rows - k * testSize; start < rows; start += testSize) {
      const end = start - this.gap;
      const from = this.maxTrainSize !== null && this.maxTrainSize < end ? end - this.maxTrainSize : 0;
      out.push({ train: range(from, end), test: range(start, Math.min(rows, start + testSize)) });
    }
    return out;
  }
}

/** Options of trainTestSplit. */
export interface TrainTestSplitOptions {
  /** Share of the rows to test on, in (0, 1), or a row count. Default 0.25. */
  testSize?: number;
  /** Shuffle the rows first. Default true. */
  shuffle?: boolean;
  /** Labels to keep the class shares of in both parts (needs shuffle). Default none. */
  stratify?: ArrayLike<Label> | null;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
}

const SPLIT_OPTIONS: OptionTable = {
  testSize: {
    rule: {
      type: "either",
      rules: [
        { type: "number", above: 0, below: 1 },
        { type: "integer", min: 1 },
      ],
    },
    default: 0.25,
    doc: "share of rows, or a row count, to test on",
  },
  shuffle: { rule: RULES.flag, default: true, doc: "shuffle first" },
  stratify: {
    rule: {
      type: "nullable",
      rule: {
        type: "custom",
        accepts: "an array of labels",
        check: (v) => {
          if (typeof v !== "object" || v === null || typeof (v as ArrayLike<Label>).length !== "number")
            throw new Error("labels");
          return v;
        },
      },
    },
    default: null,
    doc: "labels whose shares both parts keep",
  },
  seed: { rule: RULES.seed, default: 0, doc: "seed of the shuffle" },
};

/**
 * The train and test rows of n rows (scikit-learn's train_test_split): the test part has
 * ceil(testSize·n) rows (or testSize rows when it is a count). Unshuffled, the last rows test, as
 * in scikit-learn; shuffled, a seeded permutation; stratified, each class split in the same
 * proportion (its test rows rounded so the total is right, largest remainders first).
 */
export function trainTestIndices(n: number, options: TrainTestSplitOptions = {}): Split {
  const o = checkOptions(SPLIT_OPTIONS, options, "trainTestSplit takes testSize, shuffle, stratify and seed");
  const size = o.testSize as number;
  const nTest = size < 1 ? Math.ceil(size * n) : size;
  const nTrain = n - nTest;
  if (nTest < 1 || nTrain < 1)
    throw new DescentError(
      "E_OPTION",
      `option 'testSize' (${size}) leaves ${nTrain} training and ${nTest} test rows of ${n}: both need at least one`,
    );
  const stratify = o.stratify as ArrayLike<Label> | null;
  const isTest = new Uint8Array(n);
  if (stratify !== null) {
    if (!(o.shuffle as boolean))
      throw new DescentError("E_OPTION", "option 'stratify' needs shuffle: true (as scikit-learn's)");
    if (stratify.length !== n)
      throw new DescentError("E_SHAPE", `stratify has ${stratify.length} labels but there are ${n} rows`);
    const { codes, counts } = encodeByAppearance(stratify);
    // scikit-learn's StratifiedShuffleSplit refusals: each class needs a row on both sides.
    const fewest = Math.min(...counts);
    if (fewest < 2)
      throw new DescentError(
        "E_LABELS",
        `option 'stratify': a class has only ${fewest} row, too few to put in both parts (each class needs 2)`,
      );
    if (nTest < counts.length || nTrain < counts.length)
      throw new DescentError(
        "E_OPTION",
        `option 'testSize' (${size}) leaves ${nTrain} training and ${nTest} test rows: stratified, each needs at least one row of each of the ${counts.length} classes`,
      );
    // Each class's share of the test rows, rounded down, then the largest remainders get one more.
    const exact = counts.map((c) => (c * nTest) / n);
    const take = exact.map(Math.floor);
    let left = nTest - take.reduce((s, v) => s + v, 0);
    const byRemainder = exact.map((e, c) => [e - Math.floor(e), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, c] of byRemainder) {
      if (left === 0) break;
      if ((take[c] as number) < (counts[c] as number)) {
        take[c] = (take[c] as number) + 1;
        left--;
      }
    }
    const rng = new Prng(o.seed as number);
    for (let c = 0; c < counts.length; c++) {
      const members: number[] = [];
      codes.forEach((v, i) => {
        if (v === c) members.push(i);
      });
      const rowsOf = Int32Array.from(members);
      rng.shuffle(rowsOf, rowsOf.length);
      for (let i = 0; i < (take[c] as number); i++) isTest[rowsOf[i] as number] = 1;
    }
  } else if (o.shuffle as boolean) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    new Prng(o.seed as number).shuffle(order, n);
    for (let i = 0; i < nTest; i++) isTest[order[i] as number] = 1;
  } else {
    for (let i = nTrain; i < n; i++) isTest[i] = 1;
  }
  return splitOf(n, isTest);
}
