// --memory streaming learns what an in-memory fit learns, on files sorted by time, class or target,
// and holds its peak memory near the budget (a 3-million-row Parquet file).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { Prng } from "../src/kernels/prng.js";

const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "descent-streaming-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  mode: string;
  rows: number;
  trainScore: number;
  validationScore: number;
  maxRssBytes: number;
}
function fitFile(...args: string[]): Report {
  const r = spawnSync(process.execPath, [cli, "fit", ...args, "--json"], {
    encoding: "utf8",
    cwd: dir,
    timeout: 300_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/**
 * Rows sorted by their date: the target drifts with time (a trend and a season), and one text
 * column's mix changes with it, so a model fed one stretch of time after another learns the last.
 */
function sortedRows(n: number, seed: number): string {
  const rng = new Prng(seed);
  const lines = ["when,x1,x2,site,y,label"];
  const sites = ["north", "south", "east", "west", "centre"];
  for (let i = 0; i < n; i++) {
    const day = Math.floor((i / n) * 730);
    const when = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
    const x1 = rng.nextFloat() * 2 - 1;
    const x2 = rng.nextFloat() * 2 - 1;
    const site = sites[Math.min(4, Math.floor(rng.nextFloat() * (1 + (4 * i) / n)))] as string;
    const season = Math.sin((2 * Math.PI * day) / 365);
    const y = 3 * x1 - 2 * x2 + 2 * season + day / 200 + (site === "east" ? 1 : 0) + 0.8 * (rng.nextFloat() - 0.5);
    lines.push(`${when},${x1.toFixed(5)},${x2.toFixed(5)},${site},${y.toFixed(5)},${y > 2.5 ? "high" : "low"}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("a file sorted by time, streamed, gives the in-memory score", () => {
  const csv = join(dir, "sorted.csv");
  writeFileSync(csv, sortedRows(60_000, 3));

  it("regression: validation R² within 0.005 of the in-memory fit's", () => {
    const common = [csv, "--target", "y", "--drop", "label", "--epochs", "4", "--validation", "0.2", "--seed", "5"];
    const memory = fitFile(...common);
    const streamed = fitFile(...common, "--memory", "2MiB");
    expect(memory.mode).toBe("memory");
    expect(streamed.mode).toBe("stream");
    expect(streamed.rows).toBe(60_000);
    expect(memory.validationScore).toBeGreaterThan(0.8);
    expect(Math.abs(streamed.validationScore - memory.validationScore)).toBeLessThanOrEqual(0.005);
  }, 120_000);

  it("classification sorted by class: validation accuracy within 0.5%", () => {
    // Sorted by the label too: every "high" row after every "low" one.
    const lines = sortedRows(40_000, 9).trim().split("\n");
    const body = lines.slice(1).sort((a, b) => (a.endsWith("high") ? 1 : 0) - (b.endsWith("high") ? 1 : 0));
    const byClass = join(dir, "by-class.csv");
    writeFileSync(byClass, `${[lines[0], ...body].join("\n")}\n`);
    const common = [
      byClass,
      "--target",
      "label",
      "--model",
      "logistic",
      "--drop",
      "y",
      "--epochs",
      "4",
      "--validation",
      "0.2",
    ];
    const memory = fitFile(...common);
    const streamed = fitFile(...common, "--memory", "2MiB");
    expect(streamed.mode).toBe("stream");
    expect(memory.validationScore).toBeGreaterThan(0.85);
    expect(Math.abs(streamed.validationScore - memory.validationScore)).toBeLessThanOrEqual(0.005);
  }, 120_000);
});

describe("peak memory of a 3-million-row Parquet file", () => {
  // Flights-like: a timestamp, a distance, two airport codes (text), a delay; sorted by time.
  const n = 3_000_000;
  const rng = new Prng(11);
  const airports = Array.from({ length: 200 }, (_, i) => `A${(i * 7919) % 997}`);
  const date = new Array<Date>(n);
  const distance = new Float64Array(n);
  const origin = new Array<string>(n);
  const destination = new Array<string>(n);
  const delay = new Float64Array(n);
  const unused = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    date[i] = new Date(Date.UTC(2001, 0, 1) + i * 10_000);
    distance[i] = 100 + rng.nextFloat() * 2000;
    origin[i] = airports[Math.floor(rng.nextFloat() ** 2 * 200)] as string;
    destination[i] = airports[Math.floor(rng.nextFloat() ** 2 * 200)] as string;
    delay[i] = (rng.nextFloat() - 0.3) * 60 + distance[i] / 500;
    unused[i] = rng.nextFloat();
  }
  const file = join(dir, "flights.parquet");
  writeFileSync(
    file,
    new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: "date", data: date, type: "TIMESTAMP" },
          { name: "delay", data: delay, type: "DOUBLE" },
          { name: "distance", data: distance, type: "DOUBLE" },
          { name: "origin", data: origin, type: "STRING" },
          { name: "destination", data: destination, type: "STRING" },
          { name: "unused", data: unused, type: "DOUBLE" },
        ],
        rowGroupSize: 250_000,
      }),
    ),
  );
  const MiB = 1024 * 1024;

  it("streamed under --memory 64MiB: peak RSS within the budget + 160 MiB", () => {
    const r = fitFile(file, "--target", "delay", "--drop", "unused", "--memory", "64MiB", "--epochs", "1");
    expect(r.mode).toBe("stream");
    expect(r.rows).toBe(n);
    expect(r.maxRssBytes).toBeLessThan(64 * MiB + 160 * MiB);
  }, 300_000);

  it("in memory, a one-feature fit decodes only its two columns: its peak is that of a file holding only them", () => {
    const narrow = join(dir, "narrow.parquet");
    writeFileSync(
      narrow,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: "delay", data: delay, type: "DOUBLE" },
            { name: "distance", data: distance, type: "DOUBLE" },
          ],
          rowGroupSize: 250_000,
        }),
      ),
    );
    const wide = fitFile(file, "--target", "delay", "--drop", "date,origin,destination,unused", "--epochs", "1");
    const alone = fitFile(narrow, "--target", "delay", "--epochs", "1");
    expect(wide.mode).toBe("memory");
    expect(wide.rows).toBe(n);
    // Decoding the three dropped columns (3M timestamps, 6M strings) would add hundreds of MB.
    expect(wide.maxRssBytes).toBeLessThan(alone.maxRssBytes * 1.25 + 32 * MiB);
  }, 300_000);
});
