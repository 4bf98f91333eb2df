import { DescentError } from "../errors.js";
import { LinearRegression } from "../models/linear-regression.js";
import { minimize } from "../optim/minimize.js";
import type { OptimizerName } from "../train/options.js";
import { lineChart } from "./charts.js";
import { byId, numberOf, parseCsvText } from "./dom.js";
import { LESSONS, type Lesson, type LessonRun } from "./lessons.js";
import { type DrawnPath, drawContourMap, drawSurface3d, surfaceGrid } from "./surface-plots.js";
import { type BatchMode, bumpySurface, regressionSurface, rosenbrockSurface, type Surface } from "./surfaces.js";

const COLORS = ["#f97316", "#22c55e", "#e11d48", "#a855f7", "#eab308", "#06b6d4"];

/** A table of numeric cells with a header. */
export interface NumericTable {
  header: string[];
  rows: string[][];
  target: string;
}

/** One descent to run: start point, rate, optimizer, gradient mode, legend name. */
interface Run {
  start: readonly [number, number];
  rate: number;
  optimizer: OptimizerName;
  mode: BatchMode;
  name: string;
}

/** What a run gave. */
interface RunResult {
  run: Run;
  path: Array<readonly [number, number]>;
  losses: number[];
  stopReason: string;
}

/** plotly's event hook on a plotted element. */
interface PlotlyElement extends HTMLElement {
  on(event: string, handler: (e: Record<string, unknown>) => void): void;
}

/** The message descent's estimators give for a diverging run of this rate on the regression data, if they do. */
async function divergenceMessage(surface: Surface, rate: number, steps: number): Promise<string | null> {
  if (surface.data === undefined) return null;
  const X = surface.data.x.map((v) => [v]);
  try {
    await new LinearRegression({
      learningRate: rate,
      batchSize: "full",
      optimizer: "sgd",
      alpha: 0,
      maxEpochs: steps,
      tol: null,
    }).fit(X, surface.data.y);
    return null;
  } catch (err) {
    return err instanceof DescentError && err.code === "E_DIVERGED" ? err.message : null;
  }
}

