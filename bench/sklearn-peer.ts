// scikit-learn's SGDRegressor and SGDClassifier as a timing peer, in a long-lived Python process
// (bench/peers/sklearn_sgd.py) that reads the same bench data from files and times one whole fit per
// request, so descent's fits and scikit-learn's can take turns (A B A B) through one run.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BenchData } from "./bench-data.js";

/**
 * Which scikit-learn estimator a request times: SGDRegressor (L2, elastic net, or L2 averaged),
 * SGDClassifier with the hinge or the log loss.
 */
export type SklearnEstimator = "regressor" | "hinge" | "log" | "regressor-elasticnet" | "regressor-average";

/** One timed fit request: SGD with a constant rate, no stopping rule (penalty L2 unless named). */
export interface SklearnRequest {
  estimator: SklearnEstimator;
  shuffle: boolean;
  epochs: number;
  eta0: number;
  alpha: number;
  /** Time GridSearchCV(n_jobs=1) over these values with `folds` unshuffled folds instead of one fit. */
  grid?: { alpha: number[]; eta0: number[] };
  folds?: number;
}

/** A running peer. */
export interface SklearnPeer {
  /** scikit-learn's version. */
  version: string;
  /** The Python that runs it. */
  python: string;
  /** Wall time of one fit, ms. */
  time(req: SklearnRequest): Promise<number>;
  close(): void;
}

/** Pythons tried in turn: Debian's (where python3-sklearn installs), then whatever python3 is first on PATH. */
const PYTHONS = ["/usr/bin/python3", "python3"];

/** How to install the peer, for the skip line. */
export const SKLEARN_HINT = "install Debian's python3-sklearn (apt-get install -y python3-sklearn) to time it";

/** The first Python that imports scikit-learn and NumPy, or null. */
export function findSklearnPython(): string | null {
  for (const py of PYTHONS) {
    const r = spawnSync(py, ["-c", "import sklearn, numpy"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

/** Starts the peer over `data` (float64), or returns why it cannot run. */
export async function startSklearnPeer(data: BenchData): Promise<SklearnPeer | { skip: string }> {
  const python = findSklearnPython();
  if (python === null) return { skip: `scikit-learn not found (${PYTHONS.join(", ")}): ${SKLEARN_HINT}` };
  const dir = mkdtempSync(join(tmpdir(), "descent-sklearn-"));
  const prefix = join(dir, "bench");
  const raw = (a: ArrayLike<number>): Buffer => Buffer.from(Float64Array.from(a).buffer);
  writeFileSync(`${prefix}.X.f64`, raw(data.X));
  writeFileSync(`${prefix}.y.f64`, raw(data.y));
  writeFileSync(`${prefix}.label.f64`, raw(data.label));
  const script = fileURLToPath(new URL("../../../bench/peers/sklearn_sgd.py", import.meta.url));
  const child = spawn(python, [script, prefix, String(data.n), String(data.d)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next();
    if (r.done === true) throw new Error("the scikit-learn peer exited");
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  const hello = await next();
  return {
    version: String(hello.sklearn),
    python,
    async time(req) {
      child.stdin.write(`${JSON.stringify(req)}\n`);
      return Number((await next()).ms);
    },
    close() {
      child.stdin.end(`${JSON.stringify({ quit: true })}\n`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
