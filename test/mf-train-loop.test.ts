// Matrix factorisation through the one training loop: schedules (checked against a plain
// per-rating SGD written here), the gradient-norm estimate and gradTol, tol, early stopping on a
// held-out share, and the same bits on every backend and thread count.
import { describe, expect, it } from "vitest";
import { syntheticRatings } from "../src/datasets/synthetic-ratings.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { expectDescentError } from "./helpers/expect-error.js";

function data(seed = 9) {
  return syntheticRatings({ users: 60, items: 50, rank: 3, observed: 1500, noise: 0.1, seed });
}

/** Parameters of a fitted model as hex (bit comparison). */
function bits(m: MatrixFactorization): string {
  const j = m.toJSON() as { P: number[]; Q: number[]; bu: number[]; bi: number[] };
  return Buffer.from(Float64Array.from([...j.P, ...j.Q, ...j.bu, ...j.bi]).buffer).toString("hex");
}

/**
 * Funk SVD by the book, one rating after another in the given order, the step t rate of every
 * group lr·rate(t)/lr: the oracle of the kernels under a schedule.
 */
function referenceFit(
  init: { P: number[]; Q: number[] },
  u: ArrayLike<number>,
  it: ArrayLike<number>,
  r: ArrayLike<number>,
  k: number,
  lr: number,
  reg: number,
  epochs: number,
  rate: (t: number) => number,
) {
  const P = init.P.slice();
  const Q = init.Q.slice();
  const nu = P.length / k;
  const ni = Q.length / k;
  const bu = new Array<number>(nu).fill(0);
  const bi = new Array<number>(ni).fill(0);
  let mu = 0;
  for (let i = 0; i < r.length; i++) mu += r[i] as number;
  mu /= r.length;
  let t = 0;
  for (let e = 0; e < epochs; e++) {
    for (let n = 0; n < r.length; n++) {
      t++;
      const g = (lr * rate(t)) / lr;
      const a = u[n] as number;
      const b = it[n] as number;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += (P[a * k + f] as number) * (Q[b * k + f] as number);
      const err = (r[n] as number) - (mu + (bu[a] as number) + (bi[b] as number) + dot);
      bu[a] = (bu[a] as number) + lr * g * (err - reg * (bu[a] as number));
      bi[b] = (bi[b] as number) + lr * g * (err - reg * (bi[b] as number));
      for (let f = 0; f < k; f++) {
        const p = P[a * k + f] as number;
        const q = Q[b * k + f] as number;
        P[a * k + f] = p + lr * g * (err * q - reg * p);
        Q[b * k + f] = q + lr * g * (err * p - reg * q);
      }
    }
  }
  return { P, Q, bu, bi };
}

