// Matrix factorisation by per-rating SGD (Funk SVD, as the Surprise library's SVD): for each rating
// r of (u, i), in the given order, e = r − (mu + b_u + b_i + p_u·q_i), then
//   b_u += lrBu (e − regBu b_u),  b_i += lrBi (e − regBi b_i),
//   p_u += lrP (e q_i − regP p_u),  q_i += lrQ (e p_u − regQ q_i)   (p_u, q_i as before the step),
// the factor updates evaluated as p_u ← (1 − lrP regP) p_u + (lrP e) q_i and
// q_i ← (1 − lrQ regQ) q_i + (lrQ e) p_u: the same step with the decay factored out, two
// multiplications and an addition per element instead of five operations (the two forms differ
// only by rounding).
// Every rate is the group's base rate times f = (the schedule's rate of the step) / P_ETA, so a
// schedule scales all groups alike (f is exactly 1 under the constant schedule). The plan block
// (plan.ts) holds the shapes, mu, rates and regularisation, and the step count, loss sum and rate
// factor sum the kernel advances, so an epoch can be cut into calls anywhere with the same bits.
// The parameters are one block: P (users × k, row-major), Q (items × k), b_u, b_i, in float64 or
// float32 (ratings are always float64). Mirrored by src/kernels/mf.ts (to the bit in float64).
// Software-pipelined: while a rating's factor rows are updated, the same pass computes the next
// rating's prediction dot product (when the two share neither user nor item, so the dot reads rows
// the update does not touch). Every value is computed by the same operations in the same order as
// one rating after another, so the result is that of the plain loop, bit for bit.
import {
  P_ETA,
  P_LAST_RATE,
  P_LOSS_SUM,
  P_MF_BIASED,
  P_MF_FACTORS,
  P_MF_ITEMS,
  P_MF_LR_BI,
  P_MF_LR_BU,
  P_MF_LR_P,
  P_MF_LR_Q,
  P_MF_MU,
  P_MF_REG_BI,
  P_MF_REG_BU,
  P_MF_REG_P,
  P_MF_REG_Q,
  P_MF_USERS,
  P_RATE_FACTOR_SUM,
  P_SCHEDULE,
  P_STEP,
  Plan,
} from "./plan";
import { SCHED_COSINE, SCHED_INVSCALING, SCHED_OPTIMAL } from "./schedule";
import { Simd } from "./simd";
import { StepPlan } from "./step-plan";

