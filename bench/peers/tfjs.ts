// TensorFlow.js 4.22 as a peer: its WASM backend (SIMD, single-threaded in Node) and its CPU backend.
// Used only by the benchmarks (devDependencies).
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { LadderLoss, LadderSize, PeerTask } from "../../src/bench/gradient-ladder.js";
import type { DType } from "../../src/matrix.js";

/** TensorFlow.js backends we compare with. */
export type TfBackend = "wasm" | "cpu";

async function use(backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend) {
    await tf.setBackend(backend);
    await tf.ready();
  }
}

/**
 * The squared-loss gradient written with TensorFlow.js ops (f = Xw + b, r = f − y, g = Xᵀr, the same
 * 4·n·d flops); float32 only, as TensorFlow.js.
 */
export function tfjsGradientPeer(backend: TfBackend): PeerTask {
  return {
    name: `tfjs-${backend}`,
    async prepare(size: LadderSize, dtype: DType, loss: LadderLoss, data) {
      if (dtype !== "float32" || loss !== "squared") return null;
      await use(backend);
      const X = tf.tensor2d(Float32Array.from(data.X), [size.n, size.d]);
      const y = tf.tensor2d(Float32Array.from(data.y), [size.n, 1]);
      const w = tf.randomUniform([size.d, 1], -0.05, 0.05, "float32", 3);
      const b = tf.scalar(0.01);
      return {
        run: () => {
          const [gw, gb] = tf.tidy(() => {
            const r = X.matMul(w).add(b).sub(y);
            return [X.matMul(r, true, false), r.sum()];
          });
          gw.dataSync();
          gw.dispose();
          gb.dispose();
        },
        dispose: () => tf.dispose([X, y, w, b]),
      };
    },
  };
}

/** Options of one end-to-end training run. */
export interface TfFitOptions {
  batchSize: number;
  epochs: number;
  learningRate: number;
  /** Batches cut once before training (no per-step gather, no shuffling), or gathered per step. */
  preSliced: boolean;
  seed: number;
}

/**
 * Mini-batch SGD on 0.5·mean((Xw + b − y)²) with TensorFlow.js's optimizer, as our LinearRegression
 * trains it; returns the wall time in milliseconds and the final weights.
 */
export async function tfjsFit(
  backend: TfBackend,
  X: Float32Array,
  y: Float32Array,
  n: number,
  d: number,
  o: TfFitOptions,
): Promise<{ ms: number; w: Float32Array; b: number }> {
  await use(backend);
  const Xt = tf.tensor2d(X, [n, d]);
  const yt = tf.tensor2d(y, [n, 1]);
  const w = tf.variable(tf.zeros([d, 1]));
  const b = tf.variable(tf.scalar(0));
  const optimizer = tf.train.sgd(o.learningRate);
  const step = (xb: tf.Tensor2D, yb: tf.Tensor2D): void => {
    const cost = optimizer.minimize(() => xb.matMul(w).add(b).sub(yb).square().mean().mul(0.5) as tf.Scalar, true);
    cost?.dispose();
  };
  const batches: Array<[tf.Tensor2D, tf.Tensor2D]> = [];
  if (o.preSliced) {
    for (let off = 0; off < n; off += o.batchSize) {
      const size = Math.min(o.batchSize, n - off);
      batches.push([Xt.slice([off, 0], [size, d]), yt.slice([off, 0], [size, 1])]);
    }
  }
  const order = new Int32Array(n).map((_, i) => i);
  const t0 = performance.now();
  for (let e = 0; e < o.epochs; e++) {
    if (o.preSliced) {
      for (const [xb, yb] of batches) step(xb, yb);
      continue;
    }
    tf.util.shuffle(order);
    for (let off = 0; off < n; off += o.batchSize) {
      tf.tidy(() => {
        const rows = tf.tensor1d(order.subarray(off, Math.min(n, off + o.batchSize)), "int32");
        step(tf.gather(Xt, rows) as tf.Tensor2D, tf.gather(yt, rows) as tf.Tensor2D);
      });
    }
  }
  const weights = (await w.data()) as Float32Array;
  const ms = performance.now() - t0;
  const bias = ((await b.data()) as Float32Array)[0] as number;
  for (const [xb, yb] of batches) {
    xb.dispose();
    yb.dispose();
  }
  tf.dispose([Xt, yt, w, b]);
  optimizer.dispose();
  return { ms, w: weights, b: bias };
}

/**
 * One epoch of TensorFlow.js `model.fit` on d → hidden relu → classes softmax with Adam (rate
 * 1e-3, its defaults otherwise), sparse categorical cross-entropy, shuffled batches; returns the
 * wall time of the fit call in ms and its loss.
 */
export async function tfjsMlpEpoch(
  backend: TfBackend,
  X: Float32Array,
  labels: Float64Array,
  n: number,
  d: number,
  hidden: number,
  classes: number,
  batchSize: number,
): Promise<{ ms: number; loss: number }> {
  await use(backend);
  const xs = tf.tensor2d(X, [n, d]);
  const ys = tf.tensor1d(Float32Array.from(labels));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [d], units: hidden, activation: "relu" }),
      tf.layers.dense({ units: classes, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy" });
  try {
    const t0 = performance.now();
    const h = await model.fit(xs, ys, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
    const ms = performance.now() - t0;
    return { ms, loss: Number(h.history.loss?.[0] ?? Number.NaN) };
  } finally {
    model.dispose();
    tf.dispose([xs, ys]);
  }
}
