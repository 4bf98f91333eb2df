// The line search of Moré and Thuente ("Line search algorithms with guaranteed sufficient decrease",
// ACM TOMS 20(3), 1994), in the form of MINPACK-2's dcsrch/dcstep that L-BFGS-B (and so SciPy's
// minimize(method='L-BFGS-B') behind scikit-learn's lbfgs solvers) calls. It keeps an interval
// [stx, sty] known to hold a step that meets the strong Wolfe conditions and proposes trial steps by
// safeguarded cubic and quadratic interpolation. Written as a state machine the caller drives: it
// evaluates φ and φ' at each proposed step and passes them back.

/** What the search asks for next. */
export type LineSearchTask = "evaluate" | "converged" | "warning" | "error";

/** Constants of a search (L-BFGS-B's: ftol 1e-3, gtol 0.9, xtol 0.1, stpmin 0, stpmax 1e10). */
export interface LineSearchTolerances {
  /** Sufficient decrease: φ(t) ≤ φ(0) + ftol·t·φ'(0). */
  ftol: number;
  /** Curvature: |φ'(t)| ≤ gtol·|φ'(0)|. */
  gtol: number;
  /** Relative width of the bracket below which the search gives up with a warning. */
  xtol: number;
  /** Smallest step. */
  stpmin: number;
  /** Largest step. */
  stpmax: number;
}

/** The interval's end points and what is known there. */
interface Bracket {
  stx: number;
  fx: number;
  gx: number;
  sty: number;
  fy: number;
  gy: number;
  bracketed: boolean;
}

/**
 * One search along a descent direction. `start(step, f0, g0)` takes φ(0), φ'(0) (negative) and the
 * first trial step; each `next(f, g)` takes φ and φ' at the step last proposed and returns the task:
 * 'evaluate' (then read `step` and call next again), 'converged' (both Wolfe conditions hold at
 * `step`), 'warning' (no further progress possible: `step` is the best point met) or 'error' (bad
 * arguments; φ'(0) ≥ 0 among them).
 */
export class MoreThuenteSearch {
  /** The step to evaluate next (or the accepted one). */
  step = 0;
  private stage = 1;
  private finit = 0;
  private ginit = 0;
  private gtest = 0;
  private width = 0;
  private width1 = 0;
  private stmin = 0;
  private stmax = 0;
  private b: Bracket = { stx: 0, fx: 0, gx: 0, sty: 0, fy: 0, gy: 0, bracketed: false };

  constructor(private readonly tol: LineSearchTolerances) {}

  /** Begins a search from φ(0) = f0, φ'(0) = g0 at the trial step `step`. */
  start(step: number, f0: number, g0: number): LineSearchTask {
    const t = this.tol;
    this.step = step;
    if (step < t.stpmin || step > t.stpmax || g0 >= 0 || t.ftol < 0 || t.gtol < 0 || t.xtol < 0) return "error";
    if (t.stpmin < 0 || t.stpmax < t.stpmin) return "error";
    this.stage = 1;
    this.finit = f0;
    this.ginit = g0;
    this.gtest = t.ftol * g0;
    this.width = t.stpmax - t.stpmin;
    this.width1 = this.width / 0.5;
    this.b = { stx: 0, fx: f0, gx: g0, sty: 0, fy: f0, gy: g0, bracketed: false };
    this.stmin = 0;
    this.stmax = step + 4 * step;
    return "evaluate";
  }

