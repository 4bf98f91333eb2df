/** The compiled builds of assembly/: SIMD (default) and scalar (fallback and baseline). */
export type WasmVariant = "simd" | "scalar";

/** File name of each build, as `npm run build` places it in dist/wasm/. */
export const WASM_FILES: Readonly<Record<WasmVariant, string>> = {
  simd: "release.wasm",
  scalar: "release-scalar.wasm",
};
