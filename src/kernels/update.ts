// The optimizers as the fused update kernel knows them: their ids and resolved hyper-parameters.
// The JS twin of assembly/update.ts's ids (the update itself is src/kernels/js-kernels.ts).
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

/** An optimizer spec with every hyper-parameter filled in. */
export interface ResolvedOptimizer {
  kind: OptimizerKind;
  learningRate: number | null;
  momentum: number;
  initialAccumulatorValue: number;
  decay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Slots of per-parameter state the optimizer keeps (0, 1 or 2). */
  slots: 0 | 1 | 2;
}
