// The arena and slabs under the WASM backend: alignment, reuse, coalescing, growth.
import { describe, expect, it } from "vitest";
import { createBackend } from "../src/backend/create-backend.js";
import { Prng } from "../src/kernels/prng.js";
import { Arena } from "../src/runtime/arena.js";
import { Slab } from "../src/runtime/slab.js";
import { getRuntime } from "../src/runtime/wasm-runtime.js";

describe("Arena", () => {
  it("hands out cache-line aligned, non-overlapping blocks and reuses freed ones", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const arena = new Arena(memory);
    const a = arena.alloc(10);
    const b = arena.alloc(100);
    const c = arena.alloc(33);
    for (const p of [a, b, c]) expect(p % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 16);
    expect(c).toBeGreaterThanOrEqual(b + 112);
    arena.release(b);
    expect(arena.alloc(50)).toBe(b);
    expect(() => arena.release(12345)).toThrow(/not allocated/);
  });

  it("coalesces neighbours so freed space is reusable as one block", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 100 }));
    const blocks = [arena.alloc(64), arena.alloc(64), arena.alloc(64), arena.alloc(64)];
    arena.release(blocks[1] as number);
    arena.release(blocks[2] as number);
    expect(arena.alloc(128)).toBe(blocks[1]);
    for (const p of [blocks[0], blocks[1], blocks[3]]) arena.release(p as number);
    expect(arena.usedBytes).toBe(0);
    expect(arena.alloc(16)).toBe(blocks[0]);
  });

  it("grows the memory, and views made before the growth still read the same values", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const arena = new Arena(memory);
    const slab = new Slab(memory, arena.alloc(8 * 10), 10, Float64Array);
    slab.view.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    arena.alloc(300_000);
    expect(memory.buffer.byteLength).toBeGreaterThan(300_000);
    expect(Array.from(slab.view)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("refuses to grow past the maximum with E_MEMORY naming the size", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 2 }));
    expect(() => arena.alloc(1 << 20)).toThrow(/cannot grow to 1\.0 MiB.*partialFit/);
  });
});

