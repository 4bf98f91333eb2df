import { createBackend } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import {
  field,
  type JsonObject,
  MODEL_VERSION,
  readCount,
  readHistory,
  readModel,
  readNumber,
  readNumbers,
  writeModel,
} from "../io/model-json.js";
import { buildRatingOnnx, type RatingOnnxOptions } from "../io/onnx-ratings.js";
import { type MfLayout, mfOffsets, mfPredictJs } from "../kernels/mf.js";
import { portableNormals } from "../kernels/portable.js";
import { Prng } from "../kernels/prng.js";
import { resolveOptimizer } from "../optim/optimizer-spec.js";
import { makeSchedule, normaliseSchedule } from "../optim/schedules.js";
import type { Id } from "../table/label-types.js";
import { emptyHistory, type History, type StopReason } from "../train/history.js";
import { newProgress, type TrainOutcome, type TrainProgress, trainLoop } from "../train/train-loop.js";
import { mfObjective, rmseOf, zeroModelMse } from "./mf-objective.js";
import {
  checkIds,
  finiteRatings,
  type IndexedTriples,
  type MatrixFactorizationOptions,
  type Resolved,
  resolve,
} from "./mf-options.js";
import { validationSplit } from "./validation-split.js";

/** Plain SGD: the rule the matrix-factorisation kernel applies (its rates come from the plan). */
const SGD = resolveOptimizer("sgd");
/** The loop adds no penalty: the kernel applies each group's regularisation with its step. */
const NO_PENALTY = { penalty: "none", alpha: 0, l1Ratio: 0 } as const;

export type { Id } from "../table/label-types.js";
export type { MatrixFactorizationOptions, RatingTriples } from "./mf-options.js";

/**
 * Funk-SVD matrix factorisation trained by per-rating SGD (as the Surprise library's SVD):
 * prediction mu + b_u + b_i + p_u·q_i, where mu is the global mean rating. One WASM call per epoch
 * (SIMD over factors); the JS backend gives the same bits in float64.
 */
export class MatrixFactorization {
  /**
   * Per-epoch training MSE (errors measured before each update), gradient norm estimate, the
   * learning rate of the epoch's last step, time, and the validation RMSE when there is one.
   */
  history: History = emptyHistory();
  /** Epochs run. */
  nEpochs = 0;
  /** Why the last fit or partialFit stopped (null before the first). */
  stopReason: StopReason | null = null;
  /** Step count, epochs, shuffle state and rate scale, carried on by partialFit. */
  private progress: TrainProgress = newProgress(SGD, 0);
  /** Global mean rating. */
  mu = 0;
  private o: Resolved;
  /** The options as given (setOptions merges into them, so per-group rates keep following learningRate). */
  private given: MatrixFactorizationOptions;
  /** The seeded stream of the initial factors and the shuffles, carried on by partialFit. */
  private rng: Prng | null = null;
  private userIndex = new Map<Id, number>();
  private itemIndex = new Map<Id, number>();
  private userIds: Id[] = [];
  private itemIds: Id[] = [];
  /** The parameter block: P (users × factors), Q (items × factors), b_u, b_i (see assembly/mf.ts). */
  private params: Float64Array = new Float64Array(0);
  /** Items each user rated at fit (for recommend), as index lists. */
  private rated: Int32Array[] = [];
  private fittedFlag = false;
  private disposed = false;

  constructor(options?: MatrixFactorizationOptions) {
    this.o = resolve(options);
    this.given = { ...(options ?? {}) };
  }

  /** The options in force, with defaults filled in (no callback, no validation data). */
  getOptions(): Record<string, unknown> {
    const { onEpoch: _cb, validationData: _val, ...options } = this.o;
    return options;
  }

  /**
   * Changes options (validated as the constructor does, E_OPTION naming a bad one); the factors,
   * biases, ids and history stay, so a later partialFit continues from them. Per-group rates and
   * regularisation not given explicitly keep following learningRate and regularization. Returns the model.
   */
  setOptions(options: MatrixFactorizationOptions): this {
    if (this.disposed) throw new DescentError("E_STATE", "MatrixFactorization was disposed; create a new model");
    const given = { ...this.given, ...options };
    this.o = resolve(given);
    this.given = given;
    return this;
  }

  /** Number of latent factors. */
  get factors(): number {
    return this.o.factors;
  }

  private assertFitted(): void {
    if (this.disposed) throw new DescentError("E_STATE", "MatrixFactorization was disposed; create a new model");
    if (!this.fittedFlag) throw new DescentError("E_STATE", "MatrixFactorization is not fitted yet: call fit first");
  }

