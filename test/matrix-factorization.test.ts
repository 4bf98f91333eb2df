import { describe, expect, it } from "vitest";
import { syntheticRatings } from "../src/datasets/synthetic-ratings.js";
import { MatrixFactorization } from "../src/models/matrix-factorization.js";
import { fitMatrixFactorizationInWorker } from "../src/web/fit-mf-in-worker.js";
import { expectDescentError } from "./helpers/expect-error.js";

/** A seeded low-rank rating matrix: mu + b_u + b_i + p_u·q_i + N(0, noise²), `observed` distinct cells. */
function synthetic(users: number, items: number, rank: number, observed: number, noise: number, seed: number) {
  const s = syntheticRatings({ users, items, rank, observed, noise, seed });
  return { u: s.users, it: s.items, r: s.ratings };
}

describe("MatrixFactorization", () => {
  it("recovers a rank-5 1000 × 1000 matrix from 100,000 noisy ratings (held-out RMSE < 0.15), loss falling every epoch", async () => {
    const { u, it: items, r } = synthetic(1000, 1000, 5, 100_000, 0.1, 42);
    const test = 10_000;
    const mf = await new MatrixFactorization({
      factors: 10,
      epochs: 60,
      learningRate: 0.01,
      regularization: 0.02,
      seed: 1,
    }).fit(u.slice(test), items.slice(test), r.slice(test));
    const rmse = mf.score(u.slice(0, test), items.slice(0, test), r.slice(0, test));
    expect(rmse).toBeLessThan(0.15);
    const h = mf.history.loss;
    expect(h.length).toBe(60);
    for (let e = 1; e < h.length; e++) expect(h[e]).toBeLessThan(h[e - 1] as number);
  });

  // 51 = 6 unrolled blocks of 8 + one vector + one scalar; 3 only the vector and scalar tails;
  // 8 exactly one block; 17 two blocks and a scalar.
  it.each([51, 3, 8, 17])(
    "gives the same bits on the JS backend and both single-thread WASM builds (%i factors)",
    async (factors) => {
      const { u, it: items, r } = synthetic(120, 90, 3, 4000, 0.1, 7);
      const opts = { factors, epochs: 5, learningRate: 0.01, seed: 3 };
      const fits = await Promise.all(
        (["js", "wasm-simd", "wasm-scalar"] as const).map((backend) =>
          new MatrixFactorization({ ...opts, backend }).fit(u, items, r),
        ),
      );
      const bits = (m: MatrixFactorization): string => {
        const j = m.toJSON() as { P: number[]; Q: number[]; bu: number[]; bi: number[] };
        return Buffer.from(Float64Array.from([...j.P, ...j.Q, ...j.bu, ...j.bi]).buffer).toString("hex");
      };
      expect(bits(fits[1] as MatrixFactorization)).toBe(bits(fits[0] as MatrixFactorization));
      expect(bits(fits[2] as MatrixFactorization)).toBe(bits(fits[0] as MatrixFactorization));
      expect((fits[1] as MatrixFactorization).history.loss).toEqual((fits[0] as MatrixFactorization).history.loss);
    },
  );

  it("float32 training agrees with float64", async () => {
    const { u, it: items, r } = synthetic(200, 200, 5, 10_000, 0.1, 5);
    const opts = { factors: 12, epochs: 20, learningRate: 0.01, seed: 4 };
    const f64 = await new MatrixFactorization(opts).fit(u, items, r);
    for (const backend of ["js", "wasm-simd"] as const) {
      const f32 = await new MatrixFactorization({ ...opts, backend, dtype: "float32" }).fit(u, items, r);
      expect(Math.abs(f32.score(u, items, r) - f64.score(u, items, r))).toBeLessThan(1e-3);
    }
  });

  it("takes string ids, falls back to mu plus the known bias for unknown ones, and recommends unseen items", async () => {
    const users = ["ann", "ann", "bob", "bob", "cy", "cy", "cy"];
    const items = ["x", "y", "x", "z", "y", "z", "w"];
    const ratings = [5, 3, 4, 1, 2, 5, 4];
    const mf = await new MatrixFactorization({ factors: 4, epochs: 50, learningRate: 0.05, seed: 2 }).fit(
      users,
      items,
      ratings,
    );
    expect(mf.mu).toBeCloseTo(24 / 7, 12);
    const [unknownBoth, unknownItem] = mf.predict(["zed", "ann"], ["q", "q"]);
    expect(unknownBoth).toBe(mf.mu);
    expect(unknownItem).not.toBe(mf.mu);
    const rec = mf.recommend("ann", 5);
    expect(rec.map((r) => r.item).sort()).toEqual(["w", "z"]);
    expect((rec[0] as { score: number }).score).toBeGreaterThanOrEqual((rec[1] as { score: number }).score);
    expect(mf.recommend("new user", 2).length).toBe(2);
    const again = MatrixFactorization.fromJSON(JSON.parse(JSON.stringify(mf.toJSON())));
    expect(Array.from(again.predict(users, items))).toEqual(Array.from(mf.predict(users, items)));
    expect(again.recommend("ann", 5)).toEqual(rec);
  });

  it("trains on 2 worker threads deterministically, to the bit as the same block schedule on the JS backend", async () => {
    const { u, it: items, r } = synthetic(400, 300, 5, 40_000, 0.1, 9);
    const opts = { factors: 10, epochs: 30, learningRate: 0.01, seed: 1 };
    const single = await new MatrixFactorization(opts).fit(u, items, r);
    const fits = [];
    for (const backend of ["wasm-simd", "wasm-simd", "js", "wasm-scalar"] as const) {
      fits.push(await new MatrixFactorization({ ...opts, threads: 2, backend }).fit(u, items, r));
    }
    const [threaded, again, js, scalar] = fits as [
      MatrixFactorization,
      MatrixFactorization,
      MatrixFactorization,
      MatrixFactorization,
    ];
    const bits = (m: MatrixFactorization): string => {
      const j = m.toJSON() as { P: number[]; Q: number[]; bu: number[]; bi: number[] };
      return Buffer.from(Float64Array.from([...j.P, ...j.Q, ...j.bu, ...j.bi]).buffer).toString("hex");
    };
    expect(bits(again)).toBe(bits(threaded));
    expect(bits(js)).toBe(bits(threaded));
    expect(bits(scalar)).toBe(bits(threaded));
    expect(js.history.loss).toEqual(threaded.history.loss);
    // Another order of the same ratings than one thread's, so other bits, and as good a fit.
    expect(bits(threaded)).not.toBe(bits(single));
    expect(threaded.score(u, items, r)).toBeLessThan(single.score(u, items, r) * 1.05);
    for (let e = 1; e < threaded.history.loss.length; e++) {
      expect(threaded.history.loss[e]).toBeLessThan(threaded.history.loss[e - 1] as number);
    }
  });

  it("trains with 3 threads and with more threads than users or items", async () => {
    const { u, it: items, r } = synthetic(60, 40, 3, 1500, 0.1, 3);
    const opts = { factors: 6, epochs: 8, learningRate: 0.01, seed: 2 };
    const three = await new MatrixFactorization({ ...opts, threads: 3 }).fit(u, items, r);
    const threeJs = await new MatrixFactorization({ ...opts, threads: 3, backend: "js" }).fit(u, items, r);
    expect(Array.from(three.predict(u, items))).toEqual(Array.from(threeJs.predict(u, items)));
    const tiny = await new MatrixFactorization({ ...opts, threads: 4 }).fit([1, 2, 1], ["a", "a", "b"], [4, 3, 5]);
    expect(tiny.history.loss.length).toBe(8);
    expect(Number.isFinite(tiny.predict([1], ["b"])[0] as number)).toBe(true);
  });

  it("refuses bad input with typed errors", async () => {
    await expectDescentError(
      new MatrixFactorization().fit([1, 2], [1], [3, 4]),
      "E_SHAPE",
      /items has 1 ids but ratings has 2/,
    );
    await expectDescentError(
      new MatrixFactorization().fit([1, 2], [1, 2], [3, Number.NaN]),
      "E_NONFINITE",
      /ratings .* at row 1/,
    );
    await expectDescentError(new MatrixFactorization().fit([], [], []), "E_EMPTY", /no ratings/);
    await expectDescentError(() => new MatrixFactorization({ factors: 0 }), "E_OPTION", /'factors'/);
    await expectDescentError(() => new MatrixFactorization({ rank: 3 } as never), "E_OPTION", /'rank' is unknown/);
    await expectDescentError(
      () => new MatrixFactorization({ threads: 65 }),
      "E_OPTION",
      /'threads' must be at most 64/,
    );
    await expectDescentError(
      () => new MatrixFactorization({ threads: 1.5 }),
      "E_OPTION",
      /'threads' must be an integer/,
    );
    await expectDescentError(() => new MatrixFactorization().predict([1], [1]), "E_STATE", /not fitted/);
    await expectDescentError(
      () =>
        MatrixFactorization.fromJSON({
          format: "descent-model",
          version: 1,
          model: "MatrixFactorization",
          options: {},
          mu: 1,
          users: [1, 1],
        }),
      "E_FORMAT",
      /duplicate ids/,
    );
  });
  it("scores validationData after every epoch into history.valScore and onEpoch, without changing the fit", async () => {
    const { u, it: items, r } = synthetic(300, 200, 4, 20_000, 0.1, 11);
    const held = 2000;
    const validationData = { users: u.slice(0, held), items: items.slice(0, held), ratings: r.slice(0, held) };
    const opts = { factors: 8, epochs: 40, learningRate: 0.02, seed: 2 };
    const seen: Array<number | undefined> = [];
    const mf = await new MatrixFactorization({
      ...opts,
      validationData,
      onEpoch: (info) => {
        seen.push(info.valScore);
        return undefined;
      },
    }).fit(u.slice(held), items.slice(held), r.slice(held));
    const plain = await new MatrixFactorization(opts).fit(u.slice(held), items.slice(held), r.slice(held));
    const v = mf.history.valScore ?? [];
    expect(v.length).toBe(40);
    expect(seen).toEqual(v);
    expect(v.at(-1)).toBe(mf.score(validationData.users, validationData.items, validationData.ratings));
    // Down from about 0.53 to near the noise floor (σ = 0.1).
    expect(v.at(-1) as number).toBeLessThan(0.15);
    expect(v[0] as number).toBeGreaterThan(0.4);
    expect(plain.history.valScore).toBeUndefined();
    expect(mf.history.loss).toEqual(plain.history.loss);
    expect((mf.toJSON() as { P: number[] }).P).toEqual((plain.toJSON() as { P: number[] }).P);
    // Saved without the data, restored with the history.
    const json = mf.toJSON() as { options: Record<string, unknown> };
    expect("validationData" in json.options).toBe(false);
    expect(MatrixFactorization.fromJSON(JSON.parse(JSON.stringify(json))).history.valScore).toEqual(v);
  });

  it("scores validation ratings of unknown users and items as predict does, on every backend and with threads", async () => {
    const { u, it: items, r } = synthetic(60, 50, 2, 1500, 0.1, 12);
    const validationData = { users: [0, "new", 1, 2], items: [1, 3, "new", 4], ratings: [3, 4, 5, 2] };
    for (const backend of ["js", "wasm"] as const) {
      for (const threads of [1, 2]) {
        const mf = await new MatrixFactorization({
          factors: 4,
          epochs: 3,
          seed: 1,
          backend,
          threads,
          validationData,
        }).fit(u, items, r);
        expect(mf.history.valScore?.at(-1)).toBe(
          mf.score(validationData.users, validationData.items, validationData.ratings),
        );
      }
    }
  });

  it("fitMatrixFactorizationInWorker needs Web Workers: in Node it says so, typed", async () => {
    await expectDescentError(
      fitMatrixFactorizationInWorker({}, [1], [1], [4]),
      "E_STATE",
      /needs Web Workers \(a browser\); call fit\(\) directly in Node/,
    );
  });

  it("refuses bad validationData with typed errors naming it", async () => {
    const fitWith = (validationData: unknown) =>
      new MatrixFactorization({ validationData } as never).fit([1, 2], [1, 2], [3, 4]);
    await expectDescentError(() => fitWith(5), "E_OPTION", /'validationData' must be an object/);
    await expectDescentError(() => fitWith({ users: [1] }), "E_OPTION", /'validationData'/);
    await expectDescentError(
      fitWith({ users: [1], items: [1], ratings: [] }),
      "E_EMPTY",
      /validationData has no ratings/,
    );
    await expectDescentError(
      fitWith({ users: [1, 2], items: [1], ratings: [3, 4] }),
      "E_SHAPE",
      /validationData.items has 1 ids/,
    );
    await expectDescentError(
      fitWith({ users: [1, 2], items: [1, 2], ratings: [3, Number.POSITIVE_INFINITY] }),
      "E_NONFINITE",
      /validationData.ratings has a non-finite value \(Infinity\) at row 1/,
    );
    await expectDescentError(
      fitWith({ users: [1, null], items: [1, 2], ratings: [3, 4] }),
      "E_LABELS",
      /validationData.users has an invalid id \(null\) at row 1/,
    );
  });
});

