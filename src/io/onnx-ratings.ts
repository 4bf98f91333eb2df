// The ONNX graph of a matrix-factorisation model: inputs "user" and "item" (one id per row, strings
// or integers as the model was fitted with), output "rating" = mu + b_u + b_i + p_u·q_i, where an id
// the model never saw contributes no bias and no factor term, as MatrixFactorization.predict does.
// Ids become row indices through ai.onnx.ml's LabelEncoder (unknown → −1), then Gather the tables.
import { DescentError } from "../errors.js";
import { encodeOnnx, type OnnxNode, type OnnxTensor, OnnxType } from "./onnx-proto.js";

/** What a matrix-factorisation model exports: its id lists and parameters (row-major factor tables). */
export interface RatingOnnxSpec {
  users: ReadonlyArray<number | string>;
  items: ReadonlyArray<number | string>;
  factors: number;
  mu: number;
  /** users × factors. */
  P: ArrayLike<number>;
  /** items × factors. */
  Q: ArrayLike<number>;
  bu: ArrayLike<number>;
  bi: ArrayLike<number>;
  producerVersion: string;
}

/** Options of a matrix-factorisation model's toONNX. */
export interface RatingOnnxOptions {
  /** Element type of the parameters and the output: 'float64' (default) or 'float32'. */
  dtype?: "float64" | "float32";
}

const ONNX_OPSET = 17;
const ML_OPSET = 2;

/** The ONNX input type of a list of ids: string when every id is a string, int64 when every id is an integer. */
function idType(ids: ReadonlyArray<number | string>, what: "user" | "item"): number {
  if (ids.every((id) => typeof id === "string")) return OnnxType.string;
  if (ids.every((id) => typeof id === "number" && Number.isSafeInteger(id))) return OnnxType.int64;
  throw new DescentError(
    "E_OPTION",
    `ONNX export needs the ${what} ids to be all strings or all integers (LabelEncoder keys have one type); ` +
      `this model's ${what} ids mix types or include fractions`,
  );
}

/** The serialised ONNX model of a matrix-factorisation spec. */
export function buildRatingOnnx(spec: RatingOnnxSpec, options: RatingOnnxOptions = {}): Uint8Array {
  const f32 = options.dtype === "float32";
  const T = f32 ? OnnxType.float : OnnxType.double;
  const k = spec.factors;
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  const constant = (name: string, dims: number[], values: ArrayLike<number>, type: number = T): string => {
    inits.push({ name, dims, type, values });
    return name;
  };
  const zero = constant("zero_index", [], [0], OnnxType.int64);
  const types = { user: idType(spec.users, "user"), item: idType(spec.items, "item") };

  // Per side: the row of each id (0 for an unknown one) and a 1/0 mask saying whether it was known.
  const side = (name: "user" | "item", ids: ReadonlyArray<number | string>): { row: string; known: string } => {
    const keys: Record<string, string[] | number[]> =
      types[name] === OnnxType.string ? { keys_strings: ids as string[] } : { keys_int64s: ids as number[] };
    nodes.push({
      op: "LabelEncoder",
      domain: "ai.onnx.ml",
      inputs: [name],
      outputs: [`${name}_index`],
      attributes: { ...keys, values_int64s: ids.map((_, i) => i), default_int64: -1 },
    });
    nodes.push({ op: "GreaterOrEqual", inputs: [`${name}_index`, zero], outputs: [`${name}_seen`] });
    nodes.push({ op: "Cast", inputs: [`${name}_seen`], outputs: [`${name}_known`], attributes: { to: T } });
    nodes.push({ op: "Max", inputs: [`${name}_index`, zero], outputs: [`${name}_row`] });
    return { row: `${name}_row`, known: `${name}_known` };
  };
  const u = side("user", spec.users);
  const v = side("item", spec.items);
  const P = constant("P", [spec.users.length, k], spec.P);
  const Q = constant("Q", [spec.items.length, k], spec.Q);
  const bu = constant("bu", [spec.users.length], spec.bu);
  const bi = constant("bi", [spec.items.length], spec.bi);

  // Biases of known ids.
  nodes.push({ op: "Gather", inputs: [bu, u.row], outputs: ["bu_row"], attributes: { axis: 0 } });
  nodes.push({ op: "Mul", inputs: ["bu_row", u.known], outputs: ["user_bias"] });
  nodes.push({ op: "Gather", inputs: [bi, v.row], outputs: ["bi_row"], attributes: { axis: 0 } });
  nodes.push({ op: "Mul", inputs: ["bi_row", v.known], outputs: ["item_bias"] });
  // p_u·q_i where both ids are known.
  nodes.push({ op: "Gather", inputs: [P, u.row], outputs: ["p"], attributes: { axis: 0 } });
  nodes.push({ op: "Gather", inputs: [Q, v.row], outputs: ["q"], attributes: { axis: 0 } });
  nodes.push({ op: "Mul", inputs: ["p", "q"], outputs: ["pq"] });
  const axis1 = constant("axis1", [1], [1], OnnxType.int64);
  nodes.push({ op: "ReduceSum", inputs: ["pq", axis1], outputs: ["dot"], attributes: { keepdims: 0 } });
  nodes.push({ op: "Mul", inputs: [u.known, v.known], outputs: ["both_known"] });
  nodes.push({ op: "Mul", inputs: ["dot", "both_known"], outputs: ["interaction"] });
  // mu + b_u + b_i + p_u·q_i, added in predict's order.
  nodes.push({ op: "Add", inputs: [constant("mu", [], [spec.mu]), "user_bias"], outputs: ["with_user"] });
  nodes.push({ op: "Add", inputs: ["with_user", "item_bias"], outputs: ["with_item"] });
  nodes.push({ op: "Add", inputs: ["with_item", "interaction"], outputs: ["rating"] });

  return encodeOnnx({
    nodes,
    initializers: inits,
    inputs: [
      { name: "user", type: types.user, shape: ["N"] },
      { name: "item", type: types.item, shape: ["N"] },
    ],
    outputs: [{ name: "rating", type: T, shape: ["N"] }],
    metadata: {
      format: "descent-model",
      version: "1",
      model: "MatrixFactorization",
      dtype: f32 ? "float32" : "float64",
    },
    producerVersion: spec.producerVersion,
    opset: ONNX_OPSET,
    otherOpsets: { "ai.onnx.ml": ML_OPSET },
  });
}