describe("MatrixFactorization on the training loop", () => {
  it("an invscaling schedule gives every step the rate lr/t^powerT, as plain per-rating SGD does", async () => {
    const s = data();
    // Dense ids 0..n−1 in order of first appearance, so the reference indexes as the model does.
    const opts = { factors: 4, epochs: 3, learningRate: 0.05, regularization: 0.02, shuffle: false, seed: 2 };
    const m = await new MatrixFactorization({ ...opts, schedule: { name: "invscaling", powerT: 0.3 } }).fit(
      s.users,
      s.items,
      s.ratings,
    );
    const init = (
      await new MatrixFactorization({ ...opts, epochs: 1, learningRate: 1e-300 }).fit(s.users, s.items, s.ratings)
    ).toJSON() as { P: number[]; Q: number[]; users: number[]; items: number[] };
    const uIdx = new Map(init.users.map((id, i) => [id, i]));
    const iIdx = new Map(init.items.map((id, i) => [id, i]));
    const ref = referenceFit(
      init,
      Array.from(s.users, (id) => uIdx.get(id) as number),
      Array.from(s.items, (id) => iIdx.get(id) as number),
      s.ratings,
      4,
      0.05,
      0.02,
      3,
      (t) => 1 / t ** 0.3,
    );
    const j = m.toJSON() as { P: number[]; Q: number[]; bu: number[]; bi: number[] };
    for (const key of ["P", "Q", "bu", "bi"] as const) {
      const got = j[key];
      const want = ref[key];
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 9);
    }
    // The history's rate is the last step's: lr / (3 epochs × ratings)^0.3.
    expect(m.history.learningRate.at(-1)).toBeCloseTo(0.05 / (3 * s.ratings.length) ** 0.3, 14);
  });

  it.each([
    ["invscaling", { name: "invscaling", powerT: 0.25 }],
    ["cosine", { name: "cosine" }],
    ["step", { name: "step", gamma: 0.5, stepSize: 2 }],
  ] as const)(
    "a %s schedule gives the same bits on JS, WASM and 3 worker threads vs their JS block schedule",
    async (_n, schedule) => {
      const s = data(4);
      const opts = { factors: 9, epochs: 4, learningRate: 0.02, seed: 5, schedule };
      const js = await new MatrixFactorization({ ...opts, backend: "js" }).fit(s.users, s.items, s.ratings);
      const wasm = await new MatrixFactorization({ ...opts, backend: "wasm" }).fit(s.users, s.items, s.ratings);
      expect(bits(wasm)).toBe(bits(js));
      const t3 = await new MatrixFactorization({ ...opts, threads: 3 }).fit(s.users, s.items, s.ratings);
      const t3js = await new MatrixFactorization({ ...opts, threads: 3, backend: "js" }).fit(
        s.users,
        s.items,
        s.ratings,
      );
      expect(bits(t3)).toBe(bits(t3js));
      expect(t3.history.learningRate).toEqual(t3js.history.learningRate);
    },
  );

  it("partialFit carries the schedule's step count on: two one-epoch calls equal one two-epoch fit (rows in order)", async () => {
    const s = data(6);
    // Each partialFit call stages its ratings afresh, so a shuffled run's order does not carry over.
    const opts = {
      factors: 5,
      learningRate: 0.03,
      seed: 8,
      shuffle: false,
      schedule: { name: "invscaling" as const, powerT: 0.5 },
    };
    const whole = await new MatrixFactorization({ ...opts, epochs: 2 }).fit(s.users, s.items, s.ratings);
    const parts = new MatrixFactorization({ ...opts, epochs: 1 });
    await parts.fit(s.users, s.items, s.ratings);
    await parts.partialFit(s.users, s.items, s.ratings);
    expect(bits(parts)).toBe(bits(whole));
    expect(parts.history.learningRate).toEqual(whole.history.learningRate);
  });

  it("reports a finite gradient-norm estimate that shrinks as training converges, and stops on gradTol", async () => {
    const s = data(3);
    const m = await new MatrixFactorization({ factors: 3, epochs: 40, learningRate: 0.02, seed: 1 }).fit(
      s.users,
      s.items,
      s.ratings,
    );
    const g = m.history.gradNorm;
    expect(g.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(g.at(-1) as number).toBeLessThan((g[0] as number) / 2);
    const target = g[9] as number;
    const stopped = await new MatrixFactorization({
      factors: 3,
      epochs: 40,
      learningRate: 0.02,
      seed: 1,
      gradTol: target,
    }).fit(s.users, s.items, s.ratings);
    expect(stopped.stopReason).toBe("gradTol");
    expect(stopped.nEpochs).toBeLessThan(40);
    expect(stopped.history.gradNorm.at(-1) as number).toBeLessThan(target);
  });

  it("stops on tol when the training MSE stops improving", async () => {
    const s = data(2);
    const m = await new MatrixFactorization({ factors: 3, epochs: 500, learningRate: 0.02, seed: 1, tol: 1e-3 }).fit(
      s.users,
      s.items,
      s.ratings,
    );
    expect(m.stopReason).toBe("tol");
    expect(m.nEpochs).toBeLessThan(500);
    expect(m.history.loss.length).toBe(m.nEpochs);
  });

  it("early stopping holds out a validationFraction share, records its RMSE and keeps the best epoch", async () => {
    const s = syntheticRatings({ users: 80, items: 70, rank: 3, observed: 3000, noise: 0.3, seed: 12 });
    const m = await new MatrixFactorization({
      factors: 30,
      epochs: 300,
      learningRate: 0.03,
      regularization: 0,
      seed: 4,
      earlyStopping: true,
      validationFraction: 0.2,
      nIterNoChange: 3,
    }).fit(s.users, s.items, s.ratings);
    expect(m.stopReason).toBe("earlyStopping");
    const val = m.history.valScore as number[];
    expect(val.length).toBe(m.nEpochs);
    const best = Math.min(...val);
    expect(val.indexOf(best)).toBe(val.length - 4);
    // The model kept is the best epoch's: its held-out RMSE is the recorded minimum, so it beats the last epoch's.
    expect(best).toBeLessThan(val.at(-1) as number);
  });

  it("early stopping watches validationData when it is given", async () => {
    const s = data(5);
    const held = 300;
    const validationData = {
      users: s.users.slice(0, held),
      items: s.items.slice(0, held),
      ratings: s.ratings.slice(0, held),
    };
    const m = await new MatrixFactorization({
      factors: 20,
      epochs: 200,
      learningRate: 0.05,
      regularization: 0,
      seed: 4,
      earlyStopping: true,
      nIterNoChange: 2,
      validationData,
    }).fit(s.users.slice(held), s.items.slice(held), s.ratings.slice(held));
    expect(m.stopReason).toBe("earlyStopping");
    const val = m.history.valScore as number[];
    expect(m.score(validationData.users, validationData.items, validationData.ratings)).toBeCloseTo(
      Math.min(...val),
      12,
    );
  });

  it("refuses the options it cannot honour, naming them", () => {
    expectDescentError(() => new MatrixFactorization({ schedule: "optimal" }), "E_OPTION", /schedule/);
    expectDescentError(() => new MatrixFactorization({ validationFraction: 1 }), "E_OPTION", /validationFraction/);
    expectDescentError(() => new MatrixFactorization({ tol: -1 }), "E_OPTION", /tol/);
    expectDescentError(() => new MatrixFactorization({ gradTol: Number.NaN }), "E_OPTION", /gradTol/);
    expectDescentError(
      () => new MatrixFactorization({ schedule: { name: "step", gamma: 2 } as never }),
      "E_OPTION",
      /gamma/,
    );
  });
});
