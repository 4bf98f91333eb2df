// Multi-layer perceptrons: whole minibatch steps (gather, forward, loss, backward, update) over a
// slice of an epoch in one call, as scikit-learn's MLPClassifier / MLPRegressor compute them.
//
// The network is described by an i32 array `net`: [L, hidden activation, output kind, u0, u1, …,
// uL] (u0 inputs, uL outputs, L weight layers). Parameters are packed as every layer's weights
// W_l (u_l × u_{l+1}, row-major, scikit-learn's coefs_[l]) in turn, then every layer's intercepts.
// `scratch` holds, for `batch` rows, the activations A_0 … A_L, two delta buffers, room for the
// largest weight matrix transposed and a GEMM panel (four rows of the widest layer).
//
// Summation orders (mirrored operation for operation by src/backend/js-mlp.ts, so float64 results
// are the same bits): each output of A·W, Aᵀ·δ and δ·Wᵀ sums its products in ascending order of
// the inner index, starting from 0, the intercept added last. No fused multiply-add anywhere.
import { OwnMath } from "./math";
import { P_BATCH, P_H1, P_H2, P_H3, P_L2, P_LAST_RATE, P_LOSS_SUM, P_OPT, P_ROWS, P_STEP, Plan } from "./plan";
import { Portable } from "./portable";
import { Rows } from "./rows";
import { Simd } from "./simd";
import { StepPlan } from "./train";
import { OPT_ADAM, OPT_ADAMW, optimizerStepImpl } from "./update";

/** Hidden activations. MUST MATCH src/backend/mlp-net.ts. */
export const ACT_IDENTITY: i32 = 0;
export const ACT_LOGISTIC: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
/** Output layers: identity + half squared error, logistic + binary log loss, softmax + log loss. */
export const OUT_IDENTITY: i32 = 0;
export const OUT_LOGISTIC: i32 = 1;
export const OUT_SOFTMAX: i32 = 2;
/** scikit-learn's SGD solver: v ← μv − rate·g, then w += v (or μv − rate·g with Nesterov). */
export const OPT_SK_SGD: i32 = 7;
/** scikit-learn's Adam: rate_t = rate·√(1 − β₂ᵗ)/(1 − β₁ᵗ), w −= rate_t·m/(√v + ε). */
export const OPT_SK_ADAM: i32 = 8;

