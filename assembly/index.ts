// The whole WASM surface. Every export takes byte offsets, counts and scalars; nothing allocates.
export { axpyF32, axpyF64, dotF32, dotF64, gemvF32, gemvF64 } from "./blas";
export { gemmF32, gemmF64 } from "./gemm";
export { linearGradF32, linearGradF64, setTouchAhead } from "./linear";
export { expF64, expNonPositiveF64, log1pF64, log1pUnitF64, logF64 } from "./math-exports";
export { mfStepsF32, mfStepsF64 } from "./mf";
export { mlpGradientF32, mlpGradientF64, mlpPredictF32, mlpPredictF64, mlpStepsF32, mlpStepsF64 } from "./mlp";
export { scatterRows } from "./rows";
export { firstNonFiniteF32, firstNonFiniteF64 } from "./scan";
export { shuffleIndices, shuffleTriples } from "./shuffle";
export { softmaxGradF32, softmaxGradF64 } from "./softmax";
export { linearStepsTogetherF32, linearStepsTogetherF64 } from "./steps-together";
export {
  finishEpochF32,
  finishEpochF64,
  gradientStepF32,
  gradientStepF64,
  linearStepsF32,
  linearStepsF64,
  softmaxStepsF32,
  softmaxStepsF64,
} from "./train";
