import { minimize } from "../optim/minimize.js";
import type { OptimizerName } from "../train/options.js";
import { drawContours, drawCross, drawLines, drawPath, fromPixel } from "./canvas-plot.js";
import { byId, numberOf, parseCsvText } from "./dom.js";
import { type BatchMode, bumpySurface, regressionSurface, rosenbrockSurface, type Surface } from "./surfaces.js";

const COLORS = ["#f97316", "#22c55e", "#e11d48", "#a855f7", "#eab308", "#06b6d4"];

/** A table of numeric cells with a header. */
export interface NumericTable {
  header: string[];
  rows: string[][];
  target: string;
}

/**
 * Wires the cost-surface panel: the map, clicks that add starts, Run and the per-start status. The
 * regression surface uses one column of `table` against its target, or the user's own CSV.
 */
export function setupSurfacePanel(table: NumericTable, initialFeature: string): void {
  const featureSelect = byId("surface-feature", HTMLSelectElement);
  const fileInput = byId("surface-file", HTMLInputElement);
  const column = (t: NumericTable, name: string): number[] => {
    const i = t.header.indexOf(name);
    return t.rows.map((r) => Number(r[i]));
  };
  featureSelect.replaceChildren(
    ...table.header
      .filter((h) => h !== table.target)
      .map((h) => {
        const o = document.createElement("option");
        o.value = h;
        o.textContent = `${h} → ${table.target}`;
        return o;
      }),
  );
  featureSelect.value = initialFeature;
  let regressionData = { x: column(table, initialFeature), y: column(table, table.target), feature: initialFeature };
  const canvas = byId("surface-canvas", HTMLCanvasElement);
  const lossCanvas = byId("surface-loss", HTMLCanvasElement);
  const kind = byId("surface-kind", HTMLSelectElement);
  const scaled = byId("surface-scaled", HTMLInputElement);
  const mode = byId("surface-mode", HTMLSelectElement);
  const optimizer = byId("surface-optimizer", HTMLSelectElement);
  const lr = byId("surface-lr", HTMLInputElement);
  const steps = byId("surface-steps", HTMLInputElement);
  const status = byId("surface-status", HTMLOListElement);
  let starts: Array<[number, number]> = [];
  let surface: Surface = regressionSurface(regressionData.x, regressionData.y, true, regressionData.feature);

  const redraw = (): void => {
    drawContours(canvas, surface.view, surface.value);
    for (const [x, y] of surface.minima) drawCross(canvas, surface.view, x, y, "#ffffff");
    starts.forEach((p, k) => {
      drawPath(canvas, surface.view, [p], COLORS[k % COLORS.length] as string);
    });
  };
  const choose = (): void => {
    surface =
      kind.value === "regression"
        ? regressionSurface(regressionData.x, regressionData.y, scaled.checked, regressionData.feature)
        : kind.value === "bumpy"
          ? bumpySurface()
          : rosenbrockSurface();
    scaled.disabled = kind.value !== "regression";
    featureSelect.disabled = kind.value !== "regression";
    mode.disabled = kind.value !== "regression";
    starts = [];
    status.replaceChildren();
    canvas.dataset.ready = "true";
    redraw();
  };
  kind.addEventListener("change", () => {
    if (kind.value === "rosenbrock") {
      lr.value = "0.001";
      steps.value = "5000";
    } else if (kind.value === "bumpy") {
      lr.value = "0.1";
      steps.value = "400";
    } else {
      lr.value = "0.3";
      steps.value = "300";
    }
    choose();
  });
  scaled.addEventListener("change", choose);
  featureSelect.addEventListener("change", () => {
    regressionData = {
      x: column(table, featureSelect.value),
      y: column(table, table.target),
      feature: featureSelect.value,
    };
    kind.value = "regression";
    choose();
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    if (file === undefined) return;
    try {
      const { header, rows } = await parseCsvText(await file.text());
      const x = rows.map((r) => Number(r[0]));
      const y = rows.map((r) => Number(r[r.length - 1]));
      if (x.some((v) => !Number.isFinite(v)) || y.some((v) => !Number.isFinite(v)))
        throw new Error("the first and last columns must be numbers");
      regressionData = { x, y, feature: `${header[0]} → ${header[header.length - 1]} (${file.name})` };
      kind.value = "regression";
      choose();
    } catch (err) {
      const li = document.createElement("li");
      li.className = "diverged";
      li.textContent = `cannot use ${file.name}: ${(err as Error).message}`;
      status.replaceChildren(li);
    }
  });
  canvas.addEventListener("click", (e) => {
    const rect = canvas.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * canvas.width;
    const py = ((e.clientY - rect.top) / rect.height) * canvas.height;
    starts.push(fromPixel(surface.view, canvas, px, py));
    redraw();
  });
  byId("surface-clear", HTMLButtonElement).addEventListener("click", () => {
    starts = [];
    status.replaceChildren();
    redraw();
  });
  byId("surface-run", HTMLButtonElement).addEventListener("click", () => {
    if (starts.length === 0)
      starts.push([
        surface.view.x0 + 0.1 * (surface.view.x1 - surface.view.x0),
        surface.view.y0 + 0.9 * (surface.view.y1 - surface.view.y0),
      ]);
    const rate = numberOf(lr, 0.1);
    const maxEpochs = Math.max(1, Math.floor(numberOf(steps, 300)));
    status.replaceChildren();
    const paths: Array<Array<[number, number]>> = [];
    const losses: Array<{ values: number[]; color: string; label: string }> = [];
    starts.forEach((start, k) => {
      const result = minimize(surface.fn(mode.value as BatchMode, k + 1), start, {
        optimizer: optimizer.value as OptimizerName,
        learningRate: rate,
        maxEpochs,
        gradTol: 1e-7,
      });
      paths.push(result.path.map((p) => [p[0] as number, p[1] as number]));
      const color = COLORS[k % COLORS.length] as string;
      if (k < 2) losses.push({ values: result.history.loss, color, label: `start ${k + 1}` });
      const [fx, fy] = [result.x[0] as number, result.x[1] as number];
      const nearest = surface.minima.reduce((best, m) =>
        Math.hypot(m[0] - fx, m[1] - fy) < Math.hypot(best[0] - fx, best[1] - fy) ? m : best,
      );
      const li = document.createElement("li");
      li.style.color = color;
      li.dataset.stop = result.stopReason;
      li.dataset.x = String(fx);
      li.dataset.y = String(fy);
      li.dataset.distance = String(Math.hypot(nearest[0] - fx, nearest[1] - fy));
      if (result.stopReason === "diverged") {
        li.className = "diverged";
        li.textContent = `start ${k + 1}: diverged after ${result.history.loss.length} steps; the rate is too large for this surface (try a smaller one, or scale the feature)`;
      } else {
        li.textContent = `start ${k + 1}: ${surface.axes[0]} = ${fx.toFixed(4)}, ${surface.axes[1]} = ${fy.toFixed(4)}, f = ${surface.value(fx, fy).toPrecision(5)} after ${result.history.loss.length} steps (${result.stopReason})`;
      }
      status.append(li);
    });
    drawLines(lossCanvas, losses);
    // Animate the paths over about a second.
    const longest = Math.max(...paths.map((p) => p.length));
    const t0 = performance.now();
    const frame = (): void => {
      const frac = Math.min(1, (performance.now() - t0) / 1000);
      redraw();
      paths.forEach((p, k) => {
        drawPath(canvas, surface.view, p, COLORS[k % COLORS.length] as string, Math.max(1, Math.ceil(frac * longest)));
      });
      if (frac < 1) requestAnimationFrame(frame);
      else canvas.dataset.drawn = String(paths.length);
    };
    canvas.dataset.drawn = "0";
    requestAnimationFrame(frame);
  });
  choose();
}
