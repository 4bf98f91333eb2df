// ONNX graphs of descent's models: inputs "X" (rows × features), outputs "variable" (regression)
// or "label" and, where the model has them, "probabilities" (classifiers), computed as descent's
// predict / predictProba compute them. float64 graphs by default, float32 on request.
import type { Label } from "../table/label-types.js";
import { encodeOnnx, type OnnxNode, type OnnxTensor, OnnxType, type OnnxValue } from "./onnx-proto.js";

/**
 * Nodes, constants and graph inputs that compute `output`, the model's X (double, rows ×
 * features), from raw columns (a pipeline's preprocessing: see preprocess/preprocess-onnx.ts).
 */
export interface OnnxPrelude {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  output: string;
  /** Operator sets beyond the default one (ai.onnx.ml for LabelEncoder). */
  opsets: Record<string, number>;
}

/** Options of toONNX. */
export interface OnnxExportOptions {
  /** Element type of the graph: 'float64' (default) or 'float32'. */
  dtype?: "float64" | "float32";
  /** A standardisation applied to X first, (x − mean)/scale, folded into the graph (the CLI's scaler). */
  scaler?: {
    /** Each feature's mean. */
    mean: ArrayLike<number>;
    /** Each feature's scale (its standard deviation). */
    scale: ArrayLike<number>;
  } | null;
  /**
   * Raw columns in, through a pipeline's preprocessing, instead of the input X (see OnnxPrelude;
   * Pipeline.toONNX sets it).
   * @internal
   */
  prelude?: OnnxPrelude | null;
}

/** How a classifier's probabilities are formed from its decision values. */
export type ProbabilityForm = "sigmoid" | "softmax" | "ovrSigmoid" | "modifiedHuber" | null;

/** One dense layer: weights fanIn × fanOut (row-major) and intercepts, then an activation. */
export interface OnnxLayer {
  W: ArrayLike<number>;
  b: ArrayLike<number>;
  fanIn: number;
  fanOut: number;
  /** ONNX operator of the activation after the layer, or null for none. */
  activation: "Relu" | "Tanh" | "Sigmoid" | "Softmax" | null;
}

/** What a model exports: its layers and how the last one's outputs are read. */
export interface OnnxSpec {
  modelName: string;
  layers: OnnxLayer[];
  /** Regression (output "variable") or classification with these classes. */
  classes: Label[] | null;
  /**
   * Classifiers: how labels are picked from the last layer's values: 'sign' (one value, > 0),
   * 'half' (one probability, > 0.5), 'argmax', or 'multiLabel' (every column's probability > 0.5:
   * output "label" is then an N × K int64 0/1 matrix and "probabilities" the K values).
   */
  pick: "sign" | "half" | "argmax" | "multiLabel";
  probabilities: ProbabilityForm;
  /** The last layer's values are already probabilities (MLPs); probabilities then only need forming. */
  outputIsProbability: boolean;
  producerVersion: string;
}

const ONNX_OPSET = 17;

