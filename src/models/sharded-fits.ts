// Training over shards of rows held elsewhere (`descent worker` processes, Ray actors…): full-batch
// gradient descent through the one training loop, L-BFGS, and local SGD with averaging. Each
// takes what the estimator knows (its name, options, penalty, warm-start parameters) and hands back
// the trained state, which the estimator adopts (and then throws the outcome's error, if any).
import { createBackend } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import type { LinearLoss } from "../kernels/losses.js";
import { type PenaltyConfig, penaltyValue } from "../kernels/penalty.js";
import { lbfgs } from "../optim/lbfgs.js";
import { makeSchedule, normaliseSchedule } from "../optim/schedules.js";
import { checkShards } from "../parallel/check-shards.js";
import type { GradientShard, LocalSgdShard } from "../parallel/gradient-shard.js";
import { emptyHistory, type History, type StopReason } from "../train/history.js";
import { optimizerOf, type ResolvedSgdOptions } from "../train/options.js";
import {
  optionsIdentity,
  readShardedState,
  type ShardedCheckpoint,
  type ShardedFitIdentity,
  writeShardedState,
} from "../train/sharded-checkpoint.js";
import { allFinite, newProgress, type Objective, type TrainProgress, trainLoop } from "../train/train-loop.js";

/** What a sharded fit takes from its estimator. */
export interface ShardedStart {
  modelName: string;
  opts: ResolvedSgdOptions;
  penalty: PenaltyConfig;
  /** The estimator's parameters before the fit (a warm start keeps them), or null. */
  warm: Float64Array | null;
}

/** A sharded fit's trained state, and the error to throw once the estimator has adopted it. */
export interface ShardedOutcome {
  params: Float64Array;
  history: History;
  progress: TrainProgress;
  nEpochs: number;
  stopReason: StopReason;
  error?: unknown;
}

/**
 * Full-batch training over shards of rows held elsewhere (`descent worker` processes, Ray
 * actors…): every step asks each shard for its partial loss and gradient at the current
 * parameters, adds them in shard order and takes the optimizer's step, through the same training
 * loop as `fit` with batchSize 'full' (stop rules, history, the divergence guard). The result
 * equals a single-process full-batch fit on the same rows up to the order of the sums (1e-12).
 */
export async function fullBatchOnShards(
  start: ShardedStart,
  shards: readonly GradientShard[],
  loss: LinearLoss,
  lossParam: number,
  checkpoint?: ShardedCheckpoint,
): Promise<ShardedOutcome> {
  const { cols: d, rows: n } = checkShards(shards, `${start.modelName}.fitSharded`);
  const identity = shardedIdentity(start, shards, "gd", loss, lossParam);
  const saved = checkpoint === undefined ? null : readShardedState(await checkpoint.load(), identity, d + 1);
  const backend = await createBackend(start.opts.backend === "js" ? "js" : "wasm", "float64");
  const gather = async (params: Float64Array, grad: Float64Array | null): Promise<number> => {
    const parts = await Promise.all(shards.map((s) => s.gradient(params, loss, lossParam)));
    let total = 0;
    grad?.fill(0);
    for (const part of parts) {
      total += part.loss;
      if (grad !== null) for (let j = 0; j <= d; j++) grad[j] = (grad[j] as number) + (part.grad[j] as number);
    }
    return total;
  };
  const objective: Objective = {
    n,
    nPen: d,
    nAll: d + 1,
    workPerRow: d,
    plan: { loss, lossParam, classes: 1 },
    meanLoss: () => Number.NaN,
    steps: async (plan, _idx, _start, _end, state) => {
      const grad = new Float64Array(d + 1);
      const total = await gather(Float64Array.from(state.params.view), grad);
      state.grad.view.set(grad);
      backend.gradientStep(plan, n, total, state);
    },
  };
  const opts: ResolvedSgdOptions = { ...start.opts, batchSize: "full", shuffle: false, earlyStopping: false };
  const { optimizer, learningRate } = optimizerOf(opts);
  const scheduleSpec = normaliseSchedule(opts.schedule);
  const warm = start.warm;
  const keep = start.opts.warmStart && warm !== null && warm.length === d + 1;
  const params = saved?.params ?? (keep ? (warm as Float64Array).slice() : new Float64Array(d + 1));
  const startParams = saved?.startParams ?? params.slice();
  const progress = saved?.progress ?? newProgress(optimizer, d + 1);
  const history = saved?.history ?? emptyHistory();
  const zeroObjective = saved?.zeroObjective ?? (await gather(new Float64Array(d + 1), null)) / n;
  // The state after an epoch (or at the end, with how the run ended), for the checkpoint.
  const save = (now: TrainProgress, at: Float64Array, stopReason?: string): Promise<void> =>
    (checkpoint as ShardedCheckpoint).save(
      writeShardedState({
        identity,
        params: at,
        startParams,
        zeroObjective,
        progress: now,
        history,
        ...(stopReason === undefined ? {} : { stopReason }),
      }),
    );
  try {
    const done = saved?.stopReason;
    const outcome =
      done !== undefined
        ? { stopReason: done as StopReason }
        : await trainLoop(
            backend,
            objective,
            params,
            {
              opts,
              optimizer,
              schedule: makeSchedule(scheduleSpec, {
                learningRate,
                alpha: opts.alpha,
                maxEpochs: opts.maxEpochs,
                stepsPerEpoch: 1,
              }),
              adaptive: scheduleSpec.name === "adaptive",
              penalty: start.penalty,
              validate: null,
              zeroObjective,
              ...(saved === null ? {} : { resumed: { startParams } }),
              ...(checkpoint === undefined ? {} : { afterEpoch: save }),
            },
            progress,
            history,
            Math.max(0, opts.maxEpochs - (saved?.progress.epoch ?? 0)),
          );
    const result = { params, history, progress, nEpochs: progress.epoch, stopReason: outcome.stopReason };
    if ("callbackError" in outcome && outcome.callbackError !== undefined)
      return { ...result, error: outcome.callbackError };
    if (outcome.stopReason === "diverged")
      return {
        ...result,
        error: new DescentError(
          "E_DIVERGED",
          `${start.modelName} diverged: ${("divergence" in outcome ? outcome.divergence : undefined) ?? "the objective is not finite"}. The model keeps the last finite parameters. Try a smaller learningRate (now ${learningRate}) or scale the features.`,
        ),
      };
    if (checkpoint !== undefined && done === undefined) await save(progress, params, outcome.stopReason);
    return result;
  } finally {
    backend.dispose();
  }
}

