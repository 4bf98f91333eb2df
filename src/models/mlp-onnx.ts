// The ONNX description of a multi-layer perceptron: one MatMul, Add and activation per layer, the
// output function last, and how labels are read from it (src/io/onnx-export.ts builds the graph).

import type { OnnxLayer, OnnxSpec } from "../io/onnx-export.js";
import { type ActivationName, MlpOutput, type NetShape } from "../kernels/mlp-net.js";
import type { Label } from "./labels.js";

const HIDDEN = { relu: "Relu", tanh: "Tanh", logistic: "Sigmoid", identity: null } as const;

/**
 * The export spec of a network with parameters p (packed as NetShape): regression when classes is
 * null; a multi-label classifier when the output is logistic with more than one unit (labels the
 * 0/1 picks above 0.5 per column, probabilities the sigmoids).
 */
export function mlpOnnxSpec(
  shape: NetShape,
  p: Float64Array,
  activation: ActivationName,
  classes: Label[] | null,
  modelName: string,
): OnnxSpec {
  const out = shape.output;
  const layers: OnnxLayer[] = Array.from({ length: shape.layers }, (_, l) => {
    const fanIn = shape.units[l] as number;
    const fanOut = shape.units[l + 1] as number;
    const lastLayer = l === shape.layers - 1;
    return {
      W: p.subarray(shape.weightAt(l), shape.weightAt(l) + fanIn * fanOut),
      b: p.subarray(shape.biasAt(l), shape.biasAt(l + 1)),
      fanIn,
      fanOut,
      activation: !lastLayer
        ? HIDDEN[activation]
        : out === MlpOutput.softmax
          ? "Softmax"
          : out === MlpOutput.logistic
            ? "Sigmoid"
            : null,
    };
  });
  const multiLabel = out === MlpOutput.logistic && (shape.units[shape.layers] as number) > 1;
  return {
    modelName,
    layers,
    classes,
    pick: multiLabel ? "multiLabel" : out === MlpOutput.logistic ? "half" : "argmax",
    probabilities: classes === null ? null : out === MlpOutput.softmax ? "softmax" : "sigmoid",
    outputIsProbability: true,
    producerVersion: "1",
  };
}