  /** Learns biases and factors from (user, item, rating) triples given as three parallel arrays. */
  async fit(users: ArrayLike<Id>, items: ArrayLike<Id>, ratings: ArrayLike<number>): Promise<this> {
    return this.fitFresh(users, items, ratings, this.o.epochs);
  }

  /** fit for `epochs` passes: the model starts over from these ratings. */
  private async fitFresh(
    users: ArrayLike<Id>,
    items: ArrayLike<Id>,
    ratings: ArrayLike<number>,
    epochs: number,
  ): Promise<this> {
    const r = this.checkTriples(users, items, ratings);
    const val = this.checkValidation();
    const n = r.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r[i] as number;
    this.rng = new Prng(this.o.seed);
    this.userIndex = new Map<Id, number>();
    this.itemIndex = new Map<Id, number>();
    this.userIds = [];
    this.itemIds = [];
    this.params = new Float64Array(0);
    this.rated = [];
    this.mu = sum / n;
    this.history = emptyHistory();
    this.nEpochs = 0;
    this.progress = newProgress(SGD, 0);
    this.stopReason = null;
    this.fittedFlag = false;
    const { u, it } = this.admit(users, items, n);
    await this.trainAndKeep(u, it, r, val === null ? null : val(), epochs);
    return this;
  }

  /**
   * One more pass over (users, items, ratings), continuing from the current factors, biases and
   * shuffle stream (options.epochs does not apply: exactly one pass). On an unfitted model it
   * starts as fit does, with mu the mean of these ratings; later calls keep mu. Ids not seen before
   * join with fresh parameters: factors drawn N(0, initStd²) from the seeded stream, biases 0.
   * validationData, when set, is scored after the pass as in fit.
   */
  async partialFit(users: ArrayLike<Id>, items: ArrayLike<Id>, ratings: ArrayLike<number>): Promise<this> {
    if (!this.fittedFlag) return this.fitFresh(users, items, ratings, 1);
    const r = this.checkTriples(users, items, ratings);
    const val = this.checkValidation();
    const { u, it } = this.admit(users, items, r.length);
    await this.trainAndKeep(u, it, r, val === null ? null : val(), 1);
    return this;
  }

  /** The ratings of a call, checked with their ids (E_EMPTY, E_SHAPE, E_LABELS, E_NONFINITE name the problem). */
  private checkTriples(users: ArrayLike<Id>, items: ArrayLike<Id>, ratings: ArrayLike<number>): Float64Array {
    if (this.disposed) throw new DescentError("E_STATE", "MatrixFactorization was disposed; create a new model");
    const n = ratings?.length ?? 0;
    if (n === 0) throw new DescentError("E_EMPTY", "no ratings to fit");
    checkIds(users, n, "users");
    checkIds(items, n, "items");
    return finiteRatings(ratings, n, "ratings");
  }

  /**
   * validationData checked (before any training), or null without it: a function that resolves it
   * against the id maps as they stand when called.
   */
  private checkValidation(): (() => IndexedTriples) | null {
    const val = this.o.validationData;
    if (val === null) return null;
    const nv = val.ratings?.length ?? 0;
    if (nv === 0) throw new DescentError("E_EMPTY", "validationData has no ratings");
    checkIds(val.users, nv, "validationData.users");
    checkIds(val.items, nv, "validationData.items");
    const ratings = finiteRatings(val.ratings, nv, "validationData.ratings");
    return () => this.indexTriples(val.users, val.items, ratings);
  }

