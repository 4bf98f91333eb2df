import { readFile, realpath, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json; charset=utf-8",
};

/** Folders of the package the lab may read; everything else is 404. */
const PUBLIC = ["web", "dist", "data"];

/** Browser builds of dependencies the lab imports, by URL. */
const VENDOR: Record<string, string> = {
  "/vendor/csv-parse.js": createRequire(import.meta.url).resolve("csv-parse/browser/esm/sync"),
  // plotly.js's one-file browser build (sets window.Plotly): every plot of the lab.
  "/vendor/plotly.min.js": createRequire(import.meta.url).resolve("plotly.js-dist-min"),
};

/** Folders of dependencies served whole (ES modules importing their siblings), by URL prefix. */
const VENDOR_DIRS: Record<string, string> = {
  // hyparquet's browser entry: plain ES modules, no Node built-ins.
  "/vendor/hyparquet/": dirname(createRequire(import.meta.url).resolve("hyparquet/src/index.js")),
  // Parquet's codecs (ZSTD, gzip, brotli, LZ4, snappy) and the two packages they import, which the
  // page's import map names.
  "/vendor/hyparquet-compressors/": dirname(createRequire(import.meta.url).resolve("hyparquet-compressors")),
  "/vendor/fzstd/": join(dirname(dirname(createRequire(import.meta.url).resolve("fzstd"))), "esm"),
  "/vendor/hysnappy/": dirname(createRequire(import.meta.url).resolve("hysnappy")),
};

/** The file a vendor URL names, or undefined. */
function vendorFile(path: string): string | undefined {
  const exact = VENDOR[path];
  if (exact !== undefined) return exact;
  for (const [prefix, folder] of Object.entries(VENDOR_DIRS)) {
    if (!path.startsWith(prefix)) continue;
    const rel = normalize(path.slice(prefix.length));
    if (rel.startsWith("..") || rel.includes(`${sep}..`) || !/\.m?js$/.test(rel)) return undefined;
    return join(folder, rel);
  }
  return undefined;
}

/**
 * Serves the lab (web/), the built library (dist/) and the bundled data (data/) on 127.0.0.1 with
 * the COOP/COEP headers that make the page cross-origin isolated (SharedArrayBuffer, so threads).
 */
export function startDemoServer(port: number): Promise<{ server: Server; url: string }> {
  let bound = port;
  const server = createServer(async (req, res) => {
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    };
    const refuse = (status: number, text: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...headers, ...extra, "Content-Type": "text/plain; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : `${text}\n`);
    };
    // Files only: GET and HEAD.
    if (req.method !== "GET" && req.method !== "HEAD") return refuse(405, "method not allowed", { Allow: "GET, HEAD" });
    // Only this machine's names for this server: a page on another origin that rebinds its name to
    // 127.0.0.1 sends its own Host, and is refused.
    const host = (req.headers.host ?? "").toLowerCase();
    if (![`127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`].includes(host))
      return refuse(421, "misdirected request: this server answers as 127.0.0.1 or localhost only");
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
      const rel = path === "/" ? "web/index.html" : normalize(path.slice(1));
      const top = rel.split(sep)[0] ?? "";
      const vendor = vendorFile(path);
      if (vendor === undefined && (rel.startsWith("..") || !PUBLIC.includes(top))) throw new Error("not public");
      const file = vendor ?? root + rel;
      // A regular file whose real path (links followed) is still under its folder: a link planted
      // in web/, dist/ or data/ that points elsewhere is not served.
      const real = await realpath(file);
      if (vendor === undefined && !real.startsWith((await realpath(join(root, top))) + sep)) throw new Error("outside");
      if (!(await stat(real)).isFile()) throw new Error("not a file");
      const body = await readFile(real);
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(real)] ?? "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      refuse(404, "not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      const actual = typeof addr === "object" && addr !== null ? addr.port : port;
      bound = actual;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}
