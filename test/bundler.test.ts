// The library inside an app bundled by Vite, as a web developer would ship it: `import ... from
// "descent"`, the .wasm files copied to the site's wasm/ folder (public/wasm/ in Vite), served with
// and without cross-origin isolation to headless Chromium. The page's results must equal Node's.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinearRegression } from "../src/models/linear-regression.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { serveFolder } from "./helpers/serve-folder.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const app = mkdtempSync(join(tmpdir(), "descent-vite-app-"));

// The same fits in the page and in Node.
const LINEAR = { batchSize: "full", learningRate: 0.1, maxEpochs: 500, tol: null, seed: 1 } as const;
const X = [[0], [1], [2], [3], [4]];
const Y = [1, 3.1, 4.9, 7.2, 9];
const MF = { factors: 4, epochs: 8, seed: 2, threads: 2 } as const;
const USERS = [1, 2, 3, 1, 2, 3, 4, 4];
const ITEMS = ["a", "b", "a", "c", "c", "b", "a", "b"];
const RATINGS = [4, 3, 5, 2, 4, 1, 5, 3];

const MAIN = `
import { LinearRegression, MatrixFactorization, fitMatrixFactorizationInWorker } from "descent";
const out = document.getElementById("out");
try {
  const X = ${JSON.stringify(X)}, y = ${JSON.stringify(Y)};
  const linear = await new LinearRegression(${JSON.stringify(LINEAR)}).fit(X, y);
  const js32 = await new LinearRegression({ ...${JSON.stringify(LINEAR)}, backend: "js", dtype: "float32" }).fit(X, y);
  const args = [${JSON.stringify(USERS)}, ${JSON.stringify(ITEMS)}, ${JSON.stringify(RATINGS)}];
  const mf = await new MatrixFactorization(${JSON.stringify(MF)}).fit(...args);
  const mfWorker = await fitMatrixFactorizationInWorker(${JSON.stringify(MF)}, ...args);
  out.textContent = JSON.stringify({
    isolated: globalThis.crossOriginIsolated === true,
    coef: linear.coef[0], intercept: linear.intercept, js32: js32.coef[0],
    mf: Array.from(mf.predict([1, 4], ["b", "c"])), mfWorker: Array.from(mfWorker.predict([1, 4], ["b", "c"])),
  });
} catch (err) {
  out.textContent = "error: " + err.message;
}
`;

beforeAll(async () => {
  writeFileSync(
    join(app, "index.html"),
    '<!doctype html><pre id="out">running</pre><script type="module" src="/main.js"></script>',
  );
  writeFileSync(join(app, "main.js"), MAIN);
  mkdirSync(join(app, "public"));
  cpSync(join(root, "dist/wasm"), join(app, "public/wasm"), { recursive: true });
  await build({
    root: app,
    logLevel: "silent",
    resolve: { alias: { descent: join(root, "dist/index.js") } },
    build: { outDir: join(app, "dist"), emptyOutDir: true },
  });
}, 120_000);

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("descent bundled by Vite", () => {
  it("builds one app with the fit worker emitted as its own chunk", () => {
    const assets = readdirSync(join(app, "dist/assets"));
    expect(assets.some((f) => f.startsWith("fit-worker"))).toBe(true);
    expect(readdirSync(join(app, "dist/wasm")).sort()).toEqual(
      ["release-scalar-threads.wasm", "release-scalar.wasm", "release-threads.wasm", "release.wasm"].sort(),
    );
  });

  it.each([true, false])("runs in Chromium (cross-origin isolated: %s) with Node's results", async (isolated) => {
    const node = {
      linear: await new LinearRegression(LINEAR).fit(X, Y),
      mf: await new MatrixFactorization(MF).fit(USERS, ITEMS, RATINGS),
    };
    const site = await serveFolder(join(app, "dist"), isolated);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"],
    });
    try {
      const page = await browser.newPage();
      const missing: string[] = [];
      page.on("response", (r) => {
        if (r.status() >= 400) missing.push(new URL(r.url()).pathname);
      });
      await page.goto(site.url);
      await page.waitForFunction(() => document.getElementById("out")?.textContent !== "running", undefined, {
        timeout: 60_000,
      });
      const text = (await page.textContent("#out")) ?? "";
      expect(text).not.toMatch(/^error/);
      const r = JSON.parse(text) as {
        isolated: boolean;
        coef: number;
        intercept: number;
        js32: number;
        mf: number[];
        mfWorker: number[];
      };
      expect(r.isolated).toBe(isolated);
      expect(r.coef).toBe(node.linear.coef[0]);
      expect(r.intercept).toBe(node.linear.intercept);
      expect(r.js32).toBeCloseTo(node.linear.coef[0] as number, 4);
      const expected = Array.from(node.mf.predict([1, 4], ["b", "c"]));
      expect(r.mf).toEqual(expected);
      expect(r.mfWorker).toEqual(expected);
      // Only the JS backend's separate float32 module instance cannot be bundled; it falls back.
      expect(missing).toEqual(["/assets/js-kernels.js"]);
    } finally {
      await browser.close();
      await site.close();
    }
  });
});
