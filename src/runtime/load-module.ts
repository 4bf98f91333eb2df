import { DescentError } from "../errors.js";
import { wasmUrl } from "./wasm-location.js";
import { WASM_FILES, type WasmVariant } from "./wasm-variant.js";

const cache = new Map<WasmVariant, Promise<WebAssembly.Module | null>>();

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

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
  const url = wasmUrl(WASM_FILES[variant]);
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
  return WebAssembly.compile(bytes);
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
