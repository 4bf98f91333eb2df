/** Optimizer ids of the fused update kernel. MUST MATCH assembly/update.ts. */
export const OptimizerId = {
  sgd: 0,
  momentum: 1,
  nesterov: 2,
  adagrad: 3,
  rmsprop: 4,
  adam: 5,
  adamw: 6,
} as const;

/** Name of an optimizer the fused kernel implements. */
export type OptimizerKind = keyof typeof OptimizerId;
