// `npm run bench`: the fused squared-loss gradient, js vs wasm-scalar vs wasm-simd, float32 and
// float64, over a few n × d sizes. Prints the machine, a table with ratios to js, and writes
// bench/results/latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { formatLadder, runGradientLadder } from "../src/bench/gradient-ladder.js";
import { machineInfo } from "../src/cli/machine-info.js";
import { setWasmLocation } from "../src/runtime/wasm-location.js";

// Compiled to build/tsc/bench/: the .wasm builds are in build/.
setWasmLocation(new URL("../../", import.meta.url));

const sizes = [
  { n: 4096, d: 8 },
  { n: 4096, d: 64 },
  { n: 200_000, d: 32 },
];
const machine = machineInfo();
console.log(`descent gradient ladder: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
console.log(
  "task = one full-batch fused squared-loss gradient (prediction, residual, loss, Xᵀr) over n rows × d columns",
);
console.log(
  "median of tinybench samples; GFLOP/s counts 4·n·d; GB/s counts the bytes of X; × js = js median / task median\n",
);
const results = await runGradientLadder(sizes, ["float64", "float32"]);
console.log(formatLadder(results));
const out = new URL("./results/", new URL("../../../bench/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL("latest.json", out),
  `${JSON.stringify({ date: new Date().toISOString(), machine, benchmark: "gradient-ladder", results }, null, 2)}\n`,
);
console.log(`\nwrote ${new URL("latest.json", out).pathname}`);
