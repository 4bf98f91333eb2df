import type { Matrix } from "../matrix.js";
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { type ColumnFlags, type ColumnNote, planColumns } from "../preprocess/column-plan.js";
import { StandardScaler } from "../preprocess/standard-scaler.js";
import { typeRows } from "../table/column-builder.js";
import { type ColumnTable, missingCount, type TableRecord, toColumnTable } from "../table/column-table.js";
import { splitTarget } from "../table/target-column.js";
import type { EpochInfo } from "../train/history.js";
import type { OptimizerName, SgdOptions } from "../train/options.js";
import { findLearningRate } from "../tuning/find-learning-rate.js";
import { fitInWorker, type WorkerModelKind } from "../web/fit-in-worker.js";
import { lineChart, plotly } from "./charts.js";
import { byId, parseCsvText, parseParquetRecords, readNumber, showPairs } from "./dom.js";
import { setupRateFinder } from "./rate-finder.js";
import { drawCoefficients, drawConfusion, drawPredictedVsActual } from "./result-plots.js";
import { inTargetUnits, standardiseTarget, type TargetScale, targetScale } from "./target-scaling.js";

/** The most classes the Train tab fits a classifier to (more: a numeric target, for linear regression). */
const MAX_CLASSES = 50;

/** The rate the form starts with, and goes back to when the data changes. */
const DEFAULT_RATE = "0.01";

const TARGETS: Record<string, string> = { diabetes: "progression", breast_cancer: "benign", iris: "species" };
const MODEL_FOR: Record<string, string> = { diabetes: "linear", breast_cancer: "logistic", iris: "logistic" };

type Model = LinearRegression | LogisticRegression | LinearSVM;

/** What the user picked for a column in the column list. */
type Treatment = "auto" | "number" | "category" | "drop";

/** The column flags of the treatments picked (auto columns are typed by their cells). */
function flagsOf(treatments: ReadonlyMap<string, Treatment>): ColumnFlags {
  const pick = (t: Treatment) => [...treatments].filter(([, v]) => v === t).map(([k]) => k);
  return { categorical: pick("category"), numeric: pick("number") };
}

