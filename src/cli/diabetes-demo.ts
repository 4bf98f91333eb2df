import { readFile } from "node:fs/promises";
import type { BackendName } from "../backend/create-backend.js";
import { median } from "../bench/median.js";
import { parseCsv, toNumericDataset } from "../io/csv.js";
import type { Matrix } from "../matrix.js";
import { LinearRegression, type LinearRegressionOptions } from "../models/linear-regression.js";
import { StandardScaler } from "../models/standard-scaler.js";

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

/**
 * Trains every demo configuration on each backend: one warm-up fit each, then timed rounds with
 * the backends in turn (so a slow spell of the machine hits both), at least `repeats` rounds and
 * more for fits of a few milliseconds, whose single times are noisy; the median per backend.
 */
export async function runDiabetesDemo(repeats = 5): Promise<DemoRow[]> {
  const { Z, y } = await loadDiabetes();
  const rows: DemoRow[] = [];
  const backends = ["js", "wasm"] as const;
  for (const { name, options } of DEMO_CONFIGS) {
    const models: LinearRegression[] = [];
    for (const backend of backends) models.push(await new LinearRegression({ ...options, backend }).fit(Z, y));
    const times: number[][] = backends.map(() => []);
    const total = (t: number[]): number => t.reduce((a, b) => a + b, 0);
    for (let r = 0; r < MAX_ROUNDS && (r < repeats || times.some((t) => total(t) < MIN_TIMED_MS)); r++) {
      for (const [b, backend] of backends.entries()) {
        const t0 = performance.now();
        models[b] = await new LinearRegression({ ...options, backend }).fit(Z, y);
        times[b]?.push(performance.now() - t0);
      }
    }
    for (const [b, backend] of backends.entries()) {
      const model = models[b] as LinearRegression;
      rows.push({
        config: name,
        backend,
        objective: model.objective(Z, y),
        r2: model.score(Z, y),
        epochs: model.nEpochs,
        stopReason: model.stopReason ?? "",
        ms: median(times[b] ?? []),
      });
    }
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
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(fmt)].join("\n");
}
