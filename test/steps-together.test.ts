// Fits trained together (a StepGroup, as a search trains its candidates on a fold): the WASM kernel
// steps every per-sample SGD model over each row in turn (assembly/steps-together.ts), and runs
// any other model (mini-batch, averaged, cumulative L1, another row order) on its own. Every model
// must end with the bits it gets when fitted alone, on the WASM backend (and, in float64, on the JS
// backend), whatever the loss, schedule, dtype, row weights, shuffling and width (SIMD tails), in cache and
// past the size where rows are read ahead from memory.
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend.js";
import { StepGroup } from "../src/backend/step-group.js";
import { Dataset, type StagedRows } from "../src/data/dataset.js";
import { DescentError } from "../src/errors.js";
import type { Matrix } from "../src/matrix.js";
import { canTrainTogether, togetherSize } from "../src/model-selection/candidates-together.js";
import { cloneEstimator, crossValidate, type FoldScores } from "../src/model-selection/cross-validate.js";
import { gridSearch } from "../src/model-selection/search.js";
import { KFold } from "../src/model-selection/splitters.js";
import { LinearRegression, type LinearRegressionOptions } from "../src/models/linear-regression.js";
import { LinearSVM, type LinearSVMOptions } from "../src/models/linear-svm.js";
import { LogisticRegression } from "../src/models/logistic-regression.js";
import { MLPRegressor } from "../src/models/mlp-regressor.js";
import { linearRows } from "./helpers/linear-rows.js";

/** The backend a Dataset is staged in (its own staging always matches). */
function backendOf(ds: Dataset): Backend {
  const o = ds.options;
  return (ds.stagedFor(o.backend, o.dtype, o.threads) as StagedRows).backend;
}

const hex = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer).toString("hex");

type Model = LinearRegression | LinearSVM | LogisticRegression;
/** What a fitted model is compared by: its parameters and every epoch's objective, as bits. */
function bitsOf(m: Model): string {
  const coef = m.coef as ArrayLike<number>;
  const intercept = m.intercept as number | ArrayLike<number>;
  return [hex(coef), hex(typeof intercept === "number" ? [intercept] : intercept), hex(m.history.loss)].join("|");
}

interface Case {
  name: string;
  make: (backend: "wasm" | "js") => Model;
  targets: "y" | "label";
}

/** A spread of models: losses with loops of their own and the shared loop, per-step rates, no intercept. */
function cases(dtype: "float64" | "float32", shuffle: boolean): Case[] {
  const base = { batchSize: 1, maxEpochs: 3, tol: null, shuffle, seed: 5, dtype } as const;
  const reg = (o: LinearRegressionOptions) => (backend: "wasm" | "js") =>
    new LinearRegression({ ...base, ...o, backend });
  const svm = (o: LinearSVMOptions) => (backend: "wasm" | "js") => new LinearSVM({ ...base, ...o, backend });
  return [
    { name: "squared, constant", make: reg({ learningRate: 0.01, alpha: 1e-4, schedule: "constant" }), targets: "y" },
    {
      name: "squared, constant, larger alpha",
      make: reg({ learningRate: 0.003, alpha: 1e-2, schedule: "constant" }),
      targets: "y",
    },
    {
      name: "squared, invscaling",
      make: reg({ learningRate: 0.02, alpha: 1e-4, schedule: "invscaling" }),
      targets: "y",
    },
    {
      name: "squared, no intercept",
      make: reg({ learningRate: 0.01, fitIntercept: false, schedule: "constant" }),
      targets: "y",
    },
    {
      name: "huber",
      make: reg({ loss: "huber", epsilon: 0.2, learningRate: 0.01, schedule: "constant" }),
      targets: "y",
    },
    {
      name: "epsilon-insensitive",
      make: reg({ loss: "epsilonInsensitive", epsilon: 0.1, learningRate: 0.01 }),
      targets: "y",
    },
    { name: "hinge, optimal", make: svm({ alpha: 1e-3 }), targets: "label" },
    { name: "hinge, constant", make: svm({ learningRate: 0.01, alpha: 1e-4, schedule: "constant" }), targets: "label" },
    {
      name: "squared hinge",
      make: svm({ loss: "squaredHinge", learningRate: 0.005, schedule: "constant" }),
      targets: "label",
    },
    {
      name: "modified huber",
      make: svm({ loss: "modifiedHuber", learningRate: 0.01, schedule: "constant" }),
      targets: "label",
    },
    {
      name: "log, constant",
      make: (backend) =>
        new LogisticRegression({ ...base, learningRate: 0.05, alpha: 1e-4, schedule: "constant", backend }),
      targets: "label",
    },
    {
      name: "log, cosine",
      make: (backend) =>
        new LogisticRegression({ ...base, learningRate: 0.05, alpha: 1e-4, schedule: "cosine", backend }),
      targets: "label",
    },
    // Not taken by the kernel: run on their own within the group.
    { name: "mini-batch", make: reg({ batchSize: 16, learningRate: 0.01, schedule: "constant" }), targets: "y" },
    { name: "averaged", make: reg({ learningRate: 0.01, average: true, schedule: "constant" }), targets: "y" },
    {
      name: "elastic net (cumulative L1)",
      make: reg({ penalty: "elasticnet", l1Ratio: 0.5, alpha: 1e-3, learningRate: 0.01, schedule: "constant" }),
      targets: "y",
    },
  ];
}

