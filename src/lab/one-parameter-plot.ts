// The one-parameter picture: J(w) as a curve (b held at its best value), each run's steps as points
// on it, and at the latest point the tangent line whose slope dJ/dw the step w − α·dJ/dw goes
// against — left on a positive slope, right on a negative one.
import type { DifferentiableFunction } from "../train/minimize.js";
import { baseLayout, PLOT_CONFIG, type PlotSpec, plotly } from "./charts.js";
import type { DrawnPath } from "./surface-plots.js";
import type { Surface } from "./surfaces.js";

/** The slope dJ/dw at (w, b), from the surface's gradient. */
function slopeAt(fn: DifferentiableFunction, w: number, b: number): number {
  const g = new Float64Array(2);
  fn.grad(Float64Array.of(w, b), g);
  return g[0] as number;
}

/**
 * Draws J(w, b) against w for b fixed at `b`, with the paths (their first `upto` points) on the
 * curve and a dashed tangent at each path's latest point, labelled with its slope and the way the
 * next step goes. Sets data-slopes on `el` (the tangents' slopes, comma-separated).
 */
export async function drawOneParameter(
  el: HTMLElement,
  surface: Surface,
  b: number,
  paths: DrawnPath[],
  upto: number,
): Promise<void> {
  const fn = surface.fn("batch", 1);
  const { x0, x1 } = surface.view;
  const ws = Array.from({ length: 201 }, (_, i) => x0 + ((x1 - x0) * i) / 200);
  const half = 0.12 * (x1 - x0);
  const slopes: number[] = [];
  const annotations: PlotSpec[] = [];
  const data: PlotSpec[] = [
    {
      type: "scatter",
      mode: "lines",
      x: ws,
      y: ws.map((w) => surface.value(w, b)),
      name: "J(w)",
      line: { color: "#64748b", width: 2 },
      hovertemplate: "w %{x:.4g}<br>J %{y:.5g}<extra></extra>",
    },
  ];
  /** A dashed tangent at w, labelled with its slope and the way the next step goes. */
  const tangent = (p: DrawnPath, w: number, label: string, lift: number, faint: boolean): number => {
    const j = surface.value(w, b);
    const slope = slopeAt(fn, w, b);
    data.push({
      type: "scatter",
      mode: "lines",
      x: [w - half, w + half],
      y: [j - slope * half, j + slope * half],
      name: `${p.name}: ${label}`,
      line: { color: p.color, width: faint ? 1.5 : 2.5, dash: "dash" },
      opacity: faint ? 0.6 : 1,
      showlegend: false,
      hoverinfo: "skip",
    });
    const way =
      Math.abs(slope) < 1e-6 ? "flat: the steps have stopped" : slope > 0 ? "step goes left" : "step goes right";
    annotations.push({
      x: w,
      y: j,
      text: `${label}: dJ/dw = ${slope.toPrecision(2)}, ${way}`,
      showarrow: true,
      arrowhead: 0,
      ax: 0,
      ay: -30 - lift,
      // Labels by the edges lean inwards, so they are not cut off.
      xanchor: w > (x0 + x1) / 2 ? "right" : "left",
      font: { color: p.color, size: 11 },
      bgcolor: "rgba(255,255,255,0.85)",
    });
    return slope;
  };
  paths.forEach((p, k) => {
    const pts = p.points.slice(0, upto);
    const first = pts[0];
    const last = pts[pts.length - 1];
    if (first === undefined || last === undefined) return;
    data.push({
      type: "scatter",
      mode: "lines+markers",
      x: pts.map((q) => q[0]),
      y: pts.map((q) => surface.value(q[0], b)),
      name: p.name,
      line: { color: p.color, width: 1, dash: "dot" },
      marker: { color: p.color, size: 8, symbol: p.symbol ?? "circle", line: { color: "#111827", width: 1 } },
      hovertemplate: `${p.name}<br>step %{pointNumber}<br>w %{x:.4g}<br>J %{y:.5g}<extra></extra>`,
    });
    // The tangent where the run started (its first step's direction), and where it is now.
    tangent(p, first[0], "start", 0, true);
    slopes.push(tangent(p, last[0], "tangent", 26 * (k + 1), false));
  });
  await plotly().react(
    el,
    data,
    {
      ...baseLayout("one parameter: J(w) with b at its best value, and the tangent at each run's w"),
      xaxis: { title: { text: "w" }, range: [x0, x1], zeroline: false },
      yaxis: { title: { text: "J(w)" }, zeroline: false },
      annotations,
    },
    PLOT_CONFIG,
  );
  el.dataset.slopes = slopes.join(",");
}
