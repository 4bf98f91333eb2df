// `npm run bench`: the gradient ladder (js, wasm-scalar, wasm-simd, TensorFlow.js wasm/cpu), the
// end-to-end trainings, per-sample SGD against scikit-learn, matrix factorisation, how many epochs
// each row order needs, and neural networks against TensorFlow.js and scikit-learn. Prints the
// machine and tables; writes bench/results/latest.json (`-- --mlp`, `-- --io` and `-- --selection` run the MLP, I/O and model-selection sections alone).
import { mkdirSync, writeFileSync } from "node:fs";
import { formatLadder, runGradientLadder } from "../src/bench/gradient-ladder.js";
import { machineInfo } from "../src/cli/machine-info.js";
import { setWasmLocation } from "../src/runtime/wasm-location.js";
import { benchData } from "./bench-data.js";
import { formatDefaultTraining, formatEndToEnd, runDefaultTraining, runEndToEnd } from "./end-to-end.js";
import { formatReadBench, formatShardBench, runReadBench, runShardBench } from "./io.js";
import { formatMf, runMfBench } from "./mf.js";
import {
  formatGemmBench,
  formatLbfgsBench,
  formatMlpBench,
  openMlpBench,
  runGemmBench,
  runLbfgsBench,
  runMlpBench,
} from "./mlp.js";
import { formatModelSelection, runModelSelection } from "./model-selection.js";
import { tfjsGradientPeer } from "./peers/tfjs.js";
import { formatSgdPeers, runSgdPeers } from "./sgd-peers.js";
import { formatShuffleStudy, runShuffleStudy } from "./shuffle-study.js";
import { formatTableReadBench, runTableReadBench } from "./table-read.js";

// Compiled to build/tsc/bench/: the .wasm builds are in build/.
setWasmLocation(new URL("../../", import.meta.url));

const quick = process.argv.includes("--quick");
const mlpOnly = process.argv.includes("--mlp");
const ioOnly = process.argv.includes("--io");
const selectionOnly = process.argv.includes("--selection");
const machine = machineInfo();
console.log(
  `descent benchmarks: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${quick ? " (quick)" : ""}\n`,
);

/** Section 7: neural networks (also alone, `npm run bench -- --mlp`). */
async function mlpSection(): Promise<{
  peer: string;
  epochs: Awaited<ReturnType<typeof runMlpBench>>;
  gemm: Awaited<ReturnType<typeof runGemmBench>>;
  lbfgs: Awaited<ReturnType<typeof runLbfgsBench>>;
}> {
  console.log(
    "\n7. Neural networks: one epoch of MLPClassifier, 60,000 × 64 → 128 relu → 10 softmax, Adam (rate 1e-3), shuffled batches,",
  );
  console.log(
    "   against TensorFlow.js 4.22's model.fit (wasm backend, the same network, loss and optimizer) and scikit-learn's MLPClassifier",
  );
  console.log(
    "   on one BLAS thread. Whole fit calls, median of 3 after a warm-up, the tasks in turn (descent js: one fit, clean isolate).",
  );
  console.log("   GFLOP/s counts 2 × the multiply-adds of the forward and backward passes.\n");
  // The data, the scikit-learn peer and the clean isolate serve the epoch and the L-BFGS tables.
  const setup = await openMlpBench();
  try {
    const epochs = await runMlpBench(setup, quick ? 1 : 3);
    console.log(`   peer: ${setup.peer}\n`);
    console.log(formatMlpBench(epochs));
    console.log(
      "\n   The GEMM kernel alone at the step's shapes (rows × inner · inner × columns), in cache; the tasks in turn, median of 5",
    );
    console.log(
      "   slices each; flop/cycle = GFLOP/s ÷ the core clock measured around each slice (a chain of dependent integer adds):\n",
    );
    const gemm = await runGemmBench(quick ? 100 : 1000);
    console.log(formatGemmBench(gemm));
    const iters = quick ? 3 : 10;
    console.log(
      `\n   solver 'lbfgs' on the same network: ${iters} iterations (tol 0) of full-batch L-BFGS, every evaluation all 60,000 rows;`,
    );
    console.log(
      "   whole fit calls, median of 3 after a warm-up, the tasks in turn (descent js: one fit, clean isolate); evaluations: scikit-learn's count.\n",
    );
    const lbfgs = await runLbfgsBench(setup, iters, quick ? 1 : 3);
    console.log(formatLbfgsBench(lbfgs));
    return { peer: setup.peer, epochs, gemm, lbfgs };
  } finally {
    await setup.close();
  }
}

