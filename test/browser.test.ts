// The lab and the library in headless Chromium (Debian's /usr/bin/chromium via playwright-core),
// served by the demo server on 127.0.0.1 with COOP/COEP headers.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "../src/data/dataset.js";
import { gridSearch } from "../src/model-selection/search.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { StandardScaler } from "../src/preprocess/standard-scaler.js";
import { type LabPage, openLab } from "./helpers/lab-page.js";

const artifacts = fileURLToPath(new URL("./artifacts/", import.meta.url));
mkdirSync(artifacts, { recursive: true });
let lab: LabPage;
let page: Page;

beforeAll(async () => {
  lab = await openLab();
  page = lab.page;
  // Load the library the way a page would; a string, so vitest does not rewrite the import().
  await page.evaluate("import('/dist/index.js').then((m) => { globalThis.descentLib = m; })");
  expect(await page.getAttribute("body", "data-ready")).toBe("true");
  expect(lab.errors).toEqual([]);
}, 60_000);

afterAll(async () => {
  await lab?.close();
});

/** Parses the bundled diabetes CSV the same way in Node and in the page (plain numbers, no quotes). */
function parseDiabetes(text: string): { X: number[][]; y: number[] } {
  const rows = text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(",").map(Number));
  return { X: rows.map((r) => r.slice(0, -1)), y: rows.map((r) => r[r.length - 1] as number) };
}

const FIT_OPTIONS = { batchSize: 16, learningRate: 0.01, maxEpochs: 25, tol: null, seed: 7, alpha: 0.001 };

