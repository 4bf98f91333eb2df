// One fused pass over a minibatch for every single-output linear loss: for each row, the
// prediction f = x·w + b, the loss and its derivative, and the gradient accumulation g += c·x.
import {
  LOSS_EPSILON_INSENSITIVE,
  LOSS_HINGE,
  LOSS_HUBER,
  LOSS_LOG,
  LOSS_MODIFIED_HUBER,
  LOSS_PERCEPTRON,
  LOSS_SQUARED,
  LOSS_SQUARED_EPSILON_INSENSITIVE,
  LOSS_SQUARED_HINGE,
} from "./losses";
import { OwnMath } from "./math";
import { Rows } from "./rows";
import { Simd } from "./simd";
import { Touch } from "./touch";
import { Weights } from "./weights";

/** Rows ahead of the current one whose cache lines are touched (read) early. */
const TOUCH_AHEAD_ROWS = 16;
/** Rows touched ahead in this instance (so per thread); 0 turns touching off. */
let touchAheadRows: i32 = TOUCH_AHEAD_ROWS;

/**
 * Sets how many rows ahead the fused gradient touches (0: none) in this instance. The worker pool
 * turns it off in its workers: two threads streaming at once already saturate the memory bus,
 * and the extra early reads then cost 15% instead of saving it.
 */
export function setTouchAhead(rows: i32): void {
  touchAheadRows = rows;
}

/** The log loss of the last `LossEval.slope` call for LOSS_LOG (per instance, so per thread). */
let logLossValue: f64 = 0;

/**
 * The row loss and its derivative dl/df at prediction f for target y, as two calls: `slope` then
 * `value` with the slope it returned. Each loss but the log loss recomputes its few operations in
 * `value` (a round trip through a wasm global per row costs more than that); the log loss, whose
 * exp and log1p are worth sharing, passes its value through `logLossValue`. The operations are
 * those of src/backend/js-kernels.ts, so the same bits.
 */
export class LossEval {
  /** dl/df of row loss `loss` at prediction f for target yi (eps: Huber's threshold). */
  @inline
  static slope<T>(loss: i32, yi: T, f: T, eps: T): T {
    // Choices by select, not by branch: whether a margin is met is a coin flip early in training,
    // and a mispredicted branch costs more than computing both sides.
    if (loss == LOSS_SQUARED) return f - yi;
    if (loss == LOSS_HUBER) {
      const r = f - yi;
      return select<T>(r, select<T>(eps, -eps, r > 0), abs<T>(r) <= eps);
    }
    if (loss == LOSS_HINGE) return select<T>(-yi, <T>0, <T>1 - yi * f > 0);
    if (loss == LOSS_SQUARED_HINGE) {
      const m = <T>1 - yi * f;
      return select<T>(<T>-2 * yi * m, <T>0, m > 0);
    }
    if (loss == LOSS_LOG) {
      // log(1 + exp(-z)) = log1p(exp(-|z|)) + max(-z, 0), z = y f, and its derivative
      // -y·sigmoid(-z); branch-free (the sign of z is a coin flip on real data).
      const z = <f64>yi * <f64>f;
      const e = OwnMath.expNonPositive(-abs<f64>(z));
      logLossValue = <f64>(<T>(OwnMath.log1pUnit(e) + max<f64>(-z, 0)));
      const sig = select<f64>(e, 1.0, z > 0) / (1.0 + e);
      return <T>(-(<f64>yi) * sig);
    }
    // scikit-learn's forms: z = y − f for the SVR losses, z = y·f for the others.
    if (loss == LOSS_EPSILON_INSENSITIVE) {
      const z = yi - f;
      return select<T>(<T>-1, select<T>(<T>1, <T>0, -z > eps), z > eps);
    }
    if (loss == LOSS_SQUARED_EPSILON_INSENSITIVE) {
      const z = yi - f;
      return select<T>(<T>-2 * (z - eps), select<T>(<T>2 * (-z - eps), <T>0, z < -eps), z > eps);
    }
    if (loss == LOSS_MODIFIED_HUBER) {
      const z = yi * f;
      return select<T>(<T>0, select<T>(<T>2 * (<T>1 - z) * -yi, <T>-4 * yi, z >= -1), z >= 1);
    }
    if (loss == LOSS_PERCEPTRON) return select<T>(-yi, <T>0, yi * f <= 0);
    return 0;
  }

