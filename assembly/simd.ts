// Shared inline helpers for every kernel. All pointers are byte offsets into the imported memory.
//
// Summation order contract (mirrored by src/backend/js-kernels.ts; keep the two in step):
// a reduction over n elements keeps 8 partial sums s0..s7 for float64 (4 v128 accumulators of
// 2 lanes, element i + j goes to s_j in blocks of 8), combined as
//   ((s0 + s2) + (s4 + s6)) + ((s1 + s3) + (s5 + s7)),
// then the remaining n % 8 elements are added one by one. No fused multiply-add anywhere.
// Float32 SIMD keeps 16 partial sums (4 accumulators of 4 lanes); float32 results are only
// compared within a tolerance, so its scalar build may use the float64 order.

/** Inline building blocks (static methods, so the decorator is plain TypeScript). */
export class Simd {
  /** log2 of the element size of T in bytes (3 for f64, 2 for f32). */
  @inline
  static shiftOf<T>(): usize {
    return sizeof<T>() == 8 ? 3 : 2;
  }

  /** The lanes of t summed: l0 + l1 for float64, (l0 + l1) + (l2 + l3) for float32. */
  @inline
  static lanesSum<T>(t: v128): T {
    if (sizeof<T>() == 8) return v128.extract_lane<T>(t, 0) + v128.extract_lane<T>(t, 1);
    return (
      v128.extract_lane<T>(t, 0) +
      v128.extract_lane<T>(t, 1) +
      (v128.extract_lane<T>(t, 2) + v128.extract_lane<T>(t, 3))
    );
  }