describe("the library in the browser", () => {
  // Each schedule and Adam's bias correction need powers or a cosine: engines differ in the last
  // bit of Math.pow and Math.cos, so these check our portable versions are what the fits use.
  it.each([
    ["plain SGD", {}],
    ["invscaling", { schedule: "invscaling" }],
    ["Adam, cosine", { optimizer: "adam", schedule: "cosine" }],
    ["exponential", { schedule: "exponential" }],
  ] as const)("a seeded float64 fit (%s) gives the same weights, to the bit, as Node", async (_name, extra) => {
    const options = { ...FIT_OPTIONS, ...extra };
    const inPage = await page.evaluate(async (opts) => {
      const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
      const text = await (await fetch("/data/diabetes.csv")).text();
      const rows = text
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l: string) => l.split(",").map(Number));
      const X = rows.map((r: number[]) => r.slice(0, -1));
      const y = rows.map((r: number[]) => r[r.length - 1] as number);
      const Z = new lib.StandardScaler().fitTransform(X);
      const m = await new lib.LinearRegression(opts).fit(Z, y);
      const bytes = new Uint8Array(Float64Array.from([...m.coef, m.intercept]).buffer);
      return Array.from(bytes, (b: number) => b.toString(16).padStart(2, "0")).join("");
    }, options);
    const { X, y } = parseDiabetes(readFileSync(new URL("../data/diabetes.csv", import.meta.url), "utf8"));
    const m = await new LinearRegression(options).fit(new StandardScaler().fitTransform(X), y);
    const inNode = Buffer.from(Float64Array.from([...m.coef, m.intercept]).buffer).toString("hex");
    expect(inPage).toBe(inNode);
  });

  it("a grid search on a Dataset (a fold's candidates trained together) gives Node's scores, to the bit", async () => {
    const options = { batchSize: 1, maxEpochs: 4, tol: null, schedule: "constant", shuffle: true, seed: 3 } as const;
    const grid = { alpha: [1e-5, 1e-3], learningRate: [0.001, 0.01, 0.03] };
    // The same standardised rows go to the page as plain arrays (exact doubles).
    const { X, y } = parseDiabetes(readFileSync(new URL("../data/diabetes.csv", import.meta.url), "utf8"));
    const Z = new StandardScaler().fitTransform(X);
    const rows = Array.from({ length: Z.rows }, (_, i) => Array.from(Z.data.subarray(i * Z.cols, (i + 1) * Z.cols)));
    const inPage = await page.evaluate(
      async ({ opts, grid, rows, y }) => {
        const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
        const ds = await lib.Dataset.from(rows, y);
        const r = await lib.gridSearch(new lib.LinearRegression(opts), grid, ds, null, { cv: 3, refit: false });
        ds.dispose();
        return r.results.map((c) => Array.from(c.testScores));
      },
      { opts: options, grid, rows, y },
    );
    const ds = await Dataset.from(Z, y);
    try {
      const r = await gridSearch(new LinearRegression(options), grid, ds, null, { cv: 3, refit: false });
      expect(inPage).toEqual(r.results.map((c) => Array.from(c.testScores)));
    } finally {
      ds.dispose();
    }
  });

  it("an L-BFGS multi-output MLPRegressor (tanh) gives the same weights, to the bit, as Node", async () => {
    const options = { hiddenLayerSizes: [6], activation: "tanh", solver: "lbfgs", maxEpochs: 40, seed: 3 } as const;
    // The same standardised rows and two targets go to the page as plain arrays (exact doubles).
    const { X, y } = parseDiabetes(readFileSync(new URL("../data/diabetes.csv", import.meta.url), "utf8"));
    const Z = new StandardScaler().fitTransform(X);
    const Y = y.map((v, i) => [v / 100, (Z.data[i * 10 + 2] as number) ** 2]);
    const weightsHex = (m: MLPRegressor): string =>
      Buffer.from(
        Float64Array.from([
          ...m.coefs.flatMap((w) => Array.from(w.data)),
          ...m.intercepts.flatMap((b) => Array.from(b)),
        ]).buffer,
      ).toString("hex");
    const inPage = await page.evaluate(
      async ({ opts, rows, targets }) => {
        const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
        const Zp = { data: Float64Array.from(rows), rows: targets.length, cols: rows.length / targets.length };
        const m = await new lib.MLPRegressor({ ...opts, hiddenLayerSizes: [...opts.hiddenLayerSizes] }).fit(
          Zp,
          targets,
        );
        const all = [...m.coefs.flatMap((w) => Array.from(w.data)), ...m.intercepts.flatMap((b) => Array.from(b))];
        const bytes = new Uint8Array(Float64Array.from(all).buffer);
        return { bits: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""), nIter: m.nIter };
      },
      { opts: options, rows: Array.from(Z.data), targets: Y },
    );
    const m = await new MLPRegressor({ ...options, hiddenLayerSizes: [...options.hiddenLayerSizes] }).fit(Z, Y);
    expect(inPage.nIter).toBe(m.nIter);
    expect(inPage.bits).toBe(weightsHex(m));
  });

  it("runs the shared-memory builds here, and the own-memory fallback gives the same gradient bits", async () => {
    // A string, so the test runner does not rewrite its dynamic imports: they run in the page.
    const script = `(async () => {
      const rt = await import("/dist/runtime/wasm-runtime.js");
      const wb = await import("/dist/backend/wasm-backend.js");
      const gradient = async (variant) => {
        const runtime = await rt.getRuntime(variant);
        if (runtime === null) throw new Error(variant + " unavailable");
        const b = new wb.WasmBackend(runtime, "float64");
        const n = 301;
        const d = 13;
        const X = b.alloc(n * d);
        for (let i = 0; i < n * d; i++) X.view[i] = Math.sin(i * 0.37);
        const y = b.alloc(n);
        for (let i = 0; i < n; i++) y.view[i] = Math.cos(i) < 0 ? -1 : 1;
        const p = b.alloc(d + 1);
        p.view.fill(0.05);
        const g = b.alloc(d + 1);
        const idx = b.allocIndex(n);
        for (let i = 0; i < n; i++) idx.view[i] = (i * 7) % n;
        const loss = b.linearGrad("log", X, y, null, idx, 0, n, d, p, g, 0);
        const bits = Array.from(new Uint8Array(Float64Array.from([...g.view, loss]).buffer)).join(",");
        return { bits, shared: runtime.memory.buffer instanceof SharedArrayBuffer };
      };
      return { own: await gradient("simd"), shared: await gradient("simd-shared") };
    })()`;
    const out = (await page.evaluate(script)) as Record<"own" | "shared", { bits: string; shared: boolean }>;
    expect(out.own.shared).toBe(false);
    expect(out.shared.shared).toBe(true);
    expect(out.own.bits).toBe(out.shared.bits);
  });

  it("threaded matrix factorisation (browser Workers) gives the same bits as in Node", async () => {
    const setup = { n: 3000, opts: { factors: 6, epochs: 4, learningRate: 0.01, seed: 5, threads: 2 } };
    type Lib = typeof import("../src/index.js");
    const fitBits = async (lib: Lib, { n, opts }: typeof setup): Promise<string> => {
      const users = Array.from({ length: n }, (_, i) => i % 37);
      const items = Array.from({ length: n }, (_, i) => `item ${(i * 7) % 29}`);
      const ratings = Array.from({ length: n }, (_, i) => 1 + ((i * 13) % 5));
      const m = await new lib.MatrixFactorization(opts).fit(users, items, ratings);
      const j = m.toJSON() as { P: number[]; Q: number[]; bu: number[]; bi: number[] };
      const bytes = new Uint8Array(Float64Array.from([...j.P, ...j.Q, ...j.bu, ...j.bi]).buffer);
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    };
    const inPage = await page.evaluate(
      async ([source, s]) => {
        const lib = (globalThis as unknown as { descentLib: Lib }).descentLib;
        // The same function, rebuilt in the page (vitest must not transform a closure it sends).
        return (new Function(`return ${source}`)() as typeof fitBits)(lib, s);
      },
      [fitBits.toString(), setup] as const,
    );
    const lib = await import("../src/index.js");
    expect(inPage).toBe(await fitBits(lib, setup));
  });

  it("is cross-origin isolated, picks the threaded build, and stays responsive during a long fit", async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.getAttribute("body", "data-binary")).toBe("threads");
    const r = await page.evaluate(async () => {
      const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
      const text = await (await fetch("/data/breast_cancer.csv")).text();
      const rows = text
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l: string) => l.split(",").map(Number));
      const Z = new lib.StandardScaler().fitTransform(rows.map((r: number[]) => r.slice(0, -1)));
      const y = rows.map((r: number[]) => r[r.length - 1] as number);
      const m = await new lib.LogisticRegression({ batchSize: 1, maxEpochs: 400, tol: null, learningRate: 0.001 }).fit(
        Z,
        y,
      );
      // A fit whose every epoch is one long stretch of WASM work (a million per-sample steps):
      // the page must keep running timers within epochs, not only between them.
      const n = 1_000_000;
      const d = 16;
      const data = new Float32Array(n * d);
      let s = 12345;
      for (let i = 0; i < n * d; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        data[i] = s / 4294967296 - 0.5;
      }
      const labels = Array.from({ length: n }, (_, i) =>
        (data[i * d] as number) + (data[i * d + 1] as number) > 0 ? 1 : 0,
      );
      const ticks: number[] = [];
      const epochEnds: number[] = [];
      const timer = setInterval(() => ticks.push(performance.now()), 4);
      const big = await new lib.LogisticRegression({
        batchSize: 1,
        maxEpochs: 3,
        tol: null,
        dtype: "float32",
        onEpoch: () => {
          epochEnds.push(performance.now());
          return undefined;
        },
      }).fit({ data, rows: n, cols: d }, labels);
      clearInterval(timer);
      const inTraining = ticks.filter((t) => t > (epochEnds[0] as number) && t <= (epochEnds[2] as number));
      let maxGap = 0;
      for (let i = 1; i < inTraining.length; i++)
        maxGap = Math.max(maxGap, (inTraining[i] as number) - (inTraining[i - 1] as number));
      const epochMs = Math.min(
        (epochEnds[1] as number) - (epochEnds[0] as number),
        (epochEnds[2] as number) - (epochEnds[1] as number),
      );
      const viaWorker = await lib.fitInWorker(
        "LogisticRegression",
        { maxEpochs: 30, learningRate: 0.05, seed: 1 },
        Z,
        y,
      );
      return {
        epochMs,
        maxGap,
        ticks: inTraining.length,
        score: m.score(Z, y),
        bigScore: big.score({ data, rows: n, cols: d }, labels),
        workerScore: viaWorker.score(Z, y),
      };
    });
    // A frozen page would fire no timer during an epoch; the fit yields every ~8 ms within epochs.
    expect(r.epochMs).toBeGreaterThan(30);
    expect(r.maxGap).toBeLessThan(Math.max(25, r.epochMs / 2));
    expect(r.ticks).toBeGreaterThan(3);
    expect(r.score).toBeGreaterThan(0.97);
    expect(r.bigScore).toBeGreaterThan(0.95);
    expect(r.workerScore).toBeGreaterThan(0.95);
  });
});