describe("runtime", () => {
  it("is created once per build and shared", async () => {
    const a = await getRuntime("simd");
    const b = await getRuntime("simd");
    expect(a).not.toBeNull();
    expect(a).toBe(b);
  });

  it.each(["wasm-simd", "wasm-scalar"] as const)(
    "%s in Node works over shared memory: growing it leaves earlier views attached",
    async (name) => {
      const backend = await createBackend(name, "float64");
      const small = backend.alloc(4);
      small.view.set([1, 2, 3, 4]);
      const before = small.view;
      // Larger than anything allocated so far: the memory has to grow.
      const big = backend.alloc(4 << 20);
      expect(before.buffer).toBeInstanceOf(SharedArrayBuffer);
      // A detached view would read as length 0.
      expect(before.length).toBe(4);
      expect(Array.from(before)).toEqual([1, 2, 3, 4]);
      expect(Array.from(small.view)).toEqual([1, 2, 3, 4]);
      backend.free(big);
      backend.free(small);
    },
  );

  it.each([
    ["simd", "simd-shared"],
    ["scalar", "scalar-shared"],
  ] as const)("has an own-memory %s build (engines without SharedArrayBuffer) next to %s", async (own, shared) => {
    const a = await getRuntime(own);
    const b = await getRuntime(shared);
    if (a === null || b === null) throw new Error("builds unavailable");
    expect(a.memory.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(b.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe("Prng", () => {
  it("is deterministic per seed and shuffles into a permutation", () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
    const perm = Int32Array.from({ length: 100 }, (_, i) => i);
    new Prng(1).shuffle(perm);
    expect(Array.from(perm).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(perm)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("draws roughly uniform integers and restores its state", () => {
    const rng = new Prng(3);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.nextInt(10)]++;
    for (const k of counts) expect(Math.abs(k - 10_000)).toBeLessThan(500);
    const state = rng.getState();
    const next = rng.nextFloat();
    rng.setState(state);
    expect(rng.nextFloat()).toBe(next);
  });
});

describe("shuffle on every backend", () => {
  it.each([1, 2, 3, 17, 1000, 70_001])("gives the JS generator's permutation and state (n = %i)", async (n) => {
    const { createBackend } = await import("../src/backend/create-backend.js");
    const expected = Int32Array.from({ length: n }, (_, i) => i);
    const ref = new Prng(77);
    ref.shuffle(expected);
    for (const kind of ["js", "wasm-simd", "wasm-scalar"] as const) {
      const b = await createBackend(kind, "float64");
      const idx = b.allocIndex(n);
      idx.view.set(Int32Array.from({ length: n }, (_, i) => i));
      const rng = new Prng(77);
      b.shuffle(idx, n, rng);
      expect(Array.from(idx.view), kind).toEqual(Array.from(expected));
      expect(rng.getState(), kind).toEqual(ref.getState());
      b.free(idx);
    }
  });
});

describe("allocRows on every backend", () => {
  it("holds the chosen rows in the given order, in the backend's dtype, over a reused arena block", async () => {
    const { createBackend } = await import("../src/backend/create-backend.js");
    const cols = 3;
    const source = Float64Array.from({ length: 5 * cols }, (_, i) => i + 0.1);
    const rowIds = Int32Array.from([4, 0, 2, 2]);
    for (const dtype of ["float64", "float32"] as const) {
      for (const kind of ["js", "wasm-simd", "wasm-scalar"] as const) {
        const b = await createBackend(kind, dtype);
        // A block freed with other values in it first: allocRows must overwrite every element.
        const old = b.alloc(rowIds.length * cols);
        old.view.fill(-7);
        b.free(old);
        const X = b.allocRows(source, rowIds, cols);
        const want = Array.from(rowIds).flatMap((r) => Array.from(source.subarray(r * cols, (r + 1) * cols)));
        const cast = dtype === "float32" ? want.map(Math.fround) : want;
        expect(Array.from(X.view), `${kind} ${dtype}`).toEqual(cast);
        b.free(X);
      }
    }
  });
});

describe("allocRows in a shuffled order", () => {
  it.each([
    ["a permutation of every row (staged in blocks)", 5000, 5000],
    ["a shuffled subset (rows left out, as early stopping's training rows)", 5000, 3100],
  ])("%s gives the rows in that order on every backend and dtype", async (_what, rows, taken) => {
    const { createBackend } = await import("../src/backend/create-backend.js");
    const cols = 7;
    const source = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i) * 1000);
    const perm = Int32Array.from({ length: rows }, (_, i) => i);
    new Prng(9).shuffle(perm);
    const rowIds = perm.slice(0, taken);
    for (const dtype of ["float64", "float32"] as const) {
      const want = Array.from(rowIds).flatMap((r) => Array.from(source.subarray(r * cols, (r + 1) * cols)));
      const cast = dtype === "float32" ? want.map(Math.fround) : want;
      for (const kind of ["js", "wasm-simd", "wasm-scalar"] as const) {
        const b = await createBackend(kind, dtype);
        const X = b.allocRows(source, rowIds, cols);
        expect(Array.from(X.view), `${kind} ${dtype}`).toEqual(cast);
        b.free(X);
      }
    }
  });
});

describe("shuffleTriples on every backend", () => {
  it.each([
    [1, 0, 1],
    [2, 0, 2],
    [3, 0, 3],
    [17, 0, 17],
    [1000, 0, 1000],
    [70_001, 0, 70_001],
    [20, 5, 9],
    [1000, 333, 500],
  ])(
    "moves triples start .. start+count by the index shuffle's permutation (n = %i, start = %i, count = %i)",
    async (n, start, count) => {
      const { createBackend } = await import("../src/backend/create-backend.js");
      const perm = Int32Array.from({ length: count }, (_, i) => i);
      const ref = new Prng(5);
      ref.shuffle(perm);
      const users = Int32Array.from({ length: n }, (_, i) => 3 * i + 1);
      const items = Int32Array.from({ length: n }, (_, i) => n - i);
      const ratings = Float64Array.from({ length: n }, (_, i) => i + 0.25);
      for (const kind of ["js", "wasm-simd", "wasm-scalar"] as const) {
        const b = await createBackend(kind, "float64");
        const u = b.allocIndex(n);
        const it = b.allocIndex(n);
        const r = b.allocF64(n);
        u.view.set(users);
        it.view.set(items);
        r.view.set(ratings);
        const rng = new Prng(5);
        b.shuffleTriples({ users: u, items: it, ratings: r }, start, count, rng);
        for (let k = 0; k < n; k++) {
          const inRange = k >= start && k < start + count;
          const from = inRange ? start + (perm[k - start] as number) : k;
          if (u.view[k] !== users[from] || it.view[k] !== items[from] || r.view[k] !== ratings[from]) {
            throw new Error(`${kind}: position ${k} does not hold triple ${from}`);
          }
        }
        expect(rng.getState(), kind).toEqual(ref.getState());
        for (const buf of [u, it, r]) b.free(buf);
      }
    },
  );
});

describe("JS kernel instances", () => {
  it("float32 gets its own instance of the kernel functions (separate V8 type feedback), equal in behaviour", async () => {
    const { jsKernelsFor } = await import("../src/kernels/js-kernel-instances.js");
    const f64 = await jsKernelsFor("float64");
    const f32 = await jsKernelsFor("float32");
    expect(f32).not.toBe(f64);
    expect(f32.linearGradJs).not.toBe(f64.linearGradJs);
    expect(await jsKernelsFor("float32")).toBe(f32);
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    const w = Float32Array.from([0.5, -1, 2, 0, 1]);
    expect(f32.dotJs(x, 0, w, 0, 5)).toBe(f64.dotJs(x, 0, w, 0, 5));
  });
});
