// L-BFGS on functions with known minima: an ill-conditioned quadratic and Rosenbrock's valley.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lbfgs } from "../src/optim/lbfgs.js";

describe("lbfgs", () => {
  it("minimises an ill-conditioned quadratic (condition 1000) to a gradient of 1e-5 in a few dozen steps", async () => {
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
    const r = await lbfgs(f, new Float64Array(n), { maxIterations: 200, gradTol: 1e-5, tol: null });
    expect(r.stop).toBe("gradTol");
    expect(r.values.length).toBeLessThan(60);
    // A x = b at the minimum.
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (A[i]?.[j] as number) * (r.x[j] as number);
      expect(Math.abs(s - (b[i] as number))).toBeLessThanOrEqual(1e-5);
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

interface ScipyCase {
  x0: number[];
  path: number[][];
  nit: number;
  nfev: number;
  x: number[];
}
const scipy = (
  JSON.parse(readFileSync(new URL("./fixtures/sklearn-mlp-lbfgs.json", import.meta.url), "utf8")) as {
    scipy: Record<string, ScipyCase>;
  }
).scipy;

/** scipy.optimize.rosen and rosen_der, term by term. */
function rosenbrock(x: Float64Array, g: Float64Array): number {
  const n = x.length;
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = (g[i] as number) - 400 * (b - a * a) * a - 2 * (1 - a);
    g[i + 1] = (g[i + 1] as number) + 200 * (b - a * a);
  }
  return f;
}

describe("lbfgs against SciPy's L-BFGS-B (scipy 1.10, maxiter 200, its default tolerances)", () => {
  // Rounding differences (SciPy's compact form of the L-BFGS matrix against the two-loop recursion,
  // BLAS sums) grow by about 10× every 4 iterations in Rosenbrock's valley: the path is compared to
  // 1e-8 over the first 30 iterations, where they stay below it, and the end point to 1e-6.
  it.each(Object.keys(scipy))("%s: the same path, nit and nfev", async (name) => {
    const c = scipy[name] as ScipyCase;
    const path: number[][] = [];
    const r = await lbfgs(rosenbrock, Float64Array.from(c.x0), {
      maxIterations: 200,
      gradTol: 1e-5,
      tol: 2.220446049250313e-9,
      onIteration: (x) => {
        path.push(Array.from(x));
      },
    });
    expect(r.iterations).toBe(c.nit);
    expect(r.evaluations).toBe(c.nfev);
    let worst = 0;
    path.slice(0, 30).forEach((x, k) => {
      x.forEach((v, j) => {
        const ref = c.path[k]?.[j] as number;
        worst = Math.max(worst, Math.abs(v - ref) / Math.max(1, Math.abs(ref)));
      });
    });
    expect(worst).toBeLessThanOrEqual(1e-8);
    r.x.forEach((v, j) => {
      expect(Math.abs(v - (c.x[j] as number))).toBeLessThanOrEqual(1e-6);
    });
  });
});