/** Reads the network descriptor. */
class Net {
  @inline
  static layers(net: usize): i32 {
    return load<i32>(net);
  }
  @inline
  static act(net: usize): i32 {
    return load<i32>(net, 4);
  }
  @inline
  static out(net: usize): i32 {
    return load<i32>(net, 8);
  }
  /** Units of layer l (0: inputs, L: outputs). */
  @inline
  static units(net: usize, l: i32): i32 {
    return load<i32>(net + 12 + ((<usize>l) << 2));
  }
  /** Elements before W_l in the parameters. */
  static weightAt(net: usize, l: i32): i32 {
    let o = 0;
    for (let j = 0; j < l; j++) o += Net.units(net, j) * Net.units(net, j + 1);
    return o;
  }
  /** Elements before b_l in the parameters. */
  static biasAt(net: usize, l: i32): i32 {
    let o = Net.weightAt(net, Net.layers(net));
    for (let j = 0; j < l; j++) o += Net.units(net, j + 1);
    return o;
  }
  /** Elements before A_l in the scratch, for `rows` rows. */
  static activationAt(net: usize, l: i32, rows: i32): i32 {
    let o = 0;
    for (let j = 0; j < l; j++) o += rows * Net.units(net, j);
    return o;
  }
  /** The widest layer. */
  static widest(net: usize): i32 {
    let w = 0;
    for (let j = 0; j <= Net.layers(net); j++) w = max<i32>(w, Net.units(net, j));
    return w;
  }
  /**
   * Elements before the GEMM panel (4 × the widest layer) in a scratch of `rows` rows: after the
   * activations, the two delta buffers and the largest weight matrix. MUST MATCH mlp-net.ts's
   * scratchSize.
   */
  static panelAt(net: usize, rows: i32): i32 {
    let largest = 0;
    for (let j = 0; j < Net.layers(net); j++) largest = max<i32>(largest, Net.units(net, j) * Net.units(net, j + 1));
    return Net.activationAt(net, Net.layers(net) + 1, rows) + 2 * rows * Net.widest(net) + largest;
  }
}

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
class Gemm {
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

/** Activation functions and their derivatives (computed from the activation's output, as scikit-learn). */
class Act {
  /** The logistic function, from exp of a non-positive argument. */
  @inline
  static logistic(z: f64): f64 {
    const e = OwnMath.expNonPositive(-abs<f64>(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  /** tanh, from exp of a non-positive argument. */
  @inline
  static tanh(z: f64): f64 {
    const e = OwnMath.expNonPositive(-2 * abs<f64>(z));
    const t = (1 - e) / (1 + e);
    return z < 0 ? -t : t;
  }

  /** Applies the hidden activation to n values in place. */
  static apply<T>(a: usize, n: i32, act: i32): void {
    if (act == ACT_IDENTITY) return;
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (act == ACT_RELU) {
      if (ASC_FEATURE_SIMD) {
        const lanes = sizeof<T>() == 8 ? 2 : 4;
        const zero = v128.splat<T>(0);
        for (; j + lanes <= n; j += lanes) {
          const o = a + ((<usize>j) << s);
          const v = v128.load(o);
          v128.store(o, v128.bitselect(v, zero, v128.gt<T>(v, zero)));
        }
      }
      for (; j < n; j++) {
        const o = a + ((<usize>j) << s);
        const v = load<T>(o);
        store<T>(o, v > 0 ? v : <T>0);
      }
      return;
    }
    for (; j < n; j++) {
      const o = a + ((<usize>j) << s);
      const z = <f64>load<T>(o);
      store<T>(o, <T>(act == ACT_LOGISTIC ? Act.logistic(z) : Act.tanh(z)));
    }
  }

  /** δ ← δ·f'(A) for n values, f' from the activation's output A. */
  static derive<T>(d: usize, a: usize, n: i32, act: i32): void {
    if (act == ACT_IDENTITY) return;
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const zero = v128.splat<T>(0);
      const one = v128.splat<T>(1);
      for (; j + lanes <= n; j += lanes) {
        const o = (<usize>j) << s;
        const dv = v128.load(d + o);
        const av = v128.load(a + o);
        let r: v128;
        if (act == ACT_RELU) r = v128.bitselect(dv, zero, v128.gt<T>(av, zero));
        else if (act == ACT_TANH) r = v128.mul<T>(dv, v128.sub<T>(one, v128.mul<T>(av, av)));
        else r = v128.mul<T>(dv, v128.mul<T>(av, v128.sub<T>(one, av)));
        v128.store(d + o, r);
      }
    }
    for (; j < n; j++) {
      const o = (<usize>j) << s;
      const dv = load<T>(d + o);
      const av = load<T>(a + o);
      let r: T;
      if (act == ACT_RELU) r = av > 0 ? dv : <T>0;
      else if (act == ACT_TANH) r = dv * (<T>1 - av * av);
      else r = dv * (av * (<T>1 - av));
      store<T>(d + o, r);
    }
  }
}

/** The smallest probability the log losses take the log of (scikit-learn clips at the dtype's eps). */
function probabilityFloor<T>(): f64 {
  return sizeof<T>() == 8 ? 2.220446049250313e-16 : 1.1920928955078125e-7;
}

/** The output function in place over `rows` rows of u pre-activations at z. */
function outputs<T>(out: i32, z: usize, rows: i32, u: i32): void {
  if (out == OUT_IDENTITY) return;
  const s = Simd.shiftOf<T>();
  for (let r = 0; r < rows; r++) {
    const zr = z + ((<usize>(r * u)) << s);
    if (out == OUT_LOGISTIC) {
      for (let c = 0; c < u; c++) {
        const o = zr + ((<usize>c) << s);
        store<T>(o, <T>Act.logistic(<f64>load<T>(o)));
      }
      continue;
    }
    let top: f64 = -Infinity;
    for (let c = 0; c < u; c++) top = max<f64>(top, <f64>load<T>(zr + ((<usize>c) << s)));
    let sum: f64 = 0;
    for (let c = 0; c < u; c++) {
      const o = zr + ((<usize>c) << s);
      const e = <T>OwnMath.expNonPositive(<f64>load<T>(o) - top);
      store<T>(o, e);
      sum += <f64>e;
    }
    for (let c = 0; c < u; c++) {
      const o = zr + ((<usize>c) << s);
      store<T>(o, <T>(<f64>load<T>(o) / sum));
    }
  }
}

/**
 * The data loss of `rows` rows of outputs p (rows × u, after the output function) against their
 * targets, summed, and δ = p − target into d (0 skips δ). Targets y: real values (identity), 0/1
 * (logistic) or class indices (softmax), one per row, at the rows idx[start..].
 */
function lossAndDelta<T>(out: i32, p: usize, d: usize, rows: i32, u: i32, y: usize, idx: usize, start: i32): f64 {
  const s = Simd.shiftOf<T>();
  const eps = probabilityFloor<T>();
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const yi = <f64>load<T>(y + (Rows.at(idx, start + r) << s));
    const label = <i32>yi;
    for (let c = 0; c < u; c++) {
      const o = (<usize>(r * u + c)) << s;
      const pv = load<T>(p + o);
      let target: T;
      if (out == OUT_SOFTMAX) {
        target = c == label ? <T>1 : <T>0;
        if (c == label) total -= OwnMath.log(min<f64>(max<f64>(<f64>pv, eps), 1 - eps));
      } else if (out == OUT_LOGISTIC) {
        target = <T>yi;
        const q = min<f64>(max<f64>(<f64>pv, eps), 1 - eps);
        total -= yi > 0 ? OwnMath.log(q) : OwnMath.log(1 - q);
      } else {
        target = <T>yi;
        const e = <f64>pv - yi;
        total += 0.5 * (e * e);
      }
      if (d != 0) store<T>(d + o, pv - target);
    }
  }
  return total;
}

/** The last touches of a layer's gradient, lane by lane (the same operations as one at a time). */
class Grad {
  /** g ← (g + a·w)/n over count entries. */
  @inline
  static finish<T>(g: usize, w: usize, count: i32, a: T, n: T): void {
    const s = Simd.shiftOf<T>();
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const av = v128.splat<T>(a);
      const nv = v128.splat<T>(n);
      for (; j + lanes <= count; j += lanes) {
        const o = (<usize>j) << s;
        v128.store(g + o, v128.div<T>(v128.add<T>(v128.load(g + o), v128.mul<T>(av, v128.load(w + o))), nv));
      }
    }
    for (; j < count; j++) {
      const o = (<usize>j) << s;
      store<T>(g + o, (load<T>(g + o) + a * load<T>(w + o)) / n);
    }
  }

