// L-BFGS on functions with known minima: an ill-conditioned quadratic and Rosenbrock's valley.
import { describe, expect, it } from "vitest";
import { lbfgs } from "../src/optim/lbfgs.js";

describe("lbfgs", () => {
  it("minimises an ill-conditioned quadratic (condition 1000) to a gradient of 1e-9 in a few dozen steps", async () => {
    const n = 11;
    const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 + i * 100 : 0.3)));
    const b = Array.from({ length: n }, (_, i) => 150 - i);
    const f = async (x: Float64Array, g: Float64Array): Promise<number> => {
      let v = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += (A[i]?.[j] as number) * (x[j] as number);
        g[i] = s - (b[i] as number);
        v += 0.5 * (x[i] as number) * s - (b[i] as number) * (x[i] as number);
      }
      return v;
    };
    const r = await lbfgs(f, new Float64Array(n), { maxIterations: 200, gradTol: 1e-9, tol: null });
    expect(r.stop).toBe("gradTol");
    expect(r.values.length).toBeLessThan(60);
    // A x = b at the minimum.
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (A[i]?.[j] as number) * (r.x[j] as number);
      expect(Math.abs(s - (b[i] as number))).toBeLessThan(1e-8);
    }
  });

  it("finds Rosenbrock's minimum (1, 1) from (−1.2, 1)", async () => {
    const f = async (x: Float64Array, g: Float64Array): Promise<number> => {
      const [a, c] = [x[0] as number, x[1] as number];
      g[0] = -2 * (1 - a) - 400 * a * (c - a * a);
      g[1] = 200 * (c - a * a);
      return (1 - a) ** 2 + 100 * (c - a * a) ** 2;
    };
    const r = await lbfgs(f, Float64Array.from([-1.2, 1]), { maxIterations: 500, gradTol: 1e-8, tol: null });
    expect(Math.abs((r.x[0] as number) - 1)).toBeLessThan(1e-6);
    expect(Math.abs((r.x[1] as number) - 1)).toBeLessThan(1e-6);
  });
});
