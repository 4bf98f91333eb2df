// Synthetic rows for the kernel tests: n × d values uniform in [−1, 1) from a seeded generator
// (the Park–Miller sequence, the same numbers everywhere), a linear target of weights sin(j + 1)
// and intercept 0.3 with a little noise, a ±1 label of that target, and row weights in [0.5, 1.5).
import type { Matrix } from "../../src/matrix.js";

/** The rows, targets, labels and row weights for a seed (any positive integer). */
export function linearRows(n: number, d: number, seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const X: Matrix = { data: new Float64Array(n * d), rows: n, cols: d };
  const y = new Float64Array(n);
  const label = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0.3;
    for (let j = 0; j < d; j++) {
      const v = rnd() * 2;
      X.data[i * d + j] = v;
      t += Math.sin(j + 1) * v;
    }
    y[i] = t + 0.1 * rnd();
    label[i] = t + 0.5 * rnd() > 0.3 ? 1 : -1;
    w[i] = 1 + rnd();
  }
  return { X, y, label, w };
}
