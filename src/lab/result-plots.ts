// What the Train panel shows of a fitted model: its coefficients as bars with the feature names, a
// confusion matrix for classifiers, predicted against actual for regression.

import { Prng } from "../kernels/prng.js";
import type { Label } from "../models/labels.js";
import { baseLayout, extent, PLOT_CONFIG, plotly } from "./charts.js";

/** The most points a scatter of rows draws; larger data is sampled (seeded, so a redraw is the same). */
export const MAX_PLOTTED_ROWS = 5_000;

/** Up to `max` row indices of `n`, in order: all of them, or a seeded uniform sample. */
export function sampleRows(n: number, max = MAX_PLOTTED_ROWS, seed = 0): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  // A partial Fisher–Yates shuffle: the first `max` places of a shuffled 0..n−1.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Prng(seed);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rng.nextFloat() * (n - i));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order.subarray(0, max).sort();
}

const CLASS_COLORS = ["#2563eb", "#ea580c", "#16a34a", "#a855f7", "#e11d48", "#0891b2"];

/**
 * Bars of the coefficients by feature: one series for a single output, one per class (grouped)
 * when `classNames` is given. On standardised features the bar lengths compare the features.
 */
export async function drawCoefficients(
  el: HTMLElement,
  features: readonly string[],
  rows: ReadonlyArray<ArrayLike<number>>,
  classNames: readonly string[] | null,
): Promise<void> {
  // Many features: horizontal bars, one row a feature, so every name is readable.
  const across = features.length > 12;
  const data = rows.map((w, k) => ({
    type: "bar",
    orientation: across ? "h" : "v",
    [across ? "y" : "x"]: [...features],
    [across ? "x" : "y"]: Array.from(w),
    name: classNames === null ? "coefficient" : `class ${classNames[k]}`,
    marker: { color: CLASS_COLORS[k % CLASS_COLORS.length] },
    hovertemplate: `${across ? "%{y}: %{x:.4g}" : "%{x}: %{y:.4g}"}<extra>${classNames === null ? "" : `class ${classNames[k]}`}</extra>`,
  }));
  const names = { title: { text: "feature" }, automargin: true, type: "category" };
  const values = { title: { text: "w" }, zeroline: true };
  await plotly().react(
    el,
    data,
    {
      ...baseLayout("coefficients w by feature"),
      barmode: "group",
      // The legend above the plot, clear of the axis titles and the feature names.
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
      margin: { l: 64, r: 24, t: classNames === null ? 40 : 72, b: 64 },
      ...(across
        ? {
            xaxis: values,
            yaxis: { ...names, autorange: "reversed" },
            height: Math.max(360, 22 * features.length * Math.max(1, rows.length / 2) + 140),
          }
        : { xaxis: { ...names, tickangle: -40 }, yaxis: values }),
      showlegend: classNames !== null,
    },
    PLOT_CONFIG,
  );
  el.dataset.orientation = across ? "h" : "v";
  el.dataset.bars = String(features.length * rows.length);
}

/** The confusion matrix: rows the true class, columns the predicted one, counts in the cells. */
export async function drawConfusion(
  el: HTMLElement,
  classes: readonly Label[],
  actual: ArrayLike<Label>,
  predicted: ArrayLike<Label>,
): Promise<void> {
  const K = classes.length;
  const at = new Map(classes.map((c, i) => [String(c), i]));
  const counts = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = at.get(String(actual[i]));
    const p = at.get(String(predicted[i]));
    if (a !== undefined && p !== undefined) (counts[a] as number[])[p] = ((counts[a] as number[])[p] as number) + 1;
  }
  const names = classes.map(String);
  await plotly().react(
    el,
    [
      {
        type: "heatmap",
        x: names,
        y: names,
        z: counts,
        // Few rows light, many dark: the diagonal of a good model stands out.
        colorscale: [
          [0, "#f8fafc"],
          [1, "#1e40af"],
        ],
        zmin: 0,
        text: counts.map((r) => r.map(String)),
        texttemplate: "%{text}",
        hovertemplate: "true %{y}, predicted %{x}: %{z} rows<extra></extra>",
        colorbar: { title: { text: "rows" } },
      },
    ],
    {
      ...baseLayout("confusion matrix (training rows)"),
      xaxis: { title: { text: "predicted class" }, type: "category" },
      yaxis: { title: { text: "true class" }, type: "category", autorange: "reversed" },
    },
    PLOT_CONFIG,
  );
  el.dataset.cells = String(K * K);
  el.dataset.total = String(counts.flat().reduce((s, v) => s + v, 0));
}

/** Predicted against actual targets, with the line y = x a perfect model would sit on. */
export async function drawPredictedVsActual(
  el: HTMLElement,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): Promise<void> {
  const rows = sampleRows(actual.length);
  const a = Array.from(rows, (r) => actual[r] as number);
  const p = Array.from(rows, (r) => predicted[r] as number);
  const [lo, hi] = extent(actual, predicted);
  const sampled = rows.length < actual.length;
  await plotly().react(
    el,
    [
      {
        type: "scatter",
        mode: "markers",
        x: a,
        y: p,
        name: "rows",
        marker: { color: "#2563eb", size: 5, opacity: 0.6 },
        hovertemplate: "actual %{x:.4g}<br>predicted %{y:.4g}<extra></extra>",
      },
      {
        type: "scatter",
        mode: "lines",
        x: [lo, hi],
        y: [lo, hi],
        name: "predicted = actual",
        line: { color: "#9ca3af", dash: "dash" },
      },
    ],
    {
      ...baseLayout(
        sampled
          ? `predicted against actual (${rows.length.toLocaleString("en")} of ${actual.length.toLocaleString("en")} training rows, sampled)`
          : "predicted against actual (training rows)",
      ),
      xaxis: { title: { text: "actual" } },
      yaxis: { title: { text: "predicted" } },
    },
    PLOT_CONFIG,
  );
  el.dataset.points = String(a.length);
  el.dataset.rows = String(actual.length);
}
