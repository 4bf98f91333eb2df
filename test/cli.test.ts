// The built `descent` command, run as a subprocess.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isValidationRow } from "../src/cli/validation-rows.js";
import { Prng } from "../src/kernels/prng.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { findLearningRate } from "../src/tuning/find-learning-rate.js";
import { loadDataset } from "./helpers/datasets.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist/cli/main.js");
const data = (name: string): string => join(root, "data", name);
const dir = mkdtempSync(join(tmpdir(), "descent-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

describe("descent fit / predict", () => {
  it("trains logistic regression on breast cancer to ≥ 0.98 and predict reproduces it from the file alone", () => {
    const model = join(dir, "bc.json");
    const fit = run(
      "fit",
      data("breast_cancer.csv"),
      "--target",
      "benign",
      "--model",
      "logistic",
      "--scale",
      "standard",
      "--out",
      model,
      "--json",
    );
    expect(fit.code, fit.stderr).toBe(0);
    const report = json<{
      trainScore: number;
      scoreName: string;
      classes: number[];
      epochs: number;
      stopReason: string;
    }>(fit.stdout);
    expect(report.scoreName).toBe("accuracy");
    expect(report.trainScore).toBeGreaterThanOrEqual(0.98);
    expect(report.classes).toEqual([0, 1]);
    const pred = run("predict", model, data("breast_cancer.csv"), "--json");
    expect(pred.code, pred.stderr).toBe(0);
    expect(json<{ score: number; rows: number }>(pred.stdout)).toMatchObject({ rows: 569, score: report.trainScore });
  });

  it("takes scikit-learn's SGD options: the new losses, --epsilon, --l1-ratio, --average; refuses misplaced ones", () => {
    const model = join(dir, "mh.json");
    const fit = run(
      "fit",
      data("breast_cancer.csv"),
      "--target",
      "benign",
      "--model",
      "svm",
      "--loss",
      "modifiedHuber",
      "--penalty",
      "elasticnet",
      "--l1-ratio",
      "0.5",
      "--average",
      "true",
      "--batch-size",
      "1",
      "--out",
      model,
      "--json",
    );
    expect(fit.code, fit.stderr).toBe(0);
    expect(json<{ trainScore: number }>(fit.stdout).trainScore).toBeGreaterThan(0.97);
    const saved = json<{ model: { options: Record<string, unknown> } }>(readFileSync(model, "utf8"));
    expect(saved.model.options).toMatchObject({
      loss: "modifiedHuber",
      penalty: "elasticnet",
      l1Ratio: 0.5,
      average: true,
    });
    const svr = run(
      "fit",
      data("diabetes.csv"),
      "--target",
      "progression",
      "--loss",
      "epsilonInsensitive",
      "--epsilon",
      "2",
      "--lr",
      "0.5",
      "--json",
    );
    expect(svr.code, svr.stderr).toBe(0);
    expect(json<{ trainScore: number }>(svr.stdout).trainScore).toBeGreaterThan(0.4);
    const wrong = run("fit", data("iris.csv"), "--target", "species", "--model", "svm", "--epsilon", "1");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--epsilon is for --model linear/);
  });

  it("trains MLPs (--model mlp / mlp-regressor, --hidden, --activation), predicts with probabilities, refuses linear-only flags", () => {
    const model = join(dir, "mlp.json");
    const fit = run(
      "fit",
      data("iris.csv"),
      "--target",
      "species",
      "--model",
      "mlp",
      "--hidden",
      "16",
      "--activation",
      "tanh",
      "--lr",
      "0.01",
      "--out",
      model,
      "--json",
    );
    expect(fit.code, fit.stderr).toBe(0);
    const report = json<{ model: string; trainScore: number; classes: number[] }>(fit.stdout);
    expect(report.model).toBe("MLPClassifier");
    expect(report.trainScore).toBeGreaterThan(0.95);
    const pred = run("predict", model, data("iris.csv"), "--proba");
    expect(pred.code, pred.stderr).toBe(0);
    const lines = pred.stdout.trim().split("\n");
    expect(lines[0]).toBe("prediction,p_0,p_1,p_2");
    expect(lines.length).toBe(151);
    const reg = run(
      "fit",
      data("diabetes.csv"),
      "--target",
      "progression",
      "--model",
      "mlp-regressor",
      "--hidden",
      "32,16",
      "--lr",
      "0.01",
      "--epochs",
      "400",
      "--json",
    );
    expect(reg.code, reg.stderr).toBe(0);
    expect(json<{ trainScore: number }>(reg.stdout).trainScore).toBeGreaterThan(0.6);
    const wrong = run(
      "fit",
      data("diabetes.csv"),
      "--target",
      "progression",
      "--model",
      "mlp-regressor",
      "--penalty",
      "l1",
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--penalty does not apply to --model mlp-regressor/);
    const hiddenOnLinear = run("fit", data("diabetes.csv"), "--target", "progression", "--hidden", "4");
    expect(hiddenOnLinear.code).toBe(2);
  });

  it("--checkpoint / --resume: a run killed mid-training and resumed ends on the same bits as one never interrupted", async () => {
    const rng = new Prng(12);
    const lines = ["a,b,c,d,e,y"];
    for (let i = 0; i < 6000; i++) {
      const r = Array.from({ length: 5 }, () => rng.nextFloat() * 2 - 1);
      lines.push(
        [...r.map((v) => v.toFixed(5)), (r[0] as number) * 3 - (r[1] as number) + 0.1 * rng.nextFloat()].join(","),
      );
    }
    const csv = join(dir, "ck.csv");
    writeFileSync(csv, `${lines.join("\n")}\n`);
    const args = [
      "fit",
      csv,
      "--target",
      "y",
      "--model",
      "mlp-regressor",
      "--hidden",
      "24",
      "--backend",
      "js",
      "--epochs",
      "30",
      "--quiet",
    ];
    const whole = run(...args, "--checkpoint", join(dir, "ck-whole.json"), "--out", join(dir, "whole.json"));
    expect(whole.code, whole.stderr).toBe(0);
    // The same run, killed (SIGKILL) once a few epochs are checkpointed, then resumed.
    const ck = join(dir, "ck-killed.json");
    const child = spawn(process.execPath, [cli, ...args, "--checkpoint", ck], { cwd: dir, stdio: "ignore" });
    const epochOf = (): number => {
      try {
        return (JSON.parse(readFileSync(ck, "utf8")) as { checkpoint: { epoch: number } }).checkpoint.epoch;
      } catch {
        return 0;
      }
    };
    const t0 = Date.now();
    while (epochOf() < 3 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    const at = epochOf();
    expect(at).toBeGreaterThanOrEqual(3);
    expect(at).toBeLessThan(30);
    const resumed = run(...args, "--resume", ck, "--out", join(dir, "resumed.json"));
    expect(resumed.code, resumed.stderr).toBe(0);
    const params = (f: string): number[] =>
      (JSON.parse(readFileSync(join(dir, f), "utf8")) as { model: { params: number[] } }).model.params;
    expect(params("resumed.json")).toEqual(params("whole.json"));
    // A model file is not a checkpoint; flags that cannot go with checkpoints are refused.
    const notCk = run(...args, "--resume", join(dir, "whole.json"));
    expect(notCk.code).toBe(1);
    expect(notCk.stderr).toMatch(/not a checkpoint/);
    const every = run(...args, "--every", "2");
    expect(every.code).toBe(2);
  }, 120_000);

  it("predict writes one prediction per row, with class probabilities on request", () => {
    const model = join(dir, "iris.json");
    const names = readFileSync(data("iris.csv"), "utf8")
      .trim()
      .split(/\r?\n/)
      .map((line, i) =>
        i === 0
          ? line
          : line.replace(/,(\d)$/, (_, c: string) => `,${["setosa", "versicolor", "virginica"][Number(c)]}`),
      )
      .join("\n");
    const csv = join(dir, "iris-names.csv");
    writeFileSync(csv, `${names}\n`);
    expect(run("fit", csv, "--target", "species", "--model", "logistic", "--out", model, "--quiet").code).toBe(0);
    const out = join(dir, "pred.csv");
    const r = run("predict", model, csv, "--out", out, "--proba");
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("prediction,p_setosa,p_versicolor,p_virginica");
    expect(lines.length).toBe(151);
    const first = (lines[1] as string).split(",");
    expect(first[0]).toBe("setosa");
    expect(first.slice(1).reduce((s, v) => s + Number(v), 0)).toBeCloseTo(1, 9);
    expect(r.stderr).toMatch(/150 rows, accuracy 0\.9\d+/);
  });

  it("--plot writes a valid SVG and --json output parses", () => {
    const svg = join(dir, "loss.svg");
    const r = run(
      "fit",
      data("diabetes.csv"),
      "--target",
      "progression",
      "--early-stopping",
      "--plot",
      svg,
      "--json",
      "--seed",
      "3",
    );
    expect(r.code, r.stderr).toBe(0);
    const report = json<{ validationScore: number; mode: string; plot: string }>(r.stdout);
    expect(report.mode).toBe("memory");
    expect(report.validationScore).toBeGreaterThan(0.2);
    const text = readFileSync(svg, "utf8");
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text.trim().endsWith("</svg>")).toBe(true);
    expect(text).toMatch(/<path d="M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+" fill="none" stroke="#2563eb"/);
    expect(text).toMatch(/stroke-dasharray/);
    expect(text.match(/</g)?.length).toBe(text.match(/>/g)?.length);
  });

  it("reads CSV with a BOM, quoted fields, CRLF line ends and empty lines", () => {
    const csv = join(dir, "odd.csv");
    writeFileSync(csv, '\ufeff"a","b , c",y\r\n1,"2",3\r\n\r\n4,5,9\r\n"7",8,15\r\n');
    const r = run("fit", csv, "--target", "y", "--json", "--epochs", "5");
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ rows: number; features: number }>(r.stdout)).toMatchObject({ rows: 3, features: 2 });
  });
});

