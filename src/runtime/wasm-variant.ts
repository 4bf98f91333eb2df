/**
 * The compiled builds of assembly/: SIMD (default) and scalar (fallback and baseline), each over a
 * memory of its own ("simd", "scalar") or over a shared WebAssembly.Memory ("simd-shared",
 * "scalar-shared": the threads feature, used wherever SharedArrayBuffer exists, because a shared
 * memory grows without detaching its buffer, and worker threads need it).
 */
export type WasmVariant = "simd" | "scalar" | "simd-shared" | "scalar-shared";

/** What a build is: its file in dist/wasm/ (as `npm run build` places it), SIMD or not, shared memory or not. */
export interface WasmBuild {
  file: string;
  simd: boolean;
  shared: boolean;
}

/** Every build by variant. */
export const WASM_BUILDS: Readonly<Record<WasmVariant, WasmBuild>> = {
  simd: { file: "release.wasm", simd: true, shared: false },
  scalar: { file: "release-scalar.wasm", simd: false, shared: false },
  "simd-shared": { file: "release-threads.wasm", simd: true, shared: true },
  "scalar-shared": { file: "release-scalar-threads.wasm", simd: false, shared: true },
};