describe("matrix factorisation in a Web Worker", () => {
  it("gives the same bits as fit() on the page, relays epochs with the validation RMSE, and reports errors typed", async () => {
    const r = await page.evaluate(async () => {
      const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
      const users: number[] = [];
      const items: number[] = [];
      const ratings: number[] = [];
      for (let u = 0; u < 80; u++) {
        for (let i = 0; i < 60; i++) {
          if ((u * 13 + i * 7) % 3 === 0) continue;
          users.push(u);
          items.push(i);
          ratings.push(3 + Math.sin(u * 0.7) * Math.cos(i * 0.3) + 0.3 * Math.sin(i));
        }
      }
      const validationData = { users: users.slice(0, 300), items: items.slice(0, 300), ratings: ratings.slice(0, 300) };
      const options = { factors: 6, epochs: 15, learningRate: 0.02, seed: 4, threads: 2, validationData };
      const onPage = await new lib.MatrixFactorization(options).fit(users, items, ratings);
      const epochs: Array<number | undefined> = [];
      const inWorker = await lib.fitMatrixFactorizationInWorker(options, users, items, ratings, (info) =>
        epochs.push(info.valScore),
      );
      let error = "";
      try {
        await lib.fitMatrixFactorizationInWorker({ factors: 0 }, users, items, ratings);
      } catch (err) {
        error = `${(err as { code: string }).code}: ${(err as Error).message}`;
      }
      // Everything but the timings.
      const bits = (m: InstanceType<typeof lib.MatrixFactorization>) => {
        const { history, ...rest } = m.toJSON() as { history: { loss: number[]; valScore?: number[] } };
        return JSON.stringify([rest, history.loss, history.valScore]);
      };
      return {
        same: bits(onPage) === bits(inWorker),
        epochs,
        valScore: inWorker.history.valScore,
        top: inWorker.recommend(0, 3).length,
        error,
      };
    });
    expect(r.same).toBe(true);
    expect(r.epochs.length).toBe(15);
    expect(r.epochs).toEqual(r.valScore);
    expect(r.top).toBe(3);
    expect(r.error).toMatch(/^E_OPTION: option 'factors' must be an integer >= 1/);
  });
});