/** Fits every case together on `ds` (its targets `y`/`label` picked per case) and alone, and compares. */
async function compareTogether(
  all: { X: Matrix; y: Float64Array; label: Float64Array; w: Float64Array },
  dtype: "float64" | "float32",
  shuffle: boolean,
  weighted: boolean,
  rows: Int32Array | null,
): Promise<void> {
  const ds = await Dataset.from(all.X, null, { dtype });
  try {
    const view = rows === null ? ds : ds.subset(rows);
    const pick = (v: Float64Array) => (rows === null ? v : Float64Array.from(rows, (i) => v[i] as number));
    const fitOpts = (weighted ? { sampleWeight: pick(all.w) } : {}) as never;
    const list = cases(dtype, shuffle);
    const group = new StepGroup(backendOf(ds));
    const gathered = rows === null ? ds.through(group.backend) : ds.through(group.backend).subset(rows);
    const together = list.map((c) => c.make("wasm"));
    await group.run<unknown>(
      together.map((m, k) => () => m.fit(gathered as never, pick(all[(list[k] as Case).targets]) as never, fitOpts)),
    );
    const Xhost = view.matrix();
    for (const [k, c] of list.entries()) {
      const target = pick(all[c.targets]);
      const alone = await c.make("wasm").fit(view as never, target as never, fitOpts);
      const t = bitsOf(together[k] as Model);
      expect(t, `${c.name}: together against alone`).toBe(bitsOf(alone));
      // The JS backend is the bit-exact oracle in float64 (its float32 rounds differently).
      if (dtype === "float64") {
        const js = await c.make("js").fit(Xhost as never, target as never, fitOpts);
        expect(t, `${c.name}: together against the JS backend`).toBe(bitsOf(js));
      }
    }
  } finally {
    ds.dispose();
  }
}

