#!/usr/bin/env node
// `npm start`: linear regression on the bundled diabetes data with the JS and WASM backends.
import { formatDemoTable, runDiabetesDemo } from "./diabetes-demo.js";
import { machineInfo } from "./machine-info.js";

const m = machineInfo();
console.log("descent: linear regression on diabetes (442 rows × 10 features, standardised), float64");
console.log(
  `machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; wall time = median of 5 or more whole fit calls after a warm-up,\n` +
    "the backends in turn, each in a V8 isolate of its own (as an app using only that backend)\n",
);
console.log(formatDemoTable(await runDiabetesDemo()));
console.log("\nobjective J = (1/n) Σ 0.5 (y − w·x − b)² + 0.5·alpha·‖w‖², alpha = 1e-4 (the default l2 penalty)");