/** The serialised ONNX model of a spec. */
export function buildOnnx(spec: OnnxSpec, options: OnnxExportOptions = {}): Uint8Array {
  const f32 = options.dtype === "float32";
  const T = f32 ? OnnxType.float : OnnxType.double;
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  const d = (spec.layers[0] as OnnxLayer).fanIn;
  const constant = (name: string, dims: number[], values: ArrayLike<number>): string => {
    inits.push({ name, dims, type: T, values });
    return name;
  };
  let x = "X";
  const prelude = options.prelude ?? null;
  if (prelude !== null) {
    nodes.push(...prelude.nodes);
    inits.push(...prelude.initializers);
    x = prelude.output;
    if (f32) {
      nodes.push({ op: "Cast", inputs: [x], outputs: ["X_float"], attributes: { to: OnnxType.float } });
      x = "X_float";
    }
  }
  if (options.scaler) {
    nodes.push({ op: "Sub", inputs: [x, constant("scaler_mean", [d], options.scaler.mean)], outputs: ["X_centred"] });
    nodes.push({
      op: "Div",
      inputs: ["X_centred", constant("scaler_scale", [d], options.scaler.scale)],
      outputs: ["X_scaled"],
    });
    x = "X_scaled";
  }
  spec.layers.forEach((layer, l) => {
    const w = constant(`W${l}`, [layer.fanIn, layer.fanOut], layer.W);
    const b = constant(`b${l}`, [layer.fanOut], layer.b);
    nodes.push({ op: "MatMul", inputs: [x, w], outputs: [`XW${l}`] });
    nodes.push({ op: "Add", inputs: [`XW${l}`, b], outputs: [`Z${l}`] });
    x = `Z${l}`;
    if (layer.activation !== null) {
      const attributes: Record<string, number> = layer.activation === "Softmax" ? { axis: 1 } : {};
      nodes.push({ op: layer.activation, inputs: [x], outputs: [`A${l}`], attributes });
      x = `A${l}`;
    }
  });
  const last = spec.layers[spec.layers.length - 1] as OnnxLayer;
  const K = last.fanOut;
  const outputs = [];
  if (spec.classes === null) {
    nodes.push({ op: "Identity", inputs: [x], outputs: ["variable"] });
    outputs.push({ name: "variable", type: T, shape: ["N", K] as Array<number | string> });
  } else if (spec.pick === "multiLabel") {
    // One 0/1 label a column (probability above one half), and the probabilities as they are.
    nodes.push({ op: "Greater", inputs: [x, constant("threshold", [], [0.5])], outputs: ["above"] });
    nodes.push({ op: "Cast", inputs: ["above"], outputs: ["label"], attributes: { to: OnnxType.int64 } });
    outputs.push({ name: "label", type: OnnxType.int64, shape: ["N", K] as Array<number | string> });
    nodes.push({ op: "Identity", inputs: [x], outputs: ["probabilities"] });
    outputs.push({ name: "probabilities", type: T, shape: ["N", K] as Array<number | string> });
  } else {
    const classes = spec.classes;
    const int64 = (name: string, values: number[]): string => {
      inits.push({ name, dims: [values.length], type: OnnxType.int64, values });
      return name;
    };
    // The picked class index, one int64 per row.
    if (spec.pick === "argmax") {
      nodes.push({ op: "ArgMax", inputs: [x], outputs: ["index"], attributes: { axis: 1, keepdims: 0 } });
    } else {
      const threshold = constant("threshold", [], [spec.pick === "half" ? 0.5 : 0]);
      nodes.push({ op: "Greater", inputs: [x, threshold], outputs: ["above"] });
      nodes.push({ op: "Cast", inputs: ["above"], outputs: ["index2d"], attributes: { to: OnnxType.int64 } });
      nodes.push({ op: "Squeeze", inputs: ["index2d", int64("axis1", [1])], outputs: ["index"] });
    }
    const labelType =
      typeof classes[0] === "string" ? OnnxType.string : typeof classes[0] === "boolean" ? OnnxType.bool : T;
    inits.push({
      name: "classes",
      dims: [classes.length],
      type: labelType,
      values: labelType === OnnxType.string ? (classes as string[]) : classes.map((c) => Number(c)),
    });
    nodes.push({ op: "Gather", inputs: ["classes", "index"], outputs: ["label"], attributes: { axis: 0 } });
    outputs.push({ name: "label", type: labelType, shape: ["N"] as Array<number | string> });
    if (spec.probabilities !== null) {
      const form = spec.probabilities;
      const needsOne = form !== "softmax";
      const one = needsOne ? constant("one", [], [1]) : "";
      if (form === "softmax") {
        if (spec.outputIsProbability) nodes.push({ op: "Identity", inputs: [x], outputs: ["probabilities"] });
        else nodes.push({ op: "Softmax", inputs: [x], outputs: ["probabilities"], attributes: { axis: 1 } });
      } else {
        // Per-output values in [0, 1]: the sigmoid, or modified Huber's (clip(f, −1, 1) + 1)/2.
        let p = x;
        if (!spec.outputIsProbability) {
          if (form === "modifiedHuber") {
            nodes.push({ op: "Clip", inputs: [x, constant("minus_one", [], [-1]), one], outputs: ["clipped"] });
            nodes.push({ op: "Add", inputs: ["clipped", one], outputs: ["shifted"] });
            nodes.push({ op: "Div", inputs: ["shifted", constant("two", [], [2])], outputs: ["p"] });
          } else nodes.push({ op: "Sigmoid", inputs: [x], outputs: ["p"] });
          p = "p";
        }
        if (K === 1) {
          nodes.push({ op: "Sub", inputs: [one, p], outputs: ["p0"] });
          nodes.push({ op: "Concat", inputs: ["p0", p], outputs: ["probabilities"], attributes: { axis: 1 } });
        } else {
          // One-vs-rest: normalised per row (uniform where every value is 0).
          nodes.push({
            op: "ReduceSum",
            inputs: [p, int64("axis1_sum", [1])],
            outputs: ["total"],
            attributes: { keepdims: 1 },
          });
          nodes.push({ op: "Div", inputs: [p, "total"], outputs: ["normalised"] });
          nodes.push({ op: "Equal", inputs: ["total", constant("zero", [], [0])], outputs: ["all_zero"] });
          nodes.push({
            op: "Where",
            inputs: ["all_zero", constant("uniform", [], [1 / K]), "normalised"],
            outputs: ["probabilities"],
          });
        }
      }
      outputs.push({ name: "probabilities", type: T, shape: ["N", K === 1 ? 2 : K] as Array<number | string> });
    }
  }
  return encodeOnnx({
    nodes,
    initializers: inits,
    inputs: prelude === null ? [{ name: "X", type: T, shape: ["N", d] }] : prelude.inputs,
    outputs,
    metadata: {
      format: "descent-model",
      version: "1",
      model: spec.modelName,
      dtype: f32 ? "float32" : "float64",
      ...(spec.classes === null ? {} : { classes: JSON.stringify(spec.classes) }),
    },
    producerVersion: spec.producerVersion,
    opset: ONNX_OPSET,
    ...(prelude === null ? {} : { otherOpsets: prelude.opsets }),
  });
}
