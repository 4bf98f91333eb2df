// Kernel-level checks over every backend and dtype: values against a plain float64 reference, and
// float64 results identical to the bit between the JS and both WASM builds (same summation order).
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend.js";
import { type BackendName, createBackend } from "../src/backend/create-backend.js";
import { WasmBackend } from "../src/backend/wasm-backend.js";
import type { LinearLoss } from "../src/kernels/losses.js";
import { PlanSlot } from "../src/kernels/plan.js";
import { Prng } from "../src/kernels/prng.js";
import type { DType } from "../src/matrix.js";
import { ScheduleId } from "../src/optim/schedules.js";
import type { FloatBuffer } from "../src/runtime/buffer.js";
import { getRuntime } from "../src/runtime/wasm-runtime.js";
import { testPlan, testState } from "./helpers/plan.js";

/** Lengths that exercise every SIMD block and tail (blocks of 8 for f64, 16 for f32). */
const LENGTHS = [0, 1, 2, 3, 4, 5, 15, 16, 17, 1003];
/** Float32 results may differ from a float64 reference by this relative amount (per-op rounding of ~1e3 terms). */
const F32_REL_TOL = 1e-4;
/** Float64 results vs the naive left-to-right reference (different order, so not bitwise). */
const F64_REL_TOL = 1e-12;
// wasm-simd and wasm-scalar run over shared memory in Node; the "own memory" kinds are the same
// kernels in the builds used where SharedArrayBuffer is missing.
const KINDS = ["js", "wasm-simd", "wasm-scalar", "wasm-simd own memory", "wasm-scalar own memory"] as const;
const DTYPES: DType[] = ["float64", "float32"];
const LOSSES: LinearLoss[] = ["squared", "huber", "hinge", "squaredHinge", "log"];

function randomArray(rng: Prng, n: number, signs = false): number[] {
  return Array.from({ length: n }, () => (signs ? (rng.nextFloat() < 0.5 ? -1 : 1) : rng.nextFloat() * 4 - 2));
}

function fill(b: Backend, values: ArrayLike<number>): FloatBuffer {
  const buf = b.alloc(values.length);
  buf.view.set(values);
  return buf;
}

function naiveDot(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] as number) * (y[i] as number);
  return s;
}

function close(actual: number, expected: number, rel: number, scale = 1): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(scale, Math.abs(expected)));
}

const backends = new Map<string, Backend>();
beforeAll(async () => {
  for (const kind of KINDS)
    for (const dtype of DTYPES) {
      const own = kind.endsWith(" own memory")
        ? await getRuntime(kind.startsWith("wasm-simd") ? "simd" : "scalar")
        : null;
      backends.set(
        `${kind}/${dtype}`,
        own !== null ? new WasmBackend(own, dtype) : await createBackend(kind.split(" ")[0] as BackendName, dtype),
      );
    }
});
const get = (kind: (typeof KINDS)[number], dtype: DType): Backend => backends.get(`${kind}/${dtype}`) as Backend;

