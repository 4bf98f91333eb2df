// How many epochs each row order needs: shuffle true (a fresh permutation every epoch), 'once' (one
// seeded permutation when the data is staged) and false (the given order), on diabetes, breast
// cancer, iris and the bench data. An epoch count is the first epoch after which the exact training
// objective J has covered 99% of the way from the starting point (all-zero weights, J0) to the
// optimum J* (the same problem solved by full-batch gradient descent to a gradient norm of 1e-9):
// (J − J*) / (J0 − J*) ≤ 1%. The median over seeds is reported with the range.
import { readFileSync } from "node:fs";
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import { parseCsv, toNumericDataset } from "../src/io/csv.js";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import type { SgdOptions, ShuffleMode } from "../src/train/options.js";
import { benchData } from "./bench-data.js";

/** A run has arrived when (J − J*) / (J0 − J*) is at most these (99% and 99.9% of the way). */
export const STUDY_GAPS = [0.01, 0.001] as const;
const MODES: readonly ShuffleMode[] = [true, "once", false];

/** One data set's result for one row order. */
export interface ShuffleStudyRow {
  data: string;
  model: string;
  options: string;
  mode: string;
  /** Per threshold of STUDY_GAPS, the epochs each seed needed (null: not within maxEpochs). */
  epochs: Array<Array<number | null>>;
  /** Per threshold, the median over seeds (null when most seeds did not arrive). */
  medianEpochs: Array<number | null>;
  /** (J − J*) / (J0 − J*) after maxEpochs epochs, median over seeds. */
  finalGap: number;
  /** The largest of those gaps over the seeds. */
  worstGap: number;
}

interface Problem {
  data: string;
  model: "linear" | "logistic";
  X: Matrix;
  y: ArrayLike<number>;
  options: SgdOptions;
  describe: string;
  maxEpochs: number;
  seeds: number;
}

function dataset(name: string, target: string): { X: Matrix; y: number[] } {
  const text = readFileSync(new URL(`../../../data/${name}.csv`, import.meta.url), "utf8");
  const { X, y } = toNumericDataset(parseCsv(text), target);
  return { X: new StandardScaler().fitTransform(X), y };
}

async function objectiveAfter(p: Problem, options: SgdOptions): Promise<number> {
  if (p.model === "linear") {
    const m = await new LinearRegression(options).fit(p.X, p.y);
    return m.objective(p.X, p.y);
  }
  const m = await new LogisticRegression(options).fit(p.X, p.y);
  return m.objective(p.X, p.y);
}

/** The problems of the study (`quick`: fewer seeds and a smaller bench set). */
function problems(quick: boolean): Problem[] {
  const diabetes = dataset("diabetes", "progression");
  const cancer = dataset("breast_cancer", "benign");
  const iris = dataset("iris", "species");
  const n = quick ? 20_000 : 100_000;
  const bench = benchData(n, 32, "float32");
  const seeds = quick ? 3 : 10;
  return [
    {
      data: "diabetes (442 × 10, standardised)",
      model: "linear",
      ...diabetes,
      options: { batchSize: 1, learningRate: 0.002 },
      describe: "LinearRegression, stochastic, lr 0.002",
      maxEpochs: 100,
      seeds,
    },
    {
      data: "diabetes (442 × 10, standardised)",
      model: "linear",
      ...diabetes,
      options: { batchSize: 32 },
      describe: "LinearRegression, batch 32, lr 0.01",
      maxEpochs: 100,
      seeds,
    },
    {
      data: "breast cancer (569 × 30, standardised)",
      model: "logistic",
      ...cancer,
      options: { batchSize: 8, learningRate: 0.1, alpha: 0.01 },
      describe: "LogisticRegression, batch 8, lr 0.1, alpha 0.01",
      maxEpochs: 100,
      seeds,
    },
    {
      data: "iris (150 × 4, standardised; rows sorted by class)",
      model: "logistic",
      ...iris,
      options: { batchSize: 8, learningRate: 0.1, alpha: 0.01 },
      describe: "LogisticRegression (softmax), batch 8, lr 0.1, alpha 0.01",
      maxEpochs: 100,
      seeds,
    },
    {
      data: `bench data (${n.toLocaleString("en-US")} × 32, float32)`,
      model: "linear",
      X: { data: bench.X, rows: n, cols: 32 },
      y: bench.y,
      options: { batchSize: 256, learningRate: 0.05, penalty: "none", dtype: "float32" },
      describe: "LinearRegression, batch 256, lr 0.05, no penalty",
      maxEpochs: 20,
      seeds: quick ? 2 : 3,
    },
  ];
}