describe("worker fits that stop on an error", () => {
  it("reject with the model as it stood, usable, for matrix factorisation and linear models", async () => {
    const r = await page.evaluate(async () => {
      const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
      const users = Array.from({ length: 400 }, (_, i) => i % 20);
      const items = Array.from({ length: 400 }, (_, i) => (i * 7) % 30);
      const ratings = users.map((u, i) => 1 + ((u + i) % 5));
      const out: Record<string, string> = {};
      try {
        await lib.fitMatrixFactorizationInWorker({ factors: 3, epochs: 5, learningRate: 50 }, users, items, ratings);
      } catch (err) {
        const e = err as InstanceType<typeof lib.DescentError>;
        out.mf = `${e.code} ${e.model instanceof lib.MatrixFactorization ? e.model.predict([0], [0]).every(Number.isFinite) : "no model"}`;
      }
      const X = Array.from({ length: 60 }, (_, i) => [i, 2 * i + 1]);
      const y = X.map((x) => 3 * (x[0] as number));
      try {
        await lib.fitInWorker("LinearRegression", { learningRate: 10, maxEpochs: 20 }, X, y);
      } catch (err) {
        const e = err as InstanceType<typeof lib.DescentError>;
        out.linear = `${e.code} ${e.model instanceof lib.LinearRegression ? e.model.predict([[1, 3]]).every(Number.isFinite) : "no model"}`;
      }
      try {
        await lib.fitInWorker("LinearRegression", { learningRate: -1 }, X, y);
      } catch (err) {
        const e = err as InstanceType<typeof lib.DescentError>;
        out.option = `${e.code} ${e.model === undefined ? "no model" : "model"}`;
      }
      return out;
    });
    expect(r).toEqual({ mf: "E_DIVERGED true", linear: "E_DIVERGED true", option: "E_OPTION no model" });
  });
});