  /**
   * The row indices of the call's ids, new ids added to the maps with fresh parameters (drawn in
   * one block per call: users' factors, then items'), and the items each user rated recorded.
   */
  private admit(users: ArrayLike<Id>, items: ArrayLike<Id>, n: number): { u: Int32Array; it: Int32Array } {
    const before = this.layout();
    const u = new Int32Array(n);
    const it = new Int32Array(n);
    const nu0 = this.userIndex.size;
    for (let i = 0; i < n; i++) {
      const uid = users[i] as Id;
      const iid = items[i] as Id;
      let a = this.userIndex.get(uid);
      if (a === undefined) {
        a = this.userIndex.size;
        this.userIndex.set(uid, a);
        this.userIds.push(uid);
      }
      let b = this.itemIndex.get(iid);
      if (b === undefined) {
        b = this.itemIndex.size;
        this.itemIndex.set(iid, b);
        this.itemIds.push(iid);
      }
      u[i] = a;
      it[i] = b;
    }
    const nu = this.userIndex.size;
    // A model read from JSON continues with a fresh stream from its seed.
    this.rng ??= new Prng(this.o.seed);
    this.params = this.grownParams(before, this.layout(), this.rng);
    // What each user rated: only the users of this call change.
    const added = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const a = u[i] as number;
      let l = added.get(a);
      if (l === undefined) {
        l = a < nu0 ? Array.from(this.rated[a] ?? []) : [];
        added.set(a, l);
      }
      l.push(it[i] as number);
    }
    for (let a = this.rated.length; a < nu; a++) this.rated.push(new Int32Array(0));
    for (const [a, l] of added) this.rated[a] = Int32Array.from(new Set(l)).sort();
    return { u, it };
  }

  /** Trains `epochs` passes and marks the model fitted once one has run (also after a divergence). */
  private async trainAndKeep(
    u: Int32Array,
    it: Int32Array,
    r: Float64Array,
    validation: IndexedTriples | null,
    epochs: number,
  ): Promise<void> {
    if (validation !== null) this.history.valScore ??= [];
    try {
      await this.train({ users: u, items: it, ratings: r }, validation, epochs);
    } finally {
      // Once an epoch has run (diverged, or stopped by a throwing onEpoch) the model stays usable
      // with the parameters of its last finite epoch, as the linear models do.
      if (this.nEpochs > 0) this.fittedFlag = true;
    }
  }

  /** The layout of the parameter block over the ids admitted so far. */
  private layout(): MfLayout {
    return { factors: this.o.factors, users: this.userIndex.size, items: this.itemIndex.size };
  }

  /** P, Q, b_u and b_i of the parameter block (views). */
  private parts(): { P: Float64Array; Q: Float64Array; bu: Float64Array; bi: Float64Array } {
    const at = mfOffsets(this.layout());
    const v = this.params;
    return {
      P: v.subarray(0, at.q),
      Q: v.subarray(at.q, at.bu),
      bu: v.subarray(at.bu, at.bi),
      bi: v.subarray(at.bi, at.length),
    };
  }

  /**
   * The parameter block for `after`'s ids, holding `before`'s parameters: new users' factors drawn
   * N(0, initStd²) from rng, then new items' (one block per call, as the ids joined), biases 0.
   */
  private grownParams(before: MfLayout, after: MfLayout, rng: Prng): Float64Array {
    if (before.users === after.users && before.items === after.items) return this.params;
    const k = after.factors;
    const from = mfOffsets(before);
    const to = mfOffsets(after);
    const old = this.params;
    const block = new Float64Array(to.length);
    const draw = (m: number): Float64Array => portableNormals(() => rng.nextFloat(), m, this.o.initStd);
    block.set(old.subarray(0, from.q), 0);
    block.set(draw((after.users - before.users) * k), from.q);
    block.set(old.subarray(from.q, from.bu), to.q);
    block.set(draw((after.items - before.items) * k), to.q + (from.bu - from.q));
    block.set(old.subarray(from.bu, from.bi), to.bu);
    block.set(old.subarray(from.bi, from.length), to.bi);
    return block;
  }

  /**
   * Runs the training loop over the triples: up to `epochs` epochs (fewer on tol, gradTol, early
   * stopping or onEpoch), with the model's schedule, shuffle stream and step count carried on.
   */
  private async train(t: IndexedTriples, validation: IndexedTriples | null, epochs: number): Promise<void> {
    const o = this.o;
    let data = t;
    let held = validation;
    if (o.earlyStopping && validation === null) {
      const split = validationSplit(t.ratings.length, o.validationFraction, o.seed, null);
      const pick = (rows: Int32Array): IndexedTriples => ({
        users: rows.map((i) => t.users[i] as number),
        items: rows.map((i) => t.items[i] as number),
        ratings: Float64Array.from(rows, (i) => t.ratings[i] as number),
      });
      data = pick(split.train);
      held = pick(split.validation);
    }
    const layout = this.layout();
    const backend = await createBackend(o.backend, o.dtype, o.threads);
    const staged = mfObjective(backend, data, {
      layout,
      mu: this.mu,
      biased: o.biased,
      lr: [o.lrBu, o.lrBi, o.lrPu, o.lrQi],
      reg: [o.regBu, o.regBi, o.regPu, o.regQi],
      threads: o.threads,
    });
    const spec = normaliseSchedule(o.schedule);
    // The loop trains the model's own block: after each epoch it holds that epoch's parameters.
    const params = this.params;
    this.progress.rng = (this.rng as Prng).getState();
    let outcome: TrainOutcome;
    try {
      outcome = await trainLoop(
        backend,
        staged.objective,
        params,
        {
          opts: {
            batchSize: 1,
            shuffle: o.shuffle,
            seed: o.seed,
            tol: o.earlyStopping ? (o.tol ?? 0) : o.tol,
            nIterNoChange: o.nIterNoChange,
            gradTol: o.gradTol,
            fitIntercept: true,
            average: false,
            onEpoch: o.onEpoch ?? null,
          },
          optimizer: SGD,
          schedule: makeSchedule(spec, {
            learningRate: o.learningRate,
            alpha: 0,
            maxEpochs: epochs,
            stepsPerEpoch: data.ratings.length,
          }),
          adaptive: spec.name === "adaptive",
          penalty: NO_PENALTY,
          validate: held === null ? null : (p) => rmseOf(p, layout, this.mu, held),
          validation: { lowerIsBetter: true, monitorOnly: !o.earlyStopping },
          zeroObjective: zeroModelMse(data.ratings, this.mu),
        },
        this.progress,
        this.history,
        epochs,
      );
    } finally {
      staged.free();
      backend.dispose();
      this.nEpochs = this.progress.epoch;
      if (this.progress.rng !== null) (this.rng as Prng).setState(this.progress.rng);
    }
    this.stopReason = outcome.stopReason;
    if (outcome.callbackError !== undefined) throw outcome.callbackError;
    if (outcome.stopReason === "diverged") {
      const e = this.progress.epoch;
      throw new DescentError(
        "E_DIVERGED",
        `MatrixFactorization diverged at epoch ${e} (MSE ${this.history.loss.at(-1)}). ` +
          `The model keeps the parameters ${e === 1 ? "it started from" : `of epoch ${e - 1}`}. ` +
          `Try a smaller learningRate (now ${o.learningRate}); the guard saw ${outcome.divergence ?? "a non-finite objective"}`,
      );
    }
  }

  private predictOne(uid: Id, iid: Id): number {
    return this.predictIndex(this.userIndex.get(uid) ?? -1, this.itemIndex.get(iid) ?? -1);
  }

  /** The prediction for user index a and item index b (−1: unknown). */
  private predictIndex(a: number, b: number): number {
    return mfPredictJs(this.params, this.layout(), this.mu, a, b);
  }

  /** Triples with their ids resolved against the fitted id maps (−1: unknown). */
  private indexTriples(users: ArrayLike<Id>, items: ArrayLike<Id>, ratings: Float64Array): IndexedTriples {
    return {
      users: Int32Array.from(users, (id) => this.userIndex.get(id) ?? -1),
      items: Int32Array.from(items, (id) => this.itemIndex.get(id) ?? -1),
      ratings,
    };
  }

  /** RMSE of the current parameters on indexed triples (what score reports). */
  private rmseOf(t: IndexedTriples): number {
    return rmseOf(this.params, this.layout(), this.mu, t);
  }

  /**
   * Predicted ratings mu + b_u + b_i + p_u·q_i; an unknown user or item contributes no bias and no
   * factor term (so a fully unknown pair predicts mu).
   */
  predict(users: ArrayLike<Id>, items: ArrayLike<Id>): Float64Array {
    this.assertFitted();
    checkIds(users, users?.length ?? 0, "users");
    checkIds(items, users.length, "items");
    return Float64Array.from({ length: users.length }, (_, i) => this.predictOne(users[i] as Id, items[i] as Id));
  }

  /** Root mean squared error of the predictions on (users, items, ratings). */
  score(users: ArrayLike<Id>, items: ArrayLike<Id>, ratings: ArrayLike<number>): number {
    this.assertFitted();
    checkIds(users, users?.length ?? 0, "users");
    checkIds(items, users.length, "items");
    if (ratings.length !== users.length)
      throw new DescentError("E_SHAPE", `ratings has ${ratings.length} values but users has ${users.length}`);
    return this.rmseOf(this.indexTriples(users, items, Float64Array.from(ratings)));
  }

  /** The k items with the highest predicted rating that `user` did not rate at fit, best first. */
  recommend(
    user: Id,
    k: number,
  ): Array<{
    /** The item. */
    item: Id;
    /** Its predicted rating. */
    score: number;
  }> {
    this.assertFitted();
    if (!Number.isInteger(k) || k < 1)
      throw new DescentError("E_OPTION", `recommend: k must be an integer >= 1 (got ${k})`);
    const a = this.userIndex.get(user);
    const seen = a === undefined ? new Int32Array(0) : (this.rated[a] as Int32Array);
    const scored: Array<{ item: Id; score: number }> = [];
    let s = 0;
    for (let b = 0; b < this.itemIds.length; b++) {
      while (s < seen.length && (seen[s] as number) < b) s++;
      if (s < seen.length && seen[s] === b) continue;
      const item = this.itemIds[b] as Id;
      scored.push({ item, score: this.predictOne(user, item) });
    }
    scored.sort((x, y) => y.score - x.score);
    return scored.slice(0, k);
  }

  /** Frees what the model holds; later calls throw E_STATE. */
  dispose(): void {
    this.disposed = true;
    this.params = new Float64Array(0);
  }

  /** A versioned JSON snapshot (ids, parameters, history). */
  toJSON(): Record<string, unknown> {
    this.assertFitted();
    const { onEpoch: _cb, validationData: _val, ...options } = this.o;
    const { P, Q, bu, bi } = this.parts();
    return writeModel("MatrixFactorization", {
      options,
      mu: this.mu,
      users: this.userIds,
      items: this.itemIds,
      P: Array.from(P),
      Q: Array.from(Q),
      bu: Array.from(bu),
      bi: Array.from(bi),
      rated: this.rated.map((r) => Array.from(r)),
      history: this.history,
      nEpochs: this.nEpochs,
      steps: this.progress.step,
    });
  }

  /**
   * The model as an ONNX graph (bytes of a ModelProto, opsets ai.onnx 17 and ai.onnx.ml 2): inputs
   * "user" and "item" (N ids each: strings, or int64 when the fitted ids are integers), output
   * "rating" (N predictions, computed as predict computes them, unknown ids included). Ids of mixed
   * types or fractional ids throw E_OPTION.
   */
  toONNX(options: RatingOnnxOptions = {}): Uint8Array {
    this.assertFitted();
    return buildRatingOnnx(
      {
        users: this.userIds,
        items: this.itemIds,
        factors: this.o.factors,
        mu: this.mu,
        ...this.parts(),
        producerVersion: String(MODEL_VERSION),
      },
      options,
    );
  }

  /** Rebuilds a model from toJSON() output; E_FORMAT names what is wrong. */
  static fromJSON(json: unknown): MatrixFactorization {
    const { o, model: m } = readModel(
      json,
      "MatrixFactorization",
      (options) => new MatrixFactorization(options as MatrixFactorizationOptions),
    );
    const ids = (key: string): Id[] => {
      const v = field(o, key);
      if (
        !Array.isArray(v) ||
        !v.every((x) => typeof x === "string" || (typeof x === "number" && Number.isFinite(x)))
      ) {
        throw new DescentError("E_FORMAT", `model JSON: '${key}' must be a list of ids`);
      }
      if (new Set(v).size !== v.length) throw new DescentError("E_FORMAT", `model JSON: '${key}' has duplicate ids`);
      return v as Id[];
    };
    const users = ids("users");
    const items = ids("items");
    const k = m.o.factors;
    m.mu = readNumber(o, "mu");
    const P = readNumbers(o, "P", users.length * k);
    const Q = readNumbers(o, "Q", items.length * k);
    const bu = readNumbers(o, "bu", users.length);
    const bi = readNumbers(o, "bi", items.length);
    const at = mfOffsets({ factors: k, users: users.length, items: items.length });
    m.params = new Float64Array(at.length);
    m.params.set(P, 0);
    m.params.set(Q, at.q);
    m.params.set(bu, at.bu);
    m.params.set(bi, at.bi);
    const rated = field(o, "rated");
    if (!Array.isArray(rated) || rated.length !== users.length) {
      throw new DescentError("E_FORMAT", "model JSON: 'rated' must have one list per user");
    }
    m.rated = rated.map((r, i) => {
      const key = `rated[${i}]`;
      const v = readNumbers({ [key]: r } as JsonObject, key);
      if (!v.every((x) => Number.isInteger(x) && x >= 0 && x < items.length)) {
        throw new DescentError("E_FORMAT", `model JSON: '${key}' has an item index out of range`);
      }
      return Int32Array.from(v).sort();
    });
    m.userIds = users;
    m.itemIds = items;
    m.userIndex = new Map(users.map((u, i) => [u, i]));
    m.itemIndex = new Map(items.map((it, i) => [it, i]));
    m.history = readHistory(o, "history");
    m.nEpochs = readCount(o, "nEpochs");
    // A schedule carries on from the saved step count (files written before it was saved: 0).
    const steps = field(o, "steps") === undefined ? 0 : readCount(o, "steps");
    m.progress = { ...newProgress(SGD, 0), epoch: m.nEpochs, step: steps };
    m.fittedFlag = true;
    return m;
  }
}
