// The cost surface drawn two ways at once: a contour map J(w, b) and the same surface in 3D (the
// user rotates it by dragging), with every descent path on both, the minima marked.
import { baseLayout, extent, PLOT_CONFIG, type PlotSpec, plotly } from "./charts.js";
import type { Surface } from "./surfaces.js";

/** One descent path to draw: its points (first the start), colour and legend name. */
export interface DrawnPath {
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  name: string;
  /** Line dash and step-marker symbol (plotly's names), to tell overlapping paths apart. */
  dash?: string;
  symbol?: string;
  /** A diverged run (drawn underneath the others). */
  diverged?: boolean;
}

/** The value grid of a surface over its view: GRID × GRID points. */
export interface SurfaceGrid {
  xs: number[];
  ys: number[];
  /** z[j][i] is the colour value at (xs[i], ys[j]): J, or log10(1 + J) for a log-coloured surface. */
  z: number[][];
  /** The span of z (its largest value less its smallest), and its ends. */
  span: number;
  lo: number;
  hi: number;
}

const GRID = 61;
/** A finer grid for surfaces whose walls are steep (Rosenbrock's): a coarse one draws them as a sawtooth. */
const FINE_GRID = 121;

/** The colour value of J at a point (see Surface.logColour). */
export function colourValue(surface: Surface, x: number, y: number): number {
  const v = surface.value(x, y);
  return surface.logColour ? Math.log10(1 + Math.max(0, v)) : v;
}

/** Samples a surface on its view. */
export function surfaceGrid(surface: Surface): SurfaceGrid {
  const { x0, x1, y0, y1 } = surface.view;
  const size = surface.logColour ? FINE_GRID : GRID;
  const xs = Array.from({ length: size }, (_, i) => x0 + ((x1 - x0) * i) / (size - 1));
  const ys = Array.from({ length: size }, (_, j) => y0 + ((y1 - y0) * j) / (size - 1));
  const z = ys.map((y) => xs.map((x) => colourValue(surface, x, y)));
  const [lo, hi] = extent(...z);
  return { xs, ys, z, span: hi - lo, lo, hi };
}

/** Points drawn of a path at most (longer paths are thinned evenly, their last point kept). */
const MAX_DRAWN = 400;

/**
 * The points of a path that stay near the view (a diverging run leaves it; its line stops there),
 * thinned to at most MAX_DRAWN.
 */
function visible(surface: Surface, points: DrawnPath["points"]): Array<readonly [number, number]> {
  const { x0, x1, y0, y1 } = surface.view;
  const mx = 2 * (x1 - x0);
  const my = 2 * (y1 - y0);
  const stride = Math.ceil(points.length / MAX_DRAWN);
  const out: Array<readonly [number, number]> = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as readonly [number, number];
    if (!(p[0] > x0 - mx && p[0] < x1 + mx && p[1] > y0 - my && p[1] < y1 + my)) break;
    if (i % stride === 0 || i === points.length - 1) out.push(p);
  }
  return out;
}

function zTitle(surface: Surface): string {
  return surface.logColour ? "log₁₀(1 + J)" : "J";
}

/** Draws the contour map with the paths (each cut to its first `upto` points) and the minima. */
export async function drawContourMap(
  el: HTMLElement,
  surface: Surface,
  grid: SurfaceGrid,
  paths: DrawnPath[],
  upto: number,
): Promise<void> {
  const [ax, ay] = surface.axes;
  const data: PlotSpec[] = [
    {
      type: "contour",
      x: grid.xs,
      y: grid.ys,
      z: grid.z,
      colorscale: "Viridis",
      ncontours: 24,
      contours: { coloring: "heatmap", showlines: true },
      line: { width: 0.5, color: "rgba(255,255,255,0.5)" },
      colorbar: { title: { text: zTitle(surface) }, thickness: 14 },
      hovertemplate: `${ax} %{x:.4g}<br>${ay} %{y:.4g}<br>${zTitle(surface)} %{z:.5g}<extra></extra>`,
      name: "J",
      showlegend: false,
    },
    {
      type: "scatter",
      mode: "markers",
      x: surface.minima.map((m) => m[0]),
      y: surface.minima.map((m) => m[1]),
      marker: { symbol: "x", size: 12, color: "#ffffff", line: { color: "#111827", width: 1 } },
      name: surface.minima.length > 1 ? "minima" : "minimum",
      hovertemplate: `minimum<br>${ax} %{x:.4g}<br>${ay} %{y:.4g}<extra></extra>`,
    },
    ...paths.map((p) => {
      const pts = visible(surface, p.points.slice(0, upto));
      return {
        type: "scatter",
        mode: "lines+markers",
        x: pts.map((q) => q[0]),
        y: pts.map((q) => q[1]),
        line: { color: p.color, width: 2.5, dash: p.dash ?? "solid" },
        marker: { color: p.color, size: 6, symbol: p.symbol ?? "circle", line: { color: "#111827", width: 0.5 } },
        name: p.name,
        hovertemplate: `${p.name}<br>step %{pointNumber}<br>${ax} %{x:.4g}<br>${ay} %{y:.4g}<extra></extra>`,
      };
    }),
  ];
  const { x0, x1, y0, y1 } = surface.view;
  await plotly().react(
    el,
    data,
    {
      ...baseLayout(`${surface.name}: contours of ${zTitle(surface)}`),
      xaxis: { title: { text: ax }, range: [x0, x1], zeroline: false },
      yaxis: { title: { text: ay }, range: [y0, y1], zeroline: false },
      uirevision: surface.name,
    },
    PLOT_CONFIG,
  );
}

