// MatrixFactorization.partialFit and setOptions: passes that continue from the current factors,
// new ids joining with fresh parameters, options changed between passes.
import { describe, expect, it } from "vitest";
import { syntheticRatings } from "../src/datasets/synthetic-ratings.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { expectDescentError } from "./helpers/expect-error.js";

const s = syntheticRatings({ users: 60, items: 40, rank: 3, observed: 1500, noise: 0.1, seed: 9 });

describe("MatrixFactorization.partialFit", () => {
  it("one fit pass plus two partialFit passes is a three-epoch fit, to the bit (rows in order)", async () => {
    const opts = { factors: 4, shuffle: false, seed: 2 };
    const three = await new MatrixFactorization({ ...opts, epochs: 3 }).fit(s.users, s.items, s.ratings);
    const stepwise = await new MatrixFactorization({ ...opts, epochs: 1 }).fit(s.users, s.items, s.ratings);
    await stepwise.partialFit(s.users, s.items, s.ratings);
    await stepwise.partialFit(s.users, s.items, s.ratings);
    const a = three.toJSON() as Record<string, unknown>;
    const b = stepwise.toJSON() as Record<string, unknown>;
    for (const key of ["P", "Q", "bu", "bi", "mu", "users", "items"]) expect(b[key], key).toEqual(a[key]);
    expect(stepwise.nEpochs).toBe(3);
    expect(stepwise.history.loss).toEqual(three.history.loss);
  });

  it("a first call on an unfitted model is a one-epoch fit, and the epochs option stays as given", async () => {
    const fitted = await new MatrixFactorization({ factors: 3, epochs: 1, seed: 4 }).fit(s.users, s.items, s.ratings);
    const m = new MatrixFactorization({ factors: 3, epochs: 7, seed: 4 });
    await m.partialFit(s.users, s.items, s.ratings);
    const a = fitted.toJSON() as Record<string, unknown>;
    const b = m.toJSON() as Record<string, unknown>;
    for (const key of ["P", "Q", "bu", "bi", "mu", "users", "items", "rated"]) expect(b[key], key).toEqual(a[key]);
    expect(m.history.loss).toEqual(fitted.history.loss);
    expect(m.getOptions().epochs).toBe(7);
    expect(m.nEpochs).toBe(1);
  });

  it("new users and items join with fresh parameters; mu stays; what they rated leaves their recommendations", async () => {
    const m = await new MatrixFactorization({ factors: 3, epochs: 5, seed: 1 }).fit(s.users, s.items, s.ratings);
    const mu = m.mu;
    expect(m.predict(["newcomer"], [0])[0]).toBe(m.predict([-1], [0])[0]);
    await m.partialFit(["newcomer", "newcomer", 3], [0, "new item", "new item"], [4.5, 2, 3]);
    expect(m.mu).toBe(mu);
    expect(m.nEpochs).toBe(6);
    expect(m.predict(["newcomer"], [0])[0]).not.toBe(m.predict([-1], [0])[0]);
    const recs = m.recommend("newcomer", 100).map((r) => r.item);
    expect(recs).not.toContain(0);
    expect(recs).not.toContain("new item");
    expect(m.recommend(3, 100).map((r) => r.item)).not.toContain("new item");
    // The model round-trips with its new ids.
    const back = MatrixFactorization.fromJSON(m.toJSON());
    expect(back.predict(["newcomer"], ["new item"])).toEqual(m.predict(["newcomer"], ["new item"]));
    // A model read from JSON trains on.
    await back.partialFit(s.users.slice(0, 50), s.items.slice(0, 50), s.ratings.slice(0, 50));
    expect(back.nEpochs).toBe(7);
  });

  it("setOptions changes the rate between passes; per-group rates not given follow it", async () => {
    const m = new MatrixFactorization({ factors: 3, learningRate: 0.01, lrQi: 0.003 });
    m.setOptions({ learningRate: 0.05 });
    const o = m.getOptions();
    expect([o.learningRate, o.lrBu, o.lrBi, o.lrPu, o.lrQi]).toEqual([0.05, 0.05, 0.05, 0.05, 0.003]);
    expectDescentError(() => m.setOptions({ learningRate: -1 }), "E_OPTION", /learningRate/);
    expect(m.getOptions().learningRate).toBe(0.05);
    await expect(m.partialFit([], [], [])).rejects.toMatchObject({ code: "E_EMPTY" });
    await expect(m.partialFit([1], [1], [Number.NaN])).rejects.toMatchObject({ code: "E_NONFINITE" });
  });
});
