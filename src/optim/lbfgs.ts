// L-BFGS as L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995; version 3.0, the code behind SciPy's
// minimize(method='L-BFGS-B') and so behind scikit-learn's lbfgs solvers) runs it without bounds:
// the step −H·g from the last m pairs (s, y) with H₀ = (sᵀy/yᵀy)·I, which equals L-BFGS-B's
// subspace minimisation when no variable is bounded (here by the two-loop recursion of Nocedal &
// Wright, algorithm 7.4); a first step of −g at length 1/‖g‖; the Moré–Thuente line search with
// ftol 1e-3, gtol 0.9, xtol 0.1 and at most 20 evaluations; a pair kept only when sᵀy > ε·(−gᵀs);
// after a failed search the memory is dropped and the search retried along −g. It stops when the
// largest gradient entry is at most gradTol (SciPy's pgtol, scikit-learn's `tol`), when an
// iteration lowers f by at most ftol·max(|f_old|, |f|, 1) (SciPy's factr·ε), or at the iteration or
// evaluation limits (checked after each iteration, as SciPy does).

import { MoreThuenteSearch } from "./line-search.js";

/** An objective and its gradient at x (the gradient written into g). */
export type ValueAndGradient = (x: Float64Array, g: Float64Array) => Promise<number> | number;

/** Options of lbfgs. */
export interface LbfgsOptions {
  /** Iterations at most (SciPy's maxiter). */
  maxIterations: number;
  /** Stop when the gradient's largest absolute entry is at most this (SciPy's pgtol). */
  gradTol: number;
  /**
   * Stop when an iteration lowers f by at most tol·max(|f_old|, |f|, 1) (null: never). SciPy's
   * ftol; its default is 2.220446049250313e-9 (factr 1e7).
   */
  tol: number | null;
  /** Evaluations of f at most, checked after each iteration (SciPy's maxfun; default unlimited). */
  maxEvaluations?: number;
  /** Pairs (s, y) remembered (SciPy's maxcor). Default 10. */
  memory?: number;
  /** Evaluations per line search at most (SciPy's maxls). Default 20. */
  maxLineSearch?: number;
  /**
   * Called after each iteration with the new point, its value, its gradient's Euclidean norm and
   * the iteration count; returning false stops the run (stop 'callback').
   */
  onIteration?: (
    x: Float64Array,
    f: number,
    gradNorm: number,
    iteration: number,
  ) => boolean | undefined | Promise<boolean | undefined>;
}

/** How lbfgs ended, with the value after each iteration. */
export interface LbfgsResult {
  x: Float64Array;
  /** f at x. */
  f: number;
  /** f after each iteration. */
  values: number[];
  /** The gradient's Euclidean norm after each iteration. */
  gradNorms: number[];
  /** Iterations run (SciPy's nit). */
  iterations: number;
  /** Evaluations of f and its gradient, the first at x0 included (SciPy's nfev). */
  evaluations: number;
  /**
   * Why it stopped: 'gradTol', 'tol', 'maxEpochs' (maxIterations), 'maxEvaluations', 'lineSearch'
   * when a line search along −g found no acceptable step (a stall at the rounding floor near a
   * minimum, or worse: see the caller), 'nonFinite' when f or its gradient (or the gradient's
   * squared norm) is not finite at the
   * current point, 'callback' when onIteration returned false. x is always the last accepted point.
   */
  stop: "gradTol" | "tol" | "maxEpochs" | "maxEvaluations" | "lineSearch" | "nonFinite" | "callback";
}

const EPS = 2.220446049250313e-16;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** f and every gradient entry finite, and the gradient's squared norm too (no overflow). */
function usable(f: number, g: Float64Array): boolean {
  return Number.isFinite(f) && Number.isFinite(dot(g, g));
}

/** The remembered pairs, oldest first. */
class PairMemory {
  readonly s: Float64Array[] = [];
  readonly y: Float64Array[] = [];
  readonly rho: number[] = [];
  constructor(private readonly size: number) {}

  get count(): number {
    return this.s.length;
  }

  clear(): void {
    this.s.length = 0;
    this.y.length = 0;
    this.rho.length = 0;
  }

  push(s: Float64Array, y: Float64Array, sy: number): void {
    this.s.push(s);
    this.y.push(y);
    this.rho.push(1 / sy);
    if (this.s.length > this.size) {
      this.s.shift();
      this.y.shift();
      this.rho.shift();
    }
  }

