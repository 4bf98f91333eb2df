// `descent cv` and `descent tune`, run as subprocesses of the built command: the numbers of the
// library's crossValidate and gridSearch (themselves checked against scikit-learn), the refitted
// model file, and the refusals.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist/cli/main.js");
const diabetes = join(root, "data", "diabetes.csv");
const dir = mkdtempSync(join(tmpdir(), "descent-select-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const ref = JSON.parse(readFileSync(new URL("./fixtures/sklearn-search.json", import.meta.url), "utf8"));
const SGD = ["--batch-size", "1", "--epochs", "5", "--shuffle", "false", "--lr", "0.01"];

describe("descent cv / tune", () => {
  it("tune reproduces scikit-learn's GridSearchCV table and writes the refitted best, which predict reads", () => {
    const out = join(dir, "best.json");
    const r = run(
      "tune",
      diabetes,
      "--target",
      "progression",
      ...SGD,
      "--grid",
      "alpha=1e-4,1e-2,1",
      "--grid",
      "lr=0.001,0.01",
      "--folds",
      "5",
      "--out",
      out,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as {
      results: Array<{ params: { alpha: number; learningRate: number }; mean: number; rank: number }>;
      best: { params: unknown };
    };
    const g = ref.gridRegression;
    for (const c of t.results) {
      const i = g.params.findIndex(
        (p: { alpha: number; eta0: number }) => p.alpha === c.params.alpha && p.eta0 === c.params.learningRate,
      );
      expect(Math.abs(c.mean - g.mean[i])).toBeLessThan(1e-10);
      expect(c.rank).toBe(g.rank[i]);
    }
    expect(t.best.params).toEqual({ alpha: g.bestParams.alpha, learningRate: g.bestParams.eta0 });
    const p = run("predict", out, diabetes);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split("\n").length).toBeGreaterThan(400);
  });

  it("cv prints each scorer's folds, mean and spread", () => {
    const r = run(
      "cv",
      diabetes,
      "--target",
      "progression",
      ...SGD,
      "--alpha",
      "0.01",
      "--scoring",
      "r2,neg_mean_absolute_error",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { scores: Record<string, { test: number[]; mean: number }> };
    expect(c.scores.r2?.test).toHaveLength(5);
    expect(Math.abs((c.scores.r2?.mean as number) - ref.gridRegression.mean[3])).toBeLessThan(1e-10);
    expect(c.scores.neg_mean_absolute_error?.mean).toBeLessThan(0);
    const text = run("cv", diabetes, "--target", "progression", "--folds", "3");
    expect(text.stdout).toMatch(/3-fold cross-validation\nr2 /);
  });

  it("tune scores a diverging candidate NaN, says why, and still picks and refits the best", () => {
    const out = join(dir, "best-of-failing.json");
    const args = ["tune", diabetes, "--target", "progression", "--grid", "lr=0.01,1000", "--folds", "3", "--out", out];
    const r = run(...args, "--json");
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as {
      results: Array<{ params: { learningRate: number }; mean: number | null; rank: number; errors: string[] }>;
      best: { params: unknown };
    };
    expect(t.best.params).toEqual({ learningRate: 0.01 });
    const bad = t.results.find((c) => c.params.learningRate === 1000);
    expect(bad?.rank).toBe(2);
    expect(bad?.mean).toBeNull(); // NaN in JSON
    expect(bad?.errors).toHaveLength(3);
    for (const e of bad?.errors ?? []) expect(e).toMatch(/^E_DIVERGED: /);
    const text = run(...args);
    expect(text.stdout).toMatch(/learningRate=1000: 3 of 3 fits failed \(scored NaN\): E_DIVERGED: /);
    // Every fit failing is an error, with the first failure's message.
    const none = run("cv", diabetes, "--target", "progression", "--lr", "1000", "--folds", "3");
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/all 3 fits failed; the first: LinearRegression diverged/);
  });

  it("tune scores every --scoring name, ranked by the first", () => {
    const args = ["tune", diabetes, "--target", "progression", "--grid", "alpha=1e-4,1e-2", "--folds", "3"];
    const r = run(...args, "--scoring", "neg_mean_absolute_error,r2", "--json");
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as {
      scoring: string;
      results: Array<{ mean: number; rank: number; scores: Record<string, number> }>;
    };
    expect(t.scoring).toBe("neg_mean_absolute_error");
    for (const c of t.results) {
      expect(c.scores.neg_mean_absolute_error).toBe(c.mean);
      expect(c.scores.r2).toBeGreaterThan(0.3);
    }
    expect(t.results[0]?.mean).toBeGreaterThanOrEqual(t.results[1]?.mean as number);
    const text = run(...args, "--scoring", "neg_mean_absolute_error,r2");
    expect(text.stdout).toMatch(/rank {2}mean {8}std {9}r2 {10}fit ms/);
  });

  it("--time-series cuts TimeSeriesSplit folds in file order, and refuses --shuffle-folds with it", () => {
    const r = run("cv", diabetes, "--target", "progression", "--folds", "3", "--time-series", "--json");
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { timeSeries: boolean; scores: { r2: { test: number[] } }; fitMs: number[] };
    expect(c.timeSeries).toBe(true);
    expect(c.scores.r2.test).toHaveLength(3);
    expect(c.scores.r2.test.every((v) => Number.isFinite(v))).toBe(true);
    expect(run("cv", diabetes, "--target", "progression", "--folds", "3", "--time-series").stdout).toMatch(
      /3 time-series splits/,
    );
    const both = run("cv", diabetes, "--target", "progression", "--time-series", "--shuffle-folds");
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--time-series keeps the rows in file order/);
  });

  it("--shuffle-folds cuts seeded folds of a file sorted by class: the same for a seed, and better scores than in order", () => {
    const penguins = join(root, "data", "penguins.csv");
    const args = ["cv", penguins, "--target", "Body Mass (g)", "--folds", "3", "--json"];
    const inOrder = JSON.parse(run(...args).stdout) as { scores: { r2: { mean: number; test: number[] } } };
    const a = run(...args, "--shuffle-folds", "--seed", "4");
    const b = run(...args, "--shuffle-folds", "--seed", "4");
    expect(a.code, a.stderr).toBe(0);
    const shuffled = JSON.parse(a.stdout) as typeof inOrder;
    expect((JSON.parse(b.stdout) as typeof inOrder).scores).toEqual(shuffled.scores);
    // The file is sorted by species: in order, each test fold holds a species its training rows lack.
    expect(shuffled.scores.r2.mean).toBeGreaterThan(0.6);
    expect(inOrder.scores.r2.mean).toBeLessThan(shuffled.scores.r2.mean);
  });

  it("refuses a bad grid, scorer or flag with exit code 2 and one clear line", () => {
    for (const [args, pattern] of [
      [["tune", diabetes, "--target", "progression"], /--grid/],
      [["tune", diabetes, "--target", "progression", "--grid", "alpha"], /name=v1,v2/],
      [["tune", diabetes, "--target", "progression", "--grid", "alpha=-1"], /alpha/],
      [["cv", diabetes, "--target", "progression", "--scoring", "r3"], /r3/],
      [["cv", diabetes, "--target", "progression", "--folds", "1"], /folds|cv/],
    ] as const) {
      const r = run(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
