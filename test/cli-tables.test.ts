// `descent fit` and `predict` on tables as they come: text, dates, booleans, missing cells, every
// Parquet codec; one line per column, rows with a missing target dropped, shell-safe hints.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "descent-cli-tables-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  rows: number;
  features: number;
  trainScore: number;
  classes?: string[];
  columns: Array<{ name: string; kind: string; missing: number; treatment: string; outputs: number }>;
  droppedRows: { missingTarget: number; missingFeature: number };
  warnings: string[];
}

describe("fit on a table with text and missing cells, predict on its raw rows", () => {
  it("penguins: text one-hot, numbers imputed, each column reported; predict repeats it from the model file", () => {
    const out = join(dir, "penguins.json");
    const r = run(
      "fit",
      join(root, "data/penguins.csv"),
      "--target",
      "Species",
      "--model",
      "logistic",
      "--epochs",
      "30",
      "--out",
      out,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.classes).toEqual(["Adelie", "Chinstrap", "Gentoo"]);
    expect(report.columns.map((c) => [c.name, c.kind, c.missing, c.outputs])).toEqual([
      ["Island", "string", 0, 3],
      ["Beak Length (mm)", "number", 2, 1],
      ["Beak Depth (mm)", "number", 2, 1],
      ["Flipper Length (mm)", "number", 2, 1],
      ["Body Mass (g)", "number", 2, 1],
      ["Sex", "string", 10, 4],
    ]);
    expect(report.columns[1]?.treatment).toBe("number, 2 missing → median imputed");
    expect(report.trainScore).toBeGreaterThan(0.97);
    const p = run("predict", out, join(root, "data/penguins.csv"), "--json");
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).score).toBeCloseTo(report.trainScore, 12);
    // The human summary names every column once.
    const text = run(
      "fit",
      join(root, "data/penguins.csv"),
      "--target",
      "Species",
      "--model",
      "logistic",
      "--epochs",
      "3",
      "--quiet",
    );
    for (const c of ["Island", "Beak Length (mm)", "Sex"])
      expect(text.stdout).toMatch(new RegExp(`^  ${c.replace(/[()]/g, "\\$&")}\\s+`, "m"));
  });

  it("cars: rows with a missing target dropped and counted, a date expanded, a wide text column capped", () => {
    const r = run("fit", join(root, "data/cars.csv"), "--target", "Miles_per_Gallon", "--epochs", "20", "--json");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.rows).toBe(398);
    expect(report.droppedRows.missingTarget).toBe(8);
    const year = report.columns.find((c) => c.name === "Year");
    expect(year?.kind).toBe("date");
    expect(year?.outputs).toBe(5);
    const name = report.columns.find((c) => c.name === "Name");
    expect(name?.treatment).toMatch(
      /^text, \d+ categories → one-hot, the 19 most frequent \+ infrequent \(20 columns\)$/,
    );
    const capped = run(
      "fit",
      join(root, "data/cars.csv"),
      "--target",
      "Miles_per_Gallon",
      "--epochs",
      "2",
      "--max-categories",
      "5",
      "--json",
    );
    expect((JSON.parse(capped.stdout) as Report).columns.find((c) => c.name === "Name")?.outputs).toBe(5);
  });

  it("--categorical, --numeric, --impute drop-rows and --missing override the typing", () => {
    const p = join(dir, "override.csv");
    writeFileSync(p, "zip,score,flag,y\n01,1.5,yes,1\n02,?,no,2\n01,2.5,yes,3\n03,3,no,4\n02,2,yes,5\n");
    const r = run(
      "fit",
      p,
      "--target",
      "y",
      "--categorical",
      "zip",
      "--missing",
      "?",
      "--impute",
      "drop-rows",
      "--epochs",
      "2",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.columns.map((c) => [c.name, c.kind, c.outputs])).toEqual([
      ["zip", "string", 3],
      ["score", "number", 1],
      ["flag", "string", 2],
    ]);
    expect(report.droppedRows.missingFeature).toBe(1);
    expect(report.rows).toBe(4);
  });

  it("a classifier on a numeric target with more than 50 values warns", () => {
    const p = join(dir, "many.csv");
    writeFileSync(p, `x,y\n${Array.from({ length: 120 }, (_, i) => `${i},${i * 1.5}`).join("\n")}\n`);
    const r = run("fit", p, "--target", "y", "--model", "logistic", "--epochs", "1", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).warnings[0]).toMatch(/target 'y' has 120 distinct numbers.*--model linear/);
  });

  it("predict on a file without a column the model uses names it quoted and suggests no flag predict lacks", () => {
    const out = join(dir, "p2.json");
    expect(
      run(
        "fit",
        join(root, "data/penguins.csv"),
        "--target",
        "Species",
        "--model",
        "logistic",
        "--epochs",
        "2",
        "--out",
        out,
      ).code,
    ).toBe(0);
    const p = join(dir, "partial.csv");
    writeFileSync(p, "Island,Sex\nDream,MALE\n");
    const r = run("predict", out, p);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/has no column 'Beak Length \(mm\)', 'Beak Depth \(mm\)'/);
    expect(r.stderr).not.toMatch(/--drop/);
  });

  it.each(["zstd", "gzip", "brotli", "snappy", "lz4"])("fits a %s Parquet file with text, dates and nulls", (codec) => {
    const r = run(
      "fit",
      join(root, `test/fixtures/parquet/penguins-${codec}.parquet`),
      "--target",
      "Species",
      "--model",
      "logistic",
      "--epochs",
      "20",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.columns.find((c) => c.name === "observed")?.kind).toBe("date");
    expect(report.columns.find((c) => c.name === "tagged")?.kind).toBe("boolean");
    expect(report.trainScore).toBeGreaterThan(0.95);
  });

  it("a model file keeps its preprocessing (version 2) and a version 1 file still predicts", () => {
    const out = join(dir, "v2.json");
    expect(
      run(
        "fit",
        join(root, "data/iris.csv"),
        "--target",
        "species",
        "--model",
        "logistic",
        "--epochs",
        "5",
        "--out",
        out,
      ).code,
    ).toBe(0);
    const bundle = JSON.parse(readFileSync(out, "utf8"));
    expect(bundle.version).toBe(2);
    expect(bundle.preprocessor.model).toBe("ColumnTransformer");
    // The same model as version 1 (numeric columns only, no preprocessor) still reads the file.
    const v1 = { ...bundle, version: 1 };
    for (const k of ["preprocessor", "inputColumns", "columnFlags", "missing"]) delete v1[k];
    const old = join(dir, "v1.json");
    writeFileSync(old, JSON.stringify(v1));
    const a = run("predict", out, join(root, "data/iris.csv"), "--json");
    const b = run("predict", old, join(root, "data/iris.csv"), "--json");
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).score).toBe(JSON.parse(a.stdout).score);
  });
});

