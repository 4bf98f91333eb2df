// Regenerates the lab's screenshots in docs/: every lesson of the cost surface and every tab, as a
// student sees them after one click (or one Train). Run after `npm run build`:
//   node scripts/lab-screenshots.mjs
// It serves this checkout with the demo server and drives Debian's Chromium through playwright-core.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const { startDemoServer } = await import("../dist/cli/demo-server.js");
const { LESSONS } = await import("../dist/lab/lessons.js");
const docs = fileURLToPath(new URL("../docs/", import.meta.url));
const { server, url } = await startDemoServer(0);
const profile = mkdtempSync(join(tmpdir(), "descent-shots-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  viewport: { width: 1280, height: 900 },
});
try {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
  await page.click("#tab-surface");
  for (const lesson of LESSONS) {
    await page.click(`button[data-lesson='${lesson.id}']`);
    await page.waitForFunction(
      (id) =>
        document.getElementById("lesson-caption")?.dataset.lesson === id &&
        document.getElementById("surface-map")?.dataset.drawn !== "0",
      lesson.id,
      { timeout: 60_000 },
    );
    await page.locator("#panel-surface").screenshot({ path: join(docs, `lab-lesson-${lesson.id}.png`) });
    console.log(`lab-lesson-${lesson.id}.png`);
  }
  await page.click("#tab-train");
  await page.selectOption("#train-dataset", "diabetes");
  await page.waitForFunction(() => document.getElementById("train-target")?.value === "progression");
  await page.check("#train-early");
  await page.click("#train-lrfind");
  await page.waitForSelector("#train-lr-plot[data-state='done']", { timeout: 60_000 });
  await page.click("#train-run");
  await page.waitForSelector("#train-result[data-state='done']", { timeout: 60_000 });
  await page.locator("#panel-train").screenshot({ path: join(docs, "lab-train.png") });
  console.log("lab-train.png");
  await page.click("#tab-playground");
  await page.selectOption("#play-dataset", "spiral");
  await page.fill("#play-hidden", "16,16");
  await page.fill("#play-epochs", "1500");
  await page.click("#play-train");
  await page.waitForSelector("#play-result[data-state='done']", { timeout: 120_000 });
  await page.locator("#panel-playground").screenshot({ path: join(docs, "lab-playground.png") });
  console.log("lab-playground.png");
  await page.click("#tab-recommend");
  await page.click("#recommend-run");
  await page.waitForSelector("#recommend-result[data-state='done']", { timeout: 120_000 });
  await page.click("#recommend-go");
  await page.locator("#panel-recommend").screenshot({ path: join(docs, "lab-recommend.png") });
  console.log("lab-recommend.png");
  await page.click("#tab-speed");
  await page.click("#speed-run");
  await page.waitForFunction(() => (document.querySelectorAll("#speed-table tbody tr").length ?? 0) > 2, null, {
    timeout: 120_000,
  });
  await page.locator("#panel-speed").screenshot({ path: join(docs, "lab-speed.png") });
  console.log("lab-speed.png");
  if (errors.length > 0) throw new Error(`page errors: ${errors.join("; ")}`);
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
