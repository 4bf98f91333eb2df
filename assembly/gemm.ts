// Dense products C = L·R (+ bias) for the MLP kernels (A·W, Aᵀ·δ and δ·Wᵀ): register tiles of four
// rows, a packed "panel" of the left operand where four or more column tiles share it, and a scalar
// build that sums four rows side by side. Each output sums its products in ascending order of the
// inner index from 0, the bias added last, no fused multiply-add: src/kernels/mlp.ts computes the
// same bits.
import { Simd } from "./simd";

/**
 * Products of a left operand (element (i, k) at l + i·li + k·lk) and a row-major right one.
 *
 * Register tiles of four rows × one or two vectors (eight accumulators): V8 loads every operand of a
 * loop iteration before its arithmetic, so a tile needs accumulators + right vectors + one splat
 * per row + a product ≤ 15 vector registers; four rows × three vectors spill four accumulators to
 * the stack every step (used only where it saves a whole pass, in narrow products). When four or
 * more column tiles share a block of four rows, the rows are first packed k-major (a "panel"), so
 * a step reads its four splats from one pointer at fixed offsets and spends no instructions on
 * addresses; narrower products read the rows in place.
 */
export class Gemm {
  /**
   * C[i, c] = Σ_k L(i, k)·R[k, c] over k ascending (plus bias[c] when bias != 0) for i < m, c < n,
   * C row-major with n columns; R has n columns. `panel` is room for 4·kk elements of T (0: none).
   */
  static run<T>(
    l: usize,
    li: i32,
    lk: i32,
    r: usize,
    c: usize,
    m: i32,
    kk: i32,
    n: i32,
    bias: usize,
    panel: usize,
  ): void {
    const s = Simd.shiftOf<T>();
    const lanes = sizeof<T>() == 8 ? 2 : 4;
    let i = 0;
    if (ASC_FEATURE_SIMD && n >= lanes) {
      // Packing costs about as much as one column tile; it pays from four tiles on.
      const packs = panel != 0 && n >= 8 * lanes;
      // Columns go by vectors; the last one, when n is not a whole number of vectors, is the one
      // ending at column n: the columns it shares with the tile before get the same sums in the same
      // order, so the same values, again.
      const vectors = (n + lanes - 1) / lanes;
      const lastPair = n - 2 * lanes;
      const lastOne = n - lanes;
      const rowStep = (<usize>li) << s;
      const kStep = (<usize>lk) << s;
      for (; i + 4 <= m; i += 4) {
        let col = 0;
        let t = vectors;
        if (packs || li == 1) {
          // The four rows' k-th values side by side: the panel, or the operand itself when stored by columns.
          let p = l + ((<usize>i) << s);
          let step = kStep;
          if (packs) {
            Gemm.pack4<T>(l + <usize>i * rowStep, li, lk, kk, panel);
            p = panel;
            step = 4 << s;
          }
          for (; t >= 2 && lastPair >= 0; t -= 2, col += 2 * lanes) {
            Gemm.tile4<T>(p, 0, step, true, r, c, i, min(col, lastPair), kk, n, bias, 2);
          }
          for (; t >= 1; t--, col += lanes) Gemm.tile4<T>(p, 0, step, true, r, c, i, min(col, lastOne), kk, n, bias, 1);
          continue;
        }
        const rows = l + <usize>i * rowStep;
        // Narrow products (few tiles, not worth packing): an odd count of vectors starts with
        // three, whose accumulators spill but which saves a pass over the rows.
        if ((t & 1) == 1 && n >= 3 * lanes) {
          Gemm.tile4<T>(rows, rowStep, kStep, false, r, c, i, 0, kk, n, bias, 3);
          t -= 3;
          col = 3 * lanes;
        }
        for (; t >= 2 && lastPair >= 0; t -= 2, col += 2 * lanes) {
          Gemm.tile4<T>(rows, rowStep, kStep, false, r, c, i, min(col, lastPair), kk, n, bias, 2);
        }
        for (; t >= 1; t--, col += lanes) {
          Gemm.tile4<T>(rows, rowStep, kStep, false, r, c, i, min(col, lastOne), kk, n, bias, 1);
        }
      }
      for (; i < m; i++) {
        for (let col = 0, t = vectors; t >= 1; t--, col += lanes) {
          Gemm.tile1x1<T>(l, li, lk, r, c, i, min(col, lastOne), kk, n, bias);
        }
      }
      return;
    }
    // Scalar builds, and products narrower than one vector: columns one by one, four rows side by side.
    for (; i + 4 <= m; i += 4) {
      for (let col = 0; col < n; col++) Gemm.column<T>(l, li, lk, r, c, i, 4, col, kk, n, bias);
    }
    for (; i < m; i++) {
      for (let col = 0; col < n; col++) Gemm.column<T>(l, li, lk, r, c, i, 1, col, kk, n, bias);
    }
  }

