import { DescentError } from "../errors.js";
import { LinearRegression } from "../models/linear-regression.js";
import { type DifferentiableFunction, minimize } from "../train/minimize.js";
import type { OptimizerName } from "../train/options.js";
import { lineChart, plotly } from "./charts.js";
import { byId, parseCsvText, readNumber } from "./dom.js";
import { AT_MINIMUM, LESSONS, type Lesson, type LessonRun, type RunFacts, short } from "./lessons.js";
import { drawOneParameter } from "./one-parameter-plot.js";
import { type DrawnPath, drawContourMap, drawSurface3d, surfaceGrid } from "./surface-plots.js";
import {
  type BatchMode,
  bumpySurface,
  houseSurface,
  regressionSurface,
  rosenbrockSurface,
  type Surface,
  saddleSurface,
} from "./surfaces.js";

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
  /** J − J* at each point of the path (the gap to the lowest cost). */
  gaps: number[];
  facts: RunFacts;
}

/** The facts of a run on `surface`: where it ended, whether and when it settled at a minimum. */
export function runFacts(
  surface: Surface,
  run: { name: string; rate: number },
  path: ReadonlyArray<readonly [number, number]>,
  gaps: readonly number[],
  diverged: boolean,
  fn: DifferentiableFunction,
): RunFacts {
  const nearest = (p: readonly [number, number]): [number, number] => {
    let best = 0;
    let dist = Number.POSITIVE_INFINITY;
    surface.minima.forEach((m, k) => {
      const d = Math.hypot(m[0] - p[0], m[1] - p[1]);
      if (d < dist) {
        dist = d;
        best = k;
      }
    });
    return [best, dist];
  };
  const last = path[path.length - 1] as readonly [number, number];
  const [minimum, distance] = nearest(last);
  let settledAt: number | null = null;
  if (!diverged && distance <= AT_MINIMUM) {
    let t = path.length - 1;
    while (t > 0 && (nearest(path[t - 1] as readonly [number, number])[1] as number) <= AT_MINIMUM) t--;
    settledAt = t;
  }
  const n = gaps.length;
  const stillFalling = n > 6 && (gaps[n - 1] as number) < 0.999 * (gaps[n - 6] as number);
  const ratios: number[] = [];
  for (let t = 0; t + 1 < (settledAt ?? n) && t + 1 < n; t++) {
    const a = gaps[t] as number;
    const b = gaps[t + 1] as number;
    if (a > 1e-12 && b > 0) ratios.push(b / a);
  }
  ratios.sort((a, b) => a - b);
  const gapRatio = ratios.length === 0 ? Number.NaN : (ratios[Math.floor(ratios.length / 2)] as number);
  const start = path[0] as readonly [number, number];
  const g = new Float64Array(2);
  fn.grad(Float64Array.from(start), g);
  const second = path[1] ?? start;
  const lengths: number[] = [];
  for (let t = 1; t < path.length; t++) {
    const a = path[t - 1] as readonly [number, number];
    const b = path[t] as readonly [number, number];
    lengths.push(Math.hypot(b[0] - a[0], b[1] - a[1]));
  }
  const moving = lengths.filter((l) => l > 1e-12);
  const saddle = surface.saddle;
  return {
    start: [start[0], start[1]],
    slope0: [g[0] as number, g[1] as number],
    move0: [second[0] - start[0], second[1] - start[1]],
    stepFirst: moving[0] ?? 0,
    stepLast: moving[moving.length - 1] ?? 0,
    shrinking: lengths.every((l, t) => t === 0 || l <= (lengths[t - 1] as number) * (1 + 1e-9)),
    nearSaddle:
      saddle === undefined ? null : path.filter((p) => Math.hypot(p[0] - saddle[0], p[1] - saddle[1]) < 0.25).length,
    name: run.name,
    rate: run.rate,
    steps: path.length - 1,
    diverged,
    settledAt,
    minimum,
    distance,
    stillFalling,
    gapRatio,
  };
}

/** Dashes and step markers that keep overlapping paths apart (Adam over momentum, mini-batch over batch). */
const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "solid"] as const;
const SYMBOLS = ["circle", "diamond", "square", "cross", "x", "circle-open"] as const;

/** The runs as paths to draw: a diverged run first, so a converging zig-zag is drawn over it. */
function drawnPaths(results: RunResult[]): DrawnPath[] {
  const paths = results.map((r, k) => ({
    points: r.path,
    color: COLORS[k % COLORS.length] as string,
    name: r.run.name,
    dash: DASHES[k % DASHES.length] as string,
    symbol: SYMBOLS[k % SYMBOLS.length] as string,
    diverged: r.facts.diverged,
  }));
  return [...paths.filter((p) => p.diverged), ...paths.filter((p) => !p.diverged)];
}

