/**
 * The compiled builds of assembly/: SIMD (default) and scalar (fallback and baseline), each over a
 * memory of its own ("simd", "scalar") or over a shared WebAssembly.Memory ("simd-shared",
 * "scalar-shared": the threads feature, used wherever SharedArrayBuffer exists, because a shared
 * memory grows without detaching its buffer, and worker threads need it).
 */
export type WasmVariant = "simd" | "scalar" | "simd-shared" | "scalar-shared";

/** File name of each build, as `npm run build` places it in dist/wasm/. */
export const WASM_FILES: Readonly<Record<WasmVariant, string>> = {
  simd: "release.wasm",
  scalar: "release-scalar.wasm",
  "simd-shared": "release-threads.wasm",
  "scalar-shared": "release-scalar-threads.wasm",
};

/** True for the builds over a shared memory. */
export function isSharedVariant(variant: WasmVariant): boolean {
  return variant === "simd-shared" || variant === "scalar-shared";
}