/** The per-rating factor step: alone (factorsFrom), or fused with the next dot (updateThenDot). */
class MfStep {
  /**
   * The factor step on elements f0 .. k of rows p_u, q_i: p ← decayP·p + aP·q and
   * q ← decayQ·q + aQ·p (p, q as before the step), four vectors a pass, then one, then scalars.
   */
  @inline
  static factorsFrom<T>(pu: usize, qi: usize, f0: i32, k: i32, aP: T, aQ: T, decayP: T, decayQ: T): void {
    const s = Simd.shiftOf<T>();
    let f = f0;
    if (ASC_FEATURE_SIMD) {
      const lanes = sizeof<T>() == 8 ? 2 : 4;
      const ap = v128.splat<T>(aP);
      const aq = v128.splat<T>(aQ);
      const cp = v128.splat<T>(decayP);
      const cq = v128.splat<T>(decayQ);
      // Four vectors of each row per pass (fewer loop and address operations; +7% at 50 factors).
      for (; f + 4 * lanes <= k; f += 4 * lanes) {
        const po = pu + ((<usize>f) << s);
        const qo = qi + ((<usize>f) << s);
        const p0 = v128.load(po);
        const q0 = v128.load(qo);
        const p1 = v128.load(po, 16);
        const q1 = v128.load(qo, 16);
        const p2 = v128.load(po, 32);
        const q2 = v128.load(qo, 32);
        const p3 = v128.load(po, 48);
        const q3 = v128.load(qo, 48);
        v128.store(po, v128.add<T>(v128.mul<T>(cp, p0), v128.mul<T>(ap, q0)));
        v128.store(qo, v128.add<T>(v128.mul<T>(cq, q0), v128.mul<T>(aq, p0)));
        v128.store(po, v128.add<T>(v128.mul<T>(cp, p1), v128.mul<T>(ap, q1)), 16);
        v128.store(qo, v128.add<T>(v128.mul<T>(cq, q1), v128.mul<T>(aq, p1)), 16);
        v128.store(po, v128.add<T>(v128.mul<T>(cp, p2), v128.mul<T>(ap, q2)), 32);
        v128.store(qo, v128.add<T>(v128.mul<T>(cq, q2), v128.mul<T>(aq, p2)), 32);
        v128.store(po, v128.add<T>(v128.mul<T>(cp, p3), v128.mul<T>(ap, q3)), 48);
        v128.store(qo, v128.add<T>(v128.mul<T>(cq, q3), v128.mul<T>(aq, p3)), 48);
      }
      for (; f + lanes <= k; f += lanes) {
        const o = (<usize>f) << s;
        const p = v128.load(pu + o);
        const q = v128.load(qi + o);
        v128.store(pu + o, v128.add<T>(v128.mul<T>(cp, p), v128.mul<T>(ap, q)));
        v128.store(qi + o, v128.add<T>(v128.mul<T>(cq, q), v128.mul<T>(aq, p)));
      }
    }
    for (; f < k; f++) {
      const o = (<usize>f) << s;
      const p = load<T>(pu + o);
      const q = load<T>(qi + o);
      store<T>(pu + o, decayP * p + aP * q);
      store<T>(qi + o, decayQ * q + aQ * p);
    }
  }

  /**
   * factorsFrom(pu, qi, 0, …) for rows p_u, q_i (SIMD build only), and in the same pass the dot
   * product p_n·q_n of two other rows, in exactly Simd.dot's order (four vector accumulators over
   * blocks of four vectors, their lane sum, then the scalar tail). p_n and q_n must not be p_u or q_i.
   */
  @inline
  static updateThenDot<T>(pu: usize, qi: usize, pn: usize, qn: usize, k: i32, aP: T, aQ: T, decayP: T, decayQ: T): T {
    const s = Simd.shiftOf<T>();
    const lanes = sizeof<T>() == 8 ? 2 : 4;
    const ap = v128.splat<T>(aP);
    const aq = v128.splat<T>(aQ);
    const cp = v128.splat<T>(decayP);
    const cq = v128.splat<T>(decayQ);
    let a0 = v128.splat<T>(0);
    let a1 = v128.splat<T>(0);
    let a2 = v128.splat<T>(0);
    let a3 = v128.splat<T>(0);
    let f = 0;
    for (; f + 4 * lanes <= k; f += 4 * lanes) {
      const o = (<usize>f) << s;
      a0 = v128.add<T>(a0, v128.mul<T>(v128.load(pn + o), v128.load(qn + o)));
      a1 = v128.add<T>(a1, v128.mul<T>(v128.load(pn + o, 16), v128.load(qn + o, 16)));
      a2 = v128.add<T>(a2, v128.mul<T>(v128.load(pn + o, 32), v128.load(qn + o, 32)));
      a3 = v128.add<T>(a3, v128.mul<T>(v128.load(pn + o, 48), v128.load(qn + o, 48)));
      const p0 = v128.load(pu + o);
      const q0 = v128.load(qi + o);
      const p1 = v128.load(pu + o, 16);
      const q1 = v128.load(qi + o, 16);
      v128.store(pu + o, v128.add<T>(v128.mul<T>(cp, p0), v128.mul<T>(ap, q0)));
      v128.store(qi + o, v128.add<T>(v128.mul<T>(cq, q0), v128.mul<T>(aq, p0)));
      v128.store(pu + o, v128.add<T>(v128.mul<T>(cp, p1), v128.mul<T>(ap, q1)), 16);
      v128.store(qi + o, v128.add<T>(v128.mul<T>(cq, q1), v128.mul<T>(aq, p1)), 16);
      const p2 = v128.load(pu + o, 32);
      const q2 = v128.load(qi + o, 32);
      const p3 = v128.load(pu + o, 48);
      const q3 = v128.load(qi + o, 48);
      v128.store(pu + o, v128.add<T>(v128.mul<T>(cp, p2), v128.mul<T>(ap, q2)), 32);
      v128.store(qi + o, v128.add<T>(v128.mul<T>(cq, q2), v128.mul<T>(aq, p2)), 32);
      v128.store(pu + o, v128.add<T>(v128.mul<T>(cp, p3), v128.mul<T>(ap, q3)), 48);
      v128.store(qi + o, v128.add<T>(v128.mul<T>(cq, q3), v128.mul<T>(aq, p3)), 48);
    }
    let dot = Simd.lanesSum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
    for (let g = f; g < k; g++) {
      const o = (<usize>g) << s;
      dot += load<T>(pn + o) * load<T>(qn + o);
    }
    MfStep.factorsFrom<T>(pu, qi, f, k, aP, aQ, decayP, decayQ);
    return dot;
  }
}

