// One timed fit of each kind the benches compare across backends. Plain data in and out, so the JS
// baseline can run them in a clean isolate (src/bench/clean-isolate.ts) and the WASM backends here.
import { LinearRegression, type LinearRegressionOptions } from "../src/models/linear-regression.js";
import { MatrixFactorization, type MatrixFactorizationOptions } from "../src/models/matrix-factorization.js";
import { MLPClassifier } from "../src/models/mlp-classifier.js";
import type { MLPOptions } from "../src/models/mlp-options.js";
import { collectGarbage } from "./collect-garbage.js";

/** A LinearRegression fit: its wall time in ms, each epoch's ms, and the fitted parameters. */
export interface TimedLinearFit {
  ms: number;
  /** Milliseconds of each epoch (from history.ms). */
  epochMs: number[];
  coef: number[];
  intercept: number;
}

/** Fits a LinearRegression on X (n × d, row-major) after a full GC and returns its wall time. */
export async function timeLinearFit(
  options: LinearRegressionOptions,
  X: Float32Array,
  y: Float32Array,
  n: number,
  d: number,
): Promise<TimedLinearFit> {
  collectGarbage();
  const t0 = performance.now();
  const m = await new LinearRegression(options).fit({ data: X, rows: n, cols: d }, y);
  const ms = performance.now() - t0;
  const epochMs = m.history.ms.map((v, e) => v - (e === 0 ? 0 : (m.history.ms[e - 1] as number)));
  return { ms, epochMs, coef: Array.from(m.coef), intercept: m.intercept };
}

/**
 * Fits a MatrixFactorization after a full GC and returns the time of its epochs in ms (shuffles and
 * kernel calls, from its history: the id maps and buffer copies of the setup are not counted).
 */
export async function timeMfFit(
  options: MatrixFactorizationOptions,
  users: Int32Array,
  items: Int32Array,
  ratings: Float64Array,
): Promise<number> {
  const u = Array.from(users);
  const i = Array.from(items);
  collectGarbage();
  const mf = await new MatrixFactorization(options).fit(u, i, ratings);
  return mf.history.ms.at(-1) ?? Number.NaN;
}

/**
 * Fits an MLPClassifier for its epochs after a full GC; returns the wall time in ms and the final
 * training loss (the same work the TensorFlow.js and scikit-learn peers time).
 */
export async function timeMlpFit(
  options: MLPOptions,
  X: Float32Array | Float64Array,
  y: Float64Array,
  n: number,
  d: number,
): Promise<{ ms: number; loss: number }> {
  collectGarbage();
  const t0 = performance.now();
  const m = await new MLPClassifier(options).fit({ data: X, rows: n, cols: d }, y);
  return { ms: performance.now() - t0, loss: m.history.loss.at(-1) ?? Number.NaN };
}
