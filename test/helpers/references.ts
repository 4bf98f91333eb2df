// Independent reference computations for tests (plain JS with Math.exp / Math.log, not the library's kernels).
import type { Matrix } from "../../src/matrix.js";

/**
 * Multinomial logistic objective (1/n) Σ −log softmax(W x_i + b)[y_i] + 0.5·alpha·‖W‖² and its
 * gradient over θ = [W (K × d), b (K)].
 */
export function softmaxObjective(
  X: Matrix,
  y: ArrayLike<number>,
  K: number,
  alpha: number,
  theta: Float64Array,
  grad?: Float64Array,
): number {
  const { rows: n, cols: d, data } = X;
  if (grad) grad.fill(0);
  let total = 0;
  const z = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    let top = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let s = theta[K * d + k] as number;
      for (let j = 0; j < d; j++) s += (theta[k * d + j] as number) * (data[i * d + j] as number);
      z[k] = s;
      top = Math.max(top, s);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp((z[k] as number) - top);
    const yi = y[i] as number;
    total += Math.log(sum) + top - (z[yi] as number);
    if (grad) {
      for (let k = 0; k < K; k++) {
        const p = Math.exp((z[k] as number) - top) / sum - (k === yi ? 1 : 0);
        for (let j = 0; j < d; j++)
          grad[k * d + j] = (grad[k * d + j] as number) + (p * (data[i * d + j] as number)) / n;
        grad[K * d + k] = (grad[K * d + k] as number) + p / n;
      }
    }
  }
  let w2 = 0;
  for (let j = 0; j < K * d; j++) {
    w2 += (theta[j] as number) ** 2;
    if (grad) grad[j] = (grad[j] as number) + alpha * (theta[j] as number);
  }
  return total / n + 0.5 * alpha * w2;
}

/**
 * Minimises a smooth convex function by Nesterov-accelerated gradient descent with a fixed step
 * until the gradient norm is below `gtol`; returns the minimiser.
 */
export function acceleratedDescent(
  fg: (theta: Float64Array, grad: Float64Array) => number,
  size: number,
  step: number,
  gtol: number,
  maxIter = 200_000,
): Float64Array {
  let x = new Float64Array(size);
  let yk = x.slice();
  const g = new Float64Array(size);
  for (let it = 1; it <= maxIter; it++) {
    fg(yk, g);
    const next = yk.map((v, j) => v - step * (g[j] as number));
    const beta = (it - 1) / (it + 2);
    yk = next.map((v, j) => v + beta * (v - (x[j] as number)));
    x = next;
    fg(x, g);
    if (Math.hypot(...g) < gtol) break;
  }
  return x;
}
