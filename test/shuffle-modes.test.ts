// shuffle: true (a fresh permutation every epoch), 'once' (one seeded permutation when the rows are
// staged, then rows in that order every epoch) and false (the given order).
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { Prng } from "../src/kernels/prng.js";
import { LinearRegression } from "../src/models/linear-regression.js";
import { LinearSVM } from "../src/models/linear-svm.js";
import { loadDataset, standardisedDiabetes } from "./helpers/datasets.js";

const BACKENDS = ["js", "wasm-simd", "wasm-scalar"] as const;
const { Z, y } = standardisedDiabetes();
const rows = (m: { data: Float64Array | Float32Array; rows: number; cols: number }): number[][] =>
  Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
const bits = (v: ArrayLike<number>): string => Buffer.from(Float64Array.from(v).buffer).toString("hex");

/** The permutation 'once' stages n rows in for `seed`: the shuffle stream's first draw. */
function onceOrder(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new Prng(seed).shuffle(order, n);
  return order;
}

describe.each(BACKENDS)("shuffle: 'once' (%s)", (backend) => {
  const opts = { batchSize: 8, learningRate: 0.01, maxEpochs: 6, tol: null, seed: 11, backend } as const;

  it("trains exactly as shuffle: false on the rows in one seeded order", async () => {
    const order = onceOrder(Z.rows, 11);
    const X = rows(Z);
    const sw = Array.from({ length: Z.rows }, (_, i) => 1 + (i % 3));
    const once = await new LinearRegression({ ...opts, shuffle: "once" }).fit(Z, y, { sampleWeight: sw });
    const given = await new LinearRegression({ ...opts, shuffle: false }).fit(
      Array.from(order, (r) => X[r] as number[]),
      Array.from(order, (r) => y[r] as number),
      { sampleWeight: Array.from(order, (r) => sw[r] as number) },
    );
    expect(bits(once.coef)).toBe(bits(given.coef));
    expect(once.intercept).toBe(given.intercept);
    expect(once.history.loss).toEqual(given.history.loss);
    // and not as the rows in their own order
    const plain = await new LinearRegression({ ...opts, shuffle: false }).fit(Z, y, { sampleWeight: sw });
    expect(bits(plain.coef)).not.toBe(bits(once.coef));
  });

  it("gives the same bits on every backend", async () => {
    const here = await new LinearRegression({ ...opts, shuffle: "once" }).fit(Z, y);
    const js = await new LinearRegression({ ...opts, shuffle: "once", backend: "js" }).fit(Z, y);
    expect(bits(here.coef)).toBe(bits(js.coef));
    expect(here.history.gradNorm).toEqual(js.history.gradNorm);
  });

  it("partialFit draws each batch's order from the saved stream, so save and resume continue exactly", async () => {
    const o = { ...opts, shuffle: "once" as const };
    const parts = [0, 150, 300, Z.rows].map((r) => r * Z.cols);
    const chunk = (k: number) => ({
      X: {
        data: Z.data.slice(parts[k], parts[k + 1]),
        rows: ((parts[k + 1] as number) - (parts[k] as number)) / Z.cols,
        cols: Z.cols,
      },
      y: y.slice((parts[k] as number) / Z.cols, (parts[k + 1] as number) / Z.cols),
    });
    const straight = new LinearRegression(o);
    for (let k = 0; k < 3; k++) await straight.partialFit(chunk(k).X, chunk(k).y);
    const first = new LinearRegression(o);
    await first.partialFit(chunk(0).X, chunk(0).y);
    await first.partialFit(chunk(1).X, chunk(1).y);
    const resumed = LinearRegression.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    await resumed.partialFit(chunk(2).X, chunk(2).y);
    expect(bits(resumed.coef)).toBe(bits(straight.coef));
    expect(resumed.intercept).toBe(straight.intercept);
  });

  it("names the caller's row of a non-finite value", async () => {
    const bad = Float64Array.from(Z.data);
    bad[57 * Z.cols + 3] = Number.NaN;
    const err = await new LinearRegression({ ...opts, shuffle: "once" })
      .fit({ data: bad, rows: Z.rows, cols: Z.cols }, y)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DescentError);
    expect((err as DescentError).message).toMatch(/row 57, column 3/);
  });

  it("early stopping holds out the same rows as the other modes and permutes only the training rows", async () => {
    const es = { ...opts, earlyStopping: true, validationFraction: 0.2, maxEpochs: 30, tol: 1e-4 };
    const once = await new LinearRegression({ ...es, shuffle: "once" }).fit(Z, y);
    expect(once.history.valScore?.length).toBe(once.nEpochs);
    expect(Math.max(...(once.history.valScore ?? []))).toBeGreaterThan(0.3);
  });

  it("one-vs-rest problems all train on the one staged order", async () => {
    const iris = loadDataset("iris", "species");
    const o = { batchSize: 4, learningRate: 0.01, maxEpochs: 5, tol: null, seed: 3, backend };
    const order = onceOrder(iris.X.length, 3);
    const once = await new LinearSVM({ ...o, shuffle: "once" }).fit(iris.X, iris.y);
    const given = await new LinearSVM({ ...o, shuffle: false }).fit(
      Array.from(order, (r) => iris.X[r] as number[]),
      Array.from(order, (r) => iris.y[r] as number),
    );
    const c1 = once.coef as { data: Float64Array };
    const c2 = given.coef as { data: Float64Array };
    expect(bits(c1.data)).toBe(bits(c2.data));
  });
});

describe("shuffle option", () => {
  it("accepts true, false and 'once' and refuses anything else naming the option", () => {
    for (const shuffle of [true, false, "once"] as const)
      expect(new LinearRegression({ shuffle }).getOptions().shuffle).toBe(shuffle);
    expect(() => new LinearRegression({ shuffle: "always" as never })).toThrow(
      /option 'shuffle' must be true, false or 'once'/,
    );
  });

  it("true reshuffles every epoch: two epochs of true differ from the same two of 'once'", async () => {
    const o = { batchSize: 8, learningRate: 0.01, maxEpochs: 2, tol: null, seed: 5 };
    const a = await new LinearRegression({ ...o, shuffle: true }).fit(Z, y);
    const b = await new LinearRegression({ ...o, shuffle: "once" }).fit(Z, y);
    // The first epoch's order is the same draw (the stream's first permutation).
    expect(a.history.loss[0]).toBe(b.history.loss[0]);
    expect(a.history.loss[1]).not.toBe(b.history.loss[1]);
  });
});
