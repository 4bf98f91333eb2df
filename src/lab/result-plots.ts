// What the Train panel shows of a fitted model: its coefficients as bars with the feature names, a
// confusion matrix for classifiers, predicted against actual for regression.
import type { Label } from "../models/labels.js";
import { baseLayout, PLOT_CONFIG, plotly } from "./charts.js";

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
  const data = rows.map((w, k) => ({
    type: "bar",
    x: [...features],
    y: Array.from(w),
    name: classNames === null ? "coefficient" : `class ${classNames[k]}`,
    marker: { color: CLASS_COLORS[k % CLASS_COLORS.length] },
    hovertemplate: `%{x}: %{y:.4g}<extra>${classNames === null ? "" : `class ${classNames[k]}`}</extra>`,
  }));
  await plotly().react(
    el,
    data,
    {
      ...baseLayout("coefficients w by feature"),
      barmode: "group",
      xaxis: { title: { text: "feature" }, tickangle: -40, automargin: true },
      yaxis: { title: { text: "w" }, zeroline: true },
      showlegend: classNames !== null,
    },
    PLOT_CONFIG,
  );
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
        colorscale: "Blues",
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
  const a = Array.from(actual);
  const p = Array.from(predicted);
  const lo = Math.min(...a, ...p);
  const hi = Math.max(...a, ...p);
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
      ...baseLayout("predicted against actual (training rows)"),
      xaxis: { title: { text: "actual" } },
      yaxis: { title: { text: "predicted" } },
    },
    PLOT_CONFIG,
  );
  el.dataset.points = String(a.length);
}
