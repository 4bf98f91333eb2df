// Loss ids shared with the host. MUST MATCH src/backend/loss-id.ts.
// Each loss is written as l(y, f) with f = w·x + b; the kernels need l and dl/df per row.

/** 0.5 (f - y)^2 */
export const LOSS_SQUARED: i32 = 0;
/** Huber with threshold epsilon (lossParam): 0.5 r^2 if |r| <= eps, else eps |r| - 0.5 eps^2. */
export const LOSS_HUBER: i32 = 1;
/** max(0, 1 - y f), y in {-1, +1} */
export const LOSS_HINGE: i32 = 2;
/** max(0, 1 - y f)^2, y in {-1, +1} */
export const LOSS_SQUARED_HINGE: i32 = 3;
/** log(1 + exp(-y f)), y in {-1, +1} (binary logistic regression). */
export const LOSS_LOG: i32 = 4;
/** max(0, |y - f| - eps) (linear SVR; eps is lossParam). */
export const LOSS_EPSILON_INSENSITIVE: i32 = 5;
/** max(0, |y - f| - eps)^2 (eps is lossParam). */
export const LOSS_SQUARED_EPSILON_INSENSITIVE: i32 = 6;
/** z = y f, y in {-1, +1}: 0 for z >= 1, (1 - z)^2 for -1 <= z < 1, -4 z below. */
export const LOSS_MODIFIED_HUBER: i32 = 7;
/** max(0, -y f), y in {-1, +1}; its slope is -y at y f <= 0 (so the all-zero model moves). */
export const LOSS_PERCEPTRON: i32 = 8;

/**
 * The common losses as types. A kernel generic over one of these (`LossType.id<L>()` its id, a constant)
 * is compiled once per loss, each copy a function of its own with its loops for that loss alone:
 * measured, loops of several losses or variants in one function ran 20–40% slower.
 */
@final
export class SquaredLoss {
  @inline get id(): i32 {
    return LOSS_SQUARED;
  }
}

@final
export class HuberLoss {
  @inline get id(): i32 {
    return LOSS_HUBER;
  }
}

@final
export class HingeLoss {
  @inline get id(): i32 {
    return LOSS_HINGE;
  }
}

@final
export class SquaredHingeLoss {
  @inline get id(): i32 {
    return LOSS_SQUARED_HINGE;
  }
}

@final
export class LogLoss {
  @inline get id(): i32 {
    return LOSS_LOG;
  }
}

/** Loss types' ids. */
export class LossType {
  /** The loss id of a loss type (no object is made: the getter is inlined to its constant). */
  @inline
  static id<L>(): i32 {
    return changetype<L>(0).id;
  }
}