  /** The row loss that goes with `dl = slope(loss, yi, f, eps)`. */
  @inline
  static value<T>(loss: i32, yi: T, f: T, eps: T, dl: T): T {
    if (loss == LOSS_SQUARED) return <T>0.5 * dl * dl;
    if (loss == LOSS_HUBER) {
      const r = f - yi;
      const a = abs<T>(r);
      return select<T>(<T>0.5 * r * r, eps * a - <T>0.5 * eps * eps, a <= eps);
    }
    if (loss == LOSS_HINGE) {
      const m = <T>1 - yi * f;
      return select<T>(m, <T>0, m > 0);
    }
    if (loss == LOSS_SQUARED_HINGE) {
      const m = <T>1 - yi * f;
      return select<T>(m * m, <T>0, m > 0);
    }
    if (loss == LOSS_LOG) return <T>logLossValue;
    if (loss == LOSS_EPSILON_INSENSITIVE) {
      const r = abs<T>(yi - f) - eps;
      return select<T>(r, <T>0, r > 0);
    }
    if (loss == LOSS_SQUARED_EPSILON_INSENSITIVE) {
      const r = abs<T>(yi - f) - eps;
      return select<T>(r * r, <T>0, r > 0);
    }
    if (loss == LOSS_MODIFIED_HUBER) {
      const z = yi * f;
      const m = <T>1 - z;
      return select<T>(<T>0, select<T>(m * m, <T>-4 * z, z >= -1), z >= 1);
    }
    if (loss == LOSS_PERCEPTRON) {
      const z = yi * f;
      return select<T>(-z, <T>0, z <= 0);
    }
    return 0;
  }
}

/** The fused gradient for rows of any width. */
class GeneralKernel {
  /**
   * Unscaled batch gradient of sum_k sw_k * loss(y_k, x_k·w + b) over the rows idx[start .. start+count)
   * (rows start .. start+count in order when idx is 0). params = [w (d), b], grad = [gw (d), gb]
   * (overwritten). swPtr = 0 means unit weights. Shuffled rows are touched `touchRows` ahead (0: not).
   * Returns the weighted loss sum (accumulated in f64 in row order). Rows are taken two at a time
   * (twice the independent work per pass) without changing any summation order.
   */
  @inline
  static run<T>(
    loss: i32,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    count: i32,
    d: i32,
    params: usize,
    grad: usize,
    lossParam: f64,
    touchRows: i32,
  ): f64 {
    const s = Simd.shiftOf<T>();
    const stride = (<usize>d) << s;
    Simd.zero<T>(grad, d);
    const b = load<T>(params + ((<usize>d) << s));
    const eps = <T>lossParam;
    let gb: T = 0;
    let total: f64 = 0;
    let k = 0;
    let touched: i32 = 0;
    // Touching pays where rows come from memory: out of order (a shuffled batch) or more of them in
    // order than the caches hold. A small call over rows in order reads from cache, so it skips it.
    // Rows in order (idx 0) are left to the hardware prefetcher.
    let ahead = touchRows > 0 && idx != 0 ? touchRows : count;
    if (idx != 0 && Touch.consecutive(idx, start, start + count) && !Touch.fromMemory(count, stride)) ahead = count;
    for (; k + 2 <= count; k += 2) {
      if (k + ahead + 2 <= count) {
        let ta = x + <usize>load<i32>(idx + ((<usize>(start + k + ahead)) << 2)) * stride;
        let tb = x + <usize>load<i32>(idx + ((<usize>(start + k + ahead + 1)) << 2)) * stride;
        const te = ta + stride;
        while (ta < te) {
          touched ^= load<u8>(ta);
          touched ^= load<u8>(tb);
          ta += 64;
          tb += 64;
        }
      }
      const ia = Rows.at(idx, start + k);
      const ib = Rows.at(idx, start + k + 1);
      const rowA = x + ia * stride;
      const rowB = x + ib * stride;
      const fa = Simd.dot2<T>(rowA, rowB, params, d) + b;
      const fb = <T>Simd.second + b;
      const wa: T = Weights.at<T>(sw, ia);
      const wb: T = Weights.at<T>(sw, ib);
      const ya = load<T>(y + (ia << s));
      const da = LossEval.slope<T>(loss, ya, fa, eps);
      const ca = wa * da;
      total += <f64>(wa * LossEval.value<T>(loss, ya, fa, eps, da));
      const yb = load<T>(y + (ib << s));
      const db = LossEval.slope<T>(loss, yb, fb, eps);
      const cb = wb * db;
      const lb = LossEval.value<T>(loss, yb, fb, eps, db);
      if (ca != 0 && cb != 0) Simd.axpy2<T>(d, ca, rowA, cb, rowB, grad);
      else if (ca != 0) Simd.axpy<T>(d, ca, rowA, grad);
      else if (cb != 0) Simd.axpy<T>(d, cb, rowB, grad);
      gb += ca;
      gb += cb;
      total += <f64>(wb * lb);
    }
    if (k < count) {
      const i = Rows.at(idx, start + k);
      const row = x + i * stride;
      const f = Simd.dot<T>(row, params, d) + b;
      const wi: T = Weights.at<T>(sw, i);
      const yi = load<T>(y + (i << s));
      const di = LossEval.slope<T>(loss, yi, f, eps);
      const c = wi * di;
      if (c != 0) Simd.axpy<T>(d, c, row, grad);
      gb += c;
      total += <f64>(wi * LossEval.value<T>(loss, yi, f, eps, di));
    }
    store<T>(grad + ((<usize>d) << s), gb);
    Touch.keep(touched);
    return total;
  }
}

