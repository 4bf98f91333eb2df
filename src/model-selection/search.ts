// gridSearch and randomSearch (scikit-learn's GridSearchCV and RandomizedSearchCV): every candidate
// set of options cross-validated on the same folds, ranked by mean test score, and the best refit
// on all the data.

import { type Dataset, isDataset } from "../data/dataset.js";
import { DescentError } from "../errors.js";
import { Prng } from "../kernels/prng.js";
import type { MatrixLike } from "../matrix.js";
import type { Scorer, Targets } from "../metrics/scorers.js";
import type { TableLike } from "../table/column-table.js";
import { canTrainTogether, crossValidateTogether } from "./candidates-together.js";
import {
  type CrossValidateOptions,
  cloneEstimator,
  crossValidateFolds,
  type FoldScores,
  foldsOf,
  type SelectableEstimator,
  scorersOf,
  selectionData,
  throwIfAllFailed,
} from "./cross-validate.js";

/** Options of gridSearch and randomSearch. */
export interface SearchOptions extends CrossValidateOptions {
  /**
   * A scorer name or function (default the estimator's own: R² or accuracy), or a list of names:
   * every candidate is then scored by each (CandidateResult.scores), and `refit` names the one
   * that ranks them (default the first).
   */
  scoring?: string | Scorer | readonly string[];
  /**
   * Fit the best candidate on all the data (bestEstimator). Default true. With a list of scorers,
   * the name of the scorer that ranks the candidates and picks the best (refitted), as
   * scikit-learn's refit='name'.
   */
  refit?: boolean | string;
  /**
   * Called as each candidate's cross-validation completes, with how many are done and how many
   * there are. On a Dataset the candidates train a fold at a time, so they all complete in the
   * last fold: `onFit` is the finer hook.
   */
  onCandidate?: (done: number, total: number) => void;
  /** Called after each fit on a fold (candidates × folds in all), with how many are done and how many there are. */
  onFit?: (done: number, total: number) => void;
}

/** One candidate's cross-validated scores. */
export interface CandidateResult {
  /** The options tried. */
  params: Record<string, unknown>;
  /** Mean test score over the folds (NaN when a fold's fit failed, under the default errorScore). */
  meanTestScore: number;
  /** Standard deviation (population) of the test scores. */
  stdTestScore: number;
  /**
   * 1 for the best mean test score (ties share the lower rank, as scikit-learn's); a NaN mean ranks
   * after every other.
   */
  rank: number;
  /** Test score on each fold. */
  testScores: Float64Array;
  /** Training score on each fold (with returnTrainScore). */
  trainScores?: Float64Array;
  /**
   * Mean milliseconds of a fold's fit (on a Dataset, where a fold's candidates train together, each
   * fit's share of its group's time).
   */
  meanFitMs: number;
  /** Per fold, why the fit or its scoring failed (code and message; see errorScore), or null. */
  errors: Array<string | null>;
  /**
   * With a list of scorers: each scorer's mean, std, rank and fold scores (the top-level fields
   * are those of the scorer that ranks, see `refit`).
   */
  scores?: Record<string, ScorerResult>;
}

/** One scorer's results for a candidate. */
export interface ScorerResult {
  /** Mean test score over the folds. */
  meanTestScore: number;
  /** Standard deviation (population) of the test scores. */
  stdTestScore: number;
  /** Rank by this scorer's mean (1 for the best; NaN ranks last). */
  rank: number;
  /** Test score on each fold. */
  testScores: Float64Array;
  /** Training score on each fold (with returnTrainScore). */
  trainScores?: Float64Array;
}

/** What a search returns. */
export interface SearchResult<E> {
  /** The options of the best candidate (the first of the best mean test scores of the ranking scorer). */
  bestParams: Record<string, unknown>;
  /** Its mean test score (by the ranking scorer). */
  bestScore: number;
  /** The scorer that ranked the candidates (`refit`'s name with several; 'score' for the default). */
  rankedBy: string;
  /** Its index in results. */
  bestIndex: number;
  /** The best candidate fitted on all the data (null with refit: false). */
  bestEstimator: E | null;
  /** Every candidate, in the order tried. */
  results: CandidateResult[];
}

/**
 * Every combination of a grid (or of each grid in a list), in scikit-learn's ParameterGrid order:
 * names sorted, the last name varying fastest. E_OPTION for an empty list of values.
 */
export function parameterGrid(
  grid: Readonly<Record<string, readonly unknown[]>> | ReadonlyArray<Readonly<Record<string, readonly unknown[]>>>,
): Array<Record<string, unknown>> {
  const grids = Array.isArray(grid) ? grid : [grid];
  const out: Array<Record<string, unknown>> = [];
  for (const g of grids as ReadonlyArray<Readonly<Record<string, readonly unknown[]>>>) {
    const names = Object.keys(g).sort();
    for (const n of names) {
      const values = g[n];
      if (!Array.isArray(values) || values.length === 0)
        throw new DescentError("E_OPTION", `grid: '${n}' needs a non-empty list of values`);
    }
    let combos: Array<Record<string, unknown>> = [{}];
    for (const n of names) combos = combos.flatMap((c) => (g[n] as readonly unknown[]).map((v) => ({ ...c, [n]: v })));
    out.push(...combos);
  }
  return out;
}