/**
 * Ratings start .. start+count in order under fixed rates (each group's rate, and the factors'
 * decays 1 − rate·reg): the plain per-rating loop, its dot products pipelined. Returns `sse` plus
 * each squared error, measured before its own update. A function of its own, not inlined into
 * mfStepsImpl's loop: inlined there, the loop ran 20% slower (measured: 6.7 against 5.6 ms for
 * 200,000 ratings × 50 factors).
 */
function mfRange<T>(
  users: usize,
  items: usize,
  ratings: usize,
  start: i32,
  count: i32,
  k: i32,
  P: usize,
  Q: usize,
  bu: usize,
  bi: usize,
  mu: T,
  rBu: T,
  rBi: T,
  rP: T,
  rQ: T,
  regBu: T,
  regBi: T,
  decayP: T,
  decayQ: T,
  biased: i32,
  sseIn: f64,
): f64 {
  const s = Simd.shiftOf<T>();
  const stride = (<usize>k) << s;
  let sse = sseIn;
  const r0 = <usize>start;
  // The prediction's dot product of the rating at hand, computed during the previous update.
  let dot = Simd.dot<T>(
    P + <usize>load<i32>(users + (r0 << 2)) * stride,
    Q + <usize>load<i32>(items + (r0 << 2)) * stride,
    k,
  );
  for (let n = 0; n < count; n++) {
    const r = <usize>(start + n);
    const u = <usize>load<i32>(users + (r << 2));
    const i = <usize>load<i32>(items + (r << 2));
    const pu = P + u * stride;
    const qi = Q + i * stride;
    const bup = bu + (u << s);
    const bip = bi + (i << s);
    const bU = load<T>(bup);
    const bI = load<T>(bip);
    const e = <T>load<f64>(ratings + (r << 3)) - (mu + bU + bI + dot);
    sse += <f64>(e * e);
    if (biased != 0) {
      store<T>(bup, bU + rBu * (e - regBu * bU));
      store<T>(bip, bI + rBi * (e - regBi * bI));
    }
    const aP = rP * e;
    const aQ = rQ * e;
    if (n + 1 < count) {
      const u2 = <usize>load<i32>(users + ((r + 1) << 2));
      const i2 = <usize>load<i32>(items + ((r + 1) << 2));
      const pn = P + u2 * stride;
      const qn = Q + i2 * stride;
      if (ASC_FEATURE_SIMD && u2 != u && i2 != i) {
        dot = MfStep.updateThenDot<T>(pu, qi, pn, qn, k, aP, aQ, decayP, decayQ);
        continue;
      }
      // The next rating shares a row with this one: its dot product must see this update.
      MfStep.factorsFrom<T>(pu, qi, 0, k, aP, aQ, decayP, decayQ);
      dot = Simd.dot<T>(pn, qn, k);
    } else {
      MfStep.factorsFrom<T>(pu, qi, 0, k, aP, aQ, decayP, decayQ);
    }
  }
  return sse;
}

