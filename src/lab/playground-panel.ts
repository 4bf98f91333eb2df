// The Playground panel: a small network learning a 2-D data set (or two columns of a CSV) with its
// decision boundary and loss drawn live, and a "try 20 seeds" button that shows how often an
// architecture ends in a poor local minimum.
import type { ActivationName } from "../backend/mlp-net.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import type { MLPOptions } from "../models/mlp-options.js";
import type { EpochInfo } from "../train/history.js";
import { drawLines } from "./canvas-plot.js";
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

/** Paints P(label 1) over the plane (orange for 1, blue for 0) and the points on top. */
function drawBoundary(c: HTMLCanvasElement, model: MLPClassifier | null, data: PlaneData): void {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  const W = c.width;
  const H = c.height;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  if (model !== null) {
    const grid: number[][] = [];
    for (let j = 0; j < GRID; j++) {
      for (let i = 0; i < GRID; i++) {
        grid.push([((i + 0.5) / GRID) * 2 - 1, 1 - ((j + 0.5) / GRID) * 2]);
      }
    }
    const p = model.predictProba(grid);
    const cw = W / GRID;
    const ch = H / GRID;
    for (let k = 0; k < grid.length; k++) {
      const p1 = p.data[2 * k + 1] as number;
      const blue = [37, 99, 235];
      const orange = [234, 88, 12];
      const mix = (a: number, b: number): number => Math.round(255 + (p1 * b + (1 - p1) * a - 255) * 0.45);
      ctx.fillStyle = `rgb(${mix(blue[0] as number, orange[0] as number)},${mix(blue[1] as number, orange[1] as number)},${mix(blue[2] as number, orange[2] as number)})`;
      ctx.fillRect((k % GRID) * cw, Math.floor(k / GRID) * ch, cw + 0.5, ch + 0.5);
    }
  }
  for (let i = 0; i < data.labels.length; i++) {
    const x = (((data.points[2 * i] as number) / EXTENT + 1) / 2) * W;
    const y = (1 - ((data.points[2 * i + 1] as number) / EXTENT + 1) / 2) * H;
    ctx.beginPath();
    ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = data.labels[i] === 1 ? "#ea580c" : "#2563eb";
    ctx.fill();
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
  }
  c.dataset.drawn = model === null ? "points" : "boundary";
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
  const boundary = byId("play-boundary", HTMLCanvasElement);
  const loss = byId("play-loss", HTMLCanvasElement);
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
    drawBoundary(boundary, null, data);
    showPairs(result, [["data", `${data.labels.length} points`]]);
  };

  dataset.addEventListener("change", () => {
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
        if (info.epoch % 10 === 0) {
          drawLines(loss, [{ values: losses, color: "#2563eb", label: "log loss" }]);
          drawBoundary(boundary, model, data);
        }
        return undefined;
      },
    });
    try {
      const started = performance.now();
      await model.fit(X, data.labels);
      drawLines(loss, [{ values: model.history.loss, color: "#2563eb", label: "log loss" }]);
      drawBoundary(boundary, model, data);
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