  /** out[c] ← (Σ_r d[r, c], r ascending)/n for the `cols` columns of a rows × cols matrix. */
  @inline
  static columnMeans<T>(d: usize, rows: i32, cols: i32, out: usize, n: T): void {
    const s = Simd.shiftOf<T>();
    const rowBytes = (<usize>cols) << s;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const nv = v128.splat<T>(n);
      for (; c + lanes <= cols; c += lanes) {
        let sum = v128.splat<T>(0);
        let p = d + ((<usize>c) << s);
        for (let r = 0; r < rows; r++) {
          sum = v128.add<T>(sum, v128.load(p));
          p += rowBytes;
        }
        v128.store(out + ((<usize>c) << s), v128.div<T>(sum, nv));
      }
    }
    for (; c < cols; c++) {
      let sum: T = 0;
      for (let r = 0; r < rows; r++) sum += load<T>(d + ((<usize>(r * cols + c)) << s));
      store<T>(out + ((<usize>c) << s), sum / n);
    }
  }
}

/** Σ w² over the first n parameters, in index order. */
function sumOfSquares<T>(w: usize, n: i32): f64 {
  const s = Simd.shiftOf<T>();
  let total: f64 = 0;
  for (let j = 0; j < n; j++) {
    const v = <f64>load<T>(w + ((<usize>j) << s));
    total += v * v;
  }
  return total;
}