/**
 * Wires the cost-surface panel: the lessons, the contour map and the 3D surface side by side (a
 * click on the map adds a start), Run, the animated paths, the cost curves and the per-run status.
 * The regression surface uses one column of `table` against its target, or the user's own CSV.
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
  const map = byId("surface-map", HTMLDivElement) as unknown as PlotlyElement;
  const view3d = byId("surface-3d", HTMLDivElement) as unknown as PlotlyElement;
  const compare = byId("surface-compare", HTMLDivElement);
  const lossPlot = byId("surface-loss", HTMLDivElement);
  const caption = byId("lesson-caption", HTMLParagraphElement);
  const kind = byId("surface-kind", HTMLSelectElement);
  const scaled = byId("surface-scaled", HTMLInputElement);
  const mode = byId("surface-mode", HTMLSelectElement);
  const optimizer = byId("surface-optimizer", HTMLSelectElement);
  const lr = byId("surface-lr", HTMLInputElement);
  const steps = byId("surface-steps", HTMLInputElement);
  const status = byId("surface-status", HTMLOListElement);
  const lessonBar = byId("lessons", HTMLDivElement);
  let starts: Array<[number, number]> = [];
  let surface: Surface = regressionSurface(regressionData.x, regressionData.y, true, regressionData.feature);
  let grid = surfaceGrid(surface);
  let drawing = Promise.resolve();

  const build = (k: string, isScaled: boolean): Surface =>
    k === "regression"
      ? regressionSurface(regressionData.x, regressionData.y, isScaled, regressionData.feature)
      : k === "bumpy"
        ? bumpySurface()
        : rosenbrockSurface();
  const startPaths = (): DrawnPath[] =>
    starts.map((p, k) => ({ points: [p], color: COLORS[k % COLORS.length] as string, name: `start ${k + 1}` }));
  const draw = async (paths: DrawnPath[], upto: number): Promise<void> => {
    await drawContourMap(map, surface, grid, paths, upto);
    await drawSurface3d(view3d, surface, grid, paths, upto);
  };
  const choose = (): void => {
    surface = build(kind.value, scaled.checked);
    grid = surfaceGrid(surface);
    scaled.disabled = kind.value !== "regression";
    featureSelect.disabled = kind.value !== "regression";
    mode.disabled = kind.value !== "regression";
    starts = [];
    status.replaceChildren();
    compare.hidden = true;
    map.dataset.ready = "true";
    drawing = draw([], 1);
  };
  const defaultsFor = (k: string): void => {
    if (k === "rosenbrock") {
      lr.value = "0.001";
      steps.value = "5000";
    } else if (k === "bumpy") {
      lr.value = "0.1";
      steps.value = "400";
    } else {
      lr.value = "0.3";
      steps.value = "300";
    }
  };
  kind.addEventListener("change", () => {
    defaultsFor(kind.value);
    caption.textContent = "";
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

  /** Runs every descent: minimize on the surface's function, one run per start. */
  const runAll = (runs: Run[], maxSteps: number, onSurface: Surface): RunResult[] =>
    runs.map((run, k) => {
      const r = minimize(onSurface.fn(run.mode, k + 1), [run.start[0], run.start[1]], {
        optimizer: run.optimizer,
        learningRate: run.rate,
        maxEpochs: maxSteps,
        gradTol: 1e-7,
      });
      return {
        run,
        path: r.path.map((p) => [p[0] as number, p[1] as number] as const),
        losses: r.history.loss,
        stopReason: r.stopReason,
      };
    });
  const report = async (results: RunResult[], maxSteps: number): Promise<void> => {
    status.replaceChildren();
    for (const [k, r] of results.entries()) {
      const color = COLORS[k % COLORS.length] as string;
      const [fx, fy] = r.path[r.path.length - 1] as readonly [number, number];
      const nearest = surface.minima.reduce((best, m) =>
        Math.hypot(m[0] - fx, m[1] - fy) < Math.hypot(best[0] - fx, best[1] - fy) ? m : best,
      );
      const li = document.createElement("li");
      li.style.color = color;
      li.dataset.stop = r.stopReason;
      li.dataset.x = String(fx);
      li.dataset.y = String(fy);
      li.dataset.points = String(r.path.length);
      li.dataset.distance = String(Math.hypot(nearest[0] - fx, nearest[1] - fy));
      li.dataset.minimum = String(surface.minima.indexOf(nearest));
      const [ax, ay] = surface.axes;
      if (r.stopReason === "diverged") {
        li.className = "diverged";
        const message = await divergenceMessage(surface, r.run.rate, maxSteps);
        li.textContent =
          `${r.run.name}: diverged after ${r.losses.length} steps; the rate is too large for this surface` +
          (message === null
            ? " (try a smaller one, or scale the feature)"
            : `. An estimator says: E_DIVERGED: ${message}`);
      } else {
        li.textContent = `${r.run.name}: ${ax} = ${fx.toFixed(4)}, ${ay} = ${fy.toFixed(4)}, J = ${surface.value(fx, fy).toPrecision(5)} after ${r.losses.length} steps (${r.stopReason}), ${Math.hypot(nearest[0] - fx, nearest[1] - fy) < 0.05 ? "at" : "away from"} ${surface.minima.length > 1 ? `minimum ${surface.minima.indexOf(nearest) + 1}` : "the minimum"}`;
      }
      status.append(li);
    }
  };
  const animate = async (results: RunResult[]): Promise<void> => {
    const paths: DrawnPath[] = results.map((r, k) => ({
      points: r.path,
      color: COLORS[k % COLORS.length] as string,
      name: r.run.name,
    }));
    const longest = Math.max(...paths.map((p) => p.points.length));
    const frames = Math.min(longest, 20);
    map.dataset.drawn = "0";
    for (let f = 1; f <= frames; f++) {
      await draw(paths, Math.ceil((f / frames) * longest));
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    }
    map.dataset.points = results.map((r) => r.path.length).join(",");
    map.dataset.drawn = String(paths.length);
  };
  const lossCurves = async (results: RunResult[]): Promise<void> => {
    await lineChart(
      lossPlot,
      "cost J after each step",
      results.map((r, k) => ({ name: r.run.name, y: r.losses, color: COLORS[k % COLORS.length] as string })),
      { x: "step", y: "J", logY: "auto" },
    );
  };
  const execute = async (runs: Run[], maxSteps: number, lesson: Lesson | null): Promise<void> => {
    await drawing;
    map.dataset.drawn = "0";
    const results = runAll(runs, maxSteps, surface);
    await lossCurves(results);
    await report(results, maxSteps);
    if (lesson?.compareScaled) {
      // The same runs on the standardised feature, drawn beside the unscaled map.
      const round = build("regression", true);
      const roundRuns = lesson.runs.map((r) => toRun(r, round));
      const roundResults = runAll(roundRuns, maxSteps, round);
      compare.hidden = false;
      await drawContourMap(
        compare,
        round,
        surfaceGrid(round),
        roundResults.map((r, k) => ({
          points: r.path,
          color: COLORS[k % COLORS.length] as string,
          name: `${r.run.name} (standardised)`,
        })),
        maxSteps + 1,
      );
      compare.dataset.points = roundResults.map((r) => r.path.length).join(",");
    }
    await animate(results);
  };
  const toRun = (r: LessonRun, s: Surface): Run => ({
    start: [s.view.x0 + r.at[0] * (s.view.x1 - s.view.x0), s.view.y0 + r.at[1] * (s.view.y1 - s.view.y0)],
    rate: typeof r.rate === "number" ? r.rate : r.rate(s),
    optimizer: r.optimizer,
    mode: r.mode,
    name: r.name,
  });

  byId("surface-clear", HTMLButtonElement).addEventListener("click", () => {
    starts = [];
    status.replaceChildren();
    drawing = draw([], 1);
  });
  byId("surface-run", HTMLButtonElement).addEventListener("click", () => {
    if (starts.length === 0)
      starts.push([
        surface.view.x0 + 0.1 * (surface.view.x1 - surface.view.x0),
        surface.view.y0 + 0.9 * (surface.view.y1 - surface.view.y0),
      ]);
    const rate = numberOf(lr, 0.1);
    const maxSteps = Math.max(1, Math.floor(numberOf(steps, 300)));
    compare.hidden = true;
    const runs = starts.map((start, k) => ({
      start,
      rate,
      optimizer: optimizer.value as OptimizerName,
      mode: mode.value as BatchMode,
      name: `start ${k + 1}`,
    }));
    void execute(runs, maxSteps, null);
  });

  lessonBar.replaceChildren(
    ...LESSONS.map((lesson) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "lesson";
      b.dataset.lesson = lesson.id;
      b.textContent = lesson.title;
      b.addEventListener("click", () => {
        for (const other of lessonBar.querySelectorAll("button")) other.classList.toggle("active", other === b);
        kind.value = lesson.kind;
        scaled.checked = lesson.scaled;
        defaultsFor(lesson.kind);
        choose();
        const runs = lesson.runs.map((r) => toRun(r, surface));
        starts = runs.map((r) => [r.start[0], r.start[1]]);
        lr.value = runs[0] === undefined ? lr.value : String(Number(runs[0].rate.toPrecision(4)));
        optimizer.value = runs[0]?.optimizer ?? optimizer.value;
        mode.value = runs[0]?.mode ?? mode.value;
        steps.value = String(lesson.steps);
        caption.textContent = lesson.caption;
        caption.dataset.lesson = lesson.id;
        void execute(runs, lesson.steps, lesson);
      });
      return b;
    }),
  );
  choose();
  // plotly's event hooks exist once it has drawn into an element.
  void drawing.then(() => {
    map.on("plotly_click", (e) => {
      const point = (e.points as Array<{ x: number; y: number }> | undefined)?.[0];
      if (point === undefined) return;
      starts.push([point.x, point.y]);
      drawing = draw(startPaths(), 1);
    });
    view3d.on("plotly_relayout", (e) => {
      const camera = e["scene.camera"] as { eye?: unknown } | undefined;
      if (camera?.eye !== undefined) view3d.dataset.camera = JSON.stringify(camera.eye);
    });
  });
}
