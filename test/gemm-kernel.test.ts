// The MLP's GEMM kernel on its own: every tile path (left operand packed into a panel, read by
// columns in place, read by rows in place), every column and row tail, with and without a bias,
// against a reference that sums in the same order: the JS backend's gemmJs (the float64 oracle, so
// the same bits) and, for float32, the same loop rounding every product and sum to float32.
import { describe, expect, it } from "vitest";
import { gemmJs } from "../src/kernels/mlp.js";
import { Prng } from "../src/kernels/prng.js";
import { getRuntime, type WasmRuntime } from "../src/runtime/wasm-runtime.js";

/** Row counts: whole 4-row blocks and every remainder. */
const ROWS = [1, 3, 4, 5, 6, 11];
/** Inner lengths, odd ones included (the panel's vector transpose takes 2 or 4 at a time). */
const INNER = [1, 2, 3, 5, 8, 13];
/** Column counts around the 1-, 2- and 3-vector tiles, the overlapping last vector and the packing threshold (16 in float64, 32 in float32). */
const COLUMNS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17, 19, 26, 31, 32, 33, 37];

interface Case {
  m: number;
  kk: number;
  n: number;
  /** Left operand stored by rows (li = kk, lk = 1) or by columns (li = 1, lk = m). */
  byColumns: boolean;
  bias: boolean;
  panel: boolean;
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const m of ROWS)
    for (const kk of INNER)
      for (const n of COLUMNS)
        for (const byColumns of [false, true])
          all.push({ m, kk, n, byColumns, bias: (m + kk + n) % 2 === 0, panel: (m * n + kk) % 3 !== 0 });
  return all;
}

/** C = L·R (+ bias) summed as the kernel does, each product and sum rounded to float32. */
function gemmFloat32(
  L: Float32Array,
  li: number,
  lk: number,
  R: Float32Array,
  m: number,
  kk: number,
  n: number,
  b: Float32Array | null,
): Float32Array {
  const C = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let k = 0; k < kk; k++)
        acc = Math.fround(acc + Math.fround((L[i * li + k * lk] as number) * (R[k * n + c] as number)));
      if (b !== null) acc = Math.fround(acc + (b[c] as number));
      C[i * n + c] = acc;
    }
  }
  return C;
}

function run(
  rt: WasmRuntime,
  dtype: "float64" | "float32",
  c: Case,
  L: Float64Array,
  R: Float64Array,
  b: Float64Array,
): Float64Array {
  const Arr = dtype === "float64" ? Float64Array : Float32Array;
  const el = Arr.BYTES_PER_ELEMENT;
  const put = (values: Float64Array): number => {
    const p = rt.arena.alloc(values.length * el + el);
    new Arr(rt.memory.buffer, p, values.length).set(values);
    return p;
  };
  const pl = put(L);
  const pr = put(R);
  const pb = put(b);
  const pc = rt.arena.alloc(c.m * c.n * el + el);
  // The panel is filled with garbage first: a kernel that read it before writing would show.
  const pp = c.panel ? put(new Float64Array(4 * c.kk).fill(Number.NaN)) : 0;
  const li = c.byColumns ? 1 : c.kk;
  const lk = c.byColumns ? c.m : 1;
  const fn = dtype === "float64" ? rt.exports.gemmF64 : rt.exports.gemmF32;
  fn(pl, li, lk, pr, pc, c.m, c.kk, c.n, c.bias ? pb : 0, pp);
  const out = Float64Array.from(new Arr(rt.memory.buffer, pc, c.m * c.n));
  for (const p of [pl, pr, pb, pc]) rt.arena.release(p);
  if (pp !== 0) rt.arena.release(pp);
  return out;
}

describe("GEMM kernel: every tile path and tail equals the in-order reference", () => {
  for (const variant of ["simd", "scalar"] as const) {
    for (const dtype of ["float64", "float32"] as const) {
      it(`wasm-${variant} ${dtype}: ${cases().length} shapes, to the bit`, async () => {
        const rt = await getRuntime(variant);
        if (rt === null) throw new Error(`the ${variant} build did not load`);
        const rng = new Prng(7);
        let checked = 0;
        for (const c of cases()) {
          const round = (v: number): number => (dtype === "float32" ? Math.fround(v) : v);
          const L = Float64Array.from({ length: c.m * c.kk }, () => round(rng.nextFloat() * 4 - 2));
          const R = Float64Array.from({ length: c.kk * c.n }, () => round(rng.nextFloat() * 4 - 2));
          const b = Float64Array.from({ length: c.n }, () => round(rng.nextFloat() - 0.5));
          const li = c.byColumns ? 1 : c.kk;
          const lk = c.byColumns ? c.m : 1;
          let want: Float64Array;
          if (dtype === "float64") {
            want = new Float64Array(c.m * c.n);
            gemmJs(L, 0, li, lk, R, 0, want, 0, c.m, c.kk, c.n, c.bias ? b : null, 0);
          } else {
            const f = gemmFloat32(
              Float32Array.from(L),
              li,
              lk,
              Float32Array.from(R),
              c.m,
              c.kk,
              c.n,
              c.bias ? Float32Array.from(b) : null,
            );
            want = Float64Array.from(f);
          }
          const got = run(rt, dtype, c, L, R, b);
          const where = `m ${c.m}, kk ${c.kk}, n ${c.n}, ${c.byColumns ? "by columns" : "by rows"}, bias ${c.bias}, panel ${c.panel}`;
          expect(Buffer.from(got.buffer).toString("hex"), where).toBe(Buffer.from(want.buffer).toString("hex"));
          checked++;
        }
        expect(checked).toBe(ROWS.length * INNER.length * COLUMNS.length * 2);
      });
    }
  }
});
