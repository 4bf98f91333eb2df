// One timed read of a data file in a fresh process (so its peak RSS is the read's own):
// `node read-one.js csv-parse|csv|parquet|arrow <file> <target>` prints {"ms","rows","maxRssBytes"}.
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { readCsvAll } from "../src/io/csv-stream.js";
import { readTableFile } from "../src/io/table-file.js";

const [, , how, file, target] = process.argv as [string, string, string, string, string];
const layout = { target, drop: [], features: null, labels: false };
const t0 = performance.now();
let rows = 0;
if (how === "csv-parse") {
  // The reader `descent fit` used before: csv-parse's stream, then Number() on every cell.
  let header = true;
  let sum = 0;
  for await (const rec of createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true }),
  ) as AsyncIterable<string[]>) {
    if (header) {
      header = false;
      continue;
    }
    for (const cell of rec) sum += Number(cell);
    rows++;
  }
  if (Number.isNaN(sum)) process.exitCode = 1;
} else if (how === "csv") rows = (await readCsvAll(file, layout)).rows;
else rows = (await readTableFile(file, layout)).rows;
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