/** Runs the study; each configuration's epochs are found by fits of 1, 2, … epochs (same prefix). */
export async function runShuffleStudy(quick = false): Promise<ShuffleStudyRow[]> {
  const out: ShuffleStudyRow[] = [];
  for (const p of problems(quick)) {
    const base: SgdOptions = { ...p.options, tol: null };
    const start = await objectiveAfter(p, { ...base, learningRate: 1e-300, maxEpochs: 1, batchSize: "full" });
    const optimum = await objectiveAfter(p, {
      ...base,
      batchSize: "full",
      learningRate: p.model === "linear" ? 0.3 : 2,
      maxEpochs: 500_000,
      gradTol: 1e-9,
      dtype: "float64",
      shuffle: false,
    });
    for (const mode of MODES) {
      const epochs: Array<Array<number | null>> = STUDY_GAPS.map(() => []);
      const gaps: number[] = [];
      for (let seed = 0; seed < (mode === false ? 1 : p.seeds); seed++) {
        const arrived: Array<number | null> = STUDY_GAPS.map(() => null);
        for (let e = 1; e <= p.maxEpochs && arrived.some((a) => a === null); e++) {
          const gap =
            ((await objectiveAfter(p, { ...base, shuffle: mode, seed, maxEpochs: e })) - optimum) / (start - optimum);
          STUDY_GAPS.forEach((g, k) => {
            if (arrived[k] === null && gap <= g) arrived[k] = e;
          });
        }
        for (const [k, a] of arrived.entries()) epochs[k]?.push(a);
        const last = await objectiveAfter(p, { ...base, shuffle: mode, seed, maxEpochs: p.maxEpochs });
        gaps.push((last - optimum) / (start - optimum));
      }
      const mid = (list: Array<number | null>): number | null =>
        list.filter((e) => e !== null).length * 2 > list.length
          ? median(list.map((e) => e ?? Number.POSITIVE_INFINITY))
          : null;
      out.push({
        data: p.data,
        model: p.model,
        options: p.describe,
        mode: String(mode === "once" ? "'once'" : mode),
        epochs,
        medianEpochs: epochs.map(mid),
        finalGap: median(gaps),
        worstGap: Math.max(...gaps),
      });
    }
  }
  return out;
}

/** The study as a table: epochs to 99% and 99.9% of the way (median, range) and the gap left. */
export function formatShuffleStudy(rows: readonly ShuffleStudyRow[]): string {
  const header = ["data and training", "shuffle", "epochs to 99%", "to 99.9%", "gap left at the end", "worst seed's"];
  const cell = (list: Array<number | null>, mid: number | null): string => {
    const got = list.map((e) => (e === null ? Number.POSITIVE_INFINITY : e));
    const lo = Math.min(...got);
    const hi = Math.max(...got);
    const f = (v: number): string => (Number.isFinite(v) ? String(v) : "never");
    if (mid === null) return "not reached";
    return list.length === 1 || lo === hi ? f(mid) : `${f(mid)} (${f(lo)}–${f(hi)})`;
  };
  const lines = rows.map((r) => [
    `${r.data}: ${r.options}`,
    r.mode,
    cell(r.epochs[0] ?? [], r.medianEpochs[0] ?? null),
    cell(r.epochs[1] ?? [], r.medianEpochs[1] ?? null),
    `${(100 * r.finalGap).toFixed(3)}%`,
    r.epochs[0]?.length === 1 ? "" : `${(100 * r.worstGap).toFixed(3)}%`,
  ]);
  return formatTable(header, lines, Number.POSITIVE_INFINITY);
}