describe("MatrixFactorization keeps a usable model when training stops on an error", () => {
  const { u, it: items, r } = synthetic(40, 30, 2, 600, 0.1, 13);

  it.each(["js", "wasm"] as const)(
    "a diverging run (%s) throws E_DIVERGED and keeps the last finite parameters",
    async (backend) => {
      const mf = new MatrixFactorization({ factors: 4, epochs: 10, learningRate: 50, seed: 1, backend });
      await expectDescentError(
        mf.fit(u, items, r),
        "E_DIVERGED",
        /diverged at epoch 1 \(MSE (NaN|Infinity)\)\. The model keeps the parameters it started from/,
      );
      expect(mf.nEpochs).toBe(1);
      const p = mf.predict([0, 1], [0, 1]);
      expect(p.every(Number.isFinite)).toBe(true);
      // The parameters it started from: zero biases, so mu + p_u·q_i with the seeded initial factors.
      const fresh = await new MatrixFactorization({
        factors: 4,
        epochs: 1,
        learningRate: 1e-300,
        seed: 1,
        backend,
      }).fit(u, items, r);
      expect(Array.from(p)).toEqual(Array.from(fresh.predict([0, 1], [0, 1])));
      expect(() => JSON.stringify(mf.toJSON())).not.toThrow();
    },
  );

  it("an onEpoch that throws rejects the fit with its error; the model keeps the epochs it finished", async () => {
    const boom = new Error("stop here");
    const mf = new MatrixFactorization({
      factors: 4,
      epochs: 10,
      learningRate: 0.01,
      seed: 1,
      onEpoch: (info) => {
        if (info.epoch === 3) throw boom;
        return undefined;
      },
    });
    await expect(mf.fit(u, items, r)).rejects.toBe(boom);
    expect(mf.nEpochs).toBe(3);
    const three = await new MatrixFactorization({ factors: 4, epochs: 3, learningRate: 0.01, seed: 1 }).fit(
      u,
      items,
      r,
    );
    expect(mf.predict([0], [0])).toEqual(three.predict([0], [0]));
  });

  it("a failed refit on bad input leaves the earlier model as it was", async () => {
    const mf = await new MatrixFactorization({ factors: 4, epochs: 3, seed: 1 }).fit(u, items, r);
    const before = mf.predict([0], [0]);
    await expectDescentError(mf.fit([1], [1], [Number.NaN]), "E_NONFINITE", /at row 0/);
    expect(mf.predict([0], [0])).toEqual(before);
  });
});

describe("syntheticRatings", () => {
  it("draws distinct cells around a low-rank truth, the same for the same seed", () => {
    const a = syntheticRatings({ users: 40, items: 30, rank: 3, observed: 600, noise: 0.2, seed: 5 });
    const b = syntheticRatings({ users: 40, items: 30, rank: 3, observed: 600, noise: 0.2, seed: 5 });
    expect(b.ratings).toEqual(a.ratings);
    expect(new Set(a.users.map((x, i) => x * 30 + (a.items[i] as number))).size).toBe(600);
    let s = 0;
    for (let i = 0; i < 600; i++) {
      expect(a.truth[i]).toBe(a.expected(a.users[i] as number, a.items[i] as number));
      s += ((a.ratings[i] as number) - (a.truth[i] as number)) ** 2;
    }
    // The noise's sample standard deviation, within 4 standard errors of 0.2.
    expect(Math.abs(Math.sqrt(s / 600) - 0.2)).toBeLessThan((4 * 0.2) / Math.sqrt(2 * 600));
    expect(() => syntheticRatings({ users: 2, items: 2, rank: 1, observed: 5, noise: 0, seed: 1 })).toThrow(RangeError);
  });
});