describe("fits trained together (StepGroup, Backend.linearStepsTogether)", () => {
  for (const dtype of ["float64", "float32"] as const)
    for (const shuffle of [false, true])
      it(`give each model its bits alone, ${dtype}, shuffle ${shuffle}, odd width`, async () => {
        await compareTogether(linearRows(700, 9, 11), dtype, shuffle, false, null);
      });

  it("with row weights, on a Dataset subset (a fold's rows), at a width with a SIMD tail", async () => {
    const all = linearRows(900, 35, 3);
    const fold = new KFold({ nSplits: 3 }).split(900)[1];
    if (fold === undefined) throw new Error("no fold");
    await compareTogether(all, "float64", false, true, fold.train);
    await compareTogether(all, "float32", true, true, fold.train);
  });

  it("past the size where rows are read ahead (in order and shuffled), across the kernel's slices", async () => {
    // 30,000 × 24 float64 is 5.8 MB; 30,000 rows is several of the kernel's slices per epoch.
    const all = linearRows(30000, 24, 9);
    await compareTogether(all, "float64", false, false, null);
    await compareTogether(all, "float64", true, false, null);
  }, 60_000);

  it("stop rules of their own (tol, early stopping), several classes one-vs-rest and softmax, alongside", async () => {
    const { X, y, label } = linearRows(900, 7, 17);
    const classes = Float64Array.from(y, (v) => (v < -0.5 ? 0 : v < 0.8 ? 1 : 2));
    const ds = await Dataset.from(X, null);
    try {
      const o = {
        batchSize: 1,
        maxEpochs: 40,
        shuffle: true,
        seed: 2,
        learningRate: 0.01,
        schedule: "constant",
      } as const;
      const makers: Array<[(backend: "wasm" | "js") => Model, Float64Array]> = [
        [(backend) => new LinearRegression({ ...o, tol: 1e-3, backend }), y],
        [(backend) => new LinearRegression({ ...o, tol: 1e-5, alpha: 1e-2, backend }), y],
        [(backend) => new LinearRegression({ ...o, tol: 1e-4, earlyStopping: true, backend }), y],
        [(backend) => new LinearSVM({ ...o, tol: 1e-3, backend }), label],
        [(backend) => new LinearSVM({ ...o, tol: null, maxEpochs: 6, backend }), classes],
        [(backend) => new LogisticRegression({ ...o, tol: null, maxEpochs: 6, multiClass: "ovr", backend }), classes],
        [(backend) => new LogisticRegression({ ...o, tol: null, maxEpochs: 6, backend }), classes],
      ];
      const group = new StepGroup(backendOf(ds));
      const view = ds.through(group.backend);
      const together = makers.map(([make]) => make("wasm"));
      await group.run<unknown>(
        together.map((m, k) => () => m.fit(view as never, (makers[k] as [unknown, Float64Array])[1] as never)),
      );
      const epochs = new Set<number>();
      for (const [k, [make, target]] of makers.entries()) {
        const alone = await make("wasm").fit(ds as never, target as never);
        const js = await make("js").fit(X as never, target as never);
        const t = together[k] as Model;
        expect(bitsOf(t), `model ${k} together against alone`).toBe(bitsOf(alone));
        expect(bitsOf(t), `model ${k} together against the JS backend`).toBe(bitsOf(js));
        epochs.add(t.nEpochs ?? 0);
      }
      // The fits stopped at different epochs: the group went on with fewer of them.
      expect(epochs.size).toBeGreaterThan(2);
    } finally {
      ds.dispose();
    }
  });

  it("models whose row orders differ (other seeds) are run on their own, with their own bits", async () => {
    const { X, y } = linearRows(600, 8, 4);
    const ds = await Dataset.from(X, y);
    try {
      const o = {
        batchSize: 1,
        maxEpochs: 3,
        tol: null,
        shuffle: true,
        learningRate: 0.01,
        schedule: "constant",
      } as const;
      const seeds = [1, 2, 1, 3];
      const group = new StepGroup(backendOf(ds));
      const view = ds.through(group.backend);
      const together = seeds.map((seed) => new LinearRegression({ ...o, seed }));
      await group.run(together.map((m) => () => m.fit(view)));
      for (const [k, seed] of seeds.entries()) {
        const alone = await new LinearRegression({ ...o, seed }).fit(ds);
        expect(bitsOf(together[k] as LinearRegression)).toBe(bitsOf(alone));
      }
    } finally {
      ds.dispose();
    }
  });

  it("a fit that fails ends the run with its error once the others are done, and the group can run again", async () => {
    const { X, y } = linearRows(400, 6, 8);
    const ds = await Dataset.from(X, y);
    try {
      const group = new StepGroup(backendOf(ds));
      const view = ds.through(group.backend);
      const o = { batchSize: 1, maxEpochs: 30, tol: null, schedule: "constant" } as const;
      const good = new LinearRegression({ ...o, learningRate: 0.01 });
      const bad = new LinearRegression({ ...o, learningRate: 50 });
      const run = group.run([() => good.fit(view), () => bad.fit(view)]);
      await expect(run).rejects.toBeInstanceOf(DescentError);
      await expect(run).rejects.toMatchObject({ code: "E_DIVERGED" });
      expect(good.nEpochs).toBe(30);
      const again = new LinearRegression({ ...o, learningRate: 0.01 });
      await group.run([() => again.fit(view)]);
      expect(bitsOf(again)).toBe(bitsOf(good));
    } finally {
      ds.dispose();
    }
  });
});