/**
 * The forward pass over `rows` rows (positions start.. through idx) into the scratch's activations;
 * returns the address of A_L. A_0 is the gathered rows.
 */
function forward<T>(net: usize, x: usize, idx: usize, start: i32, rows: i32, params: usize, scratch: usize): usize {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const d = Net.units(net, 0);
  const stride = (<usize>d) << s;
  for (let r = 0; r < rows; r++) {
    memory.copy(scratch + <usize>r * stride, x + Rows.at(idx, start + r) * stride, stride);
  }
  const panel = scratch + ((<usize>Net.panelAt(net, rows)) << s);
  let a = scratch;
  for (let l = 0; l < L; l++) {
    const fanIn = Net.units(net, l);
    const fanOut = Net.units(net, l + 1);
    const z = scratch + ((<usize>Net.activationAt(net, l + 1, rows)) << s);
    const w = params + ((<usize>Net.weightAt(net, l)) << s);
    const b = params + ((<usize>Net.biasAt(net, l)) << s);
    Gemm.run<T>(a, fanIn, 1, w, z, rows, fanIn, fanOut, b, panel);
    if (l + 1 < L) Act.apply<T>(z, rows * fanOut, Net.act(net));
    a = z;
  }
  return a;
}

/**
 * The gradient of one batch of `rows` rows into grad (scikit-learn's: (Aᵀ·δ + alpha·W)/rows for the
 * weights, the mean δ for the intercepts); returns the batch's data loss sum.
 */
function backprop<T>(
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  rows: i32,
  params: usize,
  grad: usize,
  alpha: f64,
  scratch: usize,
): f64 {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const top = forward<T>(net, x, idx, start, rows, params, scratch);
  const deltas = scratch + ((<usize>Net.activationAt(net, L + 1, rows)) << s);
  const span = (<usize>(rows * Net.widest(net))) << s;
  const panel = scratch + ((<usize>Net.panelAt(net, rows)) << s);
  let dCur = deltas;
  let dNext = deltas + span;
  outputs<T>(Net.out(net), top, rows, Net.units(net, L));
  const loss = lossAndDelta<T>(Net.out(net), top, dCur, rows, Net.units(net, L), y, idx, start);
  const n = <T>rows;
  const a = <T>alpha;
  for (let l = L - 1; l >= 0; l--) {
    const fanIn = Net.units(net, l);
    const fanOut = Net.units(net, l + 1);
    const aPrev = scratch + ((<usize>Net.activationAt(net, l, rows)) << s);
    const w = params + ((<usize>Net.weightAt(net, l)) << s);
    const gw = grad + ((<usize>Net.weightAt(net, l)) << s);
    const gb = grad + ((<usize>Net.biasAt(net, l)) << s);
    // Aᵀ·δ: the left operand is A_l read by columns.
    Gemm.run<T>(aPrev, 1, fanIn, dCur, gw, fanIn, rows, fanOut, 0, 0);
    Grad.finish<T>(gw, w, fanIn * fanOut, a, n);
    Grad.columnMeans<T>(dCur, rows, fanOut, gb, n);
    if (l == 0) break;
    // δ_prev = δ·Wᵀ (a product with W transposed into the scratch), then the activation's derivative.
    const wt = deltas + 2 * span;
    for (let k = 0; k < fanIn; k++) {
      for (let c = 0; c < fanOut; c++) {
        store<T>(wt + ((<usize>(c * fanIn + k)) << s), load<T>(w + ((<usize>(k * fanOut + c)) << s)));
      }
    }
    Gemm.run<T>(dCur, fanOut, 1, wt, dNext, rows, fanOut, fanIn, 0, panel);
    Act.derive<T>(dNext, aPrev, rows * fanIn, Net.act(net));
    const t = dCur;
    dCur = dNext;
    dNext = t;
  }
  return loss;
}