/** Which sharded fit this is, for its checkpoint. */
function shardedIdentity(
  start: ShardedStart,
  shards: readonly GradientShard[],
  solver: ShardedFitIdentity["solver"],
  loss: LinearLoss,
  lossParam: number,
): ShardedFitIdentity {
  return {
    model: start.modelName,
    solver,
    loss: String(loss),
    lossParam,
    shardRows: shards.map((s) => s.rows),
    cols: (shards[0] as GradientShard).cols,
    featureNames: shards[0]?.featureNames === undefined ? null : [...shards[0].featureNames],
    options: optionsIdentity(start.opts),
  };
}

/**
 * L-BFGS over shards held elsewhere (see src/optim/lbfgs.ts): the objective J = (Σ loss)/n +
 * alpha·R(w) and its gradient from the shards' partial sums at each evaluation, maxEpochs
 * iterations at most, stopping on gradTol (1e-10 when null) or on an improvement below tol
 * relative. Needs a smooth penalty ('l2' or 'none'). history.loss is J after each iteration.
 */
export async function lbfgsOnShards(
  start: ShardedStart,
  shards: readonly GradientShard[],
  loss: LinearLoss,
  lossParam: number,
): Promise<ShardedOutcome> {
  const { cols: d, rows: n } = checkShards(shards, start.modelName);
  const o = start.opts;
  if (o.penalty === "l1" || o.penalty === "elasticnet") {
    throw new DescentError(
      "E_OPTION",
      "option 'penalty' must be 'l2' or 'none' with solver 'lbfgs' (L1 is not smooth)",
    );
  }
  const alpha = o.penalty === "l2" ? o.alpha : 0;
  const objective = async (x: Float64Array, g: Float64Array): Promise<number> => {
    const parts = await Promise.all(shards.map((s) => s.gradient(x, loss, lossParam)));
    let total = 0;
    g.fill(0);
    for (const part of parts) {
      total += part.loss;
      for (let j = 0; j <= d; j++) g[j] = (g[j] as number) + (part.grad[j] as number);
    }
    let w2 = 0;
    for (let j = 0; j <= d; j++) g[j] = (g[j] as number) / n;
    for (let j = 0; j < d; j++) {
      w2 += (x[j] as number) ** 2;
      g[j] = (g[j] as number) + alpha * (x[j] as number);
    }
    if (!o.fitIntercept) g[d] = 0;
    return total / n + 0.5 * alpha * w2;
  };
  const started = performance.now();
  const r = await lbfgs(objective, new Float64Array(d + 1), {
    maxIterations: o.maxEpochs,
    gradTol: o.gradTol ?? 1e-10,
    tol: o.tol,
  });
  const history = emptyHistory();
  history.loss = r.values;
  history.gradNorm = r.gradNorms;
  history.learningRate = r.values.map(() => Number.NaN);
  history.ms = r.values.map(() => performance.now() - started);
  const progress = newProgress(optimizerOf(o).optimizer, d + 1);
  progress.epoch = r.values.length;
  // A line search that finds no decrease at the rounding floor of a minimum has converged; one
  // that finds none with a gradient far from zero, or non-finite values, has failed: the model
  // keeps the last point with a finite objective and the fit ends with E_DIVERGED.
  const lastNorm = r.gradNorms.at(-1) ?? Number.POSITIVE_INFINITY;
  const lastValue = r.values.at(-1) ?? Number.NaN;
  const stalled = r.stop === "lineSearch" && !(lastNorm <= 1e-6 * Math.max(1, Math.abs(lastValue)));
  const stopReason: StopReason =
    r.stop === "nonFinite" || stalled
      ? "diverged"
      : r.stop === "lineSearch"
        ? "tol"
        : r.stop === "maxEvaluations"
          ? "maxEpochs"
          : r.stop;
  const result = { params: r.x, history, progress, nEpochs: r.values.length, stopReason };
  if (r.stop === "nonFinite" || stalled || !allFinite(r.x))
    return {
      ...result,
      error: new DescentError(
        "E_DIVERGED",
        `${start.modelName}: L-BFGS ${r.stop === "nonFinite" ? "met a non-finite objective or gradient (overflow: scale the features)" : "found no step that lowers the objective"} after ${r.values.length} iterations; the model keeps the last finite weights`,
      ),
    };
  return result;
}