describe("a search on a Dataset trains each fold's candidates together", () => {
  it("with the scores of each candidate cross-validated alone, and progress per fit", async () => {
    const { X, y, w } = linearRows(1500, 7, 21);
    const ds = await Dataset.from(X, y);
    try {
      const est = new LinearRegression({ batchSize: 1, maxEpochs: 4, tol: null, schedule: "constant", shuffle: false });
      const grid = { alpha: [1e-5, 1e-3, 1e-1], learningRate: [0.001, 0.01] };
      const fits: number[] = [];
      const candidates: number[] = [];
      const r = await gridSearch(est, grid, ds, null, {
        cv: 3,
        sampleWeight: w,
        returnTrainScore: true,
        onFit: (done, total) => {
          expect(total).toBe(18);
          fits.push(done);
        },
        onCandidate: (done) => candidates.push(done),
      });
      expect(fits).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
      expect(candidates).toEqual([1, 2, 3, 4, 5, 6]);
      const folds = new KFold({ nSplits: 3 }).split(1500);
      for (const c of r.results) {
        const alone = (await crossValidate(
          new LinearRegression({ ...est.getOptions(), ...c.params } as LinearRegressionOptions),
          ds,
          null,
          { cv: folds, sampleWeight: w, returnTrainScore: true },
        )) as FoldScores;
        expect(hex(c.testScores)).toBe(hex(alone.testScore));
        expect(hex(c.trainScores ?? [])).toBe(hex(alone.trainScore ?? []));
      }
      // The same search on the matrix (no Dataset: each candidate in turn) ranks alike.
      const plain = await gridSearch(est, grid, X, y, { cv: 3, sampleWeight: w });
      expect(plain.results.map((c) => hex(c.testScores))).toEqual(r.results.map((c) => hex(c.testScores)));
      expect(plain.bestParams).toEqual(r.bestParams);
    } finally {
      ds.dispose();
    }
  });

  it("more candidates than one group holds are trained in several groups", async () => {
    const { X, y } = linearRows(300, 5, 2);
    const ds = await Dataset.from(X, y);
    try {
      const est = new LinearRegression({ batchSize: 1, maxEpochs: 2, tol: null, schedule: "constant", shuffle: false });
      const alphas = Array.from({ length: 18 }, (_, i) => 1e-5 * (i + 1));
      const r = await gridSearch(est, { alpha: alphas }, ds, null, { cv: 2, refit: false });
      const plain = await gridSearch(est, { alpha: alphas }, X, y, { cv: 2, refit: false });
      expect(r.results.map((c) => hex(c.testScores))).toEqual(plain.results.map((c) => hex(c.testScores)));
    } finally {
      ds.dispose();
    }
    expect(togetherSize(300)).toBe(16);
    expect(togetherSize(10_000_000)).toBe(1);
    expect(togetherSize(500_000)).toBe(16);
    // 16 bytes a training row (targets, two row orders): 8 fits of 2,000,000 rows in 256 MB.
    expect(togetherSize(2_000_000)).toBe(8);
    // Targets and weights are laid out over the whole memory: 8,000,000 rows of it, 2,000,000 trained.
    expect(togetherSize(2_000_000, 8_000_000, true)).toBe(1);
    expect(togetherSize(160_000, 200_000, true)).toBe(16);
  });

  it("only linear models trained in place train together; others (an MLP, a copy of X) in turn, alike", async () => {
    const { X, y } = linearRows(400, 6, 12);
    const ds = await Dataset.from(X, y);
    try {
      const lin = new LinearRegression({ batchSize: 1, maxEpochs: 2, tol: null });
      expect(canTrainTogether(lin, [{ alpha: 1e-4 }, { alpha: 1e-3 }], ds)).toBe(true);
      expect(canTrainTogether(lin, [{ alpha: 1e-4 }, { dtype: "float32" }], ds)).toBe(false);
      expect(canTrainTogether(lin, [{ backend: "js" }], ds)).toBe(false);
      expect(canTrainTogether(lin, [{ threads: 2 }], ds)).toBe(false);
      const mlp = new MLPRegressor({ hiddenLayerSizes: [4], maxEpochs: 5, tol: null, seed: 1 });
      expect(canTrainTogether(mlp, [{ alpha: 1e-4 }], ds)).toBe(false);
      const onDs = await gridSearch(mlp, { alpha: [1e-4, 1e-2] }, ds, null, { cv: 2, refit: false });
      const onX = await gridSearch(mlp, { alpha: [1e-4, 1e-2] }, X, y, { cv: 2, refit: false });
      expect(onDs.results.map((c) => hex(c.testScores))).toEqual(onX.results.map((c) => hex(c.testScores)));
    } finally {
      ds.dispose();
    }
  });

  it("a candidate that diverges scores NaN while the others train on, or fails the search under 'raise', without hanging", async () => {
    const { X, y } = linearRows(300, 5, 6);
    const ds = await Dataset.from(X, y);
    try {
      const est = new LinearRegression({
        batchSize: 1,
        maxEpochs: 20,
        tol: null,
        schedule: "constant",
        shuffle: false,
      });
      const grid = { learningRate: [0.01, 80] };
      const r = await gridSearch(est, grid, ds, null, { cv: 2, refit: false });
      expect(Array.from(r.results[1]?.testScores ?? [])).toEqual([Number.NaN, Number.NaN]);
      expect(r.results[1]?.errors.every((e) => e?.startsWith("E_DIVERGED: "))).toBe(true);
      const alone = (await crossValidate(cloneEstimator(est, { learningRate: 0.01 }), ds, null, {
        cv: 2,
      })) as FoldScores;
      expect(Array.from(r.results[0]?.testScores ?? [])).toEqual(Array.from(alone.testScore));
      await expect(gridSearch(est, grid, ds, null, { cv: 2, errorScore: "raise" })).rejects.toMatchObject({
        code: "E_DIVERGED",
      });
    } finally {
      ds.dispose();
    }
  });
});