/** One optimizer step over all nAll parameters at rate lr, step t; acc += weight·g. */
function mlpUpdate<T>(
  plan: usize,
  opt: i32,
  nAll: i32,
  t: f64,
  lr: f64,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  weight: f64,
): void {
  const s = Simd.shiftOf<T>();
  const h1 = Plan.get(plan, P_H1);
  const h2 = Plan.get(plan, P_H2);
  const h3 = Plan.get(plan, P_H3);
  if (opt == OPT_SK_SGD || opt == OPT_SK_ADAM) {
    const k = <T>weight;
    const rate = <T>lr;
    const mu = <T>h1;
    const nesterov = h2 != 0;
    const b1 = <T>h1;
    const b2 = <T>h2;
    const eps = <T>h3;
    let rateT: T = 0;
    if (opt == OPT_SK_ADAM) rateT = <T>((lr * Math.sqrt(1 - Portable.powInt(h2, t))) / (1 - Portable.powInt(h1, t)));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      // The same operations lane by lane as the loop below.
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const kv = v128.splat<T>(k);
      const rv = v128.splat<T>(rate);
      const muv = v128.splat<T>(mu);
      const b1v = v128.splat<T>(b1);
      const b2v = v128.splat<T>(b2);
      const c1 = v128.splat<T>(<T>1 - b1);
      const c2 = v128.splat<T>(<T>1 - b2);
      const ev = v128.splat<T>(eps);
      const nrt = v128.splat<T>(-rateT);
      for (; j + lanes <= nAll; j += lanes) {
        const o = (<usize>j) << s;
        const g = v128.load(grad + o);
        v128.store(acc + o, v128.add<T>(v128.load(acc + o), v128.mul<T>(kv, g)));
        let u: v128;
        if (opt == OPT_SK_SGD) {
          const v = v128.sub<T>(v128.mul<T>(muv, v128.load(s1 + o)), v128.mul<T>(rv, g));
          v128.store(s1 + o, v);
          u = nesterov ? v128.sub<T>(v128.mul<T>(muv, v), v128.mul<T>(rv, g)) : v;
        } else {
          const m = v128.add<T>(v128.mul<T>(b1v, v128.load(s1 + o)), v128.mul<T>(c1, g));
          const v = v128.add<T>(v128.mul<T>(b2v, v128.load(s2 + o)), v128.mul<T>(c2, v128.mul<T>(g, g)));
          v128.store(s1 + o, m);
          v128.store(s2 + o, v);
          u = v128.div<T>(v128.mul<T>(nrt, m), v128.add<T>(v128.sqrt<T>(v), ev));
        }
        v128.store(params + o, v128.add<T>(v128.load(params + o), u));
      }
    }
    for (; j < nAll; j++) {
      const o = (<usize>j) << s;
      const g = load<T>(grad + o);
      store<T>(acc + o, load<T>(acc + o) + k * g);
      let u: T;
      if (opt == OPT_SK_SGD) {
        const v = mu * load<T>(s1 + o) - rate * g;
        store<T>(s1 + o, v);
        u = nesterov ? mu * v - rate * g : v;
      } else {
        const m = b1 * load<T>(s1 + o) + (<T>1 - b1) * g;
        const v = b2 * load<T>(s2 + o) + (<T>1 - b2) * (g * g);
        store<T>(s1 + o, m);
        store<T>(s2 + o, v);
        u = (-rateT * m) / (<T>Math.sqrt(<f64>v) + eps);
      }
      store<T>(params + o, load<T>(params + o) + u);
    }
    return;
  }
  let h4: f64 = 1;
  let h5: f64 = 1;
  if (opt == OPT_ADAM || opt == OPT_ADAMW) {
    h4 = 1 - Portable.powInt(h1, t);
    h5 = 1 - Portable.powInt(h2, t);
  }
  optimizerStepImpl<T>(
    opt,
    params,
    grad,
    s1,
    s2,
    nAll,
    nAll,
    1,
    <T>1,
    <T>0,
    <T>lr,
    <T>0,
    <T>h1,
    <T>h2,
    <T>h3,
    <T>h4,
    <T>h5,
    acc,
    <T>weight,
  );
}

