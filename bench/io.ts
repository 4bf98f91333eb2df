// Data in and training across processes: reading a 1,000,000 × 21 numeric file as CSV (csv-parse
// against descent's reader), Parquet and Arrow, each in a fresh process (time, rows/s, peak RSS);
// then the time of one full-batch iteration of a sharded fit over 1, 2 and 4 worker processes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { median } from "../src/bench/median.js";
import { formatTable } from "../src/bench/text-table.js";
import { Prng } from "../src/kernels/prng.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { WorkerProcess } from "../src/parallel/worker-process.js";

/** One read: format, reader, seconds, rows/s, peak RSS. */
export interface ReadRow {
  format: string;
  reader: string;
  megabytes: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

/** One sharded-fit row. */
export interface ShardRow {
  workers: number;
  msPerIteration: number;
}

/** n × d uniform features and a linear target, as columns. */
function columns(n: number, d: number): Record<string, Float64Array> {
  const rng = new Prng(8);
  const out: Record<string, Float64Array> = {};
  const y = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      c[i] = Math.round((rng.nextFloat() * 2 - 1) * 1e6) / 1e6;
      y[i] = (y[i] as number) + (j + 1) * (c[i] as number);
    }
    out[`x${j}`] = c;
  }
  out.y = y.map((v) => Math.round(v * 1e4) / 1e4);
  return out;
}

function csvText(cols: Record<string, Float64Array>): string {
  const names = Object.keys(cols);
  const n = (cols[names[0] as string] as Float64Array).length;
  const parts = [names.join(",")];
  for (let i = 0; i < n; i++) parts.push(names.map((k) => (cols[k] as Float64Array)[i]).join(","));
  return `${parts.join("\n")}\n`;
}

/** Reads each format in a fresh process, `rounds` times, the medians reported. */
export async function runReadBench(rows: number, rounds: number): Promise<ReadRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "descent-io-"));
  try {
    const cols = columns(rows, 20);
    const files = {
      csv: join(dir, "data.csv"),
      parquet: join(dir, "data.parquet"),
      arrow: join(dir, "data.arrow"),
    };
    writeFileSync(files.csv, csvText(cols));
    writeFileSync(
      files.parquet,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: Object.entries(cols).map(([name, data]) => ({
            name,
            data: Array.from(data),
            type: "DOUBLE" as const,
          })),
        }),
      ),
    );
    writeFileSync(files.arrow, tableToIPC(tableFromArrays(cols), "file"));
    const script = fileURLToPath(new URL("./read-one.js", import.meta.url));
    const out: ReadRow[] = [];
    for (const [format, reader, file] of [
      ["CSV", "csv-parse + Number()", files.csv],
      ["CSV", "descent", files.csv],
      ["Parquet", "descent (hyparquet)", files.parquet],
      ["Arrow IPC", "descent (apache-arrow)", files.arrow],
    ] as const) {
      const how = reader.startsWith("csv-parse")
        ? "csv-parse"
        : format === "CSV"
          ? "csv"
          : format === "Parquet"
            ? "parquet"
            : "arrow";
      const runs = Array.from({ length: rounds }, () => {
        const r = spawnSync(process.execPath, [script, how, file, "y"], { encoding: "utf8" });
        return JSON.parse(r.stdout) as { ms: number; rows: number; maxRssBytes: number };
      });
      const seconds = median(runs.map((r) => r.ms)) / 1000;
      out.push({
        format,
        reader,
        megabytes: statSync(file).size / 1e6,
        seconds,
        rowsPerSecond: rows / seconds,
        peakRssMb: median(runs.map((r) => r.maxRssBytes)) / 1e6,
      });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A full-batch fit of `iterations` iterations over 1, 2 and 4 worker processes; ms per iteration. */
export async function runShardBench(rows: number, iterations: number): Promise<ShardRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "descent-shards-"));
  const cli = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));
  const out: ShardRow[] = [];
  try {
    const cols = columns(rows, 20);
    for (const k of [1, 2, 4]) {
      const per = Math.ceil(rows / k);
      const workers: WorkerProcess[] = [];
      for (let s = 0; s < k; s++) {
        const part = Object.fromEntries(
          Object.entries(cols).map(([name, c]) => [name, c.subarray(s * per, Math.min(rows, (s + 1) * per))]),
        );
        const file = join(dir, `shard-${k}-${s}.csv`);
        writeFileSync(file, csvText(part));
        workers.push(await WorkerProcess.start(process.execPath, [cli, "worker", file, "--target", "y"]));
      }
      const opts = { batchSize: "full" as const, shuffle: false, tol: null, learningRate: 0.05 };
      await new LinearRegression({ ...opts, maxEpochs: 2 }).fitSharded(workers);
      const t0 = performance.now();
      await new LinearRegression({ ...opts, maxEpochs: iterations }).fitSharded(workers);
      out.push({ workers: k, msPerIteration: (performance.now() - t0) / iterations });
      await Promise.all(workers.map((w) => w.close()));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReadBench(rows: readonly ReadRow[]): string {
  const base = rows[0];
  return formatTable(
    ["format", "reader", "file MB", "seconds", "rows/s", "× csv-parse", "peak RSS MB"],
    rows.map((r) => [
      r.format,
      r.reader,
      r.megabytes.toFixed(0),
      r.seconds.toFixed(2),
      `${(r.rowsPerSecond / 1e6).toFixed(2)} M`,
      base === undefined ? "—" : `${(base.seconds / r.seconds).toFixed(2)}×`,
      r.peakRssMb.toFixed(0),
    ]),
    2,
  );
}

export function formatShardBench(rows: readonly ShardRow[]): string {
  const one = rows[0];
  return formatTable(
    ["worker processes", "ms per iteration", "× 1 worker"],
    rows.map((r) => [
      String(r.workers),
      r.msPerIteration.toFixed(2),
      one === undefined ? "—" : `${(one.msPerIteration / r.msPerIteration).toFixed(2)}×`,
    ]),
  );
}
