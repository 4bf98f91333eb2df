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

/**
 * Everything the fused update kernel needs for one step (see assembly/update.ts for the meaning
 * of h1..h5 per optimizer). nPen weights come first and are penalised; the rest are intercepts.
 */
export interface StepParams {
  kind: OptimizerKind;
  nPen: number;
  fitIntercept: boolean;
  /** Multiplies the raw gradient (1/|B|). */
  scale: number;
  /** Coupled L2 coefficient (decoupled weight decay for AdamW). */
  l2: number;
  /** Step size of this step. */
  lr: number;
  /** Soft-threshold of the L1 proximal step (lr·alpha·l1Ratio), 0 for none. */
  l1: number;
  h1: number;
  h2: number;
  h3: number;
  h4: number;
  h5: number;
  /** Weight of this step's gradient in the epoch accumulator. */
  accWeight: number;
}