/**
 * GeneralKernel.run for rows of `blocks` v128 (2 or 4, a compile-time constant at every call): d = 8
 * float64 or 16 float32 (4 blocks, one SIMD block of `dot`) and d = 8 float32 (2 blocks). w and the
 * gradient stay in registers for the whole batch instead of being reloaded and stored per row.
 * With 4 blocks these are the operations of GeneralKernel.run in the same order, so the same bits;
 * float32 with 2 blocks sums the row's 8 products in a different order (float32 results are
 * compared within a tolerance).
 */
class RegisterKernel {
  @inline
  static run<T>(
    blocks: i32,
    loss: i32,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    count: i32,
    params: usize,
    grad: usize,
    lossParam: f64,
  ): f64 {
    const s = Simd.shiftOf<T>();
    const stride: usize = (<usize>blocks) << 4;
    const zero = v128.splat<T>(0);
    const w0 = v128.load(params);
    const w1 = v128.load(params, 16);
    const w2 = blocks == 4 ? v128.load(params, 32) : zero;
    const w3 = blocks == 4 ? v128.load(params, 48) : zero;
    const b = load<T>(params + stride);
    const eps = <T>lossParam;
    let g0 = zero;
    let g1 = zero;
    let g2 = zero;
    let g3 = zero;
    let gb: T = 0;
    let total: f64 = 0;
    for (let k = 0; k < count; k++) {
      const i = Rows.at(idx, start + k);
      const row = x + i * stride;
      const x0 = v128.load(row);
      const x1 = v128.load(row, 16);
      let t: v128;
      let x2 = zero;
      let x3 = zero;
      if (blocks == 4) {
        x2 = v128.load(row, 32);
        x3 = v128.load(row, 48);
        // `dot` adds each product to a zero partial sum first, which only turns −0 into +0. Without
        // those adds every non-zero intermediate is the same and a zero one differs at most in its
        // sign, so adding +0 once to the final sum (below) gives the same bits.
        t = v128.add<T>(
          v128.add<T>(v128.mul<T>(x0, w0), v128.mul<T>(x1, w1)),
          v128.add<T>(v128.mul<T>(x2, w2), v128.mul<T>(x3, w3)),
        );
      } else {
        t = v128.add<T>(v128.mul<T>(x0, w0), v128.mul<T>(x1, w1));
      }
      let dot = Simd.lanesSum<T>(t);
      if (blocks == 4) dot += <T>0;
      const f = dot + b;
      const wi: T = Weights.at<T>(sw, i);
      const yi = load<T>(y + (i << s));
      const dl = LossEval.slope<T>(loss, yi, f, eps);
      const li = LossEval.value<T>(loss, yi, f, eps, dl);
      const c = wi * dl;
      // Accumulated whatever c is: a zero c adds ±0, which leaves the sum (never −0) as it is,
      // and a branch on it is a coin flip for the margin losses.
      const cv = v128.splat<T>(c);
      g0 = v128.add<T>(g0, v128.mul<T>(cv, x0));
      g1 = v128.add<T>(g1, v128.mul<T>(cv, x1));
      if (blocks == 4) {
        g2 = v128.add<T>(g2, v128.mul<T>(cv, x2));
        g3 = v128.add<T>(g3, v128.mul<T>(cv, x3));
      }
      gb += c;
      total += <f64>(wi * li);
    }
    v128.store(grad, g0);
    v128.store(grad, g1, 16);
    if (blocks == 4) {
      v128.store(grad, g2, 32);
      v128.store(grad, g3, 48);
    }
    store<T>(grad + stride, gb);
    return total;
  }

