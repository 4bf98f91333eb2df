// The Playground panel: a small network learning a 2-D data set (or two columns of a CSV) with its
// decision boundary and loss drawn live, and a "try 20 seeds" button that shows how often an
// architecture ends in a poor local minimum.
import type { ActivationName } from "../kernels/mlp-net.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPOptions } from "../models/mlp-options.js";
import type { EpochInfo } from "../train/history.js";
import { baseLayout, lineChart, PLOT_CONFIG, type PlotSpec, plotly } from "./charts.js";
import { byId, numberOf, parseCsvText, showPairs } from "./dom.js";
import { type PlaneData, type PlaneDataName, planeData } from "./playground-data.js";

/** Half the side of the plane drawn, in data units. */
const EXTENT = 6;
/** Cells of the boundary grid a side. */
const GRID = 60;
/** Accuracy below which a run counts as stuck in a poor local minimum. */
const GOOD_ACCURACY = 0.9;

/** Coordinates scaled into the network's input range (about ±1). */
function inputs(points: Float64Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < points.length; i += 2)
    out.push([(points[i] as number) / EXTENT, (points[i + 1] as number) / EXTENT]);
  return out;
}

/** Draws P(label 1) over the plane as a heatmap (orange for 1, blue for 0) and the points on top. */
async function drawBoundary(el: HTMLElement, model: MLPClassifier | null, data: PlaneData): Promise<void> {
  const axis = Array.from({ length: GRID }, (_, i) => (((i + 0.5) / GRID) * 2 - 1) * EXTENT);
  const traces: PlotSpec[] = [];
  if (model !== null) {
    const grid: number[][] = [];
    for (const y of axis) for (const x of axis) grid.push([x / EXTENT, y / EXTENT]);
    const p = model.predictProba(grid);
    const z = axis.map((_, j) => axis.map((_, i) => p.data[2 * (j * GRID + i) + 1] as number));
    traces.push({
      type: "heatmap",
      x: axis,
      y: axis,
      z,
      zmin: 0,
      zmax: 1,
      colorscale: [
        [0, "#bfd3f9"],
        [0.5, "#ffffff"],
        [1, "#f8c4a4"],
      ],
      colorbar: { title: { text: "P(orange)" }, thickness: 12 },
      hovertemplate: "x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>P(orange) %{z:.3f}<extra></extra>",
      name: "P(orange)",
    });
  }
  for (const [label, color, name] of [
    [0, "#2563eb", "blue points"],
    [1, "#ea580c", "orange points"],
  ] as const) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < data.labels.length; i++) {
      if (data.labels[i] !== label) continue;
      xs.push(data.points[2 * i] as number);
      ys.push(data.points[2 * i + 1] as number);
    }
    traces.push({
      type: "scatter",
      mode: "markers",
      x: xs,
      y: ys,
      name,
      marker: { color, size: 6, line: { color: "#ffffff", width: 1 } },
      hovertemplate: `${name}<br>x₁ %{x:.2f}<br>x₂ %{y:.2f}<extra></extra>`,
    });
  }
  await plotly().react(
    el,
    traces,
    {
      ...baseLayout(model === null ? "the data" : "decision boundary: P(orange) over the plane"),
      xaxis: { title: { text: "x₁" }, range: [-EXTENT, EXTENT], zeroline: false },
      yaxis: { title: { text: "x₂" }, range: [-EXTENT, EXTENT], zeroline: false, scaleanchor: "x" },
    },
    PLOT_CONFIG,
  );
  el.dataset.drawn = model === null ? "points" : "boundary";
}

