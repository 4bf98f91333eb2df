// Cross-validation of a search's candidates on a Dataset, a fold at a time with the candidates
// trained together: on each fold, a group of candidates fits at once through a StepGroup, so the
// per-sample SGD steps of all of them read each row of the fold once (Backend.linearStepsTogether),
// and the fold's rows and targets are picked once for all. The scores are those of crossValidate
// on each candidate in turn.

import { StepGroup } from "../backend/step-group.js";
import type { Dataset, StagedRows } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import type { Scorer } from "../metrics/scorers.js";
import { LinearModel } from "../models/linear-model.js";
import type { Params } from "./clone-estimator.js";
import {
  cloneEstimator,
  emptyScores,
  errorScoreOf,
  type FoldScores,
  failOnFold,
  fitOnFold,
  foldData,
  type SelectableEstimator,
  type SelectionData,
  scoreOnFold,
  scorersOf,
} from "./cross-validate.js";
import type { Split } from "./splitters.js";

/** Candidates trained together at most (the group's models each keep their own targets and row order). */
export const MAX_TOGETHER = 16;
/** Bytes the candidates of a group may take besides X: targets, row weights and row orders. */
const TOGETHER_BYTES = 256 * 1024 * 1024;

/**
 * How many candidates train together on `rows` training rows of a Dataset whose memory holds
 * `memoryRows` rows: at most MAX_TOGETHER, and as many as keep their per-fit buffers within
 * TOGETHER_BYTES (targets, and row weights when `weighted`, at up to 8 bytes a row of the memory,
 * as a fit in place reads them by row; two row orders of 4 bytes a training row).
 */
export function togetherSize(rows: number, memoryRows: number = rows, weighted = false): number {
  const bytes = (weighted ? 16 : 8) * Math.max(rows, memoryRows) + 8 * rows;
  return Math.max(1, Math.min(MAX_TOGETHER, Math.floor(TOGETHER_BYTES / Math.max(1, bytes))));
}

/**
 * Whether the candidates can train together on `ds`: each a linear model whose fit trains on the
 * Dataset's memory in place (the same backend and dtype, one thread, on a single-thread Dataset).
 * Any other (an MLP, a pipeline, a candidate that would copy X) is cross-validated in turn, so that
 * fits running at once never hold copies of the rows, nor share a worker pool.
 */
export function canTrainTogether(estimator: SelectableEstimator, candidates: readonly Params[], ds: Dataset): boolean {
  const staged = ds.options;
  if (staged.threads !== 1) return false;
  return candidates.every((params) => {
    const c = cloneEstimator(estimator, params);
    if (!(c instanceof LinearModel)) return false;
    const o = c.getOptions();
    const dtype = o.dtype === "auto" ? staged.dtype : o.dtype;
    return o.backend === staged.backend && dtype === staged.dtype && o.threads === 1;
  });
}

/** What crossValidateTogether needs of the search's options. */
export interface TogetherOptions {
  scoring?: string | Scorer | readonly string[];
  returnTrainScore?: boolean;
  sampleWeight?: ArrayLike<number> | null;
  /** The score of a failed fit (see CrossValidateOptions.errorScore). */
  errorScore?: number | "raise";
  /** Called after each candidate's fit on a fold, with how many fits are done and how many there are. */
  onFit?: (done: number, total: number) => void;
}

/**
 * Each candidate's FoldScores on the folds (as crossValidate's, one scorer) and each fit's failure
 * (null where it scored), with the candidates of a fold trained together in groups of togetherSize.
 * A fit's milliseconds are its group's wall time shared equally among the group's candidates. A
 * failing fit leaves the others of its group training (they never wait on it).
 */
export async function crossValidateTogether(
  estimator: SelectableEstimator,
  candidates: readonly Params[],
  ds: Dataset,
  selection: SelectionData,
  folds: readonly Split[],
  options: TogetherOptions,
): Promise<{ scores: Array<Map<string, FoldScores>>; failures: Array<Array<DescentError | null>> }> {
  const errorScore = errorScoreOf(options);
  // The Dataset's own staging (so always staged): its backend and the rows its memory holds.
  const o = ds.options;
  const staged = ds.stagedFor(o.backend, o.dtype, o.threads) as StagedRows;
  const group = new StepGroup(staged.backend);
  const memoryRows = staged.totalRows;
  // `selection` is ds's (its targets, its host rows to score); the fits train through the group.
  const view = ds.through(group.backend);
  const data: SelectionData = { ...selection, fitRows: (rows) => view.subset(rows) };
  const sw = options.sampleWeight ?? null;
  if (sw !== null && sw.length !== data.rows)
    throw new DescentError("E_SHAPE", `sampleWeight has ${sw.length} values but X has ${data.rows} rows`);
  const scorers = scorersOf(options.scoring, estimator);
  const names = scorers.map(([n]) => n);
  const withTrain = options.returnTrainScore === true;
  const outs = candidates.map(() => emptyScores(names, folds.length, withTrain));
  const failures = candidates.map(() => new Array<DescentError | null>(folds.length).fill(null));
  const total = candidates.length * folds.length;
  let done = 0;
  for (const [f, split] of folds.entries()) {
    const fold = foldData(data, split, sw, withTrain);
    const size = togetherSize(split.train.length, memoryRows, sw !== null);
    for (let c0 = 0; c0 < candidates.length; c0 += size) {
      const members = candidates.slice(c0, c0 + size).map((p) => cloneEstimator(estimator, p));
      const t0 = performance.now();
      const settled = await group.runSettled(members.map((m) => () => fitOnFold(m, fold)));
      const ms = (performance.now() - t0) / members.length;
      members.forEach((m, j) => {
        const out = outs[c0 + j] as Map<string, FoldScores>;
        const fit = settled[j] as PromiseSettledResult<void>;
        try {
          if (fit.status === "rejected") throw fit.reason;
          scoreOnFold(m, fold, scorers, out, f, ms);
        } catch (err) {
          (failures[c0 + j] as Array<DescentError | null>)[f] = failOnFold(err, errorScore, out, f, ms);
        }
        done++;
        options.onFit?.(done, total);
      });
    }
  }
  return { scores: outs, failures };
}
