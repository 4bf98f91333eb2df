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
  /** max(0, |y − f| − epsilon) (linear SVR) */
  epsilonInsensitive: 5,
  /** max(0, |y − f| − epsilon)² */
  squaredEpsilonInsensitive: 6,
  /** z = y f, y in {-1, +1}: 0 for z ≥ 1, (1 − z)² for −1 ≤ z < 1, −4z below */
  modifiedHuber: 7,
  /** max(0, −y f), y in {-1, +1} (slope −y at y f ≤ 0) */
  perceptron: 8,
} as const;

/** Name of a single-output linear loss. */
export type LinearLoss = keyof typeof LossId;