describe("matrix factorisation from a ratings CSV", () => {
  it("fit --model mf takes user, item and rating columns (string ids) and predict scores held-out rows", () => {
    const rng = new Prng(3);
    const lines = ["who,what,stars"];
    const heldOut = ["who,what,stars"];
    for (let u = 0; u < 60; u++) {
      for (let i = 0; i < 40; i++) {
        if (rng.nextFloat() > 0.5) continue;
        const r = (3 + Math.sin(u) * Math.cos(i) + 0.5 * Math.sin(i * 0.7)).toFixed(3);
        (rng.nextFloat() < 0.1 ? heldOut : lines).push(`user${u},item${i},${r}`);
      }
    }
    const train = join(dir, "ratings.csv");
    const test = join(dir, "ratings-test.csv");
    writeFileSync(train, `${lines.join("\n")}\n`);
    writeFileSync(test, `${heldOut.join("\n")}\n`);
    const model = join(dir, "mf.json");
    const fit = run(
      "fit",
      train,
      "--model",
      "mf",
      "--user",
      "who",
      "--item",
      "what",
      "--target",
      "stars",
      "--factors",
      "4",
      "--epochs",
      "60",
      "--lr",
      "0.02",
      "--out",
      model,
      "--json",
    );
    expect(fit.code, fit.stderr).toBe(0);
    const report = json<{ rows: number; users: number; items: number; rmse: number }>(fit.stdout);
    expect(report.users).toBe(60);
    expect(report.rmse).toBeLessThan(0.3);
    const pred = run("predict", model, test, "--json");
    expect(pred.code, pred.stderr).toBe(0);
    const out = json<{ rows: number; rmse: number }>(pred.stdout);
    expect(out.rows).toBe(heldOut.length - 1);
    expect(out.rmse).toBeLessThan(0.5);
  });
});