/**
 * The minibatch steps of an MLP over the positions start .. end of an epoch (rows idx[pos], or pos
 * itself when idx is 0): each batch's gradient, the schedule's rate for its step, the update. Adds
 * each batch's data loss plus (alpha/2)·‖W‖² (scikit-learn's loss_ terms) to the plan's running
 * sum and advances its step count. alpha is the plan's P_L2.
 */
function mlpStepsImpl<T>(
  plan: usize,
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  end: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  scratch: usize,
): void {
  const n = Plan.int(plan, P_ROWS);
  const batch = Plan.int(plan, P_BATCH);
  const alpha = Plan.get(plan, P_L2);
  const opt = Plan.int(plan, P_OPT);
  const L = Net.layers(net);
  const nW = Net.weightAt(net, L);
  const nAll = Net.biasAt(net, L);
  let step = Plan.get(plan, P_STEP);
  let total = Plan.get(plan, P_LOSS_SUM);
  let lr = Plan.get(plan, P_LAST_RATE);
  for (let off = start; off < end; ) {
    const count = min<i32>(batch, n - off);
    const t = step + 1;
    lr = StepPlan.rate(plan, t);
    const penalty = 0.5 * alpha * sumOfSquares<T>(params, nW);
    total += backprop<T>(net, x, y, idx, off, count, params, grad, alpha, scratch) + penalty;
    mlpUpdate<T>(plan, opt, nAll, t, lr, params, grad, s1, s2, acc, <f64>count / <f64>n);
    step = t;
    off += count;
  }
  Plan.set(plan, P_STEP, step);
  Plan.set(plan, P_LOSS_SUM, total);
  Plan.set(plan, P_LAST_RATE, lr);
}

/**
 * The network's outputs (after the output function) for rows start .. start+count in order, into
 * out (count × uL), `batch` rows at a time through the scratch; returns the data loss sum against
 * y when y != 0.
 */
function mlpPredictImpl<T>(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  batch: i32,
  params: usize,
  out: usize,
  scratch: usize,
): f64 {
  const s = Simd.shiftOf<T>();
  const L = Net.layers(net);
  const u = Net.units(net, L);
  let total: f64 = 0;
  for (let off = 0; off < count; off += batch) {
    const rows = min<i32>(batch, count - off);
    const top = forward<T>(net, x, 0, start + off, rows, params, scratch);
    outputs<T>(Net.out(net), top, rows, u);
    if (y != 0) total += lossAndDelta<T>(Net.out(net), top, 0, rows, u, y, 0, start + off);
    memory.copy(out + ((<usize>(off * u)) << s), top, (<usize>(rows * u)) << s);
  }
  return total;
}

export function mlpStepsF64(
  plan: usize,
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  end: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  scratch: usize,
): void {
  mlpStepsImpl<f64>(plan, net, x, y, idx, start, end, params, grad, s1, s2, acc, scratch);
}

export function mlpStepsF32(
  plan: usize,
  net: usize,
  x: usize,
  y: usize,
  idx: usize,
  start: i32,
  end: i32,
  params: usize,
  grad: usize,
  s1: usize,
  s2: usize,
  acc: usize,
  scratch: usize,
): void {
  mlpStepsImpl<f32>(plan, net, x, y, idx, start, end, params, grad, s1, s2, acc, scratch);
}

export function mlpPredictF64(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  batch: i32,
  params: usize,
  out: usize,
  scratch: usize,
): f64 {
  return mlpPredictImpl<f64>(net, x, y, start, count, batch, params, out, scratch);
}

export function mlpPredictF32(
  net: usize,
  x: usize,
  y: usize,
  start: i32,
  count: i32,
  batch: i32,
  params: usize,
  out: usize,
  scratch: usize,
): f64 {
  return mlpPredictImpl<f32>(net, x, y, start, count, batch, params, out, scratch);
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