describe("the lab's panels", () => {
  /** The tick labels plotly drew on an element's axes. */
  const ticks = (sel: string) =>
    page.$$eval(`${sel} .xtick text, ${sel} .ytick text`, (ts) => ts.map((t) => t.textContent ?? ""));
  /** Clicks the contour map at fractions of its plotting area. */
  const clickMap = async (fx: number, fy: number) => {
    const box = await page.locator("#surface-map .nsewdrag").first().boundingBox();
    if (box === null) throw new Error("no plotting area");
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
  };

  it("cost surface: two starts clicked on the contour map run to the known minimum, drawn on both plots", async () => {
    await page.click("#tab-surface");
    await page.waitForSelector("#surface-map .nsewdrag");
    await page.click("#surface-clear");
    await clickMap(0.1, 0.1);
    await clickMap(0.85, 0.9);
    await page.click("#surface-run");
    await page.waitForSelector("#surface-map[data-drawn='2']", { timeout: 60_000 });
    const status = await page.$$eval("#surface-status li", (ls) =>
      ls.map((l) => ({ stop: (l as HTMLElement).dataset.stop, distance: Number((l as HTMLElement).dataset.distance) })),
    );
    expect(status.length).toBe(2);
    for (const s of status) {
      expect(s.stop).toBe("gradTol");
      expect(s.distance).toBeLessThan(1e-4);
    }
    // Axes with titles and ticks on the map, a 3D canvas beside it, the cost on its own chart.
    expect((await ticks("#surface-map")).length).toBeGreaterThan(6);
    expect(await page.textContent("#surface-map")).toContain("w");
    expect(await page.locator("#surface-3d canvas").count()).toBeGreaterThan(0);
    expect((await ticks("#surface-loss")).length).toBeGreaterThan(4);
    await page.screenshot({ path: join(artifacts, "lab-surface.png") });
  });

  it("cost surface: the 3D surface rotates under a drag", async () => {
    const box = await page.locator("#surface-3d").boundingBox();
    if (box === null) throw new Error("no 3D plot");
    const before = await page.getAttribute("#surface-3d", "data-camera");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 40, { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(
      (b) => (document.getElementById("surface-3d") as HTMLElement).dataset.camera !== (b ?? undefined),
      before,
    );
    const eye = JSON.parse((await page.getAttribute("#surface-3d", "data-camera")) as string) as Record<string, number>;
    expect(Math.hypot((eye.x as number) - 1.6, (eye.y as number) + 1.6)).toBeGreaterThan(0.05);
  });

  const LESSONS = [
    ["too-small", [61]],
    ["just-right", [20]],
    ["too-large", [61, 42]],
    ["scaling", [81]],
    ["batch-modes", [121, 121, 121]],
    ["momentum", [3001, 3001, 2154]],
    ["local-minima", [35, 29, 30, 34, 111]],
  ] as const;
  it.each(LESSONS)("lesson %s: one click sets up and runs it, paths of the expected lengths", async (id, points) => {
    await page.click(`button[data-lesson='${id}']`);
    await page.waitForFunction(
      (n) => (document.getElementById("surface-map") as HTMLElement).dataset.drawn === String(n),
      points.length,
      { timeout: 60_000 },
    );
    expect(await page.getAttribute("#surface-map", "data-points")).toBe(points.join(","));
    expect(((await page.textContent("#lesson-caption")) ?? "").length).toBeGreaterThan(100);
    expect((await ticks("#surface-map")).length).toBeGreaterThan(6);
    expect((await ticks("#surface-loss")).length).toBeGreaterThan(4);
    const status = await page.$$eval("#surface-status li", (ls) =>
      ls.map((l) => ({
        stop: (l as HTMLElement).dataset.stop,
        distance: Number((l as HTMLElement).dataset.distance),
        minimum: (l as HTMLElement).dataset.minimum,
        text: l.textContent ?? "",
      })),
    );
    expect(status.length).toBe(points.length);
    if (id === "too-small") expect(status[0]?.distance).toBeGreaterThan(0.1);
    if (id === "just-right") expect(status[0]?.distance).toBeLessThan(1e-4);
    if (id === "too-large") {
      expect(status[0]?.distance).toBeLessThan(1e-3);
      expect(status[1]?.stop).toBe("diverged");
      expect(status[1]?.text).toMatch(/E_DIVERGED: LinearRegression diverged/);
    }
    if (id === "scaling") {
      expect(status[0]?.distance).toBeGreaterThan(0.1);
      expect(await page.isVisible("#surface-compare")).toBe(true);
      // Standardised, the same rule for the rate converges before the 80 steps run out.
      expect(Number(await page.getAttribute("#surface-compare", "data-points"))).toBeLessThan(81);
    }
    if (id === "batch-modes") expect(new Set(status.map((s) => s.distance.toFixed(6))).size).toBe(3);
    if (id === "momentum") {
      expect(status[0]?.distance).toBeGreaterThan(0.1);
      expect(status[1]?.distance).toBeLessThan(0.05);
      expect(status[2]?.distance).toBeLessThan(0.05);
    }
    if (id === "local-minima") expect(new Set(status.map((s) => s.minimum)).size).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(artifacts, `lab-lesson-${id}.png`) });
  });

  it("train: breast cancer with logistic regression shows its score, curves and a model download", async () => {
    await page.click("#tab-train");
    await page.selectOption("#train-dataset", "breast_cancer");
    await page.waitForFunction(() => (document.getElementById("train-target") as HTMLSelectElement).value === "benign");
    await page.fill("#train-epochs", "60");
    await page.check("#train-early");
    await page.click("#train-run");
    await page.waitForSelector("#train-result[data-state='done']", { timeout: 30_000 });
    expect(Number(await page.getAttribute("#train-result", "data-score"))).toBeGreaterThan(0.95);
    expect(await page.isVisible("#train-download")).toBe(true);
    // Coefficients as 30 bars, the confusion matrix over all 569 rows, curves with ticks and a right axis.
    expect(await page.getAttribute("#train-coef-plot", "data-bars")).toBe("30");
    expect(await page.getAttribute("#train-diagnostic", "data-cells")).toBe("4");
    expect(await page.getAttribute("#train-diagnostic", "data-total")).toBe("569");
    expect((await ticks("#train-chart")).length).toBeGreaterThan(4);
    expect(await page.locator("#train-chart .y2tick").count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(artifacts, "lab-train.png"), fullPage: true });
  });

  it("train: the learning-rate finder draws loss against rate on a log axis and fills the rate", async () => {
    await page.selectOption("#train-dataset", "diabetes");
    await page.waitForFunction(
      () => (document.getElementById("train-target") as HTMLSelectElement).value === "progression",
    );
    await page.selectOption("#train-model", "linear");
    await page.selectOption("#train-optimizer", "sgd");
    await page.fill("#train-batch", "32");
    await page.click("#train-lrfind");
    await page.waitForSelector("#train-lr-plot[data-state='done']", { timeout: 30_000 });
    const suggestion = Number(await page.getAttribute("#train-lr-plot", "data-suggestion"));
    // What the library gives for the same data and options.
    const expected = await page.evaluate(async () => {
      const lib = (globalThis as unknown as { descentLib: typeof import("../src/index.js") }).descentLib;
      const text = await (await fetch("/data/diabetes.csv")).text();
      const lines = text
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",").map(Number));
      const X = lines.map((r) => r.slice(0, -1));
      const raw = lines.map((r) => r[r.length - 1] as number);
      // The Train tab standardises a regression target (population std) before it trains or sweeps.
      const mean = raw.reduce((t, v) => t + v, 0) / raw.length;
      const std = Math.sqrt(raw.reduce((t, v) => t + (v - mean) ** 2, 0) / raw.length);
      const y = raw.map((v) => (v - mean) / std);
      const Z = new lib.StandardScaler().fitTransform(X);
      const m = new lib.LinearRegression({
        optimizer: "sgd",
        learningRate: 0.1,
        batchSize: 32,
        maxEpochs: 60,
        seed: 0,
      });
      return (await lib.findLearningRate(m, Z, y)).suggestion;
    });
    expect(suggestion).toBe(expected);
    const xt = await page.$$eval("#train-lr-plot .xtick text", (ts) => ts.map((t) => t.textContent ?? ""));
    expect(xt.length).toBeGreaterThan(3);
    expect(xt.some((t) => /^10?[⁻−-]|^1e|μ|^0\.0*1$|^1m$/.test(t))).toBe(true);
    expect(await page.textContent("#train-lr-plot")).toContain("suggested");
    await page.click("#train-lr-use");
    expect(Number(await page.inputValue("#train-lr"))).toBe(Number(suggestion.toPrecision(3)));
    await page.click("#train-run");
    await page.waitForSelector("#train-result[data-state='done']", { timeout: 30_000 });
    expect(Number(await page.getAttribute("#train-result", "data-score"))).toBeGreaterThan(0.45);
    expect(await page.getAttribute("#train-diagnostic", "data-points")).toBe("442");
    await page.screenshot({ path: join(artifacts, "lab-lr-finder.png"), fullPage: true });
  });

  it.each([
    ["circle", "8", "300", 0.98],
    ["xor", "8", "300", 0.98],
    ["blobs", "4", "100", 0.98],
    ["spiral", "16,16", "1500", 0.95],
  ] as const)(
    "playground: %s trains to its stated accuracy and the decision boundary is drawn",
    async (name, hidden, epochs, bar) => {
      await page.click("#tab-playground");
      await page.selectOption("#play-dataset", name);
      await page.fill("#play-hidden", hidden);
      await page.selectOption("#play-activation", "tanh");
      await page.fill("#play-lr", "0.03");
      await page.fill("#play-epochs", epochs);
      await page.evaluate(() => {
        (document.getElementById("play-result") as HTMLElement).dataset.state = "";
      });
      await page.click("#play-train");
      await page.waitForSelector("#play-result[data-state='done']", { timeout: 60_000 });
      expect(Number(await page.getAttribute("#play-result", "data-accuracy"))).toBeGreaterThanOrEqual(bar);
      expect(await page.getAttribute("#play-boundary", "data-drawn")).toBe("boundary");
      // Both classes hold ground across the plane: the heatmap of P(orange) is not one flat value.
      const tints = await page.evaluate(() => {
        const gd = document.getElementById("play-boundary") as unknown as {
          data: Array<{ type: string; z?: number[][] }>;
        };
        const z = (gd.data.find((t) => t.type === "heatmap")?.z ?? []).flat();
        return { orange: z.filter((p) => p > 0.7).length, blue: z.filter((p) => p < 0.3).length };
      });
      expect(tints.orange).toBeGreaterThan(200);
      expect(tints.blue).toBeGreaterThan(200);
      expect((await ticks("#play-boundary")).length).toBeGreaterThan(6);
      if (name === "spiral") await page.screenshot({ path: join(artifacts, "lab-playground.png") });
    },
  );

  it("playground: 20 seeds of a 2-3-1 network on XOR, 4 of them stuck in a poor local minimum, as in Node", async () => {
    await page.selectOption("#play-dataset", "xor");
    await page.fill("#play-hidden", "3");
    await page.fill("#play-epochs", "300");
    await page.click("#play-seeds-run");
    await page.waitForSelector("#play-seeds[data-state='done']", { timeout: 60_000 });
    expect(await page.getAttribute("#play-seeds", "data-good")).toBe("16");
    expect(await page.textContent("#play-seeds")).toMatch(/poor local minimum\s*4 of 20/);
  });

  /** Trains the loaded hours → score study (linear, SGD, rate 0.1, 300 epochs) and checks R² > 0.95. */
  const trainStudyHours = async () => {
    await page.selectOption("#train-model", "linear");
    await page.selectOption("#train-optimizer", "sgd");
    await page.fill("#train-lr", "0.1");
    await page.uncheck("#train-early");
    await page.fill("#train-epochs", "300");
    await page.click("#train-run");
    await page.waitForSelector("#train-result[data-state='done']");
    expect(Number(await page.getAttribute("#train-result", "data-score"))).toBeGreaterThan(0.95);
  };

  it("the user's own CSV drives the surface and the Train panel", async () => {
    const rows = Array.from({ length: 80 }, (_, i) => {
      const x = i / 8;
      return `${x},${(3 * x + 2 + Math.sin(i) * 0.5).toFixed(4)}`;
    });
    const buffer = Buffer.from(`hours,score\n${rows.join("\n")}\n`);
    await page.click("#tab-surface");
    await page.setInputFiles("#surface-file", { name: "study.csv", mimeType: "text/csv", buffer });
    await page.selectOption("#surface-optimizer", "sgd");
    await page.click("#surface-clear");
    await clickMap(0.2, 0.8);
    await page.click("#surface-run");
    await page.waitForSelector("#surface-map[data-drawn='1']", { timeout: 60_000 });
    const li = page.locator("#surface-status li").first();
    expect(await li.getAttribute("data-stop")).toBe("gradTol");
    expect(Number(await li.getAttribute("data-distance"))).toBeLessThan(1e-4);
    await page.click("#tab-train");
    await page.setInputFiles("#train-file", { name: "study.csv", mimeType: "text/csv", buffer });
    await page.waitForFunction(() => (document.getElementById("train-target") as HTMLSelectElement).value === "score");
    await trainStudyHours();
  });

  it("a Parquet file dropped on the Train panel trains as its CSV would", async () => {
    const n = 80;
    const hours = Array.from({ length: n }, (_, i) => i / 8);
    const score = hours.map((x, i) => Number((3 * x + 2 + Math.sin(i) * 0.5).toFixed(4)));
    const buffer = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: "hours", data: hours, type: "DOUBLE" },
          { name: "score", data: score, type: "DOUBLE" },
        ],
      }),
    );
    await page.click("#tab-train");
    await page.evaluate(() => {
      (document.getElementById("train-result") as HTMLElement).dataset.state = "";
    });
    await page.setInputFiles("#train-file", { name: "study.parquet", mimeType: "application/octet-stream", buffer });
    await page.waitForFunction(() =>
      /study\.parquet: 80 rows × 2 columns/.test(document.getElementById("train-result")?.textContent ?? ""),
    );
    expect(await page.inputValue("#train-target")).toBe("score");
    await trainStudyHours();
  });

  it("train: a table with text, empty cells and a ZSTD Parquet twin lists each column's type and treatment, changeable", async () => {
    const csv = readFileSync(new URL("../data/penguins.csv", import.meta.url));
    await page.click("#tab-train");
    await page.setInputFiles("#train-file", { name: "penguins.csv", mimeType: "text/csv", buffer: csv });
    await page.waitForFunction(() =>
      /penguins\.csv: 344 rows × 7 columns/.test(document.getElementById("train-result")?.textContent ?? ""),
    );
    await page.selectOption("#train-target", "Species");
    await page.selectOption("#train-model", "logistic");
    const rows = () =>
      page.$$eval("#train-columns tbody tr", (trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll("td")).map((td) => td.querySelector("select")?.value ?? td.textContent ?? ""),
        ),
      );
    const listed = await rows();
    expect(listed.map((r) => r.slice(0, 3))).toEqual([
      ["Island", "text", "0"],
      ["Beak Length (mm)", "number", "2"],
      ["Beak Depth (mm)", "number", "2"],
      ["Flipper Length (mm)", "number", "2"],
      ["Body Mass (g)", "number", "2"],
      ["Sex", "text", "10"],
    ]);
    expect(listed[0]?.[4]).toBe("text, 3 categories → one-hot (3 columns)");
    expect(listed[1]?.[4]).toBe("number, 2 missing → median imputed");
    // Body mass read as a category instead: the list says so at once.
    await page.selectOption("#train-columns tr[data-column='Body Mass (g)'] select", "category");
    expect((await rows())[4]?.[4]).toMatch(/^text, \d+ categories .*→ one-hot/);
    await page.selectOption("#train-columns tr[data-column='Body Mass (g)'] select", "drop");
    expect((await rows())[4]?.[4]).toBe("left out");
    await page.evaluate(() => {
      (document.getElementById("train-result") as HTMLElement).dataset.state = "";
    });
    await page.fill("#train-epochs", "30");
    await page.click("#train-run");
    await page.waitForSelector("#train-result[data-state='done'], #train-result[data-state='error']", {
      timeout: 60_000,
    });
    expect(await page.getAttribute("#train-result", "data-state")).toBe("done");
    expect(Number(await page.getAttribute("#train-result", "data-score"))).toBeGreaterThan(0.95);
    // The same table as a ZSTD-compressed Parquet file (pyarrow), a date and a boolean column with it.
    const parquet = readFileSync(new URL("./fixtures/parquet/penguins-zstd.parquet", import.meta.url));
    await page.setInputFiles("#train-file", {
      name: "penguins.parquet",
      mimeType: "application/octet-stream",
      buffer: parquet,
    });
    await page.waitForFunction(() =>
      /penguins\.parquet: 344 rows × 9 columns/.test(document.getElementById("train-result")?.textContent ?? ""),
    );
    await page.selectOption("#train-target", "Species");
    const kinds = (await rows()).map((r) => [r[0], r[1]]);
    expect(kinds).toContainEqual(["observed", "date"]);
    expect(kinds).toContainEqual(["tagged", "boolean"]);
    await page.evaluate(() => {
      (document.getElementById("train-result") as HTMLElement).dataset.state = "";
    });
    await page.click("#train-run");
    await page.waitForSelector("#train-result[data-state='done'], #train-result[data-state='error']", {
      timeout: 60_000,
    });
    expect(await page.getAttribute("#train-result", "data-state")).toBe("done");
    expect(Number(await page.getAttribute("#train-result", "data-score"))).toBeGreaterThan(0.95);
  });

  it("recommend: synthetic ratings train to near the noise floor on 2 threads, and a user gets 10 unseen items", async () => {
    await page.click("#tab-recommend");
    await page.selectOption("#recommend-threads", "2");
    await page.click("#recommend-run");
    await page.waitForSelector("#recommend-result[data-state='done']", { timeout: 60_000 });
    // Noise σ = 0.1 is the floor; the first epochs are near 0.56.
    expect(Number(await page.getAttribute("#recommend-result", "data-held-rmse"))).toBeLessThan(0.15);
    expect(await page.isVisible("#recommend-download")).toBe(true);
    const items = page.locator("#recommend-list li");
    expect(await items.count()).toBe(10);
    const scores = await items.evaluateAll((ls) => ls.map((l) => Number((l as HTMLElement).dataset.score)));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1] as number);
    // Each recommendation is shown next to the synthetic set's noise-free rating, and close to it.
    for (const text of await items.allTextContents()) {
      const m = /: (-?[\d.]+) \(true (-?[\d.]+)\)$/.exec(text);
      expect(m).not.toBeNull();
      expect(Math.abs(Number(m?.[1]) - Number(m?.[2]))).toBeLessThan(0.5);
    }
    await page.screenshot({ path: join(artifacts, "lab-recommend.png") });
  });

  it("recommend: the learning-rate finder suggests a rate the recommender trains well with", async () => {
    await page.click("#tab-recommend");
    const before = await page.inputValue("#recommend-lr");
    await page.click("#recommend-lrfind");
    await page.waitForSelector("#recommend-lr-plot[data-state='done']", { timeout: 60_000 });
    const suggestion = Number(await page.getAttribute("#recommend-lr-plot", "data-suggestion"));
    expect(suggestion).toBeGreaterThan(1e-3);
    expect(suggestion).toBeLessThan(1);
    expect(await page.locator("#recommend-lr-plot .xtick").count()).toBeGreaterThan(3);
    await page.click("#recommend-lr-use");
    expect(Number(await page.inputValue("#recommend-lr"))).toBe(Number(suggestion.toPrecision(3)));
    await page.selectOption("#recommend-threads", "1");
    await page.evaluate(() => {
      (document.getElementById("recommend-result") as HTMLElement).dataset.state = "";
    });
    await page.click("#recommend-run");
    await page.waitForSelector("#recommend-result[data-state='done']", { timeout: 60_000 });
    expect(Number(await page.getAttribute("#recommend-result", "data-held-rmse"))).toBeLessThan(0.15);
    await page.screenshot({ path: join(artifacts, "lab-recommend-finder.png"), fullPage: true });
    await page.fill("#recommend-lr", before);
  });

  it("recommend: training in a Web Worker gives the page's result", async () => {
    await page.click("#tab-recommend");
    await page.selectOption("#recommend-data", "synthetic");
    await page.selectOption("#recommend-threads", "1");
    await page.uncheck("#recommend-worker");
    await page.click("#recommend-run");
    await page.waitForSelector("#recommend-result[data-state='done']", { timeout: 60_000 });
    const onPage = await page.getAttribute("#recommend-result", "data-held-rmse");
    await page.check("#recommend-worker");
    await page.click("#recommend-run");
    await page.waitForFunction(
      () => {
        const el = document.getElementById("recommend-result") as HTMLElement;
        return el.dataset.state === "done" && (el.textContent ?? "").includes("in a Web Worker");
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.getAttribute("#recommend-result", "data-held-rmse")).toBe(onPage);
    await page.uncheck("#recommend-worker");
  });

  it("recommend: the user's own ratings CSV with string ids, and its errors", async () => {
    const lines = ["user,item,rating"];
    for (let u = 0; u < 30; u++)
      for (let i = 0; i < 20; i++) if ((u * 7 + i * 3) % 4 !== 0) lines.push(`u${u},film${i},${1 + ((u + i) % 5)}`);
    await page.click("#tab-recommend");
    await page.setInputFiles("#recommend-file", {
      name: "films.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(lines.join("\n")),
    });
    await page.waitForFunction(() => (document.getElementById("recommend-user") as HTMLInputElement).value === "u0");
    await page.selectOption("#recommend-threads", "1");
    await page.click("#recommend-run");
    await page.waitForSelector("#recommend-result[data-state='done']", { timeout: 30_000 });
    await page.fill("#recommend-user", "u3");
    await page.click("#recommend-go");
    await page.waitForSelector("#recommend-list[data-user='u3']");
    // u3 rated every film but those with (21 + 3i) % 4 = 0: i = 1, 5, 9, 13, 17.
    const texts = await page.locator("#recommend-list li").allTextContents();
    expect(texts.map((t) => /^item (film\d+):/.exec(t)?.[1]).sort()).toEqual([
      "film1",
      "film13",
      "film17",
      "film5",
      "film9",
    ]);
    const bad = Buffer.from("user,item,rating\na,b,4\nc,d,lots\n");
    await page.setInputFiles("#recommend-file", { name: "bad.csv", mimeType: "text/csv", buffer: bad });
    await page.waitForSelector("#recommend-result dd.bad");
    expect(await page.locator("#recommend-result dd.bad").textContent()).toMatch(
      /line 3, column 'rating': 'lots' is not a number/,
    );
  });

  it("speed: the WASM kernels beat pure JS in the page", async () => {
    await page.click("#tab-speed");
    await page.fill("#speed-n", "8000");
    await page.click("#speed-run");
    await page.waitForSelector("#speed-table[data-state='done']", { timeout: 60_000 });
    const ratio = Number(await page.getAttribute("#speed-table tr[data-kernel='wasm-simd']", "data-ratio"));
    expect(ratio).toBeGreaterThan(1);
    expect(await page.locator("#speed-table tr[data-kernel^='wasm-simd-threads']").count()).toBe(1);
    await page.screenshot({ path: join(artifacts, "lab-speed.png") });
  });
});