describe.each(KINDS)("%s kernels", (kind) => {
  describe.each(DTYPES)("%s", (dtype) => {
    const tol = dtype === "float64" ? F64_REL_TOL : F32_REL_TOL;
    const round = (v: number[]): number[] => (dtype === "float32" ? Array.from(Float32Array.from(v)) : v);

    it.each(LENGTHS)("firstNonFinite over n = %i finds the first bad value anywhere, or none", (n) => {
      const b = get(kind, dtype);
      const clean = fill(b, randomArray(new Prng(n + 9), n));
      expect(b.firstNonFinite(clean, n)).toBe(-1);
      // Every position of short buffers; for long ones the tails and the chunk edges (16 Ki float32,
      // 8 Ki float64) of a buffer one chunk and a bit long.
      const long = 16_384 + 37;
      const m = n > 100 ? long : n;
      const places = n > 100 ? [0, 1, 8191, 8192, 8193, 16_383, 16_384, long - 2, long - 1] : [...Array(m).keys()];
      const buf = fill(b, randomArray(new Prng(n + 10), m));
      for (const at of places) {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const keep = buf.view[at] as number;
          buf.view[at] = bad;
          if (at + 3 < m) buf.view[at + 3] = Number.NaN;
          expect(b.firstNonFinite(buf, m)).toBe(at);
          expect(b.firstNonFinite(buf, at)).toBe(-1);
          buf.view[at] = keep;
          if (at + 3 < m) buf.view[at + 3] = 0.5;
        }
      }
      b.free(buf);
      b.free(clean);
    });

    it("allocChecked copies exactly and finds the first bad value at the staging blocks' edges", () => {
      const b = get(kind, dtype);
      // The WASM backends copy and scan 256 KiB at a time: 32 Ki float64 or 64 Ki float32 values.
      const block = dtype === "float64" ? 32_768 : 65_536;
      const n = 2 * block + 37;
      const source = Float64Array.from(randomArray(new Prng(77), n));
      const clean = b.allocChecked(source);
      expect(clean.bad).toBe(-1);
      expect(Array.from(clean.buffer.view)).toEqual(round(Array.from(source)));
      b.free(clean.buffer);
      for (const at of [0, block - 1, block, block + 1, 2 * block, n - 1]) {
        const bad = source.slice();
        bad[at] = Number.NaN;
        bad[Math.min(n - 1, at + block)] = Number.POSITIVE_INFINITY;
        const got = b.allocChecked(bad);
        expect(got.bad).toBe(at);
        b.free(got.buffer);
      }
      // A value finite in float64 but out of float32's range is bad once converted.
      const big = source.slice();
      big[block + 5] = 1e300;
      const got = b.allocChecked(big);
      expect(got.bad).toBe(dtype === "float32" ? block + 5 : -1);
      b.free(got.buffer);
    });

    it("allocChecked with row ids equals allocRows then firstNonFinite, whatever the order", () => {
      const b = get(kind, dtype);
      const cols = 7;
      const rows = 20_000; // several staging blocks of rows
      const source = Float64Array.from(randomArray(new Prng(78), rows * cols));
      // NaNs in two taken rows (the later one staged first) and in a row not taken at all.
      source[15_000 * cols + 3] = Number.NaN;
      source[400 * cols + 6] = Number.NEGATIVE_INFINITY;
      source[7 * cols + 1] = Number.NaN;
      const taken = Int32Array.from({ length: rows }, (_, i) => i).filter((r) => r !== 7);
      const orders: Array<[string, Int32Array]> = [
        ["in order", taken],
        ["shuffled", taken.slice()],
        ["with a row taken twice", Int32Array.from([5, 400, 5, 15_000, 9])],
      ];
      const shuffled = orders[1]?.[1] as Int32Array;
      new Prng(79).shuffle(shuffled, taken.length);
      // The later source row staged first, so "first in the copy" differs from "first in the source".
      const p400 = shuffled.indexOf(400);
      const p15k = shuffled.indexOf(15_000);
      if (p15k > p400) [shuffled[p400], shuffled[p15k]] = [15_000, 400];
      for (const [, ids] of orders) {
        const want = b.allocRows(source, ids, cols);
        const got = b.allocChecked(source, ids, cols);
        expect(got.bad).toBe(b.firstNonFinite(want, ids.length * cols));
        expect(got.bad).toBeGreaterThanOrEqual(0);
        expect(Array.from(got.buffer.view)).toEqual(Array.from(want.view));
        b.free(want);
        b.free(got.buffer);
      }
      const clean = taken.filter((r) => r !== 400 && r !== 15_000).reverse();
      const got = b.allocChecked(source, clean, cols);
      expect(got.bad).toBe(-1);
      b.free(got.buffer);
    });

    it.each(LENGTHS)("dot over n = %i matches the reference", (n) => {
      const b = get(kind, dtype);
      const rng = new Prng(n + 1);
      const x = round(randomArray(rng, n));
      const y = round(randomArray(rng, n));
      const got = b.dot(fill(b, x), fill(b, y), n);
      close(got, naiveDot(x, y, n), tol, naiveDot(x.map(Math.abs), y.map(Math.abs), n));
      if (n === 0) expect(got).toBe(0);
    });

    it.each(LENGTHS)("axpy over n = %i matches the reference and leaves the tail alone", (n) => {
      const b = get(kind, dtype);
      const rng = new Prng(n + 100);
      const x = round(randomArray(rng, n + 3));
      const y = round(randomArray(rng, n + 3));
      const yb = fill(b, y);
      b.axpy(n, 0.75, fill(b, x), yb);
      for (let i = 0; i < n + 3; i++) {
        const expected = i < n ? (y[i] as number) + 0.75 * (x[i] as number) : (y[i] as number);
        close(yb.view[i] as number, expected, tol, 2);
      }
    });

    it.each([1, 3, 8, 17])("gemv with d = %i matches the reference", (d) => {
      const b = get(kind, dtype);
      const rng = new Prng(d);
      const rows = 7;
      const X = round(randomArray(rng, rows * d));
      const params = round(randomArray(rng, d + 1));
      const out = b.alloc(rows);
      b.gemv(fill(b, X), rows, d, fill(b, params), out);
      for (let r = 0; r < rows; r++) {
        const expected = naiveDot(X.slice(r * d), params, d) + (params[d] as number);
        close(out.view[r] as number, expected, tol, d);
      }
    });

    it.each(LOSSES)("linearGrad (%s) matches a row-by-row reference", (loss) => {
      const b = get(kind, dtype);
      const rng = new Prng(7);
      const n = 23;
      const d = 17;
      const X = round(randomArray(rng, n * d));
      const classification = loss !== "squared" && loss !== "huber";
      const y = round(randomArray(rng, n, classification));
      const sw = round(randomArray(rng, n).map((v) => Math.abs(v)));
      const params = round(randomArray(rng, d + 1).map((v) => v * 0.3));
      const idx = b.allocIndex(n);
      const order = Array.from({ length: n }, (_, i) => (i * 5) % n);
      idx.view.set(order);
      const grad = b.alloc(d + 1);
      const start = 3;
      const count = 15;
      const eps = 0.5;
      const total = b.linearGrad(
        loss,
        fill(b, X),
        fill(b, y),
        fill(b, sw),
        idx,
        start,
        count,
        d,
        fill(b, params),
        grad,
        eps,
      );
      const g = new Array<number>(d + 1).fill(0);
      let expectedTotal = 0;
      for (let k = start; k < start + count; k++) {
        const i = order[k] as number;
        const f = naiveDot(X.slice(i * d), params, d) + (params[d] as number);
        const yi = y[i] as number;
        let l = 0;
        let dl = 0;
        if (loss === "squared") [l, dl] = [0.5 * (f - yi) ** 2, f - yi];
        else if (loss === "huber") {
          const r = f - yi;
          [l, dl] = Math.abs(r) <= eps ? [0.5 * r * r, r] : [eps * Math.abs(r) - 0.5 * eps * eps, Math.sign(r) * eps];
        } else if (loss === "hinge") [l, dl] = 1 - yi * f > 0 ? [1 - yi * f, -yi] : [0, 0];
        else if (loss === "squaredHinge")
          [l, dl] = 1 - yi * f > 0 ? [(1 - yi * f) ** 2, -2 * yi * (1 - yi * f)] : [0, 0];
        else [l, dl] = [Math.log1p(Math.exp(-yi * f)), -yi / (1 + Math.exp(yi * f))];
        const wi = sw[i] as number;
        expectedTotal += wi * l;
        for (let j = 0; j < d; j++) g[j] = (g[j] as number) + wi * dl * (X[i * d + j] as number);
        g[d] = (g[d] as number) + wi * dl;
      }
      close(total, expectedTotal, tol * 10, count);
      for (let j = 0; j <= d; j++) close(grad.view[j] as number, g[j] as number, tol * 10, count * 4);
    });

    it("a plain SGD step takes w to (1 − lr·l2)·w − lr·(g·scale), the intercept unpenalised, acc the step over the rate", () => {
      const b = get(kind, dtype);
      const d = 5;
      const state = testState(b, round([1, -2, 3, -4, 5, 0.5]));
      state.grad.view.set(round([2, 2, 2, 2, 2, 4]));
      // Two rows (scale 0.5) of an epoch of one row: accumulator weight |B|/n = 2.
      const penalty = { penalty: "l2" as const, alpha: 0.25, l1Ratio: 0 };
      const schedule = { id: ScheduleId.constant, eta: 0.1, a: 0, b: 0, c: 0 };
      const plan = testPlan(b, { nPen: d, nAll: d + 1, rows: 1, batch: 2, penalty, schedule });
      b.gradientStep(plan, 2, 1.5, state);
      b.finishEpoch(plan, state);
      const w0 = [1, -2, 3, -4, 5];
      for (let j = 0; j < d; j++) {
        const gj = 1 + 0.25 * (w0[j] as number);
        close(state.params.view[j] as number, (1 - 0.1 * 0.25) * (w0[j] as number) - 0.1, tol);
        close(state.acc.view[j] as number, 2 * gj, tol);
      }
      close(state.params.view[d] as number, 0.5 - 0.1 * 2, tol);
      close(state.acc.view[d] as number, 4, tol);
      expect(plan.view[PlanSlot.lossSum]).toBe(1.5);
      expect(plan.view[PlanSlot.step]).toBe(1);
      expect(plan.view[PlanSlot.lastRate]).toBe(0.1);
      const still = testPlan(b, { nPen: d, nAll: d + 1, rows: 1, batch: 1, fitIntercept: false, schedule, step: 1 });
      b.gradientStep(still, 1, 0, state);
      close(state.params.view[d] as number, 0.3, tol);
    });
  });
});

