// The functions the cost-surface panel can show: a one-feature regression's J(w, b) on bundled
// data (scaled or not), a bumpy function with several minima, and Rosenbrock's valley.

import { Prng } from "../kernels/prng.js";
import { type DifferentiableFunction, minimize } from "../train/minimize.js";

/** A rectangle of the plane a surface is shown on. */
export interface View {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** How the regression gradient sees the data on each step. */
export type BatchMode = "batch" | "minibatch" | "stochastic";

/** A surface: its function and gradient (on the plane), where to look, and its known minima. */
export interface Surface {
  name: string;
  view: View;
  /** Full-data value, for the colour map and the status. */
  value(x: number, y: number): number;
  /** The function minimize() runs on (stochastic for regression mini-batches). */
  fn(mode: BatchMode, seed: number): DifferentiableFunction;
  /** The local minima in the view, computed (closed form, or a solver from a grid of starts), deepest first. */
  minima: ReadonlyArray<readonly [number, number]>;
  /** J at the deepest minimum: the cost curves show J − lowest, the gap to it. */
  lowest: number;
  axes: [string, string];
  /** Colour the plots by log10(1 + J) instead of J (a surface whose values span decades). */
  logColour: boolean;
  /** The one-feature regression's data (x and y as the surface sees them), for an estimator to try. */
  data?: { x: number[]; y: number[] };
  /** Largest eigenvalue of J's Hessian where it is constant (the regression surfaces): rates above 2/λ diverge. */
  curvature?: number;
  /** A saddle point, where the gradient is zero but J is no minimum (the saddle surface). */
  saddle?: readonly [number, number];
}

/** The mean of a list. */
function mean(v: readonly number[]): number {
  return v.reduce((s, a) => s + a, 0) / v.length;
}

/**
 * J(w, b) = (1/2n) Σ (w·x + b − y)² of one feature: its value, its gradient over all rows, a
 * mini-batch of 32 or one row (seeded), its closed-form minimum and its Hessian's largest
 * eigenvalue (the Hessian is [[mean x², mean x], [mean x, 1]], the same everywhere).
 */
function leastSquares(x: readonly number[], y: readonly number[]) {
  const n = x.length;
  const xm = mean(x);
  const ym = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - xm) * ((y[i] as number) - ym);
    sxx += ((x[i] as number) - xm) ** 2;
  }
  const wStar = sxy / sxx;
  const bStar = ym - wStar * xm;
  const value = (w: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += 0.5 * ((y[i] as number) - w * (x[i] as number) - b) ** 2;
    return s / n;
  };
  const fn = (mode: BatchMode, seed: number): DifferentiableFunction => {
    const rng = new Prng(seed);
    const size = mode === "batch" ? n : mode === "minibatch" ? 32 : 1;
    return {
      f: (t) => value(t[0] as number, t[1] as number),
      grad(t, g) {
        const w = t[0] as number;
        const b = t[1] as number;
        let gw = 0;
        let gb = 0;
        for (let k = 0; k < size; k++) {
          const i = size === n ? k : rng.nextInt(n);
          const r = w * (x[i] as number) + b - (y[i] as number);
          gw += r * (x[i] as number);
          gb += r;
        }
        g[0] = gw / size;
        g[1] = gb / size;
      },
    };
  };
  const a = mean(x.map((v) => v * v));
  const curvature = (a + 1) / 2 + Math.sqrt(((a - 1) / 2) ** 2 + xm * xm);
  return { value, fn, wStar, bStar, curvature };
}

/**
 * J(w, b) = (1/n) Σ 0.5 (y − w·x − b)² for one feature x and a standardised target y; `scaled`
 * standardises x too (round contours), otherwise x keeps its units (long thin valleys).
 */
export function regressionSurface(
  xRaw: readonly number[],
  yRaw: readonly number[],
  scaled: boolean,
  featureName: string,
): Surface {
  const sd = (v: readonly number[], m: number): number => Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length);
  const my = mean(yRaw);
  const sy = sd(yRaw, my) || 1;
  const y = yRaw.map((v) => (v - my) / sy);
  const mx = mean(xRaw);
  const sx = sd(xRaw, mx) || 1;
  const x = scaled ? xRaw.map((v) => (v - mx) / sx) : [...xRaw];
  const { value, fn, wStar, bStar, curvature } = leastSquares(x, y);
  const spanW = scaled ? 1.5 : 1.5 / sx;
  const spanB = scaled ? 1.5 : Math.max(1.5, Math.abs(bStar) * 1.6);
  return {
    name: `regression on ${featureName}${scaled ? " (scaled)" : " (unscaled)"}`,
    view: { x0: wStar - spanW, x1: wStar + spanW, y0: bStar - spanB, y1: bStar + spanB },
    value,
    fn,
    minima: [[wStar, bStar]],
    lowest: value(wStar, bStar),
    axes: ["w", "b"],
    logColour: false,
    data: { x, y },
    curvature,
  };
}

const WELLS = [
  { x: 1.2, y: 1.0, depth: 2.0, width: 0.8 },
  { x: -1.3, y: -0.6, depth: 1.6, width: 0.6 },
  { x: 1.4, y: -1.6, depth: 1.2, width: 0.5 },
] as const;

/**
 * The local minima of `fn` in `view`: gradient descent from a 9 × 9 grid of starts to a gradient
 * below 1e-10, the end points that stay in the view merged when within 1e-4; deepest first.
 */
