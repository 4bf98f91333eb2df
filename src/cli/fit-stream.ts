// Training on a file larger than memory that still learns the model an in-memory fit would. A
// file sorted by time, class or target must not feed the model one regime at a time, and a
// shuffle buffer only mixes rows that are near each other in the file (measured on 3 million
// flights sorted by date: a buffer of a fifth of the file still lost most of the in-memory R²).
// So the rows are shuffled out of core: one pass writes each training row's model inputs (float64,
// unscaled) to one of K bucket files in a temporary folder, the bucket drawn at random (seeded);
// each epoch then reads the buckets in a random order, each one whole and shuffled in memory,
// so every epoch sees the rows in a near-uniform random order. Each bucket holds at most
// `bucketRows` rows (the budget's share). The same pass fits the scaler. Progress reports the
// epoch's running objective over every row trained so far.
import { randomBytes } from "node:crypto";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Prng } from "../kernels/prng.js";
import type { Matrix } from "../matrix.js";
import type { LinearRegression } from "../models/linear-regression.js";
import type { LinearSVM } from "../models/linear-svm.js";
import type { LogisticRegression } from "../models/logistic-regression.js";
import type { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPRegressor } from "../models/mlp-regressor.js";
import type { StandardScaler } from "../preprocess/standard-scaler.js";
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
  /** Rows shuffled together in memory: the most rows a bucket holds (--shuffle-buffer). */
  bucketRows: number;
  /** Bytes of write buffers, all buckets together. */
  writeBytes: number;
  regression: boolean;
  /** Called after each epoch with the epoch's running objective (mean over its rows) and the last rate. */
  onEpoch(epoch: number, objective: number, learningRate: number): void;
  /** Called after each bucket with the epoch's running objective over its rows so far. */
  onProgress?(epochsDone: number, objective: number, learningRate: number): void;
}

/** Whether row r of a chunk starting at row `first` is held out for validation. */
function heldOut(first: number, r: number, t: StreamTraining): boolean {
  return t.fraction !== undefined && isValidationRow(first + r, t.seed, t.fraction);
}

/** The training rows of a file, scattered at random over bucket files: d features then the target a row. */
export interface Buckets {
  dir: string;
  files: string[];
  /** The held-out (--validation) rows, in file order, or null. */
  heldOut: string | null;
  /** Values a row: the features and the target (a label's index for a classifier). */
  width: number;
  rows: number;
}

/**
 * One pass over the stream: fits the scaler on the training rows and writes each training row to
 * a bucket drawn at random. `labels` (classifiers) turns a label into the index stored.
 */
