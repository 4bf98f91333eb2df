import type { DType } from "../matrix.js";
import * as float64Kernels from "./js-kernels.js";

/** The JS kernel functions (js-kernels.ts, beside this file: the float32 instance is found by its own folder, in a bundle too) of one module instance. */
export type JsKernels = typeof float64Kernels;

let float32Kernels: Promise<JsKernels> | null = null;

/**
 * The JS kernels for a dtype. Float64 uses the module as imported; float32 gets a second instance
 * of the same module (its URL with a query), so each dtype's functions keep their own V8 type
 * feedback: one function fed both Float64Array and Float32Array runs 20–30% slower for both,
 * and the JS backend is the baseline of every speed claim, so it should run at its best.
 */
export function jsKernelsFor(dtype: DType): Promise<JsKernels> {
  if (dtype === "float64") return Promise.resolve(float64Kernels);
  if (float32Kernels === null) {
    const specifier = "./js-kernels.js?dtype=float32";
    float32Kernels = (import(/* @vite-ignore */ specifier) as Promise<JsKernels>).catch(() => float64Kernels);
  }
  return float32Kernels;
}