  /**
   * run() for rows of one SIMD block of `dot` (8 float64 or 16 float32: 4 v128 blocks) and a tail
   * of 1 to block − 1 more values: w's block and the gradient's stay in registers, the tail's
   * products are added one by one after the block's sum as in Simd.dot, and its gradient entries
   * accumulate in memory. The same bits as GeneralKernel.run.
   */
  @inline
  static runBlockAndTail<T>(
    loss: i32,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    count: i32,
    d: i32,
    params: usize,
    grad: usize,
    lossParam: f64,
  ): f64 {
    const s = Simd.shiftOf<T>();
    const stride = (<usize>d) << s;
    const tail: usize = 64;
    const zero = v128.splat<T>(0);
    const w0 = v128.load(params);
    const w1 = v128.load(params, 16);
    const w2 = v128.load(params, 32);
    const w3 = v128.load(params, 48);
    const b = load<T>(params + stride);
    const eps = <T>lossParam;
    Simd.zero<T>(grad + tail, d - (64 >> <i32>s));
    let g0 = zero;
    let g1 = zero;
    let g2 = zero;
    let g3 = zero;
    let gb: T = 0;
    let total: f64 = 0;
    for (let k = 0; k < count; k++) {
      const i = Rows.at(idx, start + k);
      const row = x + i * stride;
      const x0 = v128.load(row);
      const x1 = v128.load(row, 16);
      const x2 = v128.load(row, 32);
      const x3 = v128.load(row, 48);
      // Simd.dot's block sum (see run() for the +0), then the tail's products one by one.
      let dot =
        Simd.lanesSum<T>(
          v128.add<T>(
            v128.add<T>(v128.mul<T>(x0, w0), v128.mul<T>(x1, w1)),
            v128.add<T>(v128.mul<T>(x2, w2), v128.mul<T>(x3, w3)),
          ),
        ) + <T>0;
      let o = tail;
      if (sizeof<T>() == 8) {
        // Two tail values a vector: their products in one multiply, added one by one.
        for (; o + 16 <= stride; o += 16) {
          const p = v128.mul<T>(v128.load(row + o), v128.load(params + o));
          dot += v128.extract_lane<T>(p, 0);
          dot += v128.extract_lane<T>(p, 1);
        }
      }
      for (; o < stride; o += sizeof<T>()) dot += load<T>(row + o) * load<T>(params + o);
      const f = dot + b;
      const wi: T = Weights.at<T>(sw, i);
      const yi = load<T>(y + (i << s));
      const dl = LossEval.slope<T>(loss, yi, f, eps);
      const li = LossEval.value<T>(loss, yi, f, eps, dl);
      const c = wi * dl;
      // Accumulated whatever c is: a zero c adds ±0, which leaves the sum (never −0) as it is,
      // and a branch on it is a coin flip for the margin losses.
      const cv = v128.splat<T>(c);
      g0 = v128.add<T>(g0, v128.mul<T>(cv, x0));
      g1 = v128.add<T>(g1, v128.mul<T>(cv, x1));
      g2 = v128.add<T>(g2, v128.mul<T>(cv, x2));
      g3 = v128.add<T>(g3, v128.mul<T>(cv, x3));
      let q = tail;
      for (; q + 16 <= stride; q += 16)
        v128.store(grad + q, v128.add<T>(v128.load(grad + q), v128.mul<T>(cv, v128.load(row + q))));
      for (; q < stride; q += sizeof<T>()) store<T>(grad + q, load<T>(grad + q) + c * load<T>(row + q));
      gb += c;
      total += <f64>(wi * li);
    }
    v128.store(grad, g0);
    v128.store(grad, g1, 16);
    v128.store(grad, g2, 32);
    v128.store(grad, g3, 48);
    store<T>(grad + stride, gb);
    return total;
  }