describe("wide files", () => {
  it("65,536 columns train (chunks sized by the width), the report lists the first columns", () => {
    const n = 65_536;
    const p = join(dir, "wide.csv");
    const header = `${Array.from({ length: n }, (_, i) => `c${i}`).join(",")},y\n`;
    const rows = [0, 1, 2, 3].map((r) => `${Array.from({ length: n }, (_, i) => (i * r) % 7).join(",")},${r}`);
    writeFileSync(p, `${header}${rows.join("\n")}\n`);
    const r = run("fit", p, "--target", "y", "--epochs", "1", "--lr", "1e-6");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/4 rows × 65536 features/);
    expect(r.stdout).toMatch(/… and 65,496 more columns \(all of them in --json\)/);
  }, 60_000);

  it("more columns than the documented limit is E_MEMORY, not an allocation failure", () => {
    const p = join(dir, "too-wide.csv");
    const n = 2 ** 20 + 1;
    writeFileSync(p, `${Array.from({ length: n }, (_, i) => `c${i}`).join(",")},y\n1\n`);
    const r = run("fit", p, "--target", "y");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the CSV has 1,048,578 columns; descent reads at most 1,048,576/);
  }, 60_000);
});

describe("several targets (issue 30, item 7): --target a,b", () => {
  // penguins: text and missing cells among the features; two numeric targets, or two 0/1 labels.
  const csv = readFileSync(join(root, "data/penguins.csv"), "utf8").trim().split("\n");
  const header = (csv[0] as string).split(",");
  const species = header.indexOf("Species");
  const file = join(dir, "penguins-labels.csv");
  writeFileSync(
    file,
    [
      `${csv[0]},Adelie,Gentoo`,
      ...csv.slice(1).map((line) => {
        const s = line.split(",")[species];
        return `${line},${s === "Adelie" ? 1 : 0},${s === "Gentoo" ? "true" : "false"}`;
      }),
    ].join("\n"),
  );

  it("mlp-regressor: a multi-output fit, then predict writes one column per target and scores R² on both", () => {
    const out = join(dir, "two-outputs.json");
    const fit = run(
      ...["fit", file, "--target", "Body Mass (g),Flipper Length (mm)", "--model", "mlp-regressor"],
      ...["--solver", "lbfgs", "--hidden", "8", "--epochs", "200", "--drop", "Adelie,Gentoo", "--out", out, "--json"],
    );
    expect(fit.code, fit.stderr).toBe(0);
    const r = JSON.parse(fit.stdout) as Report & { target: string; scoreName: string };
    expect(r.target).toBe("Body Mass (g),Flipper Length (mm)");
    expect(r.scoreName).toBe("r2");
    expect(r.trainScore).toBeGreaterThan(0.6);
    expect(r.droppedRows.missingTarget).toBeGreaterThan(0);
    const pred = run("predict", out, file, "--json", "--out", join(dir, "two.csv"));
    expect(pred.code, pred.stderr).toBe(0);
    const lines = readFileSync(join(dir, "two.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("prediction_Body Mass (g),prediction_Flipper Length (mm)");
    expect(lines.length).toBe(csv.length);
    expect((JSON.parse(pred.stdout) as { score: number }).score).toBeGreaterThan(0.6);
  });

  it("mlp: multi-label from a 0/1 column and a true/false column, with probabilities", () => {
    const out = join(dir, "labels.json");
    const fit = run(
      ...["fit", file, "--target", "Adelie,Gentoo", "--model", "mlp", "--solver", "lbfgs"],
      ...["--hidden", "6", "--epochs", "100", "--drop", "Species", "--out", out, "--json"],
    );
    expect(fit.code, fit.stderr).toBe(0);
    const r = JSON.parse(fit.stdout) as Report & { scoreName: string };
    expect(r.classes).toEqual(["Adelie", "Gentoo"]);
    expect(r.trainScore).toBeGreaterThan(0.95);
    const pred = run("predict", out, file, "--proba", "--json", "--out", join(dir, "labels.csv"));
    expect(pred.code, pred.stderr).toBe(0);
    const lines = readFileSync(join(dir, "labels.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("prediction_Adelie,prediction_Gentoo,p_Adelie,p_Gentoo");
    const first = (lines[1] as string).split(",").map(Number);
    expect([0, 1]).toContain(first[0]);
    expect(first[2]).toBeGreaterThanOrEqual(0);
    expect(first[2]).toBeLessThanOrEqual(1);
  });

  it("refuses a text target of a regression, a non-0/1 label and several targets for a linear model", () => {
    const text = run("fit", file, "--target", "Species,Adelie", "--model", "mlp-regressor");
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/target column 'Species' holds text/);
    const label = run("fit", file, "--target", "Body Mass (g),Adelie", "--model", "mlp");
    expect(label.stderr).toMatch(/target column 'Body Mass \(g\)' has .* 0\/1/);
    const linear = run("fit", file, "--target", "Adelie,Gentoo", "--model", "linear");
    expect(linear.stderr).toMatch(/several targets need --model mlp-regressor or mlp/);
  });
});