export function solvedMinima(fn: DifferentiableFunction, view: View): Array<readonly [number, number]> {
  const found: Array<readonly [number, number]> = [];
  for (let i = 0; i < 9; i++)
    for (let j = 0; j < 9; j++) {
      const start = [view.x0 + ((view.x1 - view.x0) * (i + 0.5)) / 9, view.y0 + ((view.y1 - view.y0) * (j + 0.5)) / 9];
      const r = minimize(fn, start, { optimizer: "sgd", learningRate: 0.05, maxEpochs: 20_000, gradTol: 1e-10 });
      const [x, y] = [r.x[0] as number, r.x[1] as number];
      if (r.stopReason !== "gradTol" || x < view.x0 || x > view.x1 || y < view.y0 || y > view.y1) continue;
      if (!found.some((m) => Math.hypot(m[0] - x, m[1] - y) < 1e-4)) found.push([x, y]);
    }
  const f = (m: readonly [number, number]): number => fn.f(Float64Array.from(m));
  return found.sort((a, b) => f(a) - f(b));
}

/** A bowl with three Gaussian wells: several local minima, so the start decides where you end. */
export function bumpySurface(): Surface {
  const value = (x: number, y: number): number => {
    let f = 0.08 * (x * x + y * y);
    for (const w of WELLS) f -= w.depth * Math.exp(-((x - w.x) ** 2 + (y - w.y) ** 2) / w.width);
    return f;
  };
  const fn: DifferentiableFunction = {
    f: (t) => value(t[0] as number, t[1] as number),
    grad(t, g) {
      const x = t[0] as number;
      const y = t[1] as number;
      let gx = 0.16 * x;
      let gy = 0.16 * y;
      for (const w of WELLS) {
        const e = w.depth * Math.exp(-((x - w.x) ** 2 + (y - w.y) ** 2) / w.width);
        gx += (e * 2 * (x - w.x)) / w.width;
        gy += (e * 2 * (y - w.y)) / w.width;
      }
      g[0] = gx;
      g[1] = gy;
    },
  };
  const view = { x0: -3, x1: 3, y0: -3, y1: 3 };
  // The wells' centres are not the minima: the bowl and the other wells pull each minimum aside.
  bumpyMinima ??= solvedMinima(fn, view);
  const minima = bumpyMinima;
  return {
    name: "three wells (non-convex)",
    view,
    value,
    fn: () => fn,
    minima,
    lowest: value(...(minima[0] as [number, number])),
    axes: ["x", "y"],
    logColour: false,
  };
}

/** The three-wells surface's minima, solved once. */
let bumpyMinima: Array<readonly [number, number]> | undefined;

/** Rosenbrock's function (1 − x)² + 100 (y − x²)², minimum at (1, 1). */
export function rosenbrockSurface(): Surface {
  const value = (x: number, y: number): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  return {
    name: "Rosenbrock",
    view: { x0: -2, x1: 2, y0: -1, y1: 3 },
    value,
    fn: () => ({
      f: (t) => value(t[0] as number, t[1] as number),
      grad(t, g) {
        const x = t[0] as number;
        const y = t[1] as number;
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
        g[1] = 200 * (y - x * x);
      },
    }),
    minima: [[1, 1]],
    lowest: 0,
    axes: ["x", "y"],
    logColour: true,
  };
}

/**
 * A saddle between two valleys: J(x, y) = x² + y⁴/4 − y²/2. Along x it is a bowl; along y it
 * curves down from the saddle point (0, 0), where the gradient is zero, to the two minima
 * (0, ±1) (∂J/∂y = y³ − y = 0), J = −1/4. A start just off the line y = 0 meets a flat stretch
 * around the saddle where plain gradient descent crawls.
 */
export function saddleSurface(): Surface {
  const value = (x: number, y: number): number => x * x + (y * y * y * y) / 4 - (y * y) / 2;
  return {
    name: "a saddle between two valleys",
    view: { x0: -2, x1: 2, y0: -1.6, y1: 1.6 },
    value,
    fn: () => ({
      f: (t) => value(t[0] as number, t[1] as number),
      grad(t, g) {
        const x = t[0] as number;
        const y = t[1] as number;
        g[0] = 2 * x;
        g[1] = y * y * y - y;
      },
    }),
    minima: [
      [0, 1],
      [0, -1],
    ],
    lowest: -0.25,
    axes: ["x", "y"],
    logColour: false,
    saddle: [0, 0],
  };
}

/**
 * The articles' own example: a house's price from its size, J(w, b) = (1/2m) Σ (w·size + b − price)²
 * in the data's units (size in 1,000 sq ft, price in $1,000), not standardised, viewed so that the
 * start w = b = 0 is in sight. The ten houses are a small illustrative table, not a survey.
 */
export function houseSurface(): Surface {
  const size = [0.85, 1.1, 1.25, 1.4, 1.6, 1.75, 1.9, 2.1, 2.4, 2.7];
  const price = [180, 215, 240, 260, 300, 315, 340, 365, 410, 450];
  const { value, fn, wStar, bStar, curvature } = leastSquares(size, price);
  return {
    name: "house price from size (w: $1,000 per 1,000 sq ft, b: $1,000)",
    view: {
      x0: -0.1 * wStar,
      x1: 1.6 * wStar,
      y0: Math.min(-0.2 * Math.abs(bStar), bStar - 150),
      y1: Math.max(bStar + 150, 120),
    },
    value,
    fn: () => fn("batch", 1),
    minima: [[wStar, bStar]],
    lowest: value(wStar, bStar),
    axes: ["w", "b"],
    logColour: true,
    data: { x: size, y: price },
    curvature,
  };
}
