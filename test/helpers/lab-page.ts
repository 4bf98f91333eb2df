// The lab in headless Chromium (Debian's /usr/bin/chromium through playwright-core), served by the
// demo server from this checkout's web/, dist/ and data/, with every page error and console error
// collected.
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { startDemoServer } from "../../src/cli/demo-server.js";

/** An open lab page and what went wrong on it. */
export interface LabPage {
  page: Page;
  /** Uncaught page errors and console errors, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens the lab at `width` × `height` and waits until it says it is ready. */
export async function openLab(width = 1280, height = 900): Promise<LabPage> {
  const { server, url } = (await startDemoServer(0)) as { server: Server; url: string };
  const profile = mkdtempSync(join(tmpdir(), "descent-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    viewport: { width, height },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
  return {
    page,
    errors,
    close: async () => {
      await context.close();
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
