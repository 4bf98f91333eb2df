// The cost surface drawn two ways at once: a contour map J(w, b) and the same surface in 3D (the
// user rotates it by dragging), with every descent path on both, the minima marked.
import { baseLayout, PLOT_CONFIG, type PlotSpec, plotly } from "./charts.js";
import type { Surface } from "./surfaces.js";

/** One descent path to draw: its points (first the start), colour and legend name. */
export interface DrawnPath {
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  name: string;
}

/** The value grid of a surface over its view: GRID × GRID points. */
export interface SurfaceGrid {
  xs: number[];
  ys: number[];
  /** z[j][i] is the colour value at (xs[i], ys[j]): J, or log10(1 + J) for a log-coloured surface. */
  z: number[][];
  /** The span of z (its largest value less its smallest). */
  span: number;
}

const GRID = 61;

/** The colour value of J at a point (see Surface.logColour). */
export function colourValue(surface: Surface, x: number, y: number): number {
  const v = surface.value(x, y);
  return surface.logColour ? Math.log10(1 + Math.max(0, v)) : v;
}

/** Samples a surface on its view. */
export function surfaceGrid(surface: Surface): SurfaceGrid {
  const { x0, x1, y0, y1 } = surface.view;
  const xs = Array.from({ length: GRID }, (_, i) => x0 + ((x1 - x0) * i) / (GRID - 1));
  const ys = Array.from({ length: GRID }, (_, j) => y0 + ((y1 - y0) * j) / (GRID - 1));
  const z = ys.map((y) => xs.map((x) => colourValue(surface, x, y)));
  const flat = z.flat();
  return { xs, ys, z, span: Math.max(...flat) - Math.min(...flat) };
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
        line: { color: p.color, width: 2 },
        marker: { color: p.color, size: 4 },
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
    ...paths.map((p) => {
      const pts = visible(surface, p.points.slice(0, upto));
      const last = pts[pts.length - 1];
      return {
        type: "scatter3d",
        mode: "lines+markers",
        x: pts.map((q) => q[0]),
        y: pts.map((q) => q[1]),
        z: pts.map((q) => lift(q[0], q[1])),
        line: { color: p.color, width: 5 },
        // The ball: a large marker on the latest point only.
        marker: {
          color: p.color,
          size: pts.map((q) => (q === last ? 7 : 2)),
        },
        name: p.name,
        showlegend: false,
      };
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
        xaxis: { title: { text: ax }, range: [x0, x1] },
        yaxis: { title: { text: ay }, range: [y0, y1] },
        zaxis: { title: { text: zTitle(surface) } },
        camera: { eye: { x: 1.6, y: -1.6, z: 1.1 } },
        aspectmode: "cube",
      },
      uirevision: surface.name,
      showlegend: false,
    },
    PLOT_CONFIG,
  );
}