/** Ranks of scores (1 = highest; ties the lowest rank of the group, as scipy's rankdata 'min'). */
function ranks(scores: readonly number[]): number[] {
  return scores.map((s) => 1 + scores.filter((t) => t > s || (Number.isNaN(s) && !Number.isNaN(t))).length);
}

async function search<E extends SelectableEstimator>(
  estimator: E,
  candidates: Array<Record<string, unknown>>,
  X: MatrixLike | TableLike | Dataset,
  y: Targets | null | undefined,
  options: SearchOptions,
): Promise<SearchResult<E>> {
  if (candidates.length === 0) throw new DescentError("E_OPTION", "the search has no candidates");
  // Every candidate's options are checked before anything trains (E_OPTION names the bad one).
  for (const params of candidates) cloneEstimator(estimator, params);
  const data = selectionData(X, y);
  const folds = foldsOf(options.cv, estimator, data);
  const total = candidates.length * folds.length;
  const { names, rankedBy } = rankingOf(options, estimator);
  // On a Dataset the candidates of a fold train together, each row read once for all (linear
  // models trained in place, unless the folds are asked to run on worker threads); otherwise each
  // candidate is cross-validated in turn.
  const together = isDataset(X) && (options.threads ?? 1) <= 1 && canTrainTogether(estimator, candidates, X);
  const fromGroups = together
    ? await crossValidateTogether(estimator, candidates, X, data, folds, {
        ...options,
        onFit: (done, all) => {
          options.onFit?.(done, all);
          // A candidate is done with its last fold, which every candidate reaches in the last round.
          const c = done - (folds.length - 1) * candidates.length;
          if (c > 0) options.onCandidate?.(c, candidates.length);
        },
      })
    : null;
  const failures: Array<DescentError | null> = fromGroups?.failures.flat() ?? [];
  const perCandidate: Array<ReadonlyMap<string, FoldScores>> = [];
  for (const [i, params] of candidates.entries()) {
    let r = fromGroups?.scores[i];
    if (r === undefined) {
      const cv = await crossValidateFolds(cloneEstimator(estimator, params), X, y, { ...options, cv: folds }, data);
      r = Array.isArray(options.scoring)
        ? new Map(Object.entries(cv.scores as Record<string, FoldScores>))
        : new Map([[names[0] as string, cv.scores as FoldScores]]);
      failures.push(...cv.failures);
      options.onFit?.((i + 1) * folds.length, total);
      options.onCandidate?.(i + 1, candidates.length);
    }
    perCandidate.push(r);
  }
  throwIfAllFailed(failures, total);
  // Each scorer's means, spreads and ranks over the candidates.
  const byScorer = new Map(
    names.map((name) => {
      const rows = perCandidate.map((m) => scorerResult(m.get(name) as FoldScores));
      const rank = ranks(rows.map((r) => r.meanTestScore));
      rows.forEach((r, i) => {
        r.rank = rank[i] as number;
      });
      return [name, rows] as const;
    }),
  );
  const ranking = byScorer.get(rankedBy) as ScorerResult[];
  const results: CandidateResult[] = candidates.map((params, i) => {
    const top = ranking[i] as ScorerResult;
    const first = perCandidate[i]?.get(rankedBy) as FoldScores;
    return {
      params,
      ...top,
      meanFitMs: Array.from(first.fitMs).reduce((s, v) => s + v, 0) / first.fitMs.length,
      errors: first.errors,
      ...(Array.isArray(options.scoring)
        ? { scores: Object.fromEntries(names.map((n) => [n, (byScorer.get(n) as ScorerResult[])[i] as ScorerResult])) }
        : {}),
    };
  });
  const bestIndex = results.findIndex((c) => c.rank === 1);
  const best = results[bestIndex] as CandidateResult;
  let bestEstimator: E | null = null;
  if (options.refit !== false) {
    bestEstimator = cloneEstimator(estimator, best.params);
    const sw = options.sampleWeight ?? null;
    await bestEstimator.fit(X as never, (y ?? undefined) as never, (sw === null ? {} : { sampleWeight: sw }) as never);
  }
  return { bestParams: best.params, bestScore: best.meanTestScore, bestIndex, bestEstimator, results, rankedBy };
}

/** A scorer's mean, spread and fold scores over the folds (rank set by the caller). */
function scorerResult(r: FoldScores): ScorerResult {
  const scoreList = Array.from(r.testScore);
  const mean = scoreList.reduce((s, v) => s + v, 0) / scoreList.length;
  const std = Math.sqrt(scoreList.reduce((s, v) => s + (v - mean) * (v - mean), 0) / scoreList.length);
  return {
    meanTestScore: mean,
    stdTestScore: std,
    rank: 0,
    testScores: r.testScore,
    ...(r.trainScore === undefined ? {} : { trainScores: r.trainScore }),
  };
}

