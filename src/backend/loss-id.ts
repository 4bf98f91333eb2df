/** Loss ids of the fused gradient kernels. MUST MATCH assembly/losses.ts. */
export const LossId = {
  /** 0.5 (f - y)^2 */
  squared: 0,
  /** Huber with threshold epsilon: 0.5 r^2 if |r| <= epsilon, else epsilon |r| - 0.5 epsilon^2. */
  huber: 1,
  /** max(0, 1 - y f), y in {-1, +1} */
  hinge: 2,
  /** max(0, 1 - y f)^2, y in {-1, +1} */
  squaredHinge: 3,
  /** log(1 + exp(-y f)), y in {-1, +1} */
  log: 4,
} as const;

/** Name of a single-output linear loss. */
export type LinearLoss = keyof typeof LossId;
