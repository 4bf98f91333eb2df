// L-BFGS (Nocedal & Wright, algorithm 7.4: the two-loop recursion over the last m steps) with a
// backtracking line search on the Armijo condition. For full-batch objectives whose every
// evaluation is expensive (a round trip to every shard), where it needs far fewer evaluations than
// gradient descent, as in Spark MLlib and scikit-learn.

/** An objective and its gradient at x (the gradient written into g). */
export type ValueAndGradient = (x: Float64Array, g: Float64Array) => Promise<number>;

/** Options of lbfgs. */
export interface LbfgsOptions {
  /** Iterations at most. */
  maxIterations: number;
  /** Stop when the gradient's Euclidean norm falls below this. */
  gradTol: number;
  /** Stop when an iteration improves f by less than tol·max(1, |f|) (null: never). */
  tol: number | null;
  /** Pairs (s, y) remembered. Default 10. */
  memory?: number;
}

/** How lbfgs ended, with the value after each iteration. */
export interface LbfgsResult {
  x: Float64Array;
  values: number[];
  gradNorms: number[];
  evaluations: number;
  /**
   * Why it stopped: 'lineSearch' when no step along the direction decreased f (a stall at the
   * rounding floor near a minimum, or worse: see the caller), 'nonFinite' when f or its gradient at
   * the current point is not finite or the gradient's squared norm overflows, or when every trial
   * point of a line search gave a non-finite f. x is always the last point with a finite f.
   */
  stop: "gradTol" | "tol" | "maxEpochs" | "lineSearch" | "nonFinite";
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Minimises f from x0 (not modified). */
export async function lbfgs(f: ValueAndGradient, x0: Float64Array, o: LbfgsOptions): Promise<LbfgsResult> {
  const m = o.memory ?? 10;
  const n = x0.length;
  let x = x0.slice();
  let g = new Float64Array(n);
  let fx = await f(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const values: number[] = [];
  const gradNorms: number[] = [];
  const alphaK = new Float64Array(m);
  for (let it = 0; it < o.maxIterations; it++) {
    const g2 = dot(g, g);
    if (!Number.isFinite(fx) || !Number.isFinite(g2)) return { x, values, gradNorms, evaluations, stop: "nonFinite" };
    if (Math.sqrt(g2) < o.gradTol) return { x, values, gradNorms, evaluations, stop: "gradTol" };
    // Two-loop recursion: d = −H·g.
    const q = g.slice();
    for (let k = S.length - 1; k >= 0; k--) {
      const s = S[k] as Float64Array;
      const y = Y[k] as Float64Array;
      const a = dot(s, q) / dot(y, s);
      alphaK[k] = a;
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) - a * (y[i] as number);
    }
    if (S.length > 0) {
      const s = S[S.length - 1] as Float64Array;
      const y = Y[Y.length - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) * gamma;
    } else {
      // First step: a unit step along −g scaled to length 1 at most.
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) * scale;
    }
    for (let k = 0; k < S.length; k++) {
      const s = S[k] as Float64Array;
      const y = Y[k] as Float64Array;
      const b = dot(y, q) / dot(y, s);
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) + (s[i] as number) * ((alphaK[k] as number) - b);
    }
    const d = q.map((v) => -v);
    const slope = dot(g, d);
    // Backtracking on the Armijo condition f(x + t·d) ≤ f(x) + 1e-4·t·g·d.
    let t = 1;
    const xn = new Float64Array(n);
    const gn = new Float64Array(n);
    let fn = Number.POSITIVE_INFINITY;
    let accepted = false;
    let anyFinite = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xn[i] = (x[i] as number) + t * (d[i] as number);
      fn = await f(xn, gn);
      evaluations++;
      if (Number.isFinite(fn)) anyFinite = true;
      // Near the minimum f changes by less than its own rounding: a step that leaves f flat to
      // 1e-12 but shrinks the gradient is taken too (otherwise the gradient stalls near √(ε·|f|)).
      const flat = Math.abs(fn - fx) <= 1e-12 * Math.max(1, Math.abs(fx)) && dot(gn, gn) < dot(g, g);
      if (Number.isFinite(fn) && (fn <= fx + 1e-4 * t * slope || flat)) {
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) return { x, values, gradNorms, evaluations, stop: anyFinite ? "lineSearch" : "nonFinite" };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xn[i] as number) - (x[i] as number);
      y[i] = (gn[i] as number) - (g[i] as number);
    }
    if (dot(s, y) > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
    }
    const improvement = fx - fn;
    x = xn.slice();
    g = gn.slice();
    fx = fn;
    values.push(fx);
    gradNorms.push(Math.sqrt(dot(g, g)));
    if (o.tol !== null && improvement < o.tol * Math.max(1, Math.abs(fx))) {
      return { x, values, gradNorms, evaluations, stop: "tol" };
    }
  }
  return { x, values, gradNorms, evaluations, stop: Math.sqrt(dot(g, g)) < o.gradTol ? "gradTol" : "maxEpochs" };
}
