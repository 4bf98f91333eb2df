// The lab's server serves regular files under web/, dist/ and data/ (and the vendor modules) to
// this machine only: GET and HEAD, its own Host, no links out of its folders, nosniff.

import { rmSync, symlinkSync } from "node:fs";
import type { Server } from "node:http";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoServer } from "../src/cli/demo-server.js";

const root = fileURLToPath(new URL("..", import.meta.url));
// Planted in dist/ (build output, not in git), as an attacker with write access there would.
const link = join(root, "dist", "planted-link.js");
let server: Server;
let port = 0;

beforeAll(async () => {
  rmSync(link, { force: true });
  symlinkSync("/etc/passwd", link);
  const s = await startDemoServer(0);
  server = s.server;
  port = Number(new URL(s.url).port);
});
afterAll(() => {
  rmSync(link, { force: true });
  server.close();
});

function ask(
  path: string,
  method = "GET",
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (b: Buffer) => {
        body += b.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the lab's server", () => {
  it("serves the page and the data with nosniff and the isolation headers", async () => {
    const r = await ask("/data/iris.csv");
    expect(r.status).toBe(200);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["cross-origin-embedder-policy"]).toBe("require-corp");
    expect(r.body.startsWith("sepal_length")).toBe(true);
    const head = await ask("/data/iris.csv", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("does not follow a link planted in its folders to a file outside them", async () => {
    const r = await ask("/dist/planted-link.js");
    expect(r.status).toBe(404);
    expect(r.body).not.toMatch(/root:/);
  });

  it.each(["POST", "PUT", "DELETE", "TRACE"])("answers %s with 405", async (method) => {
    const r = await ask("/data/iris.csv", method);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe("GET, HEAD");
  });

  it("refuses a foreign Host (the DNS-rebinding shape) and accepts localhost", async () => {
    expect((await ask("/data/iris.csv", "GET", `evil.example:${port}`)).status).toBe(421);
    expect((await ask("/data/iris.csv", "GET", "127.0.0.1:1")).status).toBe(421);
    expect((await ask("/data/iris.csv", "GET", `localhost:${port}`)).status).toBe(200);
  });

  it("keeps refusing paths out of its folders", async () => {
    for (const p of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/src/index.ts",
      "/node_modules/csv-parse/package.json",
    ])
      expect((await ask(p)).status, p).toBe(404);
  });
});
