// The lab's plots, drawn by plotly.js (its one-file browser build, loaded by a script tag as
// window.Plotly): line charts with a log axis where losses span decades, contour maps, surfaces,
// bars and heatmaps, each with titled axes, ticks, a legend and values on hover.

/** A plotly trace or layout: plain data handed to plotly as is. */
export type PlotSpec = Record<string, unknown>;

/** The part of plotly's API the lab uses. */
interface PlotlyApi {
  react(el: HTMLElement, data: PlotSpec[], layout: PlotSpec, config?: PlotSpec): Promise<unknown>;
  purge(el: HTMLElement): void;
}

/** plotly.js, loaded by web/index.html before the lab. */
export function plotly(): PlotlyApi {
  const p = (globalThis as { Plotly?: PlotlyApi }).Plotly;
  if (p === undefined) throw new Error("plotly.js did not load (/vendor/plotly.min.js)");
  return p;
}

/** Config every plot shares: responsive, no plotly logo, the mode bar only on hover. */
export const PLOT_CONFIG: PlotSpec = { responsive: true, displaylogo: false, displayModeBar: "hover" };

/** Margins and fonts every plot shares. */
export function baseLayout(title: string): PlotSpec {
  return {
    title: { text: title, font: { size: 14 } },
    margin: { l: 64, r: 24, t: 40, b: 96 },
    font: { family: "system-ui, sans-serif", size: 12 },
    legend: { orientation: "h", y: -0.3, yanchor: "top" },
    hovermode: "closest",
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
  };
}

/** One line of a line chart. */
export interface LineSeries {
  name: string;
  y: readonly number[];
  /** x values; default 1, 2, … (epochs or steps). */
  x?: readonly number[];
  color: string;
  /** Draw against the right-hand axis. */
  right?: boolean;
  dash?: "solid" | "dash" | "dot";
}

/** Axes of a line chart. */
export interface LineAxes {
  x: string;
  y: string;
  /** Title of the right-hand axis, when a series uses it. */
  y2?: string;
  logX?: boolean;
  /** Log scale on y: "auto" picks it when the finite positive values span more than two decades. */
  logY?: boolean | "auto";
  /** Extra plotly shapes and annotations (a marked rate, say). */
  shapes?: PlotSpec[];
  annotations?: PlotSpec[];
}

/**
 * The smallest and largest finite values of `lists`, by a loop: spreading a per-row array into
 * Math.min's arguments overflows the call stack past about 100,000 values. [NaN, NaN] when none.
 */
export function extent(...lists: ReadonlyArray<ArrayLike<number>>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const list of lists)
    for (let i = 0; i < list.length; i++) {
      const v = list[i] as number;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/** Whether values span more than two decades (all positive), so a log axis reads better. */
export function spansDecades(values: readonly number[]): boolean {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length < 2 || finite.length < values.filter(Number.isFinite).length) return false;
  const [lo, hi] = extent(finite);
  return hi / lo > 100;
}

/** A tick label: plain for everyday magnitudes, 1e-5 style beyond them. */
function tickText(v: number): string {
  return v >= 1e5 || v < 1e-3 ? v.toExponential(0).replace("e+", "e") : String(Number(v.toPrecision(3)));
}

/**
 * A log axis's ticks, written out in full: 1, 10, 100 … when the values span two decades or more,
 * else 1, 2, 5, 10, 20, 50 … (plotly's own minor labels are bare digits, so a "5" sat below a "1"
 * that meant 10).
 */
export function logTicks(values: ReadonlyArray<ArrayLike<number>>): PlotSpec {
  const [lo, hi] = extent(...values);
  if (!(lo > 0) || !(hi > 0)) return {};
  const steps = hi / lo >= 100 ? [1] : [1, 2, 5];
  const e0 = Math.floor(Math.log10(lo)) - 1;
  const e1 = Math.ceil(Math.log10(hi)) + 1;
  // At most about 8 labelled decades: every second or third one on a long axis.
  const stride = Math.max(1, Math.ceil((e1 - e0 - 2) / 8));
  const tickvals: number[] = [];
  for (let e = e0; e <= e1; e++) if ((e - e0) % stride === 0) for (const m of steps) tickvals.push(m * 10 ** e);
  return { tickvals, ticktext: tickvals.map(tickText) };
}

/**
 * Draws (or redraws) a line chart in `el`; non-finite values leave gaps. Sets data-points on `el`
 * to the number of points of each series, comma-separated, for tests and screen readers.
 */
export async function lineChart(el: HTMLElement, title: string, series: LineSeries[], axes: LineAxes): Promise<void> {
  const all = series.filter((s) => !s.right).flatMap((s) => [...s.y]);
  const logY = axes.logY === "auto" ? spansDecades(all) : axes.logY === true;
  const data = series.map((s) => ({
    type: "scatter",
    mode: s.y.length > 1 ? "lines" : "markers",
    name: s.name,
    x: s.x === undefined ? s.y.map((_, i) => i + 1) : [...s.x],
    y: s.y.map((v) => (Number.isFinite(v) ? v : null)),
    line: { color: s.color, width: 2, dash: s.dash ?? "solid" },
    marker: { color: s.color },
    yaxis: s.right ? "y2" : "y",
    hovertemplate: `${s.name}<br>${axes.x} %{x:.4g}<br>%{y:.6g}<extra></extra>`,
  }));
  const layout: PlotSpec = {
    ...baseLayout(title),
    xaxis: {
      title: { text: axes.x },
      type: axes.logX ? "log" : "linear",
      showgrid: true,
      zeroline: false,
      ...(axes.logX ? logTicks(series.map((s) => (s.x ?? []).filter((v) => v > 0))) : {}),
    },
    yaxis: {
      title: { text: logY ? `${axes.y} (log scale)` : axes.y },
      type: logY ? "log" : "linear",
      zeroline: false,
      ...(logY ? logTicks(series.filter((s) => !s.right).map((s) => s.y.filter((v) => v > 0))) : {}),
    },
    shapes: axes.shapes ?? [],
    annotations: axes.annotations ?? [],
  };
  if (series.some((s) => s.right)) {
    layout.yaxis2 = {
      title: { text: axes.y2 ?? "" },
      overlaying: "y",
      side: "right",
      showgrid: false,
      zeroline: false,
    };
    (layout.margin as PlotSpec).r = 64;
  }
  await plotly().react(el, data, layout, PLOT_CONFIG);
  el.dataset.points = series.map((s) => s.y.length).join(",");
  el.dataset.log = String(logY);
}

/** A vertical dashed line at x with a label on top (a suggested rate, say). */
export function markX(x: number, label: string, color = "#dc2626"): { shape: PlotSpec; annotation: PlotSpec } {
  return {
    shape: {
      type: "line",
      xref: "x",
      yref: "paper",
      x0: x,
      x1: x,
      y0: 0,
      y1: 1,
      line: { color, dash: "dash", width: 2 },
    },
    annotation: {
      x,
      xref: "x",
      y: 1,
      yref: "paper",
      yanchor: "bottom",
      text: label,
      showarrow: false,
      font: { color },
    },
  };
}