/**
 * Local SGD with averaging (iterative parameter mixing) over shards held elsewhere: each epoch
 * every shard runs one epoch of plain SGD from the current parameters on its own rows, and the
 * results are averaged, weighted by rows, in shard order. history.loss records the objective on
 * all the rows after each average. Options as this model's (batchSize, learningRate, penalty;
 * maxEpochs epochs; seed + epoch·shards + k seeds shard k's shuffle).
 */
export async function localSgdOnShards(
  start: ShardedStart,
  shards: readonly LocalSgdShard[],
  loss: LinearLoss,
  lossParam: number,
  checkpoint?: ShardedCheckpoint,
): Promise<ShardedOutcome> {
  const { cols: d, rows: n } = checkShards(shards, start.modelName);
  const o = start.opts;
  if (o.batchSize === "full")
    throw new DescentError("E_OPTION", "local SGD needs a numeric batchSize (fitSharded trains full batch)");
  const identity = shardedIdentity(start, shards, "localSgd", loss, lossParam);
  const saved = checkpoint === undefined ? null : readShardedState(await checkpoint.load(), identity, d + 1);
  let params = saved?.params ?? new Float64Array(d + 1);
  const history = saved?.history ?? emptyHistory();
  const progress = saved?.progress ?? newProgress(optimizerOf(o).optimizer, d + 1);
  const save = (stopReason?: string): Promise<void> =>
    (checkpoint as ShardedCheckpoint).save(
      writeShardedState({
        identity,
        params,
        startParams: new Float64Array(d + 1),
        zeroObjective: 0,
        progress,
        history,
        ...(stopReason === undefined ? {} : { stopReason }),
      }),
    );
  const started = performance.now();
  const first = saved?.stopReason === undefined ? progress.epoch : o.maxEpochs;
  for (let e = first; e < o.maxEpochs; e++) {
    const parts = await Promise.all(
      shards.map((s, k) =>
        s.epoch(params, {
          loss,
          lossParam,
          learningRate: optimizerOf(o).learningRate,
          batchSize: o.batchSize as number,
          penalty: o.penalty,
          alpha: o.alpha,
          l1Ratio: o.l1Ratio,
          seed: o.seed + e * shards.length + k,
        }),
      ),
    );
    const mixed = new Float64Array(d + 1);
    parts.forEach((p, k) => {
      const w = (shards[k] as LocalSgdShard).rows / n;
      for (let j = 0; j <= d; j++) mixed[j] = (mixed[j] as number) + w * (p[j] as number);
    });
    params = mixed;
    const sums = await Promise.all(shards.map((s) => s.gradient(params, loss, lossParam)));
    const total = sums.reduce((t, s) => t + s.loss, 0);
    history.loss.push(total / n + penaltyValue(params, d, start.penalty));
    history.gradNorm.push(Number.NaN);
    history.learningRate.push(optimizerOf(o).learningRate);
    history.ms.push(performance.now() - started);
    if (!allFinite(params))
      throw new DescentError("E_DIVERGED", `${start.modelName}: local SGD diverged at epoch ${e + 1}`);
    progress.epoch = e + 1;
    if (checkpoint !== undefined) await save();
  }
  if (checkpoint !== undefined && saved?.stopReason === undefined) await save("maxEpochs");
  return { params, history, progress, nEpochs: progress.epoch, stopReason: "maxEpochs" };
}
