// Parquet and Arrow input: an Arrow Table (and Vector) given to fit, and .parquet / .arrow files
// given to the CLI, train the same bits as the same numbers from arrays and CSV.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tableFromArrays, tableToIPC, vectorFromArray } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { loadDataset } from "./helpers/datasets.js";

const diabetes = loadDataset("diabetes", "progression");
const cancer = loadDataset("breast_cancer", "benign");
const dir = mkdtempSync(join(tmpdir(), "descent-tables-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir });

/** The columns of a dataset as Float64Arrays, features then target. */
function columns(X: number[][], y: number[], names: string[], target: string): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  names.forEach((n, j) => {
    out[n] = Float64Array.from(X, (r) => r[j] as number);
  });
  out[target] = Float64Array.from(y);
  return out;
}

describe("Arrow tables in the library", () => {
  it("fit(table, vector) trains the same bits as fit(rows, array)", async () => {
    const cols = columns(diabetes.X, diabetes.y, diabetes.featureNames, "progression");
    const { progression, ...features } = cols;
    const table = tableFromArrays(features);
    const opts = { maxEpochs: 20, tol: null, learningRate: 1e-6 };
    const fromArrow = await new LinearRegression(opts).fit(
      table,
      vectorFromArray(progression as Float64Array) as never,
    );
    const fromRows = await new LinearRegression(opts).fit(diabetes.X, diabetes.y);
    expect(Array.from(fromArrow.coef)).toEqual(Array.from(fromRows.coef));
    expect(fromArrow.predict(table)).toEqual(fromRows.predict(diabetes.X));
    const labels = vectorFromArray(cancer.y.map((v) => (v === 1 ? "benign" : "malignant")));
    const cancerTable = tableFromArrays(
      Object.fromEntries(cancer.featureNames.map((n, j) => [n, Float64Array.from(cancer.X, (r) => r[j] as number)])),
    );
    const clf = await new LogisticRegression({ maxEpochs: 5 }).fit(cancerTable, labels as never);
    expect(clf.classes).toEqual(["benign", "malignant"]);
  });
});

describe("Parquet and Arrow files in the CLI", () => {
  it("CSV, Parquet and Arrow IPC files of the same numbers give the same model, and predict reads them", () => {
    const names = diabetes.featureNames;
    const cols = columns(diabetes.X, diabetes.y, names, "progression");
    const csv = join(dir, "d.csv");
    writeFileSync(
      csv,
      `${[...names, "progression"].join(",")}\n${diabetes.X.map((r, i) => [...r, diabetes.y[i]].join(",")).join("\n")}\n`,
    );
    const parquet = join(dir, "d.parquet");
    writeFileSync(
      parquet,
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
    const arrow = join(dir, "d.arrow");
    writeFileSync(arrow, tableToIPC(tableFromArrays(cols), "file"));
    const params: string[] = [];
    for (const file of [csv, parquet, arrow]) {
      const out = `${file}.model.json`;
      const r = run("fit", file, "--target", "progression", "--epochs", "30", "--out", out, "--json");
      expect(r.status, r.stderr).toBe(0);
      params.push(
        JSON.stringify((JSON.parse(readFileSync(out, "utf8")) as { model: { params: number[] } }).model.params),
      );
      const p = run("predict", out, file, "--json");
      expect(p.status, p.stderr).toBe(0);
      expect((JSON.parse(p.stdout) as { rows: number }).rows).toBe(442);
    }
    expect(params[1]).toBe(params[0]);
    expect(params[2]).toBe(params[0]);
    // Streamed under a small --memory: row group by row group (Parquet), batch by batch (Arrow).
    const big = join(dir, "big.parquet");
    const n = 60_000;
    const bigCols = { a: new Float64Array(n), b: new Float64Array(n), y: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      bigCols.a[i] = Math.sin(i);
      bigCols.b[i] = Math.cos(i * 0.7);
      bigCols.y[i] = 2 * (bigCols.a[i] as number) - (bigCols.b[i] as number);
    }
    writeFileSync(
      big,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: Object.entries(bigCols).map(([name, data]) => ({
            name,
            data: Array.from(data),
            type: "DOUBLE" as const,
          })),
          rowGroupSize: 10_000,
        }),
      ),
    );
    const streamed = run("fit", big, "--target", "y", "--memory", "1MiB", "--epochs", "3", "--json");
    expect(streamed.status, streamed.stderr).toBe(0);
    const report = JSON.parse(streamed.stdout) as { mode: string; rows: number; trainScore: number };
    expect(report.mode).toBe("stream");
    expect(report.rows).toBe(n);
    expect(report.trainScore).toBeGreaterThan(0.99);
    const missing = run("fit", parquet, "--target", "nope");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no target column 'nope'/);
  });
});

describe("a Parquet file five times the memory budget", () => {
  it("streams row group by row group within the budget plus Node's baseline", () => {
    // 16 MiB budget, an 88 MB file: 3,600,000 rows of 3 doubles in row groups of 20,000.
    const n = 3_600_000;
    const cols = { a: new Array<number>(n), b: new Array<number>(n), y: new Array<number>(n) };
    for (let i = 0; i < n; i++) {
      const a = Math.sin(i * 0.37);
      const b = Math.cos(i * 0.71);
      cols.a[i] = a;
      cols.b[i] = b;
      cols.y[i] = 2 * a - b + 0.5;
    }
    const file = join(dir, "huge.parquet");
    writeFileSync(
      file,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: Object.entries(cols).map(([name, data]) => ({ name, data, type: "DOUBLE" as const })),
          rowGroupSize: 20_000,
        }),
      ),
    );
    const budget = 16 * 1024 * 1024;
    expect(readFileSync(file).length).toBeGreaterThan(5 * budget);
    const r = run("fit", file, "--target", "y", "--memory", "16MiB", "--epochs", "1", "--json");
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { mode: string; rows: number; maxRssBytes: number; trainScore: number };
    expect(report).toMatchObject({ mode: "stream", rows: n });
    // Node itself, the modules and the WebAssembly runtime take a fixed ~100 MB (as for CSV).
    expect(report.maxRssBytes).toBeLessThan(budget + 160 * 1024 * 1024);
    expect(report.trainScore).toBeGreaterThan(0.99);
  }, 180_000);
});