/**
 * Ratings start .. start+count of the plan's epoch, in order, as steps P_STEP + 1, …: updates the
 * parameter block and adds each squared error (measured before its own update) to P_LOSS_SUM and
 * each step's f to P_RATE_FACTOR_SUM; P_LAST_RATE is the last step's rate. Schedules that change
 * the rate only between epochs run the whole range at one set of rates (f·count added at once);
 * the others (invscaling, optimal, cosine) one rating at a time at its own rates.
 */
function mfStepsImpl<T>(
  plan: usize,
  users: usize,
  items: usize,
  ratings: usize,
  start: i32,
  count: i32,
  params: usize,
): void {
  if (count <= 0) return;
  const s = Simd.shiftOf<T>();
  const k = Plan.int(plan, P_MF_FACTORS);
  const nu = <usize>Plan.int(plan, P_MF_USERS);
  const ni = <usize>Plan.int(plan, P_MF_ITEMS);
  const stride = (<usize>k) << s;
  const P = params;
  const Q = P + nu * stride;
  const bu = Q + ni * stride;
  const bi = bu + (nu << s);
  const biased = Plan.int(plan, P_MF_BIASED);
  const mu = <T>Plan.get(plan, P_MF_MU);
  const lrBu = Plan.get(plan, P_MF_LR_BU);
  const lrBi = Plan.get(plan, P_MF_LR_BI);
  const lrP = Plan.get(plan, P_MF_LR_P);
  const lrQ = Plan.get(plan, P_MF_LR_Q);
  const regBu = <T>Plan.get(plan, P_MF_REG_BU);
  const regBi = <T>Plan.get(plan, P_MF_REG_BI);
  const regP = Plan.get(plan, P_MF_REG_P);
  const regQ = Plan.get(plan, P_MF_REG_Q);
  const eta = Plan.get(plan, P_ETA);
  const kind = Plan.int(plan, P_SCHEDULE);
  const perStep = kind == SCHED_INVSCALING || kind == SCHED_OPTIMAL || kind == SCHED_COSINE;
  const step0 = Plan.get(plan, P_STEP);
  let sse = Plan.get(plan, P_LOSS_SUM);
  let factorSum = Plan.get(plan, P_RATE_FACTOR_SUM);
  let rate: f64 = 0;
  const runs = perStep ? count : 1;
  for (let j = 0; j < runs; j++) {
    rate = StepPlan.rate(plan, step0 + 1 + <f64>j);
    const f = rate / eta;
    const rP = <T>(lrP * f);
    const rQ = <T>(lrQ * f);
    const n = perStep ? 1 : count;
    sse = mfRange<T>(
      users,
      items,
      ratings,
      start + j,
      n,
      k,
      P,
      Q,
      bu,
      bi,
      mu,
      <T>(lrBu * f),
      <T>(lrBi * f),
      rP,
      rQ,
      regBu,
      regBi,
      <T>1 - rP * <T>regP,
      <T>1 - rQ * <T>regQ,
      biased,
      sse,
    );
    factorSum += f * <f64>n;
  }
  Plan.set(plan, P_STEP, step0 + <f64>count);
  Plan.set(plan, P_LOSS_SUM, sse);
  Plan.set(plan, P_RATE_FACTOR_SUM, factorSum);
  Plan.set(plan, P_LAST_RATE, rate);
}

/** mfStepsImpl on float64 parameters. */
export function mfStepsF64(
  plan: usize,
  users: usize,
  items: usize,
  ratings: usize,
  start: i32,
  count: i32,
  params: usize,
): void {
  mfStepsImpl<f64>(plan, users, items, ratings, start, count, params);
}

/** mfStepsImpl on float32 parameters. */
export function mfStepsF32(
  plan: usize,
  users: usize,
  items: usize,
  ratings: usize,
  start: i32,
  count: i32,
  params: usize,
): void {
  mfStepsImpl<f32>(plan, users, items, ratings, start, count, params);
}