  /** d = −H·g by the two-loop recursion (at least one pair). */
  direction(g: Float64Array): Float64Array {
    const k = this.s.length;
    const q = g.slice();
    const a = new Float64Array(k);
    for (let j = k - 1; j >= 0; j--) {
      const s = this.s[j] as Float64Array;
      const y = this.y[j] as Float64Array;
      const aj = (this.rho[j] as number) * dot(s, q);
      a[j] = aj;
      for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) - aj * (y[i] as number);
    }
    const sLast = this.s[k - 1] as Float64Array;
    const yLast = this.y[k - 1] as Float64Array;
    const gamma = dot(sLast, yLast) / dot(yLast, yLast);
    for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) * gamma;
    for (let j = 0; j < k; j++) {
      const s = this.s[j] as Float64Array;
      const y = this.y[j] as Float64Array;
      const bj = (this.rho[j] as number) * dot(y, q);
      const c = (a[j] as number) - bj;
      for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) + c * (s[i] as number);
    }
    for (let i = 0; i < q.length; i++) q[i] = -(q[i] as number);
    return q;
  }
}

/** Minimises f from x0 (not modified). */
export async function lbfgs(f: ValueAndGradient, x0: Float64Array, o: LbfgsOptions): Promise<LbfgsResult> {
  const n = x0.length;
  const maxLs = o.maxLineSearch ?? 20;
  const maxEvaluations = o.maxEvaluations ?? Number.POSITIVE_INFINITY;
  const memory = new PairMemory(o.memory ?? 10);
  let x = x0.slice();
  let g = new Float64Array(n);
  let fx = await f(x, g);
  let evaluations = 1;
  const values: number[] = [];
  const gradNorms: number[] = [];
  let iterations = 0;
  const done = (stop: LbfgsResult["stop"]): LbfgsResult => ({
    x,
    f: fx,
    values,
    gradNorms,
    iterations,
    evaluations,
    stop,
  });
  if (!usable(fx, g)) return done("nonFinite");
  if (maxAbs(g) <= o.gradTol) return done("gradTol");
  const search = new MoreThuenteSearch({ ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10 });
  const xn = new Float64Array(n);
  for (;;) {
    // The direction: −g (scaled by the line search's first step) without pairs, else −H·g.
    const steepest = memory.count === 0;
    const d = steepest ? g.map((v) => -v) : memory.direction(g);
    const gd0 = dot(g, d);
    let ok = gd0 < 0 && Number.isFinite(gd0);
    let fNew = fx;
    const gNew = new Float64Array(n);
    let step = 0;
    if (ok) {
      const dnorm = Math.sqrt(dot(d, d));
      let task = search.start(iterations === 0 ? Math.min(1 / dnorm, 1e10) : 1, fx, gd0);
      let tries = 0;
      ok = false;
      while (task === "evaluate") {
        if (tries >= maxLs) break;
        step = search.step;
        for (let i = 0; i < n; i++)
          xn[i] = step === 1 ? (x[i] as number) + (d[i] as number) : step * (d[i] as number) + (x[i] as number);
        fNew = await f(xn, gNew);
        evaluations++;
        tries++;
        if (!usable(fNew, gNew)) {
          // A non-finite trial point (where SciPy's search would compute with NaN): the search
          // starts again from the same origin at a tenth of the step.
          task = search.start(step / 10, fx, gd0);
          continue;
        }
        task = search.next(fNew, dot(gNew, d));
      }
      ok = (task === "converged" || task === "warning") && Number.isFinite(fNew);
    }
    if (!ok) {
      // The search failed: along −g with no memory there is nothing left to try.
      if (steepest) return done(Number.isFinite(fNew) || gd0 >= 0 ? "lineSearch" : "nonFinite");
      memory.clear();
      continue;
    }
    const fOld = fx;
    // The pair: s = step·d (as L-BFGS-B scales d in place), y = the change of the gradient.
    const s = step === 1 ? d : d.map((v) => step * v);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = (gNew[i] as number) - (g[i] as number);
    const gdOld = gd0;
    const gdNew = dot(gNew, d);
    x = xn.slice();
    g = gNew;
    fx = fNew;
    iterations++;
    values.push(fx);
    gradNorms.push(Math.sqrt(dot(g, g)));
    if (o.onIteration !== undefined && (await o.onIteration(x, fx, gradNorms.at(-1) as number, iterations)) === false)
      return done("callback");
    // SciPy checks its limits first, then L-BFGS-B its convergence tests.
    if (iterations >= o.maxIterations) return done("maxEpochs");
    if (evaluations > maxEvaluations) return done("maxEvaluations");
    if (maxAbs(g) <= o.gradTol) return done("gradTol");
    if (o.tol !== null && fOld - fx <= o.tol * Math.max(Math.abs(fOld), Math.abs(fx), 1)) return done("tol");
    // The pair is kept only with enough positive curvature along the step (sᵀy > ε·(−gᵀs)).
    const sy = (gdNew - gdOld) * step;
    if (sy <= EPS * (-gdOld * step)) continue;
    memory.push(s, y, sy);
  }
}
