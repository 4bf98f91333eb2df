// Training on a file larger than memory that still learns the model an in-memory fit would: each
// epoch reads the chunks in a seeded random order and passes their rows through a seeded shuffle
// buffer (as large as the budget allows) before partialFit, so a file sorted by time, class or
// target does not feed the model one regime at a time. Progress reports the epoch's running
// objective over every row trained so far.
import type { CsvChunk } from "../io/csv-stream.js";
import type { Matrix } from "../matrix.js";
import type { LinearRegression } from "../models/linear-regression.js";
import type { LinearSVM } from "../models/linear-svm.js";
import type { LogisticRegression } from "../models/logistic-regression.js";
import type { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPRegressor } from "../models/mlp-regressor.js";
import type { StandardScaler } from "../models/standard-scaler.js";
import { Prng } from "../train/prng.js";
import type { FitStream } from "./fit-data.js";
import { isValidationRow } from "./validation-rows.js";

type Model = LinearRegression | LogisticRegression | LinearSVM | MLPClassifier | MLPRegressor;

/** How a streamed fit runs. */
export interface StreamTraining {
  epochs: number;
  seed: number;
  /** Held-out share of rows (--validation), or undefined. */
  fraction: number | undefined;
  scaler: StandardScaler | null;
  /** Rows the shuffle buffer holds. */
  bufferRows: number;
  regression: boolean;
  /** Called after each epoch with the epoch's running objective (mean over its rows) and the last rate. */
  onEpoch(epoch: number, objective: number, learningRate: number): void;
}

/** The training rows of a chunk (the rows not held out), scaled. */
function trainingRows(
  c: CsvChunk,
  first: number,
  t: StreamTraining,
): { X: Float64Array; y: Array<number | string>; rows: number } {
  const d = c.featureNames.length;
  let X = c.X;
  let y = c.y;
  let rows = c.rows;
  if (t.fraction !== undefined) {
    const keep: number[] = [];
    for (let r = 0; r < c.rows; r++) if (!isValidationRow(first + r, t.seed, t.fraction)) keep.push(r);
    X = new Float64Array(keep.length * d);
    keep.forEach((r, k) => {
      X.set(c.X.subarray(r * d, (r + 1) * d), k * d);
    });
    y = keep.map((r) => c.y[r] as number | string);
    rows = keep.length;
  }
  if (t.scaler !== null && rows > 0) X = t.scaler.transform({ data: X, rows, cols: d }).data as Float64Array;
  return { X, y, rows };
}

/**
 * A buffer of rows: filled from chunks, and when full, shuffled (seeded Fisher–Yates) with its
 * first half handed out as one block, the second half kept to mix with what comes next.
 */
class ShuffleBuffer {
  private readonly X: Float64Array;
  private y: Array<number | string>;
  private n = 0;

  constructor(
    private readonly capacity: number,
    private readonly d: number,
    private readonly rng: Prng,
  ) {
    this.X = new Float64Array(capacity * d);
    this.y = new Array(capacity);
  }

  /** Adds rows; calls `out` with a block each time the buffer fills. */
  async add(
    X: Float64Array,
    y: ReadonlyArray<number | string>,
    rows: number,
    out: (m: Matrix, y: Array<number | string>) => Promise<void>,
  ): Promise<void> {
    const d = this.d;
    for (let r = 0; r < rows; ) {
      const take = Math.min(rows - r, this.capacity - this.n);
      this.X.set(X.subarray(r * d, (r + take) * d), this.n * d);
      for (let k = 0; k < take; k++) this.y[this.n + k] = y[r + k] as number | string;
      this.n += take;
      r += take;
      if (this.n === this.capacity) await this.emit(Math.max(1, this.capacity >> 1), out);
    }
  }

  /** Hands out what is left, shuffled. */
  async flush(out: (m: Matrix, y: Array<number | string>) => Promise<void>): Promise<void> {
    if (this.n > 0) await this.emit(this.n, out);
  }

  private async emit(count: number, out: (m: Matrix, y: Array<number | string>) => Promise<void>): Promise<void> {
    const d = this.d;
    const order = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    this.rng.shuffle(order);
    const X = new Float64Array(this.n * d);
    const y: Array<number | string> = new Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const s = order[i] as number;
      X.set(this.X.subarray(s * d, (s + 1) * d), i * d);
      y[i] = this.y[s] as number | string;
    }
    await out({ data: X.subarray(0, count * d), rows: count, cols: d }, y.slice(0, count));
    // The rows not handed out stay, at the front.
    const rest = this.n - count;
    this.X.set(X.subarray(count * d, this.n * d), 0);
    for (let i = 0; i < rest; i++) this.y[i] = y[count + i] as number | string;
    this.n = rest;
  }
}

/** Trains `model` on the stream for `t.epochs` epochs; the scaler (if any) must be fitted. */
export async function trainStreamed(
  model: Model,
  s: FitStream,
  t: StreamTraining,
  classes: Array<number | string> | null,
): Promise<void> {
  const rng = new Prng(t.seed ^ 0x51ff1e);
  const d = s.preprocessing.preprocessor.nFeaturesOut;
  const numericLabels = classes !== null && typeof classes[0] === "number";
  for (let e = 1; e <= t.epochs; e++) {
    const order = new Int32Array(s.chunkCount);
    for (let i = 0; i < order.length; i++) order[i] = i;
    rng.shuffle(order);
    const buffer = new ShuffleBuffer(Math.max(1, t.bufferRows), d, rng);
    let sum = 0;
    let count = 0;
    const train = async (m: Matrix, y: Array<number | string>): Promise<void> => {
      if (t.regression) await (model as LinearRegression | MLPRegressor).partialFit(m, y as number[]);
      else
        await (model as LogisticRegression).partialFit(m, numericLabels ? y.map(Number) : y, {
          classes: classes ?? [],
        });
      const loss = model.history.loss.at(-1) ?? Number.NaN;
      sum += loss * m.rows;
      count += m.rows;
    };
    for await (const { chunk, first } of s.chunks(Array.from(order))) {
      const rows = trainingRows(chunk, first, t);
      if (rows.rows > 0) await buffer.add(rows.X, rows.y, rows.rows, train);
    }
    await buffer.flush(train);
    t.onEpoch(e, count > 0 ? sum / count : Number.NaN, model.history.learningRate.at(-1) ?? Number.NaN);
  }
}

/** Fits the scaler on the training rows of every chunk (one pass, in file order). */
export async function fitScalerStreamed(s: FitStream, t: StreamTraining): Promise<void> {
  if (t.scaler === null) return;
  const scaler = t.scaler;
  const unscaled = { ...t, scaler: null };
  for await (const { chunk, first } of s.chunks()) {
    const rows = trainingRows(chunk, first, unscaled);
    if (rows.rows > 0) scaler.partialFit({ data: rows.X, rows: rows.rows, cols: chunk.featureNames.length });
  }
}