  /** The element of T at p in every lane, in one load. */
  @inline
  static splatAt<T>(p: usize): v128 {
    return sizeof<T>() == 8 ? v128.load64_splat(p) : v128.load32_splat(p);
  }

  /**
   * Copies rows l0, l0 + li, l0 + 2·li, l0 + 3·li (k-th element at + k·lk) into panel k-major:
   * panel[4k + a] = L(a, k), contiguous for the tiles' loads (a left operand stored by columns,
   * li = 1, is a strided run of those four values). Rows stored contiguously (lk = 1) are
   * transposed a vector at a time.
   */
  @inline
  static pack4<T>(l0: usize, li: i32, lk: i32, kk: i32, panel: usize): void {
    const s = Simd.shiftOf<T>();
    const rs = (<usize>li) << s;
    let k = 0;
    if (li == 1) {
      // Stored by columns: the four values of a k are already side by side.
      const ks = (<usize>lk) << s;
      for (; k < kk; k++) {
        const src = l0 + <usize>k * ks;
        const p = panel + ((<usize>(4 * k)) << s);
        v128.store(p, v128.load(src));
        if (sizeof<T>() == 8) v128.store(p, v128.load(src, 16), 16);
      }
      return;
    }
    if (lk == 1) {
      if (sizeof<T>() == 8) {
        for (; k + 2 <= kk; k += 2) {
          const src = l0 + ((<usize>k) << 3);
          const x0 = v128.load(src);
          const x1 = v128.load(src + rs);
          const x2 = v128.load(src + 2 * rs);
          const x3 = v128.load(src + 3 * rs);
          const p = panel + ((<usize>k) << 5);
          v128.store(p, v128.shuffle<f64>(x0, x1, 0, 2));
          v128.store(p, v128.shuffle<f64>(x2, x3, 0, 2), 16);
          v128.store(p, v128.shuffle<f64>(x0, x1, 1, 3), 32);
          v128.store(p, v128.shuffle<f64>(x2, x3, 1, 3), 48);
        }
      } else {
        for (; k + 4 <= kk; k += 4) {
          const src = l0 + ((<usize>k) << 2);
          const x0 = v128.load(src);
          const x1 = v128.load(src + rs);
          const x2 = v128.load(src + 2 * rs);
          const x3 = v128.load(src + 3 * rs);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const p = panel + ((<usize>k) << 4);
          v128.store(p, v128.shuffle<i64>(t0, t2, 0, 2));
          v128.store(p, v128.shuffle<i64>(t0, t2, 1, 3), 16);
          v128.store(p, v128.shuffle<i64>(t1, t3, 0, 2), 32);
          v128.store(p, v128.shuffle<i64>(t1, t3, 1, 3), 48);
        }
      }
    }
    for (; k < kk; k++) {
      const src = l0 + ((<usize>(k * lk)) << s);
      const p = panel + ((<usize>(4 * k)) << s);
      store<T>(p, load<T>(src));
      store<T>(p + (1 << s), load<T>(src + rs));
      store<T>(p + (2 << s), load<T>(src + 2 * rs));
      store<T>(p + (3 << s), load<T>(src + 3 * rs));
    }
  }

