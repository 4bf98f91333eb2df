// Model selection on staged data: per-sample SGD fits on a staged Dataset against scikit-learn,
// default mini-batch float32 training against the js backend, 5-fold crossValidate on a Dataset
// against five plain fits of the fold sizes, and gridSearch against scikit-learn's GridSearchCV.

import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import { Dataset } from "../src/data/dataset.js";
import type { Matrix } from "../src/matrix.js";
import { crossValidate } from "../src/model-selection/cross-validate.js";
import { gridSearch } from "../src/model-selection/search.js";
import { KFold } from "../src/model-selection/splitters.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { takeRows } from "../src/models/sub-problems.js";
import type { BenchData } from "./bench-data.js";
import { collectGarbage } from "./collect-garbage.js";
import { type SklearnEstimator, startSklearnPeer } from "./sklearn-peer.js";

/** One row of the section: what was timed, descent's ms, the other side's ms and the ratio. */
export interface SelectionRow {
  task: string;
  descentMs: number;
  otherMs: number;
  /** otherMs / descentMs. */
  ratio: number;
  other: string;
}

const SGD = { batchSize: 1, learningRate: 0.01, alpha: 1e-4, schedule: "constant", maxEpochs: 5, tol: null } as const;

async function timed(f: () => Promise<unknown>): Promise<number> {
  collectGarbage();
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

function matrixOf(d: BenchData): Matrix {
  return { data: d.X, rows: d.n, cols: d.d };
}

/**
 * Per-sample fits (batch 1) of the three estimators on a Dataset staged from `data` (staging not
 * timed), shuffled and in order, against the peer's whole scikit-learn fit, in turns, after one
 * untimed fit of each side (as the other sections warm up).
 */
async function perSampleRows(
  data: BenchData,
  peer: Awaited<ReturnType<typeof startSklearnPeer>>,
  repeats: number,
): Promise<SelectionRow[]> {
  const rows: SelectionRow[] = [];
  const ds = await Dataset.from(matrixOf(data), data.y);
  const dsLabel = await Dataset.from(matrixOf(data), data.label);
  const shape = `${data.n.toLocaleString("en")} × ${data.d}`;
  try {
    for (const [name, est, make, staged] of [
      ["LinearRegression", "regressor", (o: object) => new LinearRegression(o), ds],
      ["LinearSVM (hinge)", "hinge", (o: object) => new LinearSVM(o), dsLabel],
      ["LogisticRegression", "log", (o: object) => new LogisticRegression(o), dsLabel],
    ] as const) {
      for (const shuffle of [true, false]) {
        const ours: number[] = [];
        const theirs: number[] = [];
        const request = { estimator: est as SklearnEstimator, shuffle, epochs: 5, eta0: 0.01, alpha: 1e-4 };
        await make({ ...SGD, shuffle }).fit(staged);
        if (!("skip" in peer)) await peer.time(request);
        for (let r = 0; r < repeats; r++) {
          ours.push(await timed(() => make({ ...SGD, shuffle }).fit(staged)));
          if (!("skip" in peer)) theirs.push(await peer.time(request));
        }
        const a = median(ours);
        const b = theirs.length === 0 ? Number.NaN : median(theirs);
        rows.push({
          task: `${name}, ${shape}, batch 1, shuffle ${shuffle}`,
          descentMs: a,
          otherMs: b,
          ratio: b / a,
          other: "scikit-learn fit",
        });
      }
    }
  } finally {
    ds.dispose();
    dsLabel.dispose();
  }
  return rows;
}

/** Runs the section on float64 data (scikit-learn's rows) and float32 data (the rest). */
export async function runModelSelection(
  f64: BenchData,
  f32: BenchData,
  repeats: number,
  other: BenchData | null = null,
): Promise<{ peer: string; rows: SelectionRow[] }> {
  const rows: SelectionRow[] = [];
  const peer = await startSklearnPeer(f64);
  const peerName = "skip" in peer ? peer.skip : `scikit-learn ${peer.version} (${peer.python})`;
  // 1. Per-sample SGD on a staged Dataset (staging not timed) against scikit-learn's whole fit, on
  // the other shape first (its own peer process), then on the main data.
  if (other !== null) {
    const otherPeer = await startSklearnPeer(other);
    try {
      rows.push(...(await perSampleRows(other, otherPeer, repeats)));
    } finally {
      if (!("skip" in otherPeer)) otherPeer.close();
    }
  }
  rows.push(...(await perSampleRows(f64, peer, repeats)));
  const ds = await Dataset.from(matrixOf(f64), f64.y);
  try {
    // 4. gridSearch, 12 candidates × 5 folds, against GridSearchCV(n_jobs=1).
    const grid = { alpha: [1e-5, 1e-4, 1e-3, 1e-2], eta0: [0.001, 0.003, 0.01] };
    const ours = await timed(() =>
      gridSearch(
        new LinearRegression({ ...SGD, shuffle: false }),
        { alpha: grid.alpha, learningRate: grid.eta0 },
        ds,
        null,
        { cv: 5 },
      ),
    );
    const theirs =
      "skip" in peer
        ? Number.NaN
        : await peer.time({
            estimator: "regressor",
            shuffle: false,
            epochs: 5,
            eta0: 0.01,
            alpha: 1e-4,
            grid,
            folds: 5,
          });
    rows.push({
      task: "gridSearch 12 candidates × 5 folds (+ refit), batch 1, in order",
      descentMs: ours,
      otherMs: theirs,
      ratio: theirs / ours,
      other: "GridSearchCV(n_jobs=1)",
    });
  } finally {
    ds.dispose();
    if (!("skip" in peer)) peer.close();
  }
  // 2. Default mini-batch training in float32, batch 256: wasm against js, whole fits.
  const X32 = matrixOf(f32);
  const mini = { batchSize: 256, maxEpochs: 5, tol: null, dtype: "float32" } as const;
  const wasm: number[] = [];
  const js: number[] = [];
  // One untimed fit of each first: the first fit runs V8's baseline code before the optimised.
  await new LinearRegression(mini).fit(X32, f32.y);
  await new LinearRegression({ ...mini, backend: "js" }).fit(X32, f32.y);
  for (let r = 0; r < repeats; r++) {
    wasm.push(await timed(() => new LinearRegression(mini).fit(X32, f32.y)));
    js.push(await timed(() => new LinearRegression({ ...mini, backend: "js" }).fit(X32, f32.y)));
  }
  rows.push({
    task: "LinearRegression float32, batch 256, whole fit",
    descentMs: median(wasm),
    otherMs: median(js),
    ratio: median(js) / median(wasm),
    other: "descent js backend",
  });
  // 3. 5-fold crossValidate on a staged float32 Dataset against five fits on pre-split matrices.
  const ds32 = await Dataset.from(X32, f32.y, { dtype: "float32" });
  try {
    const folds = new KFold({ nSplits: 5 }).split(f32.n);
    const pre = folds.map((s) => ({
      X: takeRows(X32, s.train),
      y: Float64Array.from(s.train, (i) => f32.y[i] as number),
    }));
    const cv: number[] = [];
    const plain: number[] = [];
    await crossValidate(new LinearRegression(mini), ds32, null, { cv: folds });
    for (let r = 0; r < repeats; r++) {
      cv.push(await timed(() => crossValidate(new LinearRegression(mini), ds32, null, { cv: folds })));
      plain.push(
        await timed(async () => {
          for (const p of pre) await new LinearRegression(mini).fit(p.X, p.y);
        }),
      );
    }
    rows.push({
      task: "5-fold crossValidate on a float32 Dataset (fits + scores)",
      descentMs: median(cv),
      otherMs: median(plain),
      ratio: median(plain) / median(cv),
      other: "5 fits on pre-split matrices",
    });
  } finally {
    ds32.dispose();
  }
  return { peer: peerName, rows };
}

/** The section as a table. */
export function formatModelSelection(rows: readonly SelectionRow[]): string {
  return formatTable(
    ["task", "descent ms", "other", "other ms", "other / descent"],
    rows.map((r) => [
      r.task,
      r.descentMs.toFixed(1),
      r.other,
      Number.isNaN(r.otherMs) ? "—" : r.otherMs.toFixed(1),
      Number.isNaN(r.ratio) ? "—" : `${r.ratio.toFixed(2)}×`,
    ]),
  );
}
