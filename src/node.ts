// Node-only parts of the library (`import … from "descent/node"`): they start processes.

export { toArrowTable } from "./io/arrow-table.js";
export { type CsvTableOptions, readCsvTable, readCsvTableChunks } from "./io/csv-table.js";
export { fileCheckpoint } from "./io/file-checkpoint.js";
export { readTable, type TableRead } from "./io/read-table.js";
export type { DecodeLimits } from "./io/table-decoder.js";
export { WorkerProcess, type WorkerProcessOptions } from "./parallel/worker-process.js";
export { runWorker, type WorkerFlags } from "./worker/shard-worker.js";