/** Section 8: data in and training across processes (also alone, `npm run bench -- --io`). */
async function ioSection(): Promise<{
  reads: Awaited<ReturnType<typeof runReadBench>>;
  tables: Awaited<ReturnType<typeof runTableReadBench>>;
  shards: Awaited<ReturnType<typeof runShardBench>>;
}> {
  const rows = quick ? 200_000 : 1_000_000;
  console.log(
    `\n8. Data in: reading a ${rows.toLocaleString("en")} × 21 numeric file (6-decimal numbers) as CSV, Parquet and Arrow IPC,`,
  );
  console.log("   each read in a fresh process (median of 3): seconds, rows/s, peak RSS of that process.\n");
  const reads = await runReadBench(rows, quick ? 1 : 3);
  console.log(formatReadBench(reads));
  const tableRows = quick ? 300_000 : 3_000_000;
  console.log(
    `\n   A table as it comes: ${tableRows.toLocaleString("en")} rows of a ZSTD Parquet file written by DuckDB (a timestamp, two numbers,`,
  );
  console.log(
    "   two text columns of ~230 airport codes each), read in a fresh process (median of 3) by descent and by DuckDB's own reader.\n",
  );
  const tables = await runTableReadBench(tableRows, quick ? 1 : 3);
  console.log(`   file: ${tables.megabytes.toFixed(1)} MB\n`);
  console.log(formatTableReadBench(tables.rows));
  console.log(
    "\n   Full-batch training across processes: 200,000 × 20 rows in shards, one `descent worker` process each,",
  );
  console.log(
    "   LinearRegression.fitSharded (every iteration a gradient round trip to every worker), 20 iterations.\n",
  );
  const shards = await runShardBench(200_000, 20);
  console.log(formatShardBench(shards));
  return { reads, tables, shards };
}

/** Section 9: model selection on staged data, against scikit-learn in the same run. */
async function selectionSection(): Promise<Awaited<ReturnType<typeof runModelSelection>>> {
  console.log(
    "\n9. Model selection on staged data: per-sample SGD fits on a Dataset (staged once, not timed) and a 12 × 5 grid search against",
  );
  console.log(
    "   scikit-learn (300,000 × 24 and 200,000 × 32, the grid on the latter; float64, 5 epochs, rate 0.01, L2 alpha 1e-4); default mini-batch float32 training against the",
  );
  console.log(
    "   js backend; 5-fold crossValidate on a float32 Dataset against five fits on pre-split matrices. Medians of the repeats after an untimed fit of each task (the grid: one run each).\n",
  );
  const selection = await runModelSelection(
    benchData(200_000, 32, "float64"),
    benchData(200_000, 32, "float32"),
    quick ? 1 : 3,
    benchData(300_000, 24, "float64"),
  );
  console.log(`   peer: ${selection.peer}\n`);
  console.log(formatModelSelection(selection.rows));
  return selection;
}

