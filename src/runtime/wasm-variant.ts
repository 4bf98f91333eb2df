/** The compiled builds of assembly/: SIMD (default), scalar (fallback and baseline), and SIMD over shared memory for worker threads. */
export type WasmVariant = "simd" | "scalar" | "threads";

/** File name of each build, as `npm run build` places it in dist/wasm/. */
export const WASM_FILES: Readonly<Record<WasmVariant, string>> = {
  simd: "release.wasm",
  scalar: "release-scalar.wasm",
  threads: "release-threads.wasm",
};
