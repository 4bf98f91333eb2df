// `npm run bench`: the gradient ladder (js, wasm-scalar, wasm-simd, TensorFlow.js wasm/cpu) and the
// end-to-end training comparison. Prints the machine and tables; writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { formatLadder, runGradientLadder } from "../src/bench/gradient-ladder.js";
import { machineInfo } from "../src/cli/machine-info.js";
import { setWasmLocation } from "../src/runtime/wasm-location.js";
import { formatEndToEnd, runEndToEnd } from "./end-to-end.js";
import { formatMf, runMfBench } from "./mf.js";
import { tfjsGradientPeer } from "./peers/tfjs.js";

// Compiled to build/tsc/bench/: the .wasm builds are in build/.
setWasmLocation(new URL("../../", import.meta.url));

const quick = process.argv.includes("--quick");
const machine = machineInfo();
console.log(
  `descent benchmarks: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${quick ? " (quick)" : ""}\n`,
);
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
console.log(
  "\n2. End to end: LinearRegression, n = 100,000, d = 32, float32, batch 256, 10 epochs, plain SGD (shuffled).",
);
console.log(
  "   Median of 5 fits after a warm-up, the backends in turn, a full GC before each (tfjs-wasm: 3 fits, tfjs-cpu: 1); TensorFlow.js 4.22 with the same loss and optimizer.\n",
);
const e2e = await runEndToEnd(quick ? 1 : 5);
console.log(formatEndToEnd(e2e));
console.log(
  "\n3. Matrix factorisation: per-rating SGD, 200,000 ratings (1,000 users × 1,000 items), 50 factors, 5 epochs.",
);
console.log(
  "   Median of 5 fits after a warm-up, the tasks in turn, a full GC before each, timed over the epochs (shuffle + kernel), without id maps and copies.\n",
);
const mf = await runMfBench(quick ? 1 : 5);
console.log(formatMf(mf));
const out = new URL("../../../bench/results/", import.meta.url);
mkdirSync(out, { recursive: true });
const file = new URL("latest.json", out);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), machine, ladder, endToEnd: e2e, matrixFactorization: mf }, null, 2)}\n`,
);
console.log(`\nwrote ${file.pathname}`);