/** Long decimals in a message (0.5000000000000001) to 4 significant digits. */
function roundNumbers(text: string): string {
  return text.replace(/-?\d+\.\d{5,}(e[-+]?\d+)?/g, (m) => String(Number(Number(m).toPrecision(4))));
}

/** The data coordinates under a mouse event in a 2D plotly chart's plotting area, or null outside it. */
function plotPoint(el: HTMLElement, ev: MouseEvent): [number, number] | null {
  // plotly keeps the axes' pixel-to-data maps and the plotting area's box on the element.
  const layout = (el as unknown as { _fullLayout?: PlotlyLayout })._fullLayout;
  if (layout === undefined) return null;
  const box = el.getBoundingClientRect();
  const px = ev.clientX - box.left - layout._size.l;
  const py = ev.clientY - box.top - layout._size.t;
  if (px < 0 || py < 0 || px > layout._size.w || py > layout._size.h) return null;
  return [layout.xaxis.p2l(px), layout.yaxis.p2l(py)];
}

/** The parts of plotly's full layout plotPoint reads. */
interface PlotlyLayout {
  _size: { l: number; t: number; w: number; h: number };
  xaxis: { p2l(px: number): number };
  yaxis: { p2l(px: number): number };
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
  const onePlot = byId("surface-1d", HTMLDivElement);
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
        : k === "saddle"
          ? saddleSurface()
          : k === "house"
            ? houseSurface()
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
    // What the last surface or lesson left: its cost chart, highlighted button and caption.
    plotly().purge(lossPlot);
    delete lossPlot.dataset.points;
    onePlot.hidden = true;
    for (const b of lessonBar.querySelectorAll("button")) b.classList.remove("active");
    caption.textContent = "";
    delete caption.dataset.lesson;
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
    } else if (k === "saddle") {
      lr.value = "0.05";
      steps.value = "300";
    } else if (k === "house") {
      lr.value = "0.3";
      steps.value = "600";
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
  const runAll = (runs: Run[], maxSteps: number, onSurface: Surface, oneParameter = false): RunResult[] =>
    runs.map((run, k) => {
      const full = onSurface.fn(run.mode, k + 1);
      // The one-parameter picture: only the first coordinate (w) moves; b stays where it starts.
      const fn: DifferentiableFunction = oneParameter
        ? {
            f: full.f,
            grad(t, g) {
              full.grad(t, g);
              g[1] = 0;
            },
          }
        : full;
      const r = minimize(fn, [run.start[0], run.start[1]], {
        optimizer: run.optimizer,
        learningRate: run.rate,
        maxEpochs: maxSteps,
        gradTol: 1e-7,
      });
      const path = r.path.map((p) => [p[0] as number, p[1] as number] as const);
      const gaps = path.map((p) => onSurface.value(p[0], p[1]) - onSurface.lowest);
      return {
        run,
        path,
        losses: r.history.loss,
        stopReason: r.stopReason,
        gaps,
        facts: runFacts(onSurface, run, path, gaps, r.stopReason === "diverged", fn),
      };
    });
  const report = async (results: RunResult[], maxSteps: number): Promise<void> => {
    status.replaceChildren();
    for (const [k, r] of results.entries()) {
      const color = COLORS[k % COLORS.length] as string;
      const [fx, fy] = r.path[r.path.length - 1] as readonly [number, number];
      const f = r.facts;
      const li = document.createElement("li");
      li.style.color = color;
      li.dataset.stop = r.stopReason;
      li.dataset.x = String(fx);
      li.dataset.y = String(fy);
      li.dataset.points = String(r.path.length);
      li.dataset.steps = String(f.steps);
      li.dataset.distance = String(f.distance);
      li.dataset.minimum = String(f.minimum);
      li.dataset.settled = f.settledAt === null ? "" : String(f.settledAt);
      const [ax, ay] = surface.axes;
      const which = surface.minima.length > 1 ? `minimum ${f.minimum + 1}` : "the minimum";
      if (f.diverged) {
        li.className = "diverged";
        const message = await divergenceMessage(surface, r.run.rate, maxSteps);
        li.textContent =
          `${r.run.name}: diverged after ${f.steps} steps; the rate is too large for this surface` +
          (message === null
            ? " (try a smaller one, or scale the feature)"
            : `. An estimator started at w = b = 0 says: E_DIVERGED: ${roundNumbers(message)}`);
      } else {
        li.textContent = `${r.run.name}: ${ax} = ${fx.toFixed(4)}, ${ay} = ${fy.toFixed(4)}, J = ${surface.value(fx, fy).toPrecision(5)} after ${f.steps} steps (${r.stopReason}), ${f.settledAt !== null ? `at ${which} from step ${f.settledAt}` : `${short(f.distance)} from ${which}`}`;
      }
      status.append(li);
    }
  };
  const animate = async (results: RunResult[], oneParameter = false): Promise<void> => {
    const paths = drawnPaths(results);
    const b = results[0]?.run.start[1] ?? 0;
    const longest = Math.max(...paths.map((p) => p.points.length));
    const frames = Math.min(longest, 20);
    map.dataset.drawn = "0";
    for (let f = 1; f <= frames; f++) {
      await draw(paths, Math.ceil((f / frames) * longest));
      if (oneParameter) await drawOneParameter(onePlot, surface, b, paths, Math.ceil((f / frames) * longest));
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    }
    map.dataset.points = results.map((r) => r.path.length).join(",");
    map.dataset.drawn = String(paths.length);
  };
  const lossCurves = async (results: RunResult[]): Promise<void> => {
    // The gap to the lowest cost: it falls by decades on a log axis where J itself levels off at J*.
    await lineChart(
      lossPlot,
      "J − J* after each step: the cost above the lowest",
      results.map((r, k) => ({
        name: r.run.name,
        x: r.gaps.map((_, t) => t),
        y: r.gaps.map((g) => (g > 0 ? g : Number.NaN)),
        color: COLORS[k % COLORS.length] as string,
        // Runs whose curves coincide (two mirror-image starts) stay visible as dashes over a line.
        dash: (["solid", "dash", "dot"] as const)[k % 3],
      })),
      { x: "step", y: "J − J*", logY: "auto" },
    );
  };
  const execute = async (runs: Run[], maxSteps: number, lesson: Lesson | null): Promise<void> => {
    await drawing;
    map.dataset.drawn = "0";
    const oneParameter = lesson?.oneParameter === true;
    onePlot.hidden = !oneParameter;
    const results = runAll(runs, maxSteps, surface, oneParameter);
    await lossCurves(results);
    await report(results, maxSteps);
    let compareFacts: RunFacts[] | null = null;
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
      compareFacts = roundResults.map((r) => r.facts);
    }
    if (lesson !== null) {
      caption.textContent = lesson.caption(
        results.map((r) => r.facts),
        surface,
        compareFacts,
      );
      caption.dataset.lesson = lesson.id;
      caption.dataset.facts = JSON.stringify(results.map((r) => r.facts));
    }
    await animate(results, oneParameter);
  };
  const toRun = (r: LessonRun, s: Surface): Run => ({
    start:
      typeof r.at === "function"
        ? [r.at(s)[0], r.at(s)[1]]
        : [s.view.x0 + r.at[0] * (s.view.x1 - s.view.x0), s.view.y0 + r.at[1] * (s.view.y1 - s.view.y0)],
    // Rounded: a rate read off the curvature prints as 2.4, not 2.3999999999999897.
    rate: Number((typeof r.rate === "number" ? r.rate : r.rate(s)).toPrecision(3)),
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
    let rate: number;
    let maxSteps: number;
    try {
      rate = readNumber(lr, "Learning rate", { above: 0 });
      maxSteps = readNumber(steps, "Steps", { whole: true, atLeast: 1 });
    } catch (err) {
      const li = document.createElement("li");
      li.className = "diverged";
      li.textContent = (err as Error).message;
      status.replaceChildren(li);
      return;
    }
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
        kind.value = lesson.kind;
        scaled.checked = lesson.scaled;
        defaultsFor(lesson.kind);
        choose();
        for (const other of lessonBar.querySelectorAll("button")) other.classList.toggle("active", other === b);
        const runs = lesson.runs.map((r) => toRun(r, surface));
        starts = runs.map((r) => [r.start[0], r.start[1]]);
        lr.value = runs[0] === undefined ? lr.value : String(Number(runs[0].rate.toPrecision(4)));
        optimizer.value = runs[0]?.optimizer ?? optimizer.value;
        mode.value = runs[0]?.mode ?? mode.value;
        steps.value = String(lesson.steps);
        caption.textContent = "running…";
        void execute(runs, lesson.steps, lesson);
      });
      return b;
    }),
  );
  choose();
  // plotly's event hooks exist once it has drawn into an element.
  void drawing.then(() => {
    // A click anywhere in the plotting area places a start there (plotly_click fires only near a
    // grid point, so clicks by the edges were lost).
    map.addEventListener("click", (ev) => {
      const at = plotPoint(map, ev);
      if (at === null) return;
      starts.push(at);
      drawing = draw(startPaths(), 1);
    });
    view3d.on("plotly_relayout", (e) => {
      const camera = e["scene.camera"] as { eye?: unknown } | undefined;
      if (camera?.eye !== undefined) view3d.dataset.camera = JSON.stringify(camera.eye);
    });
  });
}