  /** Sum of x[i] * w[i] for i < n, in the fixed order described above. */
  @inline
  static dot<T>(x: usize, w: usize, n: i32): T {
    const s = Simd.shiftOf<T>();
    let i = 0;
    let sum: T;
    if (ASC_FEATURE_SIMD) {
      const block = sizeof<T>() == 8 ? 8 : 16;
      let a0 = v128.splat<T>(0);
      let a1 = v128.splat<T>(0);
      let a2 = v128.splat<T>(0);
      let a3 = v128.splat<T>(0);
      for (; i + block <= n; i += block) {
        const xo = x + ((<usize>i) << s);
        const wo = w + ((<usize>i) << s);
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(xo), v128.load(wo)));
        a1 = v128.add<T>(a1, v128.mul<T>(v128.load(xo, 16), v128.load(wo, 16)));
        a2 = v128.add<T>(a2, v128.mul<T>(v128.load(xo, 32), v128.load(wo, 32)));
        a3 = v128.add<T>(a3, v128.mul<T>(v128.load(xo, 48), v128.load(wo, 48)));
      }
      const t = v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3));
      sum = Simd.lanesSum<T>(t);
    } else {
      let s0: T = 0,
        s1: T = 0,
        s2: T = 0,
        s3: T = 0,
        s4: T = 0,
        s5: T = 0,
        s6: T = 0,
        s7: T = 0;
      for (; i + 8 <= n; i += 8) {
        const xo = x + ((<usize>i) << s);
        const wo = w + ((<usize>i) << s);
        s0 += load<T>(xo) * load<T>(wo);
        s1 += load<T>(xo, sizeof<T>()) * load<T>(wo, sizeof<T>());
        s2 += load<T>(xo, 2 * sizeof<T>()) * load<T>(wo, 2 * sizeof<T>());
        s3 += load<T>(xo, 3 * sizeof<T>()) * load<T>(wo, 3 * sizeof<T>());
        s4 += load<T>(xo, 4 * sizeof<T>()) * load<T>(wo, 4 * sizeof<T>());
        s5 += load<T>(xo, 5 * sizeof<T>()) * load<T>(wo, 5 * sizeof<T>());
        s6 += load<T>(xo, 6 * sizeof<T>()) * load<T>(wo, 6 * sizeof<T>());
        s7 += load<T>(xo, 7 * sizeof<T>()) * load<T>(wo, 7 * sizeof<T>());
      }
      sum = s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
    }
    for (; i < n; i++) {
      sum += load<T>(x + ((<usize>i) << s)) * load<T>(w + ((<usize>i) << s));
    }
    return sum;
  }

  /** y[i] = y[i] + a * x[i] for i < n (element-wise, so every build gives the same bits). */
  @inline
  static axpy<T>(n: i32, a: T, x: usize, y: usize): void {
    const s = Simd.shiftOf<T>();
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const block = lanes * 4;
      const av = v128.splat<T>(a);
      for (; i + block <= n; i += block) {
        const xo = x + ((<usize>i) << s);
        const yo = y + ((<usize>i) << s);
        v128.store(yo, v128.add<T>(v128.load(yo), v128.mul<T>(av, v128.load(xo))));
        v128.store(yo, v128.add<T>(v128.load(yo, 16), v128.mul<T>(av, v128.load(xo, 16))), 16);
        v128.store(yo, v128.add<T>(v128.load(yo, 32), v128.mul<T>(av, v128.load(xo, 32))), 32);
        v128.store(yo, v128.add<T>(v128.load(yo, 48), v128.mul<T>(av, v128.load(xo, 48))), 48);
      }
      for (; i + lanes <= n; i += lanes) {
        const xo = x + ((<usize>i) << s);
        const yo = y + ((<usize>i) << s);
        v128.store(yo, v128.add<T>(v128.load(yo), v128.mul<T>(av, v128.load(xo))));
      }
    }
    for (; i < n; i++) {
      const yo = y + ((<usize>i) << s);
      store<T>(yo, load<T>(yo) + a * load<T>(x + ((<usize>i) << s)));
    }
  }

  /** Sets n elements of T at p to zero. */
  @inline
  static zero<T>(p: usize, n: i32): void {
    memory.fill(p, 0, (<usize>n) << Simd.shiftOf<T>());
  }

  /**
   * Two dot products x_a·w and x_b·w in one pass (twice the independent work per iteration), each in
   * exactly the order of `dot`. Returns x_a·w; x_b·w is left in `Simd.second`.
   */
  @inline
  static dot2<T>(xa: usize, xb: usize, w: usize, n: i32): T {
    const s = Simd.shiftOf<T>();
    let i = 0;
    let sa: T;
    let sb: T;
    if (ASC_FEATURE_SIMD) {
      const block = sizeof<T>() == 8 ? 8 : 16;
      let a0 = v128.splat<T>(0);
      let a1 = v128.splat<T>(0);
      let a2 = v128.splat<T>(0);
      let a3 = v128.splat<T>(0);
      let b0 = v128.splat<T>(0);
      let b1 = v128.splat<T>(0);
      let b2 = v128.splat<T>(0);
      let b3 = v128.splat<T>(0);
      for (; i + block <= n; i += block) {
        const o = (<usize>i) << s;
        const w0 = v128.load(w + o);
        const w1 = v128.load(w + o, 16);
        const w2 = v128.load(w + o, 32);
        const w3 = v128.load(w + o, 48);
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(xa + o), w0));
        b0 = v128.add<T>(b0, v128.mul<T>(v128.load(xb + o), w0));
        a1 = v128.add<T>(a1, v128.mul<T>(v128.load(xa + o, 16), w1));
        b1 = v128.add<T>(b1, v128.mul<T>(v128.load(xb + o, 16), w1));
        a2 = v128.add<T>(a2, v128.mul<T>(v128.load(xa + o, 32), w2));
        b2 = v128.add<T>(b2, v128.mul<T>(v128.load(xb + o, 32), w2));
        a3 = v128.add<T>(a3, v128.mul<T>(v128.load(xa + o, 48), w3));
        b3 = v128.add<T>(b3, v128.mul<T>(v128.load(xb + o, 48), w3));
      }
      const ta = v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3));
      const tb = v128.add<T>(v128.add<T>(b0, b1), v128.add<T>(b2, b3));
      sa = Simd.lanesSum<T>(ta);
      sb = Simd.lanesSum<T>(tb);
      for (; i < n; i++) {
        const o = (<usize>i) << s;
        const wi = load<T>(w + o);
        sa += load<T>(xa + o) * wi;
        sb += load<T>(xb + o) * wi;
      }
      Simd.second = <f64>sb;
      return sa;
    }
    sa = Simd.dot<T>(xa, w, n);
    sb = Simd.dot<T>(xb, w, n);
    Simd.second = <f64>sb;
    return sa;
  }

  /** The second result of dot2 (a per-instance global, so per worker thread). */
  static second: f64 = 0;

  /** y[i] = (y[i] + a·xa[i]) + b·xb[i]: two rows' axpy in one pass, in row order. */
  @inline
  static axpy2<T>(n: i32, a: T, xa: usize, b: T, xb: usize, y: usize): void {
    const s = Simd.shiftOf<T>();
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const block = lanes * 2;
      const av = v128.splat<T>(a);
      const bv = v128.splat<T>(b);
      for (; i + block <= n; i += block) {
        const o = (<usize>i) << s;
        const y0 = v128.add<T>(
          v128.add<T>(v128.load(y + o), v128.mul<T>(av, v128.load(xa + o))),
          v128.mul<T>(bv, v128.load(xb + o)),
        );
        const y1 = v128.add<T>(
          v128.add<T>(v128.load(y + o, 16), v128.mul<T>(av, v128.load(xa + o, 16))),
          v128.mul<T>(bv, v128.load(xb + o, 16)),
        );
        v128.store(y + o, y0);
        v128.store(y + o, y1, 16);
      }
      for (; i + lanes <= n; i += lanes) {
        const o = (<usize>i) << s;
        v128.store(
          y + o,
          v128.add<T>(
            v128.add<T>(v128.load(y + o), v128.mul<T>(av, v128.load(xa + o))),
            v128.mul<T>(bv, v128.load(xb + o)),
          ),
        );
      }
    }
    for (; i < n; i++) {
      const o = (<usize>i) << s;
      store<T>(y + o, load<T>(y + o) + a * load<T>(xa + o) + b * load<T>(xb + o));
    }
  }
}