  /**
   * run() for rows of 8 v128 blocks (128 bytes: d = 16 float64 or 32 float32): too many for w, the
   * gradient and the row to share the 16 vector registers, so the gradient stays in registers and
   * w and the row are read from memory (L1) as they are needed. The dot product sums two SIMD
   * blocks per partial sum in Simd.dot's order (products first added to zero, which differs only in
   * the sign of a zero, fixed by adding +0 at the end as in run()), so the same bits.
   */
  @inline
  static runWide<T>(
    loss: i32,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    count: i32,
    params: usize,
    grad: usize,
    lossParam: f64,
  ): f64 {
    const s = Simd.shiftOf<T>();
    const stride: usize = 128;
    const zero = v128.splat<T>(0);
    const b = load<T>(params + stride);
    const eps = <T>lossParam;
    let g0 = zero;
    let g1 = zero;
    let g2 = zero;
    let g3 = zero;
    let g4 = zero;
    let g5 = zero;
    let g6 = zero;
    let g7 = zero;
    let gb: T = 0;
    let total: f64 = 0;
    for (let k = 0; k < count; k++) {
      const i = Rows.at(idx, start + k);
      const row = x + i * stride;
      const a0 = v128.add<T>(
        v128.mul<T>(v128.load(row), v128.load(params)),
        v128.mul<T>(v128.load(row, 64), v128.load(params, 64)),
      );
      const a1 = v128.add<T>(
        v128.mul<T>(v128.load(row, 16), v128.load(params, 16)),
        v128.mul<T>(v128.load(row, 80), v128.load(params, 80)),
      );
      const a2 = v128.add<T>(
        v128.mul<T>(v128.load(row, 32), v128.load(params, 32)),
        v128.mul<T>(v128.load(row, 96), v128.load(params, 96)),
      );
      const a3 = v128.add<T>(
        v128.mul<T>(v128.load(row, 48), v128.load(params, 48)),
        v128.mul<T>(v128.load(row, 112), v128.load(params, 112)),
      );
      const dot = Simd.lanesSum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3))) + <T>0;
      const f = dot + b;
      const wi: T = Weights.at<T>(sw, i);
      const yi = load<T>(y + (i << s));
      const dl = LossEval.slope<T>(loss, yi, f, eps);
      const li = LossEval.value<T>(loss, yi, f, eps, dl);
      const c = wi * dl;
      // Accumulated whatever c is: a zero c adds ±0, which leaves the sum (never −0) as it is,
      // and a branch on it is a coin flip for the margin losses.
      const cv = v128.splat<T>(c);
      g0 = v128.add<T>(g0, v128.mul<T>(cv, v128.load(row)));
      g1 = v128.add<T>(g1, v128.mul<T>(cv, v128.load(row, 16)));
      g2 = v128.add<T>(g2, v128.mul<T>(cv, v128.load(row, 32)));
      g3 = v128.add<T>(g3, v128.mul<T>(cv, v128.load(row, 48)));
      g4 = v128.add<T>(g4, v128.mul<T>(cv, v128.load(row, 64)));
      g5 = v128.add<T>(g5, v128.mul<T>(cv, v128.load(row, 80)));
      g6 = v128.add<T>(g6, v128.mul<T>(cv, v128.load(row, 96)));
      g7 = v128.add<T>(g7, v128.mul<T>(cv, v128.load(row, 112)));
      gb += c;
      total += <f64>(wi * li);
    }
    v128.store(grad, g0);
    v128.store(grad, g1, 16);
    v128.store(grad, g2, 32);
    v128.store(grad, g3, 48);
    v128.store(grad, g4, 64);
    v128.store(grad, g5, 80);
    v128.store(grad, g6, 96);
    v128.store(grad, g7, 112);
    store<T>(grad + stride, gb);
    return total;
  }
}

