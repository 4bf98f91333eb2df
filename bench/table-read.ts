// Reading a table as it comes: a 3,000,000-row ZSTD Parquet file (a timestamp, two numbers, two
// text columns of airport codes), written by DuckDB, read in fresh processes by descent (typed
// columns; and on to the one-hot, imputed float64 matrix a model trains on) and by DuckDB's own
// reader into a table on 1 and on all threads, side by side: seconds, rows/s, peak RSS.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";

/** One reader's row. */
export interface TableReadRow {
  reader: string;
  output: string;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

/** Writes the file with DuckDB: flights-like rows in time order, text codes drawn unevenly. */
async function writeFile(path: string, rows: number): Promise<void> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run("SELECT setseed(0.42)");
  await c.run(`COPY (
    SELECT TIMESTAMP '2001-01-01' + to_seconds(i * 10) AS date,
           round((random() - 0.3) * 60, 1) AS delay,
           round(100 + random() * 2000) AS distance,
           'A' || CAST(floor(pow(random(), 2) * 230) AS INTEGER) AS origin,
           'B' || CAST(floor(pow(random(), 2) * 230) AS INTEGER) AS destination
    FROM range(${rows}) t(i)
  ) TO '${path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 250000)`);
}

/** Each reader in a fresh process, `rounds` times, medians reported. */
export async function runTableReadBench(
  rows: number,
  rounds: number,
): Promise<{ megabytes: number; rows: TableReadRow[] }> {
  const dir = mkdtempSync(join(tmpdir(), "descent-table-read-"));
  try {
    const file = join(dir, "flights.parquet");
    await writeFile(file, rows);
    const script = fileURLToPath(new URL("./read-table-one.js", import.meta.url));
    const out: TableReadRow[] = [];
    for (const [how, reader] of [
      ["columns", "descent: typed columns"],
      ["matrix", "descent: typed columns → model matrix"],
      ["duckdb-1", "DuckDB read_parquet, 1 thread"],
      ["duckdb-all", "DuckDB read_parquet, 2 threads"],
    ] as const) {
      const runs = Array.from({ length: rounds }, () => {
        const r = spawnSync(process.execPath, [script, how, file, "delay"], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`${how}: ${r.stderr}`);
        return JSON.parse(r.stdout) as { ms: number; rows: number; cols: number; maxRssBytes: number };
      });
      const seconds = median(runs.map((r) => r.ms)) / 1000;
      const first = runs[0] as { rows: number; cols: number };
      out.push({
        reader,
        output: how.startsWith("duckdb") ? "DuckDB table" : `${first.rows.toLocaleString("en")} × ${first.cols}`,
        seconds,
        rowsPerSecond: rows / seconds,
        peakRssMb: median(runs.map((r) => r.maxRssBytes)) / 1e6,
      });
    }
    return { megabytes: statSync(file).size / 1e6, rows: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatTableReadBench(rows: readonly TableReadRow[]): string {
  const duck = rows.find((r) => r.reader.includes("1 thread"));
  return formatTable(
    ["reader", "output", "seconds", "rows/s", "× DuckDB 1 thread", "peak RSS MB"],
    rows.map((r) => [
      r.reader,
      r.output,
      r.seconds.toFixed(2),
      `${(r.rowsPerSecond / 1e6).toFixed(2)} M`,
      duck === undefined ? "—" : `${(duck.seconds / r.seconds).toFixed(2)}×`,
      r.peakRssMb.toFixed(0),
    ]),
    2,
  );
}