/** Wires the Playground panel. */
export function setupPlaygroundPanel(): void {
  const dataset = byId("play-dataset", HTMLSelectElement);
  const fileInput = byId("play-file", HTMLInputElement);
  const noise = byId("play-noise", HTMLInputElement);
  const hidden = byId("play-hidden", HTMLInputElement);
  const activation = byId("play-activation", HTMLSelectElement);
  const lr = byId("play-lr", HTMLInputElement);
  const alpha = byId("play-alpha", HTMLInputElement);
  const batch = byId("play-batch", HTMLInputElement);
  const epochs = byId("play-epochs", HTMLInputElement);
  const boundary = byId("play-boundary", HTMLDivElement);
  const loss = byId("play-loss", HTMLDivElement);
  const lossChart = (values: readonly number[]) =>
    lineChart(loss, "training loss", [{ name: "log loss", y: values, color: "#2563eb" }], {
      x: "epoch",
      y: "log loss",
      logY: "auto",
    });
  let drawingNow: Promise<unknown> | null = null;
  const result = byId("play-result", HTMLDListElement);
  const seedsOut = byId("play-seeds", HTMLDListElement);
  let data: PlaneData = planeData("circle", 200, 0, 1);
  let fromFile: PlaneData | null = null;

  const current = (): PlaneData => {
    if (dataset.value === "file" && fromFile !== null) return fromFile;
    return planeData(dataset.value as PlaneDataName, 200, numberOf(noise, 0), 1);
  };
  const options = (seed: number): MLPOptions => {
    const sizes = hidden.value
      .split(",")
      .map((v) => Math.floor(Number(v.trim())))
      .filter((v) => Number.isFinite(v) && v > 0);
    return {
      hiddenLayerSizes: sizes.length > 0 ? sizes : [8],
      activation: activation.value as ActivationName,
      learningRate: numberOf(lr, 0.03),
      alpha: numberOf(alpha, 1e-4),
      batchSize: Math.max(1, Math.floor(numberOf(batch, 10))),
      maxEpochs: Math.max(1, Math.floor(numberOf(epochs, 300))),
      tol: null,
      seed,
    };
  };
  const reset = (): void => {
    data = current();
    void drawBoundary(boundary, null, data);
    showPairs(result, [["data", `${data.labels.length} points`]]);
  };

  const hint = byId("play-hint", HTMLParagraphElement);
  dataset.addEventListener("change", () => {
    // The spiral needs more than the defaults give: the page says what does.
    hint.hidden = dataset.value !== "spiral";
    if (dataset.value === "file") fileInput.click();
    else reset();
  });
  noise.addEventListener("change", reset);
  fileInput.addEventListener("change", async () => {
    const f = fileInput.files?.[0];
    if (f === undefined) return;
    try {
      // The first two columns are the coordinates, the last the label (two classes).
      const { rows } = await parseCsvText(await f.text());
      const points = new Float64Array(2 * rows.length);
      const raw = rows.map((r) => r[r.length - 1] as string);
      const classes = [...new Set(raw)].sort();
      if (classes.length !== 2) throw new Error(`the last column must hold two classes (found ${classes.length})`);
      rows.forEach((r, i) => {
        points[2 * i] = Number(r[0]);
        points[2 * i + 1] = Number(r[1]);
      });
      if (!points.every(Number.isFinite)) throw new Error("the first two columns must be numbers");
      let m = 0;
      for (const v of points) m = Math.max(m, Math.abs(v));
      // Scaled into the drawn square.
      for (let i = 0; i < points.length; i++) points[i] = ((points[i] as number) / (m || 1)) * (EXTENT - 1);
      fromFile = { points, labels: raw.map((v) => (v === classes[1] ? 1 : 0)) };
      reset();
    } catch (err) {
      showPairs(result, [["error", (err as Error).message]], true);
    }
  });

  byId("play-train", HTMLButtonElement).addEventListener("click", async () => {
    result.dataset.state = "running";
    const X = inputs(data.points);
    const losses: number[] = [];
    const model = new MLPClassifier({
      ...options(0),
      onEpoch: (info: EpochInfo) => {
        losses.push(info.loss);
        if (info.epoch % 10 === 0 && drawingNow === null) {
          drawingNow = Promise.all([lossChart(losses), drawBoundary(boundary, model, data)]).finally(() => {
            drawingNow = null;
          });
        }
        return undefined;
      },
    });
    try {
      const started = performance.now();
      await model.fit(X, data.labels);
      await drawingNow;
      await lossChart(model.history.loss);
      await drawBoundary(boundary, model, data);
      const accuracy = model.score(X, data.labels);
      result.dataset.state = "done";
      result.dataset.accuracy = String(accuracy);
      showPairs(result, [
        ["accuracy", accuracy.toFixed(3)],
        ["loss", (model.history.loss.at(-1) ?? Number.NaN).toPrecision(4)],
        ["epochs", String(model.nEpochs)],
        ["network", model.layerUnits.join(" → ")],
        ["time", `${(performance.now() - started).toFixed(0)} ms`],
      ]);
    } catch (err) {
      result.dataset.state = "error";
      showPairs(result, [["error", (err as Error).message]], true);
    }
  });

  byId("play-seeds-run", HTMLButtonElement).addEventListener("click", async () => {
    seedsOut.dataset.state = "running";
    const X = inputs(data.points);
    const scores: number[] = [];
    try {
      for (let seed = 0; seed < 20; seed++) {
        const m = await new MLPClassifier(options(seed)).fit(X, data.labels);
        scores.push(m.score(X, data.labels));
        showPairs(seedsOut, [["seeds run", `${scores.length} of 20`]]);
      }
      const good = scores.filter((s) => s >= GOOD_ACCURACY).length;
      seedsOut.dataset.state = "done";
      seedsOut.dataset.good = String(good);
      showPairs(seedsOut, [
        ["reached 90%", `${good} of 20 seeds`],
        ["poor local minimum", `${20 - good} of 20`],
        ["accuracies", scores.map((s) => s.toFixed(2)).join(" ")],
      ]);
    } catch (err) {
      seedsOut.dataset.state = "error";
      showPairs(seedsOut, [["error", (err as Error).message]], true);
    }
  });
  reset();
}