/**
 * The fused gradient for every d: the register kernels where the row is 2, 4 or 8 v128 blocks (SIMD
 * build only), GeneralKernel.run otherwise.
 */
export function linearGradDispatch<T>(
  loss: i32,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  params: usize,
  grad: usize,
  lossParam: f64,
  touchRows: i32,
): f64 {
  // One copy of the loops per loss: a loop that also holds the log loss's calls (exp, log1p) has
  // its vectors saved around them, on every path through it.
  if (loss == LOSS_SQUARED)
    return GradientKernels.pick<T>(LOSS_SQUARED, x, y, sw, idx, start, count, d, params, grad, lossParam, touchRows);
  if (loss == LOSS_LOG)
    return GradientKernels.pick<T>(LOSS_LOG, x, y, sw, idx, start, count, d, params, grad, lossParam, touchRows);
  if (loss == LOSS_HINGE)
    return GradientKernels.pick<T>(LOSS_HINGE, x, y, sw, idx, start, count, d, params, grad, lossParam, touchRows);
  if (loss == LOSS_HUBER)
    return GradientKernels.pick<T>(LOSS_HUBER, x, y, sw, idx, start, count, d, params, grad, lossParam, touchRows);
  if (loss == LOSS_SQUARED_HINGE)
    return GradientKernels.pick<T>(
      LOSS_SQUARED_HINGE,
      x,
      y,
      sw,
      idx,
      start,
      count,
      d,
      params,
      grad,
      lossParam,
      touchRows,
    );
  // The rarer losses share one copy of the loops, choosing the loss row by row.
  return GradientKernels.pick<T>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam, touchRows);
}

/** The gradient kernel for a row width. */
class GradientKernels {
  /**
   * The register kernels for rows of 2, 4 or 8 v128 blocks or one SIMD block and a tail (SIMD
   * build only), GeneralKernel.run otherwise; `loss` is a constant at every call but the one for the
   * rarer losses.
   */
  @inline
  static pick<T>(
    loss: i32,
    x: usize,
    y: usize,
    sw: usize,
    idx: usize,
    start: i32,
    count: i32,
    d: i32,
    params: usize,
    grad: usize,
    lossParam: f64,
    touchRows: i32,
  ): f64 {
    if (ASC_FEATURE_SIMD) {
      const rowBytes = d << (<i32>Simd.shiftOf<T>());
      if (rowBytes == 64) return RegisterKernel.run<T>(4, loss, x, y, sw, idx, start, count, params, grad, lossParam);
      if (rowBytes == 128) return RegisterKernel.runWide<T>(loss, x, y, sw, idx, start, count, params, grad, lossParam);
      if (rowBytes > 64 && rowBytes < 128)
        return RegisterKernel.runBlockAndTail<T>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam);
      if (sizeof<T>() == 4 && rowBytes == 32)
        return RegisterKernel.run<T>(2, loss, x, y, sw, idx, start, count, params, grad, lossParam);
    }
    return GeneralKernel.run<T>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam, touchRows);
  }
}

export function linearGradF64(
  loss: i32,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  params: usize,
  grad: usize,
  lossParam: f64,
): f64 {
  return linearGradDispatch<f64>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam, touchAheadRows);
}

export function linearGradF32(
  loss: i32,
  x: usize,
  y: usize,
  sw: usize,
  idx: usize,
  start: i32,
  count: i32,
  d: i32,
  params: usize,
  grad: usize,
  lossParam: f64,
): f64 {
  return linearGradDispatch<f32>(loss, x, y, sw, idx, start, count, d, params, grad, lossParam, touchAheadRows);
}