describe("matrix factorisation with --validation, --plot and --dtype", () => {
  it("holds out the seeded rows, reports their RMSE as predict scores them, and plots both curves", () => {
    const rng = new Prng(5);
    const rows: string[] = [];
    for (let u = 0; u < 50; u++) {
      for (let i = 0; i < 30; i++) {
        if (rng.nextFloat() > 0.6) continue;
        rows.push(`${u},${i},${(3 + Math.sin(u) * Math.cos(i) + 0.4 * Math.sin(i * 0.9)).toFixed(3)}`);
      }
    }
    const file = join(dir, "mf-val.csv");
    writeFileSync(file, `user,item,rating\n${rows.join("\n")}\n`);
    const model = join(dir, "mf-val.json");
    const plot = join(dir, "mf-val.svg");
    const args = ["fit", file, "--model", "mf", "--target", "rating", "--factors", "4", "--epochs", "40"];
    const fit = run(
      ...args,
      "--lr",
      "0.02",
      "--validation",
      "0.2",
      "--seed",
      "9",
      "--plot",
      plot,
      "--out",
      model,
      "--json",
    );
    expect(fit.code, fit.stderr).toBe(0);
    const report = json<{ rows: number; validationRows: number; validationRmse: number }>(fit.stdout);
    // The held-out rows are the ones isValidationRow picks, in file order.
    const held = rows.filter((_, i) => isValidationRow(i, 9, 0.2));
    expect(report.validationRows).toBe(held.length);
    expect(report.rows).toBe(rows.length - held.length);
    const heldFile = join(dir, "mf-val-held.csv");
    writeFileSync(heldFile, `user,item,rating\n${held.join("\n")}\n`);
    const pred = run("predict", model, heldFile, "--json");
    expect(pred.code, pred.stderr).toBe(0);
    expect(json<{ rmse: number }>(pred.stdout).rmse).toBe(report.validationRmse);
    expect(report.validationRmse).toBeLessThan(0.6);
    const svg = readFileSync(plot, "utf8");
    expect(svg).toContain("training RMSE");
    expect(svg).toContain("validation RMSE");
    // float32 trains too; the text report names the validation RMSE.
    const f32 = run(...args, "--dtype", "float32", "--validation", "0.2", "--quiet");
    expect(f32.code, f32.stderr).toBe(0);
    expect(f32.stdout).toMatch(/validation RMSE \d\.\d+ \(\d+ rows\)/);
  });

  it("recommend prints each user's best unseen items from the model file, as the library ranks them", async () => {
    const lines = ["user,item,rating"];
    for (let u = 0; u < 25; u++)
      for (let i = 0; i < 15; i++) if ((u * 5 + i * 3) % 4 !== 0) lines.push(`${u},"film, ${i}",${1 + ((u * i) % 5)}`);
    const file = join(dir, "films.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const model = join(dir, "films.json");
    const fit = run(
      "fit",
      file,
      "--model",
      "mf",
      "--target",
      "rating",
      "--factors",
      "3",
      "--epochs",
      "10",
      "--out",
      model,
    );
    expect(fit.code, fit.stderr).toBe(0);
    const r = run("recommend", model, "2", "99", "--k", "3");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/user '99' was not seen at fit: items ranked by mean \+ item bias/);
    const { MatrixFactorization } = await import("../src/models/matrix-factorization.js");
    const mf = MatrixFactorization.fromJSON(json<{ model: unknown }>(readFileSync(model, "utf8")).model);
    const expected = [2, 99].flatMap((u) => mf.recommend(u, 3).map((x, i) => `${u},${i + 1},"${x.item}",${x.score}`));
    expect(r.stdout.trim().split("\n")).toEqual(["user,rank,item,score", ...expected]);
    // User 2 rated every film but those with (10 + 3i) % 4 = 0: i = 2, 6, 10, 14; only those come back.
    for (const line of expected.slice(0, 3)) expect(line).toMatch(/"film, (2|6|10|14)"/);
    const asJson = json<Array<{ user: number; known: boolean; items: unknown[] }>>(
      run("recommend", model, "2", "--json").stdout,
    );
    expect(asJson).toMatchObject([{ user: 2, known: true }]);
    expect(asJson[0]?.items.length).toBe(4);
    const linear = join(dir, "bc-for-recommend.json");
    expect(run("fit", data("diabetes.csv"), "--target", "progression", "--out", linear, "--quiet").code).toBe(0);
    const wrong = run("recommend", linear, "1");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/recommend needs a matrix-factorisation model/);
  });

  it("--shuffle once trains on one seeded order (saved in the model file); other values exit 2", () => {
    const model = join(dir, "once.json");
    const fit = run(
      "fit",
      data("diabetes.csv"),
      "--target",
      "progression",
      "--shuffle",
      "once",
      "--out",
      model,
      "--json",
    );
    expect(fit.code, fit.stderr).toBe(0);
    const saved = json<{ model: { options: { shuffle: unknown } } }>(readFileSync(model, "utf8"));
    expect(saved.model.options.shuffle).toBe("once");
    const off = run("fit", data("diabetes.csv"), "--target", "progression", "--shuffle", "false", "--json");
    expect(off.code, off.stderr).toBe(0);
    expect(json<{ objective: number }>(off.stdout).objective).not.toBe(
      json<{ objective: number }>(fit.stdout).objective,
    );
    const wrong = run("fit", data("diabetes.csv"), "--target", "progression", "--shuffle", "sometimes");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--shuffle/);
  });

  it("refuses flags of the other model family instead of ignoring them", () => {
    const file = join(dir, "mf-flags.csv");
    writeFileSync(file, "user,item,rating\na,x,4\nb,y,3\n");
    for (const extra of [
      ["--optimizer", "adam"],
      ["--early-stopping"],
      ["--batch-size", "8"],
      ["--scale", "none"],
      ["--shuffle", "once"],
    ]) {
      const r = run("fit", file, "--model", "mf", "--target", "rating", ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${extra[0]} does not apply to --model mf`));
    }
    const linear = run("fit", data("diabetes.csv"), "--target", "progression", "--factors", "3");
    expect(linear.code).toBe(2);
    expect(linear.stderr).toMatch(/--factors does not apply to --model linear/);
    const bad = run("fit", file, "--model", "mf", "--target", "rating", "--validation", "1.5");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--validation must be in \(0, 1\)/);
    const model = join(dir, "mf-flags.json");
    expect(run("fit", file, "--model", "mf", "--target", "rating", "--out", model, "--quiet").code).toBe(0);
    const proba = run("predict", model, file, "--proba");
    expect(proba.code).toBe(2);
    expect(proba.stderr).toMatch(/--proba needs a logistic model \(this one is MatrixFactorization\)/);
  });
});

describe("out of core", () => {
  it("streams a CSV larger than --memory through partialFit in bounded memory and reaches the in-memory objective", () => {
    // About 30 MB here (CI); the mechanism is the same for files of several GB with a larger budget.
    const n = 300_000;
    const d = 10;
    const rng = new Prng(12);
    const w = Array.from({ length: d }, (_, j) => Math.sin(j + 1));
    const csv = join(dir, "big.csv");
    const lines: string[] = [`${w.map((_, j) => `x${j}`).join(",")},y`];
    const sample: number[][] = [];
    const sampleY: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = w.map(() => rng.nextFloat() * 2 - 1);
      const y = x.reduce((s, v, j) => s + v * (w[j] as number), 0.5) + 0.1 * (rng.nextFloat() - 0.5);
      lines.push(`${x.map((v) => v.toFixed(6)).join(",")},${y.toFixed(6)}`);
      if (i < 50_000) {
        sample.push(x.map((v) => Number(v.toFixed(6))));
        sampleY.push(Number(y.toFixed(6)));
      }
    }
    writeFileSync(csv, `${lines.join("\n")}\n`);
    const budget = 16 * 1024 * 1024;
    const out = join(dir, "big-model.json");
    const r = run("fit", csv, "--target", "y", "--memory", "16MiB", "--epochs", "2", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const report = json<{ mode: string; rows: number; maxRssBytes: number; epochs: number }>(r.stdout);
    expect(report).toMatchObject({ mode: "stream", rows: n, epochs: 2 });
    // Node itself, the modules and the WebAssembly runtime take a fixed ~100 MB.
    expect(report.maxRssBytes).toBeLessThan(budget + 160 * 1024 * 1024);
    // The streamed model against a full in-memory fit of a sample, both judged on that sample.
    const bundle = JSON.parse(readFileSync(out, "utf8"));
    const streamed = LinearRegression.fromJSON(bundle.model);
    const scaler = StandardScaler.fromJSON(bundle.scaler);
    const Zs = scaler.transform(sample);
    const reference = new LinearRegression({
      batchSize: "full",
      learningRate: 0.5,
      maxEpochs: 5000,
      tol: null,
      gradTol: 1e-9,
    });
    return reference.fit(Zs, sampleY).then((ref) => {
      expect(streamed.objective(Zs, sampleY)).toBeLessThan(1.01 * ref.objective(Zs, sampleY));
    });
  }, 120_000);
});

describe("errors: one line on stderr, a non-zero exit, nothing written", () => {
  const ragged = (): string => {
    const p = join(dir, "ragged.csv");
    writeFileSync(p, "a,b,y\n1,2,3\n4,5\n6,7,8\n");
    return p;
  };
  const text = (): string => {
    const p = join(dir, "text.csv");
    writeFileSync(p, "a,name,y\n1,2,3\n4,foo,5\n");
    return p;
  };
  it.each([
    ["missing file", () => ["fit", join(dir, "nope.csv"), "--target", "y"], /cannot read '.*nope\.csv': no such file/],
    [
      "unknown target column",
      () => ["fit", data("iris.csv"), "--target", "kind"],
      /no target column 'kind' \(columns: sepal_length/,
    ],
    ["ragged row", () => ["fit", ragged(), "--target", "y"], /CSV line 3: ragged row/],
    [
      "text target of a regression",
      () => ["fit", text(), "--target", "name"],
      /target column 'name' holds text \('foo'\): a regression predicts numbers; to predict classes use --model logistic/,
    ],
    [
      "--numeric on a text column",
      () => ["fit", text(), "--target", "y", "--numeric", "name"],
      /--numeric: column 'name' has 'foo' at row 2, not a number/,
    ],
    ["bad --lr", () => ["fit", data("iris.csv"), "--target", "species", "--lr", "fast"], /--lr must be a number > 0/],
    [
      "bad --batch-size",
      () => ["fit", data("iris.csv"), "--target", "species", "--batch-size", "0"],
      /--batch-size must be a positive integer or 'full'/,
    ],
    [
      "bad --memory",
      () => ["fit", data("iris.csv"), "--target", "species", "--memory", "lots"],
      /--memory must be a size such as 512MB/,
    ],
    [
      "bad --model",
      () => ["fit", data("iris.csv"), "--target", "species", "--model", "tree"],
      /argument 'tree' is invalid/,
    ],
    [
      "bad --loss for the model",
      () => ["fit", data("iris.csv"), "--target", "species", "--model", "svm", "--loss", "huber"],
      /--loss for --model svm must be one of hinge, squaredHinge/,
    ],
    ["bad model file", () => ["predict", data("iris.csv"), data("iris.csv")], /model '.*iris\.csv' is not valid JSON/],
  ])("%s", (_name, args, pattern) => {
    const out = join(dir, "should-not-exist.json");
    const argv = args();
    const r = run(...argv, ...(argv[0] === "fit" ? ["--out", out] : []));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(pattern);
    expect(
      r.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("(run with --help")).length,
    ).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it("bench prints the ladder for a given size, the js task timed in a clean isolate", () => {
    const r = run("bench", "--n", "500", "--d", "6", "--dtype", "float64", "--time", "30");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/one full-batch squared gradient over 500 × 6/);
    for (const task of ["js", "wasm-scalar", "wasm-simd", "wasm-simd-threads"]) {
      const row = r.stdout.split("\n").find((l) => l.trim().split(/\s+/)[4] === task);
      expect(row, task).toBeDefined();
      const ratio = Number((row as string).trim().split(/\s+/).at(-1)?.replace("×", ""));
      expect(ratio, task).toBeGreaterThan(0);
      expect(Number.isFinite(ratio), task).toBe(true);
    }
  });

  it("--help lists every command and option", () => {
    const top = run("--help");
    for (const c of ["fit", "predict", "bench", "example", "lr-find", "export"]) expect(top.stdout).toContain(c);
    const fit = run("fit", "--help");
    for (const o of [
      "--target",
      "--model",
      "--optimizer",
      "--lr",
      "--schedule",
      "--batch-size",
      "--epochs",
      "--penalty",
      "--alpha",
      "--scale",
      "--seed",
      "--backend",
      "--dtype",
      "--threads",
      "--validation",
      "--early-stopping",
      "--out",
      "--plot",
      "--json",
      "--quiet",
      "--drop",
      "--memory",
      "--loss",
    ]) {
      expect(fit.stdout).toContain(o);
    }
  });
});

describe("descent lr-find", () => {
  it("prints the suggestion, writes the curve with --plot, and its JSON is findLearningRate's on the standardised file", async () => {
    const plot = join(dir, "lr.svg");
    const r = run("lr-find", data("diabetes.csv"), "--target", "progression", "--plot", plot, "--json");
    expect(r.code, r.stderr).toBe(0);
    const report = json<{ suggestion: number; rates: number[]; smoothed: number[]; stopReason: string; plot: string }>(
      r.stdout,
    );
    const { X, y } = loadDataset("diabetes", "progression");
    const curve = await findLearningRate(new LinearRegression(), new StandardScaler().fitTransform(X), y);
    expect(report.suggestion).toBe(curve.suggestion);
    expect(report.rates).toEqual(curve.rates);
    const svg = readFileSync(plot, "utf8");
    expect(svg).toContain("learning rate (log scale)");
    expect(svg).toContain(`suggested ${curve.suggestion.toPrecision(2)}`);
    expect(svg).toMatch(/>1e-7</);
    const text = run("lr-find", data("breast_cancer.csv"), "--target", "benign", "--model", "mlp", "--hidden", "6");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/suggested learning rate: [0-9.e-]+/);
    expect(text.stdout).toContain("MLPClassifier");
  });

  it("--model mf sweeps a ratings CSV and suggests a rate matrix factorisation trains well with", () => {
    const rng = new Prng(21);
    const lines = ["who,what,stars"];
    for (let u = 0; u < 80; u++) {
      for (let i = 0; i < 50; i++) {
        if (rng.nextFloat() > 0.4) continue;
        lines.push(`u${u},i${i},${(3 + Math.sin(u) * Math.cos(i) + 0.3 * Math.sin(i)).toFixed(3)}`);
      }
    }
    const file = join(dir, "lr-ratings.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const args = ["--model", "mf", "--user", "who", "--item", "what", "--target", "stars", "--factors", "4"];
    const r = run("lr-find", file, ...args, "--json");
    expect(r.code, r.stderr).toBe(0);
    const report = json<{ model: string; suggestion: number; rows: number; stopReason: string }>(r.stdout);
    expect(report.model).toBe("MatrixFactorization");
    expect(report.rows).toBe(lines.length - 1);
    expect(report.suggestion).toBeGreaterThan(1e-4);
    expect(report.suggestion).toBeLessThan(1);
    const bad = run("lr-find", file, ...args, "--hidden", "4");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--hidden does not apply to --model mf");
    expect(run("lr-find", data("diabetes.csv"), "--target", "progression", "--factors", "3").code).toBe(2);
  });

  it("refuses bad flags with exit code 2", () => {
    const bad = run("lr-find", data("diabetes.csv"), "--target", "progression", "--steps", "3");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'steps'");
    expect(run("lr-find", data("diabetes.csv"), "--target", "progression", "--min", "1", "--max", "0.1").code).toBe(2);
    expect(run("lr-find", data("diabetes.csv"), "--target", "nope").code).toBe(1);
  });
});