/** Wires the Train panel: dataset or dropped CSV, options, live curves, result and download. */
export function setupTrainPanel(): void {
  const dataset = byId("train-dataset", HTMLSelectElement);
  const fileInput = byId("train-file", HTMLInputElement);
  const target = byId("train-target", HTMLSelectElement);
  const model = byId("train-model", HTMLSelectElement);
  const optimizer = byId("train-optimizer", HTMLSelectElement);
  const lr = byId("train-lr", HTMLInputElement);
  const batch = byId("train-batch", HTMLInputElement);
  const epochs = byId("train-epochs", HTMLInputElement);
  const scale = byId("train-scale", HTMLInputElement);
  const early = byId("train-early", HTMLInputElement);
  const inWorker = byId("train-worker", HTMLInputElement);
  const chart = byId("train-chart", HTMLDivElement);
  const result = byId("train-result", HTMLDListElement);
  const coefPlot = byId("train-coef-plot", HTMLDivElement);
  const diagnostic = byId("train-diagnostic", HTMLDivElement);
  const download = byId("train-download", HTMLAnchorElement);
  const drop = byId("train-drop", HTMLDivElement);
  const columnList = byId("train-columns", HTMLTableElement);
  let table: { data: ColumnTable; name: string } | null = null;
  const treatments = new Map<string, Treatment>();

  const show = (pairs: Array<[string, string]>, bad = false): void => showPairs(result, pairs, bad);

  /** The feature columns with their types, missing counts, treatment pickers and what the plan does. */
  const renderColumns = (): void => {
    const body = columnList.tBodies[0] as HTMLTableSectionElement;
    if (table === null) return;
    const features = table.data.columns.filter((c) => c.name !== target.value);
    let notes: ColumnNote[] = [];
    try {
      notes = planColumns(
        { columns: features.filter((c) => treatments.get(c.name) !== "drop"), rows: table.data.rows },
        flagsOf(treatments),
      ).notes;
    } catch (err) {
      show([["error", (err as Error).message]], true);
    }
    body.replaceChildren(
      ...features.map((c) => {
        const tr = document.createElement("tr");
        tr.dataset.column = c.name;
        const cell = (text: string, cls?: string) => {
          const td = document.createElement("td");
          td.textContent = text;
          if (cls !== undefined) td.className = cls;
          return td;
        };
        const select = document.createElement("select");
        for (const t of ["auto", "number", "category", "drop"] as const) {
          const o = document.createElement("option");
          o.value = t;
          o.textContent = t;
          select.append(o);
        }
        select.value = treatments.get(c.name) ?? "auto";
        select.addEventListener("change", () => {
          treatments.set(c.name, select.value as Treatment);
          renderColumns();
        });
        const pickCell = document.createElement("td");
        pickCell.append(select);
        const note =
          treatments.get(c.name) === "drop" ? "left out" : (notes.find((n) => n.name === c.name)?.treatment ?? "");
        tr.append(
          cell(c.name),
          cell(c.kind === "string" ? "text" : c.kind),
          cell(String(missingCount(c))),
          pickCell,
          cell(note, "note"),
        );
        return tr;
      }),
    );
  };

  /** Clears what the last dataset left on screen: its charts, result, download, rate and finder. */
  const resetResults = (): void => {
    for (const el of [chart, coefPlot, diagnostic, byId("train-lr-plot", HTMLDivElement)]) {
      plotly().purge(el);
      delete el.dataset.points;
    }
    coefPlot.hidden = true;
    diagnostic.hidden = true;
    byId("train-lr-plot", HTMLDivElement).hidden = true;
    byId("train-lr-note", HTMLParagraphElement).textContent = "";
    const use = byId("train-lr-use", HTMLButtonElement);
    use.disabled = true;
    use.textContent = "Use this rate";
    download.hidden = true;
    lr.value = DEFAULT_RATE;
    delete result.dataset.score;
    delete result.dataset.state;
  };

  const useTable = (data: ColumnTable, name: string, preferred?: string): void => {
    table = { data, name };
    treatments.clear();
    resetResults();
    const names = data.columns.map((c) => c.name);
    target.replaceChildren(
      ...names.map((h) => {
        const o = document.createElement("option");
        o.value = h;
        o.textContent = h;
        return o;
      }),
    );
    target.value = preferred ?? (names[names.length - 1] as string);
    show([["data", `${name}: ${data.rows} rows × ${names.length} columns`]]);
    modelForTarget();
    renderColumns();
  };
  /** The model a target calls for: linear for a numeric column of many values, else a classifier. */
  const modelForTarget = (): void => {
    const c = table?.data.columns.find((col) => col.name === target.value);
    if (c === undefined) return;
    model.value = c.kind === "number" && new Set(c.values).size > MAX_CLASSES ? "linear" : "logistic";
  };
  target.addEventListener("change", () => {
    modelForTarget();
    renderColumns();
  });
  const loadBundled = async (name: string): Promise<void> => {
    const { header, rows } = await parseCsvText(await (await fetch(`/data/${name}.csv`)).text());
    useTable({ columns: typeRows(header, rows), rows: rows.length }, name, TARGETS[name]);
    model.value = MODEL_FOR[name] ?? "linear";
  };
  const loadFile = async (file: File): Promise<void> => {
    try {
      if (/\.parquet$/i.test(file.name)) {
        const records = await parseParquetRecords(file);
        useTable(toColumnTable(records as TableRecord[], file.name), file.name);
      } else {
        const { header, rows } = await parseCsvText(await file.text());
        useTable({ columns: typeRows(header, rows), rows: rows.length }, file.name);
      }
      dataset.value = "file";
    } catch (err) {
      show([["error", (err as Error).message]], true);
    }
  };
  dataset.addEventListener("change", () => {
    if (dataset.value === "file") fileInput.click();
    else void loadBundled(dataset.value);
  });
  fileInput.addEventListener("change", () => {
    const f = fileInput.files?.[0];
    if (f !== undefined) void loadFile(f);
  });
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) void loadFile(f);
  });

  /**
   * The table as training data and the options the controls set: the target taken out, the
   * columns planned as the list says (text one-hot, missing cells imputed, dates expanded, as
   * descent fit does), then standardised when asked.
   */
  const prepare = () => {
    const t = table;
    if (t === null) throw new Error("no data loaded");
    const regression = model.value === "linear";
    const kept = { columns: t.data.columns.filter((c) => treatments.get(c.name) !== "drop"), rows: t.data.rows };
    const split = splitTarget(kept, target.value, regression, t.name);
    const plan = planColumns(split.X, flagsOf(treatments));
    const y = plan.keptRows === null ? split.y : plan.keptRows.map((r) => split.y[r] as number | string);
    if (!regression) {
      const distinct = new Set(y).size;
      if (distinct > MAX_CLASSES)
        throw new Error(
          `'${target.value}' holds ${distinct} distinct values: a classifier needs a few classes; pick the linear model for a numeric target`,
        );
    }
    const features = plan.preprocessor.getFeatureNamesOut();
    const raw = plan.preprocessor.transform(plan.table);
    const Z: Matrix = scale.checked ? new StandardScaler().fitTransform(raw) : raw;
    // A regression target is standardised for training; the model is handed back in its units.
    const yScale: TargetScale | null = regression ? targetScale(y as number[]) : null;
    const yTrain = yScale === null ? y : standardiseTarget(y as number[], yScale);
    const batchText = batch.value.trim();
    const options: SgdOptions = {
      optimizer: optimizer.value as OptimizerName,
      learningRate: readNumber(lr, "Learning rate", { above: 0 }),
      batchSize:
        batchText === "full" ? "full" : readNumber(batch, "Batch (a row count or 'full')", { whole: true, atLeast: 1 }),
      maxEpochs: readNumber(epochs, "Epochs", { whole: true, atLeast: 1 }),
      earlyStopping: early.checked,
      seed: 0,
    };
    const make = (o: SgdOptions): Model =>
      regression ? new LinearRegression(o) : model.value === "svm" ? new LinearSVM(o) : new LogisticRegression(o);
    return { features, regression, y, yTrain, yScale, Z, options, make };
  };

  setupRateFinder("train", lr, "objective J", (range) => {
    const { yTrain, Z, options, make } = prepare();
    return findLearningRate(make(options), Z, yTrain, range);
  });

  byId("train-run", HTMLButtonElement).addEventListener("click", async () => {
    if (table === null) return;
    result.dataset.state = "running";
    try {
      const { features, regression, y, yTrain, yScale, Z, options } = prepare();
      const losses: number[] = [];
      const vals: number[] = [];
      const valLabel = regression ? "validation R²" : "validation accuracy";
      const lossName = regression ? "objective J (standardised target)" : "objective J";
      const curves = (loss: readonly number[]) =>
        lineChart(
          chart,
          "training curves",
          [
            { name: lossName, y: loss, color: "#2563eb" },
            ...(vals.length > 0
              ? [{ name: valLabel, y: vals, color: "#ea580c", right: true, dash: "dash" as const }]
              : []),
          ],
          { x: "epoch", y: lossName, y2: valLabel, logY: "auto" },
        );
      let pending: Promise<void> | null = null;
      const onEpoch = (info: EpochInfo): undefined => {
        losses.push(info.loss);
        if (info.valScore !== undefined) vals.push(info.valScore);
        // One redraw at a time; epochs that finish meanwhile are drawn by the next one.
        pending ??= curves(losses).finally(() => {
          pending = null;
        });
        return undefined;
      };
      const started = performance.now();
      let fitted: Model;
      if (inWorker.checked) {
        const kind: WorkerModelKind = regression
          ? "LinearRegression"
          : model.value === "svm"
            ? "LinearSVM"
            : "LogisticRegression";
        fitted = await fitInWorker(kind, options, Z, yTrain, onEpoch);
      } else {
        const withCallback = { ...options, onEpoch };
        fitted = regression
          ? new LinearRegression(withCallback)
          : model.value === "svm"
            ? new LinearSVM(withCallback)
            : new LogisticRegression(withCallback);
        if (fitted instanceof LinearRegression) await fitted.fit(Z, yTrain as number[]);
        else await fitted.fit(Z, y);
      }
      if (fitted instanceof LinearRegression && yScale !== null) fitted = inTargetUnits(fitted, yScale);
      const ms = performance.now() - started;
      await pending;
      vals.length = 0;
      for (const v of fitted.history.valScore ?? []) vals.push(v);
      await curves(fitted.history.loss);
      const score = fitted instanceof LinearRegression ? fitted.score(Z, y as number[]) : fitted.score(Z, y);
      result.dataset.score = String(score);
      result.dataset.stop = fitted.stopReason ?? "";
      result.dataset.state = "done";
      show([
        ["model", `${fitted.constructor.name}${inWorker.checked ? " (trained in a Web Worker)" : ""}`],
        [regression ? "train R²" : "train accuracy", score.toFixed(4)],
        ["objective", (fitted.history.loss.at(-1) ?? Number.NaN).toPrecision(6)],
        ["epochs", String(fitted.nEpochs)],
        ["stop", fitted.stopReason ?? "-"],
        ...(yScale === null
          ? []
          : ([
              [
                "target",
                `standardised for training (mean ${yScale.mean.toPrecision(4)}, std ${yScale.std.toPrecision(4)}); the model predicts in its units`,
              ],
            ] as Array<[string, string]>)),
        ["time", `${ms.toFixed(0)} ms`],
      ]);
      download.href = URL.createObjectURL(
        new Blob([JSON.stringify(fitted.toJSON(), null, 1)], { type: "application/json" }),
      );
      download.hidden = false;
      // The model trained: a plot that fails says so beside the score, never in its place.
      try {
        coefPlot.hidden = false;
        diagnostic.hidden = false;
        const c = fitted.coef;
        const classes = fitted instanceof LinearRegression ? null : fitted.classes;
        await drawCoefficients(
          coefPlot,
          features,
          c instanceof Float64Array
            ? [c]
            : Array.from({ length: c.rows }, (_, k) => c.data.subarray(k * c.cols, (k + 1) * c.cols)),
          c instanceof Float64Array ? null : (classes ?? []).map(String),
        );
        if (fitted instanceof LinearRegression)
          await drawPredictedVsActual(diagnostic, y as number[], fitted.predict(Z));
        else
          await drawConfusion(
            diagnostic,
            classes ?? [],
            y,
            Array.from(fitted.predict(Z) as ArrayLike<unknown>) as typeof y,
          );
      } catch (err) {
        result.dataset.plotError = (err as Error).message;
        const dt = document.createElement("dt");
        dt.textContent = "plots";
        const dd = document.createElement("dd");
        dd.className = "bad";
        dd.textContent = `could not be drawn: ${(err as Error).message}`;
        result.append(dt, dd);
      }
    } catch (err) {
      result.dataset.state = "error";
      show([["error", (err as Error).message]], true);
    }
  });
  void loadBundled("diabetes");
}
