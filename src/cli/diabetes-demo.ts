import { readFile } from "node:fs/promises";
import type { BackendName } from "../backend/create-backend.js";
import { CleanIsolate } from "../bench/clean-isolate.js";
import { median } from "../bench/median.js";
import { formatTable } from "../bench/text-table.js";
import { parseCsv, toNumericDataset } from "../io/csv.js";
import type { Matrix } from "../matrix.js";
import { LinearRegression, type LinearRegressionOptions } from "../models/linear-regression.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";

/** One row of the demo table: a configuration trained on one backend. */
export interface DemoRow {
  config: string;
  backend: BackendName;
  objective: number;
  r2: number;
  epochs: number;
  stopReason: string;
  /** Median wall time of the timed repetitions, in milliseconds. */
  ms: number;
}

/** The bundled diabetes data (442 rows, 10 features), standardised with population std. */
export async function loadDiabetes(): Promise<{ Z: Matrix; y: number[] }> {
  const text = await readFile(new URL("../../data/diabetes.csv", import.meta.url), "utf8");
  const { X, y } = toNumericDataset(parseCsv(text), "progression");
  return { Z: new StandardScaler().fitTransform(X), y };
}

/** The configurations `npm start` shows. */
export const DEMO_CONFIGS: ReadonlyArray<{ name: string; options: LinearRegressionOptions }> = [
  { name: "mini-batch 32, lr 0.01", options: { batchSize: 32, learningRate: 0.01, maxEpochs: 1000, seed: 0 } },
  { name: "stochastic, lr 0.001", options: { batchSize: 1, learningRate: 0.001, maxEpochs: 1000, seed: 0 } },
  {
    name: "full batch, lr 0.45",
    options: { batchSize: "full", learningRate: 0.45, maxEpochs: 100_000, tol: null, gradTol: 1e-8 },
  },
];

/** Timed rounds continue past `repeats` until each backend has had this much fitting time, ms. */
const MIN_TIMED_MS = 250;
/** At most this many rounds per configuration. */
const MAX_ROUNDS = 60;

/** One timed fit of the demo: wall time and what the table shows of the model. */
export interface DemoFit {
  ms: number;
  objective: number;
  r2: number;
  epochs: number;
  stopReason: string;
}

let diabetes: Promise<{ Z: Matrix; y: number[] }> | null = null;

/** Fits LinearRegression with `options` on the bundled diabetes data (read once per isolate), timed. */
export async function timeDemoFit(options: LinearRegressionOptions): Promise<DemoFit> {
  diabetes ??= loadDiabetes();
  const { Z, y } = await diabetes;
  const t0 = performance.now();
  const model = await new LinearRegression(options).fit(Z, y);
  const ms = performance.now() - t0;
  return {
    ms,
    objective: model.objective(Z, y),
    r2: model.score(Z, y),
    epochs: model.nEpochs,
    stopReason: model.stopReason ?? "",
  };
}

/**
 * Trains every demo configuration on each backend, each backend in a V8 isolate of its own (a
 * worker thread), as an app that uses only that backend would run it: one JIT-compiled training
 * loop that has only ever seen one backend, and for the JS baseline no WebAssembly at all. One
 * warm-up fit each, then timed rounds with the backends in turn (so a slow spell of the machine
 * hits both), at least `repeats` rounds and more for fits of a few milliseconds, whose single times
 * are noisy; the median per backend.
 */
export async function runDiabetesDemo(repeats = 5): Promise<DemoRow[]> {
  const rows: DemoRow[] = [];
  const backends = ["js", "wasm"] as const;
  const isolates = backends.map(() => new CleanIsolate());
  const url = import.meta.url;
  try {
    for (const { name, options } of DEMO_CONFIGS) {
      const timeFit = (b: number): Promise<DemoFit> =>
        (isolates[b] as CleanIsolate).run(true, url, timeDemoFit, { ...options, backend: backends[b] });
      const last: DemoFit[] = [];
      for (const b of backends.keys()) last[b] = await timeFit(b);
      const times: number[][] = backends.map(() => []);
      const total = (t: number[]): number => t.reduce((a, c) => a + c, 0);
      for (let r = 0; r < MAX_ROUNDS && (r < repeats || times.some((t) => total(t) < MIN_TIMED_MS)); r++) {
        for (const b of backends.keys()) {
          last[b] = await timeFit(b);
          times[b]?.push((last[b] as DemoFit).ms);
        }
      }
      for (const [b, backend] of backends.entries()) {
        const f = last[b] as DemoFit;
        rows.push({
          config: name,
          backend,
          objective: f.objective,
          r2: f.r2,
          epochs: f.epochs,
          stopReason: f.stopReason,
          ms: median(times[b] ?? []),
        });
      }
    }
  } finally {
    for (const isolate of isolates) await isolate.close();
  }
  return rows;
}

/** The demo rows as an aligned text table with the WASM/JS ratio per configuration. */
export function formatDemoTable(rows: DemoRow[]): string {
  const header = ["configuration", "backend", "objective J", "R²", "epochs", "stop", "wall ms", "wasm/js speed"];
  const lines = rows.map((r) => {
    const js = rows.find((o) => o.config === r.config && o.backend === "js");
    const ratio = r.backend === "js" || js === undefined ? "" : `${(js.ms / r.ms).toFixed(2)}×`;
    return [
      r.config,
      r.backend,
      r.objective.toFixed(6),
      r.r2.toFixed(6),
      String(r.epochs),
      r.stopReason,
      r.ms.toFixed(2),
      ratio,
    ];
  });
  return formatTable(header, lines, Number.POSITIVE_INFINITY);
}
