import { DescentError } from "../errors.js";
import type { DType } from "../matrix.js";
import { isNode } from "../runtime/is-node.js";
import { getRuntime } from "../runtime/wasm-runtime.js";
import type { Backend } from "./backend.js";
import { JsBackend } from "./js-backend.js";
import { jsKernelsFor } from "./js-kernel-instances.js";
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
 * Creates a backend of the given name and dtype (loading and caching the WASM build once). With
 * threads > 1 and a SIMD backend, large gradient calls run on a pool of worker threads over shared
 * memory (Node, or a cross-origin isolated page; otherwise it falls back to one thread).
 */
export async function createBackend(name: BackendName, dtype: DType, threads = 1): Promise<Backend> {
  if (name === "js") return new JsBackend(dtype, await jsKernelsFor(dtype));
  if (threads > 1 && (name === "wasm" || name === "wasm-simd") && threadsAvailable()) {
    const rt = await getRuntime("threads");
    if (rt !== null) {
      const { getPool } = await import("../parallel/worker-pool.js");
      const { ThreadedBackend } = await import("./threaded-backend.js");
      return new ThreadedBackend(rt, dtype, await getPool(threads, rt.module, rt.memory));
    }
  }
  if (name === "wasm" || name === "wasm-simd") {
    const simd = await getRuntime("simd");
    if (simd !== null) return new WasmBackend(simd, dtype);
    if (name === "wasm-simd") {
      throw new DescentError("E_OPTION", "backend 'wasm-simd': this engine does not support WebAssembly SIMD");
    }
  }
  const scalar = await getRuntime("scalar");
  if (scalar === null) throw new DescentError("E_OPTION", "backend: this engine cannot run the WebAssembly build");
  return new WasmBackend(scalar, dtype);
}