if (mlpOnly) {
  await mlpSection();
  process.exit(0);
}
if (ioOnly) {
  await ioSection();
  process.exit(0);
}
if (selectionOnly) {
  await selectionSection();
  process.exit(0);
}
console.log(
  "1. Gradient ladder: one full-batch fused gradient (prediction, loss, Xᵀ·residual) over n rows × d columns.",
);
console.log(
  "   Median of tinybench samples; GFLOP/s counts 4·n·d·outputs; GB/s counts the bytes of X; × js = js median / task median.",
);
console.log(
  "   The js tasks and fits run in a clean isolate (a worker no WebAssembly memory has grown in), as in an app without WASM.\n",
);
const both = ["float64", "float32"] as const;
const ladder = await runGradientLadder(
  [
    { size: { n: 4096, d: 8 }, dtypes: both, losses: ["squared"] },
    { size: { n: 4096, d: 64 }, dtypes: both, losses: ["squared", "log", "hinge", "softmax"] },
    { size: { n: quick ? 200_000 : 2_000_000, d: 32 }, dtypes: both, losses: ["squared"] },
  ],
  { timeMs: quick ? 200 : 500, peers: [tfjsGradientPeer("wasm"), tfjsGradientPeer("cpu")] },
);
console.log(formatLadder(ladder));
const repeats = quick ? 1 : 5;
console.log(
  "\n2. End to end: LinearRegression, n = 100,000, d = 32, float32, batch 256, 10 epochs of plain SGD (rate 0.05, no penalty).",
);
console.log(
  "   Whole fit calls on a { data, rows, cols } Float32Array; median of 5 after a warm-up, the backends in turn, a full GC before each",
);
console.log("   (tfjs-wasm: 3 fits, tfjs-cpu: 1); TensorFlow.js 4.22 with the same loss and optimizer.\n");
const e2e = await runEndToEnd(repeats);
console.log(formatEndToEnd(e2e));
console.log(
  "\n3. Default training: LinearRegression, n = 200,000, d = 32, float32, batch 256, 5 epochs, otherwise the default options",
);
console.log(
  "   (rate 0.01, L2 alpha 1e-4, shuffle true), and the same with shuffle 'once' and false. Whole fit calls, median of 5;",
);
console.log("   epoch ms = median epoch of the fits, against one WASM pass reading the staged X.\n");
const training = await runDefaultTraining(repeats);
console.log(formatDefaultTraining(training));
console.log(
  "\n4. Per-sample SGD against scikit-learn: n = 200,000, d = 32, float64, batchSize 1, 5 epochs, constant rate 0.01, L2 alpha 1e-4.",
);
console.log(
  "   Whole fit calls on the same data (scikit-learn in a Python process reading it from files); median of 5, the two in turns.\n",
);
const peers = await runSgdPeers(benchData(200_000, 32, "float64"), quick ? 1 : 5);
console.log(`   peer: ${peers.peer}\n`);
console.log(formatSgdPeers(peers.rows));
console.log(
  "\n5. Matrix factorisation: per-rating SGD, 200,000 ratings (1,000 users × 1,000 items), 50 factors, 5 epochs.",
);
console.log(
  "   Median of 5 fits after a warm-up, the tasks in turn, a full GC before each, timed over the epochs (shuffle + kernel), without id maps and copies.\n",
);
const mf = await runMfBench(repeats);
console.log(formatMf(mf));
console.log(
  "\n6. Row order and convergence: epochs until the exact objective J has gone 99% (and 99.9%) of the way from J0 (all-zero",
);
console.log(
  `   weights) to the optimum J* (full-batch GD to a gradient norm of 1e-9), median over ${quick ? 3 : 10} seeds with the range\n   ("never": not within the 100 epochs of a fit, 20 on the bench data); the gap (J − J*) / (J0 − J*) left after the last epoch.\n`,
);
const study = await runShuffleStudy(quick);
console.log(formatShuffleStudy(study));
const mlp = await mlpSection();
const io = await ioSection();
const selection = await selectionSection();

const out = new URL("../../../bench/results/", import.meta.url);
mkdirSync(out, { recursive: true });
const file = new URL("latest.json", out);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      ladder,
      endToEnd: e2e,
      defaultTraining: training,
      sklearn: peers,
      matrixFactorization: mf,
      shuffleStudy: study,
      modelSelection: selection,
      mlp,
      io,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${file.pathname}`);