/** Draws the surface in 3D with the same paths lying on it, and the minima. */
export async function drawSurface3d(
  el: HTMLElement,
  surface: Surface,
  grid: SurfaceGrid,
  paths: DrawnPath[],
  upto: number,
): Promise<void> {
  const [ax, ay] = surface.axes;
  // Paths float just above the surface so it does not hide them.
  const above = 0.015 * grid.span;
  const lift = (x: number, y: number): number => colourValue(surface, x, y) + above;
  const data: PlotSpec[] = [
    {
      type: "surface",
      x: grid.xs,
      y: grid.ys,
      z: grid.z,
      colorscale: "Viridis",
      opacity: 0.85,
      showscale: false,
      name: "J",
      hovertemplate: `${ax} %{x:.4g}<br>${ay} %{y:.4g}<br>${zTitle(surface)} %{z:.5g}<extra></extra>`,
    },
    {
      type: "scatter3d",
      mode: "markers",
      x: surface.minima.map((m) => m[0]),
      y: surface.minima.map((m) => m[1]),
      z: surface.minima.map((m) => lift(m[0], m[1])),
      marker: { symbol: "x", size: 5, color: "#ffffff", line: { color: "#111827", width: 1 } },
      name: surface.minima.length > 1 ? "minima" : "minimum",
    },
    ...paths.flatMap((p) => {
      const pts = visible(surface, p.points.slice(0, upto)).filter(
        (q) => colourValue(surface, q[0], q[1]) <= grid.hi + 0.1 * grid.span,
      );
      const last = pts[pts.length - 1];
      const trace = {
        type: "scatter3d",
        mode: "lines+markers",
        x: pts.map((q) => q[0]),
        y: pts.map((q) => q[1]),
        z: pts.map((q) => lift(q[0], q[1])),
        // A wide line on the surface with a marker at every step.
        line: { color: p.color, width: 7, dash: p.dash ?? "solid" },
        marker: {
          color: p.color,
          size: 3.5,
          symbol: p.symbol === "diamond" || p.symbol === "square" ? p.symbol : "circle",
        },
        name: p.name,
        showlegend: false,
      };
      // The ball: where the run has got to, rolling along as the animation draws more steps.
      const ball =
        last === undefined
          ? []
          : [
              {
                type: "scatter3d",
                mode: "markers",
                x: [last[0]],
                y: [last[1]],
                z: [lift(last[0], last[1])],
                marker: { color: p.color, size: 9, line: { color: "#111827", width: 2 } },
                name: `${p.name} (ball)`,
                showlegend: false,
              },
            ];
      return [trace, ...ball];
    }),
  ];
  const { x0, x1, y0, y1 } = surface.view;
  await plotly().react(
    el,
    data,
    {
      ...baseLayout(`the surface ${zTitle(surface)}(${ax}, ${ay}): drag to rotate`),
      margin: { l: 0, r: 0, t: 40, b: 0 },
      scene: {
        // Few ticks in a small font: labels no longer collide at the corners.
        xaxis: { title: { text: ax }, range: [x0, x1], nticks: 5, tickfont: { size: 10 } },
        yaxis: { title: { text: ay }, range: [y0, y1], nticks: 5, tickfont: { size: 10 } },
        // The surface's own range: a diverging run leaves the box instead of flattening the bowl.
        zaxis: {
          title: { text: zTitle(surface) },
          range: [grid.lo, grid.hi + 0.1 * grid.span],
          nticks: 5,
          tickfont: { size: 10 },
        },
        // Looking along the view's other diagonal: paths from the top-left corner to the minimum
        // (where the lessons start) are seen from the side, not end-on.
        camera: { eye: { x: -1.5, y: -1.7, z: 1.2 } },
        aspectmode: "cube",
      },
      uirevision: surface.name,
      showlegend: false,
    },
    PLOT_CONFIG,
  );
}
