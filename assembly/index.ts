// The whole WASM surface. Every export takes byte offsets, counts and scalars; nothing allocates.
export { axpyF32, axpyF64, dotF32, dotF64, gemvF32, gemvF64 } from "./blas";
export { linearGradF32, linearGradF64 } from "./linear";
export { sgdStepF32, sgdStepF64 } from "./update";
