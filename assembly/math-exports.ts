// The own exp/log/log1p exported for the parity tests against src/backend/js-math.ts.
import { OwnMath } from "./math";

export function expF64(x: f64): f64 {
  return OwnMath.exp(x);
}
export function logF64(x: f64): f64 {
  return OwnMath.log(x);
}
export function log1pF64(x: f64): f64 {
  return OwnMath.log1p(x);
}

export function expNonPositiveF64(x: f64): f64 {
  return OwnMath.expNonPositive(x);
}
export function log1pUnitF64(x: f64): f64 {
  return OwnMath.log1pUnit(x);
}
