// Per-sample SGD against scikit-learn: LinearRegression, LinearSVM (hinge) and LogisticRegression
// with batchSize 1, float64, a constant rate 0.01, alpha 1e-4 and 5 epochs, against SGDRegressor and
// SGDClassifier (hinge, log_loss) with the same settings, each a whole fit call on the same data,
// shuffled every epoch and in order; then the regressor under the elastic net (the cumulative L1
// penalty) and averaged. The two sides take turns, so a slow spell of this shared machine hits both.
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import type { Matrix } from "../src/matrix.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import type { ShuffleMode } from "../src/train/options.js";
import type { BenchData } from "./bench-data.js";
import { collectGarbage } from "./collect-garbage.js";
import { type SklearnEstimator, type SklearnPeer, startSklearnPeer } from "./sklearn-peer.js";

/** One row: an estimator and row order, descent's wasm fit and scikit-learn's. */
export interface SgdPeerResult {
  estimator: string;
  shuffle: string;
  descentMs: number;
  /** NaN when scikit-learn did not run (or has no such mode). */
  sklearnMs: number;
  /** sklearnMs / descentMs. */
  speedup: number;
}

const EPOCHS = 5;
const RATE = 0.01;
const ALPHA = 1e-4;
const NAMES: Record<SklearnEstimator, string> = {
  regressor: "LinearRegression vs SGDRegressor",
  hinge: "LinearSVM vs SGDClassifier(hinge)",
  log: "LogisticRegression vs SGDClassifier(log_loss)",
  "regressor-elasticnet": "LinearRegression vs SGDRegressor, elasticnet",
  "regressor-average": "LinearRegression vs SGDRegressor, average",
};

async function descentFit(estimator: SklearnEstimator, data: BenchData, shuffle: ShuffleMode): Promise<number> {
  const X: Matrix = { data: data.X, rows: data.n, cols: data.d };
  const options = {
    batchSize: 1,
    learningRate: RATE,
    alpha: ALPHA,
    penalty: "l2" as const,
    schedule: "constant" as const,
    maxEpochs: EPOCHS,
    tol: null,
    shuffle,
    seed: 0,
  };
  collectGarbage();
  const t0 = performance.now();
  if (estimator === "regressor") await new LinearRegression(options).fit(X, data.y);
  else if (estimator === "regressor-elasticnet")
    await new LinearRegression({ ...options, penalty: "elasticnet", l1Ratio: 0.15 }).fit(X, data.y);
  else if (estimator === "regressor-average") await new LinearRegression({ ...options, average: true }).fit(X, data.y);
  else if (estimator === "hinge") await new LinearSVM({ ...options, loss: "hinge" }).fit(X, data.label);
  else await new LogisticRegression(options).fit(X, data.label);
  return performance.now() - t0;
}

/**
 * Times every estimator with shuffling on and off (and descent's 'once'), `rounds` rounds after a
 * warm-up, the peer and descent in turns. Returns the rows and the peer's version or skip reason.
 */
export async function runSgdPeers(data: BenchData, rounds: number): Promise<{ rows: SgdPeerResult[]; peer: string }> {
  const started = await startSklearnPeer(data);
  const peer: SklearnPeer | null = "skip" in started ? null : started;
  const rows: SgdPeerResult[] = [];
  try {
    const estimators = ["regressor", "hinge", "log", "regressor-elasticnet", "regressor-average"] as const;
    for (const estimator of estimators) {
      const orders = estimator.startsWith("regressor-") ? ([true, false] as const) : ([true, false, "once"] as const);
      for (const shuffle of orders) {
        const request = { estimator, shuffle: shuffle === true, epochs: EPOCHS, eta0: RATE, alpha: ALPHA };
        const withPeer = peer !== null && shuffle !== "once";
        await descentFit(estimator, data, shuffle);
        if (withPeer) await peer.time(request);
        const ours: number[] = [];
        const theirs: number[] = [];
        for (let r = 0; r < rounds; r++) {
          if (withPeer) theirs.push(await peer.time(request));
          ours.push(await descentFit(estimator, data, shuffle));
        }
        const sk = withPeer ? median(theirs) : Number.NaN;
        rows.push({
          estimator: NAMES[estimator],
          shuffle: shuffle === "once" ? "'once'" : String(shuffle),
          descentMs: median(ours),
          sklearnMs: sk,
          speedup: sk / median(ours),
        });
      }
    }
  } finally {
    peer?.close();
  }
  return {
    rows,
    peer: peer !== null ? `scikit-learn ${peer.version} (${peer.python})` : (started as { skip: string }).skip,
  };
}

/** The rows as a table. */
export function formatSgdPeers(rows: readonly SgdPeerResult[]): string {
  const header = [
    "estimators (batch 1, float64)",
    "shuffle",
    "descent wasm ms",
    "scikit-learn ms",
    "descent is × faster",
  ];
  const lines = rows.map((r) => [
    r.estimator,
    r.shuffle,
    r.descentMs.toFixed(1),
    Number.isNaN(r.sklearnMs) ? "—" : r.sklearnMs.toFixed(1),
    Number.isNaN(r.speedup) ? "—" : `${r.speedup.toFixed(2)}×`,
  ]);
  return formatTable(header, lines, 2);
}