describe("float64 bit-for-bit parity between js, wasm-simd and wasm-scalar", () => {
  it.each(LENGTHS)("dot over n = %i", (n) => {
    const rng = new Prng(1234 + n);
    const x = randomArray(rng, n).map((v) => v * 1e3 + 1 / 3);
    const y = randomArray(rng, n);
    const results = KINDS.map((k) => {
      const b = get(k, "float64");
      return b.dot(fill(b, x), fill(b, y), n);
    });
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  });

  // Register kernels: d = 8 float64 (one SIMD block), 9–15 (a block and a tail), 16 (two blocks);
  // float32 d = 16, 17–31, 32 likewise (compared with float64 within the float32 tolerance).
  it.each([7, 8, 9, 10, 15, 16, 17, 31, 32])("linearGrad with d = %i, every loss, sample weights, odd batches", (d) => {
    const n = 41;
    const rng = new Prng(d * 31);
    const X = randomArray(rng, n * d);
    const yReal = randomArray(rng, n);
    const ySign = randomArray(rng, n, true);
    const sw = randomArray(rng, n).map(Math.abs);
    const params = randomArray(rng, d + 1).map((v) => v * 0.4);
    for (const loss of LOSSES) {
      const y = loss === "squared" || loss === "huber" ? yReal : ySign;
      const outs = KINDS.map((k) => {
        const b = get(k, "float64");
        const idx = b.allocIndex(n);
        idx.view.set(Array.from({ length: n }, (_, i) => (i * 11) % n));
        const grad = b.alloc(d + 1);
        const total = b.linearGrad(
          loss,
          fill(b, X),
          fill(b, y),
          fill(b, sw),
          idx,
          2,
          37,
          d,
          fill(b, params),
          grad,
          0.4,
        );
        return { total, grad: Array.from(grad.view) };
      });
      expect(outs[1], `${loss} simd`).toEqual(outs[0]);
      expect(outs[2], `${loss} scalar`).toEqual(outs[0]);
      // float32 through the same path agrees with float64 within the float32 tolerance.
      const b32 = get("wasm-simd", "float32");
      const idx = b32.allocIndex(n);
      idx.view.set(Array.from({ length: n }, (_, i) => (i * 11) % n));
      const g32 = b32.alloc(d + 1);
      const t32 = b32.linearGrad(
        loss,
        fill(b32, X),
        fill(b32, y),
        fill(b32, sw),
        idx,
        2,
        37,
        d,
        fill(b32, params),
        g32,
        0.4,
      );
      close(t32, (outs[0] as { total: number }).total, 1e-3, 37);
      g32.view.forEach((v, j) => {
        close(v, (outs[0] as { grad: number[] }).grad[j] as number, 1e-3, 37);
      });
    }
  });

  // Whole epochs through the step kernels: every loss, every optimizer, stochastic, mini-batch and
  // full-batch steps, shuffled and in order, with sample weights and an elastic-net penalty.
  const OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"] as const;
  it.each(LOSSES)("linearSteps over three epochs (%s)", (loss) => {
    const n = 61;
    const d = 19;
    const rng = new Prng(99);
    const classification = loss !== "squared" && loss !== "huber";
    const X = randomArray(rng, n * d);
    const y = randomArray(rng, n, classification);
    const sw = randomArray(rng, n).map(Math.abs);
    const order = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
    for (const optimizer of OPTIMIZERS) {
      for (const batch of [1, 7, n]) {
        for (const shuffled of [true, false]) {
          const outs = KINDS.map((k) => {
            const b = get(k, "float64");
            const Xb = fill(b, X);
            const yb = fill(b, y);
            const swb = fill(b, sw);
            const idx = shuffled ? b.allocIndex(n) : null;
            idx?.view.set(order);
            const state = testState(b, new Array(d + 1).fill(0), 2);
            const plan = testPlan(b, {
              optimizer,
              penalty: { penalty: "elasticnet", alpha: 0.01, l1Ratio: 0.3 },
              schedule: { id: ScheduleId.invscaling, eta: 0.05, a: 0.25, b: 0, c: 0 },
              nPen: d,
              nAll: d + 1,
              rows: n,
              batch,
              loss,
              lossParam: 0.3,
            });
            const epochs: number[][] = [];
            for (let e = 0; e < 3; e++) {
              state.acc.view.fill(0);
              plan.view[PlanSlot.lossSum] = 0;
              plan.view[PlanSlot.epoch] = e;
              // An epoch cut into two calls at a batch boundary.
              const cut = Math.min(n, batch * 3);
              b.linearSteps(plan, Xb, yb, swb, idx, 0, cut, d, state);
              b.linearSteps(plan, Xb, yb, swb, idx, cut, n, d, state);
              b.finishEpoch(plan, state);
              epochs.push([...state.params.view, ...state.acc.view, ...plan.view]);
            }
            return epochs.flat();
          });
          const bits = (a: number[]): string => Buffer.from(Float64Array.from(a).buffer).toString("hex");
          const what = `${loss} ${optimizer} batch ${batch}${shuffled ? " shuffled" : ""}`;
          expect(bits(outs[1] as number[]), `${what} simd`).toBe(bits(outs[0] as number[]));
          expect(bits(outs[2] as number[]), `${what} scalar`).toBe(bits(outs[0] as number[]));
          expect((outs[0] as number[]).every(Number.isFinite), what).toBe(true);
        }
      }
    }
  });
});
