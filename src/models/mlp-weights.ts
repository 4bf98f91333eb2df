// An MLP's starting weights, packed as the kernels read them (every W_l, then every b_l): drawn
// Glorot-uniform as scikit-learn draws them, or the user's initialWeights checked and packed.

import { DescentError } from "../errors.js";
import type { ActivationName, NetShape } from "../kernels/mlp-net.js";
import { Prng } from "../kernels/prng.js";
import type { InitialWeights } from "./mlp-options.js";

/** The Glorot-uniform draw of scikit-learn (bound √(6/(in+out)), √(2/(in+out)) for logistic), in its order. */
export function glorotWeights(shape: NetShape, seed: number, activation: ActivationName): Float64Array {
  const p = new Float64Array(shape.biasAt(shape.layers));
  const rng = new Prng(seed);
  const factor = activation === "logistic" ? 2 : 6;
  for (let l = 0; l < shape.layers; l++) {
    const fanIn = shape.units[l] as number;
    const fanOut = shape.units[l + 1] as number;
    const bound = Math.sqrt(factor / (fanIn + fanOut));
    const w = shape.weightAt(l);
    for (let j = 0; j < fanIn * fanOut; j++) p[w + j] = -bound + 2 * bound * rng.nextFloat();
    const b = shape.biasAt(l);
    for (let j = 0; j < fanOut; j++) p[b + j] = -bound + 2 * bound * rng.nextFloat();
  }
  return p;
}

/** initialWeights packed, shapes checked against the network (E_SHAPE / E_NONFINITE name the place). */
export function packInitialWeights(shape: NetShape, w: InitialWeights | null): Float64Array {
  if (w === null) throw new DescentError("E_STATE", "no initial weights");
  if (w.coefs.length !== shape.layers || w.intercepts.length !== shape.layers) {
    throw new DescentError(
      "E_SHAPE",
      `initialWeights has ${w.coefs.length} coefs and ${w.intercepts.length} intercepts; the network has ${shape.layers} layers`,
    );
  }
  const p = new Float64Array(shape.biasAt(shape.layers));
  for (let l = 0; l < shape.layers; l++) {
    const fanIn = shape.units[l] as number;
    const fanOut = shape.units[l + 1] as number;
    const c = w.coefs[l] as ArrayLike<ArrayLike<number>>;
    const b = w.intercepts[l] as ArrayLike<number>;
    if (c.length !== fanIn || b.length !== fanOut) {
      throw new DescentError(
        "E_SHAPE",
        `initialWeights.coefs[${l}] must be ${fanIn} × ${fanOut} and intercepts[${l}] ${fanOut} long`,
      );
    }
    for (let i = 0; i < fanIn; i++) {
      const row = c[i] as ArrayLike<number>;
      if (row.length !== fanOut)
        throw new DescentError("E_SHAPE", `initialWeights.coefs[${l}][${i}] must have ${fanOut} values`);
      for (let j = 0; j < fanOut; j++) {
        const v = row[j] as number;
        if (!Number.isFinite(v))
          throw new DescentError("E_NONFINITE", `initialWeights.coefs[${l}][${i}][${j}] is ${v}`);
        p[shape.weightAt(l) + i * fanOut + j] = v;
      }
    }
    for (let j = 0; j < fanOut; j++) {
      const v = b[j] as number;
      if (!Number.isFinite(v)) throw new DescentError("E_NONFINITE", `initialWeights.intercepts[${l}][${j}] is ${v}`);
      p[shape.biasAt(l) + j] = v;
    }
  }
  return p;
}