export async function stageBuckets(
  s: FitStream,
  t: StreamTraining,
  labels: ReadonlyArray<number | string> | null,
): Promise<Buckets> {
  const d = s.preprocessing.preprocessor.nFeaturesOut;
  const width = d + 1;
  const count = Math.max(1, Math.ceil(s.rows / Math.max(1, t.bucketRows)));
  const dir = await mkdtemp(join(tmpdir(), `descent-shuffle-${randomBytes(4).toString("hex")}-`));
  const files = Array.from({ length: count }, (_, k) => join(dir, `bucket-${k}.f64`));
  const held = t.fraction === undefined ? null : join(dir, "held-out.f64");
  // The last file is the held-out rows'.
  const all = held === null ? files : [...files, held];
  const handles = await Promise.all(all.map((f) => open(f, "wx", 0o600)));
  const index = new Map(labels?.map((l, i) => [l, i]) ?? []);
  const rng = new Prng(t.seed ^ 0xb0c4e7);
  // One write buffer a file, flushed when full.
  const bufferRows = Math.max(16, Math.floor(t.writeBytes / all.length / (width * 8)));
  const buffers = all.map(() => new Float64Array(bufferRows * width));
  const fill = new Int32Array(all.length);
  let rows = 0;
  const flush = async (k: number): Promise<void> => {
    const n = fill[k] as number;
    if (n === 0) return;
    const b = buffers[k] as Float64Array;
    await (handles[k] as Awaited<ReturnType<typeof open>>).write(new Uint8Array(b.buffer, 0, n * width * 8));
    fill[k] = 0;
  };
  try {
    for await (const { chunk, first } of s.chunks()) {
      const X = chunk.X;
      let training = 0;
      for (let r = 0; r < chunk.rows; r++) {
        const isHeld = heldOut(first, r, t);
        const k = isHeld ? count : count === 1 ? 0 : rng.nextInt(count);
        const b = buffers[k] as Float64Array;
        const at = (fill[k] as number) * width;
        b.set(X.subarray(r * d, (r + 1) * d), at);
        const y = chunk.y[r] as number | string;
        b[at + d] = labels === null ? (y as number) : (index.get(y) ?? -1);
        fill[k] = (fill[k] as number) + 1;
        if (!isHeld) {
          // The scaler learns the training rows only: moved to the front of the chunk's matrix.
          if (training !== r) X.copyWithin(training * d, r * d, (r + 1) * d);
          training++;
          rows++;
        }
        if (fill[k] === bufferRows) await flush(k);
      }
      if (t.scaler !== null && training > 0)
        t.scaler.partialFit({ data: X.subarray(0, training * d), rows: training, cols: d });
    }
    for (let k = 0; k < all.length; k++) await flush(k);
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
  return { dir, files, heldOut: held, width, rows };
}

/**
 * The rows of a bucket file, `sliceRows` at a time, as a raw (unscaled) matrix and targets (labels
 * decoded); in a seeded random order when `rng` is given, else in the file's order.
 */
export async function* bucketSlices(
  file: string,
  width: number,
  labels: ReadonlyArray<number | string> | null,
  sliceRows: number,
  rng: Prng | null,
): AsyncGenerator<{ X: Matrix; y: Array<number | string> }> {
  const d = width - 1;
  const decode = (values: Float64Array, rows: ArrayLike<number>, from: number, to: number) => {
    const X = new Float64Array((to - from) * d);
    const y: Array<number | string> = new Array(to - from);
    for (let i = from; i < to; i++) {
      const r = rows[i] as number;
      X.set(values.subarray(r * width, r * width + d), (i - from) * d);
      const v = values[r * width + d] as number;
      y[i - from] = labels === null ? v : (labels[v] as number | string);
    }
    return { X: { data: X, rows: to - from, cols: d }, y };
  };
  if (rng === null) {
    // In order: read a slice at a time (a held-out file can be far larger than a bucket).
    const fh = await open(file, "r");
    try {
      const slice = new Float64Array(sliceRows * width);
      const bytes = new Uint8Array(slice.buffer);
      const identity = Int32Array.from({ length: sliceRows }, (_, i) => i);
      for (let at = 0; ; ) {
        const { bytesRead } = await fh.read(bytes, 0, bytes.length, at);
        const n = Math.floor(bytesRead / (width * 8));
        if (n === 0) break;
        yield decode(slice, identity, 0, n);
        at += n * width * 8;
      }
    } finally {
      await fh.close();
    }
    return;
  }
  const bytes = await readFile(file);
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const n = values.length / width;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  rng.shuffle(rows);
  for (let from = 0; from < n; from += sliceRows) yield decode(values, rows, from, Math.min(n, from + sliceRows));
}

/** Removes the bucket files. */
export async function removeBuckets(b: Buckets): Promise<void> {
  await rm(b.dir, { recursive: true, force: true });
}

/** Trains `model` for `t.epochs` epochs over the buckets (random bucket order, rows shuffled within each). */
export async function trainOnBuckets(
  model: Model,
  b: Buckets,
  t: StreamTraining,
  labels: ReadonlyArray<number | string> | null,
  sliceRows: number,
): Promise<void> {
  const rng = new Prng(t.seed ^ 0x51ff1e);
  for (let e = 1; e <= t.epochs; e++) {
    const order = new Int32Array(b.files.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    rng.shuffle(order);
    let sum = 0;
    let count = 0;
    for (const k of order) {
      for await (const { X, y } of bucketSlices(b.files[k] as string, b.width, labels, sliceRows, rng)) {
        const m = t.scaler === null ? X : t.scaler.transform(X);
        if (t.regression) await (model as LinearRegression | MLPRegressor).partialFit(m, y as number[]);
        else
          await (model as LogisticRegression).partialFit(m, y, { classes: (labels ?? []) as Array<number | string> });
        const loss = model.history.loss.at(-1) ?? Number.NaN;
        sum += loss * m.rows;
        count += m.rows;
      }
      t.onProgress?.(e - 1, sum / Math.max(1, count), model.history.learningRate.at(-1) ?? Number.NaN);
    }
    t.onEpoch(e, count > 0 ? sum / count : Number.NaN, model.history.learningRate.at(-1) ?? Number.NaN);
  }
}
