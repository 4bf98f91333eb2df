import { DescentError } from "../errors.js";
import { jsKernelsFor } from "../kernels/js-kernel-instances.js";
import type { DType } from "../matrix.js";
import { isNode } from "../runtime/is-node.js";
import { getRuntime, type WasmRuntime } from "../runtime/wasm-runtime.js";
import { WASM_BUILDS } from "../runtime/wasm-variant.js";
import type { Backend } from "./backend.js";
import { JsBackend } from "./js-backend.js";
import { WasmBackend } from "./wasm-backend.js";

/**
 * Backend names users may pass: `'wasm'` picks the SIMD build when the engine supports it and the
 * scalar build otherwise; `'wasm-simd'` and `'wasm-scalar'` force one; `'js'` is pure JavaScript.
 */
export type BackendName = "wasm" | "wasm-simd" | "wasm-scalar" | "js";

/** All accepted backend names. */
export const BACKEND_NAMES: readonly BackendName[] = ["wasm", "wasm-simd", "wasm-scalar", "js"];

/** Worker threads need shared memory: Node, or a cross-origin isolated page (COOP/COEP). */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  if (isNode()) return true;
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.Worker === "function";
}

/**
 * The runtime of a build: over shared memory where the engine has SharedArrayBuffer (Node, a
 * cross-origin isolated page), else over a memory of its own. A shared memory grows in place; an
 * unshared one detaches its old ArrayBuffer, after which V8 makes every typed-array access in that
 * isolate check for detachment (about a quarter slower in typed-array-heavy JS, the app's as
 * much as ours), so the shared build is preferred even for one thread.
 */
async function runtimeFor(simd: boolean): Promise<WasmRuntime | null> {
  try {
    // null without SharedArrayBuffer (getRuntime checks before fetching).
    const shared = await getRuntime(simd ? "simd-shared" : "scalar-shared");
    if (shared !== null) return shared;
  } catch {
    // A shared build that cannot be fetched or instantiated here: the unshared one still works.
  }
  return getRuntime(simd ? "simd" : "scalar");
}

/**
 * Creates a backend of the given name and dtype (loading and caching the WASM build once). With
 * threads > 1 and a SIMD backend, large gradient calls run on a pool of worker threads over shared
 * memory (Node, or a cross-origin isolated page; otherwise it falls back to one thread).
 */
export async function createBackend(name: BackendName, dtype: DType, threads = 1): Promise<Backend> {
  if (name === "js") return new JsBackend(dtype, await jsKernelsFor(dtype));
  if (name === "wasm" || name === "wasm-simd") {
    const simd = await runtimeFor(true);
    if (simd !== null) {
      if (threads > 1 && threadsAvailable() && WASM_BUILDS[simd.variant].shared) {
        const { getPool } = await import("../parallel/worker-pool.js");
        const { ThreadedBackend } = await import("./threaded-backend.js");
        return new ThreadedBackend(simd, dtype, await getPool(threads, simd.module, simd.memory));
      }
      return new WasmBackend(simd, dtype);
    }
    if (name === "wasm-simd") {
      throw new DescentError("E_OPTION", "backend 'wasm-simd': this engine does not support WebAssembly SIMD");
    }
  }
  const scalar = await runtimeFor(false);
  if (scalar === null) throw new DescentError("E_OPTION", "backend: this engine cannot run the WebAssembly build");
  return new WasmBackend(scalar, dtype);
}