  /**
   * Rows i .. i+3 × `vecs` (1, 2 or 3, a constant) vectors of columns from col. Row i + a's k-th
   * value is at p + a·rowStep + k·step bytes; `packed` (a constant) says p is a panel (rowStep is
   * one element), read at fixed offsets from one pointer.
   */
  @inline
  static tile4<T>(
    p: usize,
    rowStep: usize,
    step: usize,
    packed: bool,
    r: usize,
    c: usize,
    i: i32,
    col: i32,
    kk: i32,
    n: i32,
    bias: usize,
    vecs: i32,
  ): void {
    const s = Simd.shiftOf<T>();
    const e = sizeof<T>();
    const zero = v128.splat<T>(0);
    let c00 = zero,
      c01 = zero,
      c02 = zero,
      c10 = zero,
      c11 = zero,
      c12 = zero,
      c20 = zero,
      c21 = zero,
      c22 = zero,
      c30 = zero,
      c31 = zero,
      c32 = zero;
    let rp = r + ((<usize>col) << s);
    const rStep = (<usize>n) << s;
    const rEnd = rp + <usize>kk * rStep;
    const row2 = rowStep << 1;
    const row3 = rowStep * <usize>3;
    let lp = p;
    while (rp < rEnd) {
      const r0 = v128.load(rp);
      const r1 = vecs > 1 ? v128.load(rp, 16) : zero;
      const r2 = vecs > 2 ? v128.load(rp, 32) : zero;
      const a0 = Gemm.splatAt<T>(lp);
      let a1: v128, a2: v128, a3: v128;
      if (packed) {
        a1 = e == 8 ? v128.load64_splat(lp, 8) : v128.load32_splat(lp, 4);
        a2 = e == 8 ? v128.load64_splat(lp, 16) : v128.load32_splat(lp, 8);
        a3 = e == 8 ? v128.load64_splat(lp, 24) : v128.load32_splat(lp, 12);
      } else {
        a1 = Gemm.splatAt<T>(lp + rowStep);
        a2 = Gemm.splatAt<T>(lp + row2);
        a3 = Gemm.splatAt<T>(lp + row3);
      }
      c00 = v128.add<T>(c00, v128.mul<T>(a0, r0));
      c10 = v128.add<T>(c10, v128.mul<T>(a1, r0));
      c20 = v128.add<T>(c20, v128.mul<T>(a2, r0));
      c30 = v128.add<T>(c30, v128.mul<T>(a3, r0));
      if (vecs > 1) {
        c01 = v128.add<T>(c01, v128.mul<T>(a0, r1));
        c11 = v128.add<T>(c11, v128.mul<T>(a1, r1));
        c21 = v128.add<T>(c21, v128.mul<T>(a2, r1));
        c31 = v128.add<T>(c31, v128.mul<T>(a3, r1));
      }
      if (vecs > 2) {
        c02 = v128.add<T>(c02, v128.mul<T>(a0, r2));
        c12 = v128.add<T>(c12, v128.mul<T>(a1, r2));
        c22 = v128.add<T>(c22, v128.mul<T>(a2, r2));
        c32 = v128.add<T>(c32, v128.mul<T>(a3, r2));
      }
      rp += rStep;
      lp += step;
    }
    Gemm.store4<T>(c, i, col, n, bias, vecs, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32);
  }

  /** Adds the bias (bias[col ..], when bias != 0) to a 4-row tile's accumulators and stores them. */
  @inline
  static store4<T>(
    c: usize,
    i: i32,
    col: i32,
    n: i32,
    bias: usize,
    vecs: i32,
    c00: v128,
    c01: v128,
    c02: v128,
    c10: v128,
    c11: v128,
    c12: v128,
    c20: v128,
    c21: v128,
    c22: v128,
    c30: v128,
    c31: v128,
    c32: v128,
  ): void {
    const s = Simd.shiftOf<T>();
    if (bias != 0) {
      const bp = bias + ((<usize>col) << s);
      const b0 = v128.load(bp);
      c00 = v128.add<T>(c00, b0);
      c10 = v128.add<T>(c10, b0);
      c20 = v128.add<T>(c20, b0);
      c30 = v128.add<T>(c30, b0);
      if (vecs > 1) {
        const b1 = v128.load(bp, 16);
        c01 = v128.add<T>(c01, b1);
        c11 = v128.add<T>(c11, b1);
        c21 = v128.add<T>(c21, b1);
        c31 = v128.add<T>(c31, b1);
      }
      if (vecs > 2) {
        const b2 = v128.load(bp, 32);
        c02 = v128.add<T>(c02, b2);
        c12 = v128.add<T>(c12, b2);
        c22 = v128.add<T>(c22, b2);
        c32 = v128.add<T>(c32, b2);
      }
    }
    const out = c + ((<usize>(i * n + col)) << s);
    const row = (<usize>n) << s;
    v128.store(out, c00);
    v128.store(out + row, c10);
    v128.store(out + 2 * row, c20);
    v128.store(out + 3 * row, c30);
    if (vecs > 1) {
      v128.store(out, c01, 16);
      v128.store(out + row, c11, 16);
      v128.store(out + 2 * row, c21, 16);
      v128.store(out + 3 * row, c31, 16);
    }
    if (vecs > 2) {
      v128.store(out, c02, 32);
      v128.store(out + row, c12, 32);
      v128.store(out + 2 * row, c22, 32);
      v128.store(out + 3 * row, c32, 32);
    }
  }

