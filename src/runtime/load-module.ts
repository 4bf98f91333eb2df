import { DescentError } from "../errors.js";
import { isNode } from "./is-node.js";
import { wasmUrl } from "./wasm-location.js";
import { WASM_BUILDS, type WasmVariant } from "./wasm-variant.js";

const cache = new Map<WasmVariant, Promise<WebAssembly.Module | null>>();

async function readBytes(url: URL): Promise<ArrayBuffer> {
  if (url.protocol === "file:" && isNode()) {
    const fs = await import("node:fs/promises");
    const buf = await fs.readFile(url);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url.href}`);
  return res.arrayBuffer();
}

async function compile(variant: WasmVariant): Promise<WebAssembly.Module | null> {
  const url = wasmUrl(WASM_BUILDS[variant].file);
  let bytes: ArrayBuffer;
  try {
    bytes = await readBytes(url);
  } catch (err) {
    throw new DescentError("E_STATE", `could not load the ${variant} WebAssembly build from ${url.href}`, {
      cause: err,
    });
  }
  // validate() on the real binary is the feature test: an engine without SIMD rejects it.
  if (!WebAssembly.validate(bytes)) return null;
  // Node compiles synchronously (a few milliseconds for these builds): awaiting an asynchronous
  // compile leaves its event loop with nothing to run, and Node 20 then blocks its main thread
  // until every V8 background task has finished, which deadlocks when one of those (an optimizing
  // compile of hot JavaScript) waits for a garbage collection on the main thread (nodejs/node#54918).
  // Browsers refuse synchronous compiles of more than 4 KB on the main thread, and need neither.
  return isNode() ? new WebAssembly.Module(bytes) : WebAssembly.compile(bytes);
}

/**
 * The compiled module of a build, compiled once per process and cached; `null` when this engine
 * cannot run that build (for example no SIMD support).
 */
export function loadModule(variant: WasmVariant): Promise<WebAssembly.Module | null> {
  let p = cache.get(variant);
  if (p === undefined) {
    p = compile(variant);
    cache.set(variant, p);
    p.catch(() => cache.delete(variant));
  }
  return p;
}