  /** Takes φ(step) and φ'(step) and decides. */
  next(f: number, g: number): LineSearchTask {
    const t = this.tol;
    const b = this.b;
    let stp = this.step;
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;
    let task: LineSearchTask = "evaluate";
    if (b.bracketed && (stp <= this.stmin || stp >= this.stmax)) task = "warning";
    if (b.bracketed && this.stmax - this.stmin <= t.xtol * this.stmax) task = "warning";
    if (stp === t.stpmax && f <= ftest && g <= this.gtest) task = "warning";
    if (stp === t.stpmin && (f > ftest || g >= this.gtest)) task = "warning";
    if (f <= ftest && Math.abs(g) <= t.gtol * -this.ginit) task = "converged";
    if (task !== "evaluate") return task;

    if (this.stage === 1 && f <= b.fx && f > ftest) {
      // Before the first sufficient decrease: interpolate ψ(t) = φ(t) − φ(0) − ftol·t·φ'(0) instead.
      const gt = this.gtest;
      const shifted: Bracket = {
        stx: b.stx,
        fx: b.fx - b.stx * gt,
        gx: b.gx - gt,
        sty: b.sty,
        fy: b.fy - b.sty * gt,
        gy: b.gy - gt,
        bracketed: b.bracketed,
      };
      stp = safeguardedStep(shifted, stp, f - stp * gt, g - gt, this.stmin, this.stmax);
      this.b = {
        stx: shifted.stx,
        fx: shifted.fx + shifted.stx * gt,
        gx: shifted.gx + gt,
        sty: shifted.sty,
        fy: shifted.fy + shifted.sty * gt,
        gy: shifted.gy + gt,
        bracketed: shifted.bracketed,
      };
    } else {
      stp = safeguardedStep(b, stp, f, g, this.stmin, this.stmax);
    }
    const nb = this.b;
    if (nb.bracketed) {
      // Bisect when the bracket did not shrink enough over two steps.
      if (Math.abs(nb.sty - nb.stx) >= 0.66 * this.width1) stp = nb.stx + 0.5 * (nb.sty - nb.stx);
      this.width1 = this.width;
      this.width = Math.abs(nb.sty - nb.stx);
      this.stmin = Math.min(nb.stx, nb.sty);
      this.stmax = Math.max(nb.stx, nb.sty);
    } else {
      this.stmin = stp + 1.1 * (stp - nb.stx);
      this.stmax = stp + 4 * (stp - nb.stx);
    }
    stp = Math.min(Math.max(stp, t.stpmin), t.stpmax);
    if (nb.bracketed && (stp <= this.stmin || stp >= this.stmax || this.stmax - this.stmin <= t.xtol * this.stmax))
      stp = nb.stx;
    this.step = stp;
    return "evaluate";
  }
}

/** A root of the cubic's slope through two points with values and slopes: the scaled γ of dcstep. */
function cubicGamma(theta: number, d1: number, d2: number, clampAtZero: boolean): number {
  const s = Math.max(Math.abs(theta), Math.abs(d1), Math.abs(d2));
  const radicand = (theta / s) ** 2 - (d1 / s) * (d2 / s);
  return s * Math.sqrt(clampAtZero ? Math.max(0, radicand) : radicand);
}

/**
 * The next trial step from the bracket b and the step stp with value fp and slope dp (dcstep's four
 * cases), updating b in place: the end point with the lower value moves to stp, or the far end
 * does when stp's value is higher.
 */
function safeguardedStep(b: Bracket, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, gx: dx, sty, fy, gy: dy } = b;
  const opposite = Math.sign(dp) * Math.sign(dx) < 0;
  let stpf: number;
  if (fp > fx) {
    // Case 1: a higher value. The minimum is bracketed; take the cubic step if it is closer to stx
    // than the quadratic one, else their midpoint.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    let gamma = cubicGamma(theta, dx, dp, false);
    if (stp < stx) gamma = -gamma;
    const r = (gamma - dx + theta) / (gamma - dx + gamma + dp);
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) <= Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.bracketed = true;
  } else if (opposite) {
    // Case 2: a lower value and slopes of opposite sign: bracketed; the step farther from stp.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    let gamma = cubicGamma(theta, dx, dp, false);
    if (stp > stx) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma - dp + gamma + dx);
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.bracketed = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Case 3: a lower value, same-sign slope that shrank: the cubic step only when it lies beyond
    // stp, else the bound in the step's direction; kept within the bracket or the limits.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    let gamma = cubicGamma(theta, dx, dp, true);
    if (stp > stx) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma + (dx - dp) + gamma);
    const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (b.bracketed) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      const limit = stp + 0.66 * (sty - stp);
      stpf = stp > stx ? Math.min(limit, stpf) : Math.max(limit, stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(Math.max(stpf, stpmin), stpmax);
    }
  } else if (b.bracketed) {
    // Case 4: a lower value, a slope that did not shrink: the cubic through stp and sty.
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    let gamma = cubicGamma(theta, dy, dp, false);
    if (stp > sty) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma - dp + gamma + dy);
    stpf = stp + r * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    b.sty = stp;
    b.fy = fp;
    b.gy = dp;
  } else {
    if (opposite) {
      b.sty = stx;
      b.fy = fx;
      b.gy = dx;
    }
    b.stx = stp;
    b.fx = fp;
    b.gx = dp;
  }
  return stpf;
}