  /** Row i, one vector of columns from col. */
  @inline
  static tile1x1<T>(
    l: usize,
    li: i32,
    lk: i32,
    r: usize,
    c: usize,
    i: i32,
    col: i32,
    kk: i32,
    n: i32,
    bias: usize,
  ): void {
    const s = Simd.shiftOf<T>();
    let acc = v128.splat<T>(0);
    const l0 = l + ((<usize>(i * li)) << s);
    let rp = r + ((<usize>col) << s);
    for (let k = 0; k < kk; k++) {
      acc = v128.add<T>(acc, v128.mul<T>(Gemm.splatAt<T>(l0 + ((<usize>(k * lk)) << s)), v128.load(rp)));
      rp += (<usize>n) << s;
    }
    if (bias != 0) acc = v128.add<T>(acc, v128.load(bias + ((<usize>col) << s)));
    v128.store(c + ((<usize>(i * n + col)) << s), acc);
  }

  /** Rows i .. i+rows−1 (rows is 1 or 4) of one column, scalar, the rows' sums side by side. */
  @inline
  static column<T>(
    l: usize,
    li: i32,
    lk: i32,
    r: usize,
    c: usize,
    i: i32,
    rows: i32,
    col: i32,
    kk: i32,
    n: i32,
    bias: usize,
  ): void {
    const s = Simd.shiftOf<T>();
    const b: T = bias != 0 ? load<T>(bias + ((<usize>col) << s)) : <T>0;
    const l0 = l + ((<usize>(i * li)) << s);
    const kStep = (<usize>lk) << s;
    const rStep = (<usize>n) << s;
    let rp = r + ((<usize>col) << s);
    if (rows == 4) {
      const l1 = l0 + ((<usize>li) << s);
      const l2 = l1 + ((<usize>li) << s);
      const l3 = l2 + ((<usize>li) << s);
      let a0: T = 0;
      let a1: T = 0;
      let a2: T = 0;
      let a3: T = 0;
      let ko: usize = 0;
      for (let k = 0; k < kk; k++) {
        const rv = load<T>(rp);
        a0 += load<T>(l0 + ko) * rv;
        a1 += load<T>(l1 + ko) * rv;
        a2 += load<T>(l2 + ko) * rv;
        a3 += load<T>(l3 + ko) * rv;
        rp += rStep;
        ko += kStep;
      }
      if (bias != 0) {
        a0 += b;
        a1 += b;
        a2 += b;
        a3 += b;
      }
      const out = c + ((<usize>(i * n + col)) << s);
      store<T>(out, a0);
      store<T>(out + rStep, a1);
      store<T>(out + 2 * rStep, a2);
      store<T>(out + 3 * rStep, a3);
      return;
    }
    let acc: T = 0;
    let ko: usize = 0;
    for (let k = 0; k < kk; k++) {
      acc += load<T>(l0 + ko) * load<T>(rp);
      rp += rStep;
      ko += kStep;
    }
    if (bias != 0) acc += b;
    store<T>(c + ((<usize>(i * n + col)) << s), acc);
  }
}

/**
 * C = L·R (+ bias) as the MLP kernels compute it (see Gemm.run), exposed for tests and the bench;
 * panel: room for 4·kk elements (0: the left operand is never packed).
 */
export function gemmF64(
  l: usize,
  li: i32,
  lk: i32,
  r: usize,
  c: usize,
  m: i32,
  kk: i32,
  n: i32,
  bias: usize,
  panel: usize,
): void {
  Gemm.run<f64>(l, li, lk, r, c, m, kk, n, bias, panel);
}

export function gemmF32(
  l: usize,
  li: i32,
  lk: i32,
  r: usize,
  c: usize,
  m: i32,
  kk: i32,
  n: i32,
  bias: usize,
  panel: usize,
): void {
  Gemm.run<f32>(l, li, lk, r, c, m, kk, n, bias, panel);
}
