// Small dense linear algebra for reference optima in tests.
import type { Matrix } from "../../src/matrix.js";

/** Solves A x = b by Gaussian elimination with partial pivoting (A is k × k, copied). */
export function solve(A: number[][], b: number[]): number[] {
  const k = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < k; r++) {
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= k; j++) M[r][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = M[r][k];
    for (let j = r + 1; j < k; j++) s -= M[r][j] * x[j];
    x[r] = s / M[r][r];
  }
  return x;
}

/**
 * Minimiser [w..., b] of (1/n) Σ 0.5 (y - w·x - b)² + alpha · 0.5 ||w||² (intercept unpenalised),
 * from the normal equations (XᵀX/n + alpha·I') θ = Xᵀy/n on X augmented with a column of ones.
 */
export function ridgeClosedForm(X: Matrix, y: ArrayLike<number>, alpha: number): number[] {
  const { rows: n, cols: d, data } = X;
  const k = d + 1;
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  const at = (r: number, j: number): number => (j === d ? 1 : (data[r * d + j] as number));
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < k; i++) {
      b[i] += (at(r, i) * (y[r] as number)) / n;
      for (let j = 0; j < k; j++) A[i][j] += (at(r, i) * at(r, j)) / n;
    }
  }
  for (let i = 0; i < d; i++) A[i][i] += alpha;
  return solve(A, b);
}

/** Objective (1/n) Σ 0.5 (y - w·x - b)² + 0.5 alpha ||w||² at θ = [w..., b]. */
export function ridgeObjective(X: Matrix, y: ArrayLike<number>, theta: ArrayLike<number>, alpha: number): number {
  const { rows: n, cols: d, data } = X;
  let s = 0;
  for (let r = 0; r < n; r++) {
    let f = theta[d] as number;
    for (let j = 0; j < d; j++) f += (data[r * d + j] as number) * (theta[j] as number);
    s += 0.5 * ((y[r] as number) - f) ** 2;
  }
  let w2 = 0;
  for (let j = 0; j < d; j++) w2 += (theta[j] as number) ** 2;
  return s / n + 0.5 * alpha * w2;
}