/**
 * The names of the search's scorers (as crossValidate keys them) and the one that ranks: `refit`'s
 * name with a list (default the first), else the one scorer. E_OPTION for a refit that names none.
 */
function rankingOf(options: SearchOptions, estimator: object): { names: string[]; rankedBy: string } {
  const names = scorersOf(options.scoring, estimator).map(([n]) => n);
  const refit = options.refit;
  if (typeof refit === "string") {
    if (!names.includes(refit))
      throw new DescentError(
        "E_OPTION",
        `option 'refit' ('${refit}') must name one of the scorers: ${names.join(", ")}`,
      );
    return { names, rankedBy: refit };
  }
  if (refit !== undefined && typeof refit !== "boolean")
    throw new DescentError("E_OPTION", "option 'refit' must be true, false or the name of a scorer");
  return { names, rankedBy: names[0] as string };
}

/**
 * Cross-validates every combination of the grid's options (scikit-learn's GridSearchCV; names as
 * the estimator's options), on the same folds, and refits the best on all the data.
 */
export async function gridSearch<E extends SelectableEstimator>(
  estimator: E,
  grid: Readonly<Record<string, readonly unknown[]>> | ReadonlyArray<Readonly<Record<string, readonly unknown[]>>>,
  X: MatrixLike | TableLike | Dataset,
  y?: Targets | null,
  options: SearchOptions = {},
): Promise<SearchResult<E>> {
  return search(estimator, parameterGrid(grid), X, y, options);
}

/** A distribution to draw an option from: a list (drawn uniformly) or a sampler of a uniform draw in [0, 1). */
export type Distribution = readonly unknown[] | ((uniform: () => number) => unknown);

/** Uniform on [low, high). */
export function uniform(low: number, high: number): (u: () => number) => number {
  return (u) => low + (high - low) * u();
}

/** Log-uniform on [low, high) (low > 0): the usual draw for rates and penalties. */
export function logUniform(low: number, high: number): (u: () => number) => number {
  if (!(low > 0 && high > low))
    throw new DescentError("E_OPTION", `logUniform needs 0 < low < high (got ${low}, ${high})`);
  return (u) => Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * u());
}

/** Options of randomSearch: the search's, the number of candidates and the seed of the draws. */
export interface RandomSearchOptions extends SearchOptions {
  /** Candidates drawn. Default 10. */
  nIter?: number;
  /** Seed of the draws. Default 0. */
  seed?: number;
}

/**
 * Cross-validates nIter candidates drawn from the distributions (scikit-learn's
 * RandomizedSearchCV; names drawn in sorted order, each candidate in turn, from descent's seeded
 * generator), on the same folds, and refits the best on all the data. When every distribution is
 * a list, the candidates are distinct combinations drawn without replacement, at most all of them,
 * as scikit-learn's ParameterSampler does.
 */
export async function randomSearch<E extends SelectableEstimator>(
  estimator: E,
  distributions: Readonly<Record<string, Distribution>>,
  X: MatrixLike | TableLike | Dataset,
  y?: Targets | null,
  options: RandomSearchOptions = {},
): Promise<SearchResult<E>> {
  const nIter = options.nIter ?? 10;
  if (!Number.isInteger(nIter) || nIter < 1)
    throw new DescentError("E_OPTION", `option 'nIter' must be an integer >= 1 (got ${nIter})`);
  const rng = new Prng(options.seed ?? 0);
  const u = (): number => rng.nextFloat();
  const names = Object.keys(distributions).sort();
  for (const n of names) {
    const d = distributions[n];
    if (typeof d !== "function" && (!Array.isArray(d) || d.length === 0))
      throw new DescentError("E_OPTION", `distributions: '${n}' needs a non-empty list or a sampler`);
  }
  if (names.every((n) => Array.isArray(distributions[n]))) {
    // Lists only: distinct grid points, a partial shuffle of the grid's indices.
    const grid = parameterGrid(distributions as Readonly<Record<string, readonly unknown[]>>);
    const order = Int32Array.from(grid, (_, i) => i);
    const take = Math.min(nIter, grid.length);
    for (let i = 0; i < take; i++) {
      const j = i + rng.nextInt(grid.length - i);
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    return search(
      estimator,
      Array.from(order.subarray(0, take), (i) => grid[i] as Record<string, unknown>),
      X,
      y,
      options,
    );
  }
  const candidates = Array.from({ length: nIter }, () =>
    Object.fromEntries(
      names.map((n) => {
        const d = distributions[n] as Distribution;
        if (typeof d === "function") return [n, d(u)];
        return [n, d[Math.min(d.length - 1, Math.floor(u() * d.length))]];
      }),
    ),
  );
  return search(estimator, candidates, X, y, options);
}
