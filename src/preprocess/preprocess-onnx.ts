// The preprocessing of a fitted ColumnTransformer (or of a pipeline's transformers) as ONNX nodes
// in front of a model's graph: one graph input per raw column — text as a string tensor (an empty
// string is a missing cell), numbers, booleans (0/1) and dates (milliseconds since the epoch) as
// double tensors (NaN is a missing cell), each N × 1 — and the matrix X the model reads computed
// from them as descent's transform computes it: missing numbers filled (Where/IsNaN), dates cut into
// epoch seconds, year, month, day of week and hour (integer arithmetic on doubles), text one-hot
// encoded through ai.onnx.ml's LabelEncoder and a comparison with each column's index, scalers applied, parts concatenated.
import { DescentError } from "../errors.js";
import type { OnnxPrelude } from "../io/onnx-export.js";
import { type OnnxNode, type OnnxTensor, OnnxType } from "../io/onnx-proto.js";
import type { ColumnKind } from "../table/column-table.js";
import { ColumnTransformer } from "./column-transformer.js";
import { DateFeatures } from "./date-features.js";
import { MinMaxScaler } from "./min-max-scaler.js";
import { OneHotEncoder } from "./one-hot-encoder.js";
import { SimpleImputer } from "./simple-imputer.js";
import { StandardScaler } from "./standard-scaler.js";
import type { TableStep } from "./transformer.js";

/** A tensor of the graph, N × width: numbers (double) or one column of text. */
interface Block {
  name: string;
  width: number;
  text: boolean;
  /** For text: what an empty string (a missing cell) stands for after an imputer, if one ran. */
  missingAs?: string;
}

function refuse(what: string): never {
  throw new DescentError("E_OPTION", `ONNX export: ${what}`);
}

/** Builds the nodes, naming every value uniquely (raw column names are the inputs' names). */
class Graph {
  readonly nodes: OnnxNode[] = [];
  readonly inits: OnnxTensor[] = [];
  private n = 0;

  fresh(hint: string): string {
    return `_${hint}_${this.n++}`;
  }

  constant(values: ArrayLike<number>, dims: number[], type: number = OnnxType.double): string {
    const name = this.fresh("c");
    this.inits.push({ name, dims, type, values });
    return name;
  }

  strings(values: readonly string[]): string {
    const name = this.fresh("s");
    this.inits.push({ name, dims: [values.length], type: OnnxType.string, values });
    return name;
  }

  op(op: string, inputs: string[], attributes?: OnnxNode["attributes"], domain?: string): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({
      op,
      inputs,
      outputs: [out],
      ...(attributes ? { attributes } : {}),
      ...(domain ? { domain } : {}),
    });
    return out;
  }

  /** A per-column constant row (1 × k) for a block at column offset `at` of `values`. */
  row(values: ArrayLike<number>, at: number, k: number): string {
    return this.constant(
      Array.from({ length: k }, (_, j) => values[at + j] as number),
      [1, k],
    );
  }
}

/** The number of columns a list of blocks spans. */
function widthOf(blocks: readonly Block[]): number {
  return blocks.reduce((s, b) => s + b.width, 0);
}

/** Where each block starts among the columns. */
function offsets(blocks: readonly Block[]): number[] {
  let at = 0;
  return blocks.map((b) => {
    const o = at;
    at += b.width;
    return o;
  });
}

function numeric(b: Block, step: string): void {
  if (b.text) refuse(`${step} reads numbers, but a text column reaches it`);
}

/** Missing numbers filled with the imputer's statistics; text blocks remember their fill. */
function imputerBlocks(imp: SimpleImputer, blocks: Block[], g: Graph): Block[] {
  const stats = imp.statistics ?? refuse("SimpleImputer is not fitted");
  const starts = offsets(blocks);
  const out = blocks.map((b, i): Block => {
    const at = starts[i] as number;
    if (b.text) return { ...b, missingAs: String(stats[at]) };
    const fill = g.row(
      Array.from({ length: b.width }, (_, j) => Number(stats[at + j])),
      0,
      b.width,
    );
    return { name: g.op("Where", [g.op("IsNaN", [b.name]), fill, b.name]), width: b.width, text: false };
  });
  for (const j of imp.indicatorColumns) {
    const i = starts.findIndex((s, k) => j >= s && j < s + (blocks[k] as Block).width);
    const b = blocks[i] as Block;
    if (b.text || b.width !== 1)
      refuse("SimpleImputer's missing indicators are exported for single numeric columns only");
    out.push({ name: g.op("Cast", [g.op("IsNaN", [b.name])], { to: OnnxType.double }), width: 1, text: false });
  }
  return out;
}

/** Text columns one-hot encoded: LabelEncoder (category → output column), then Equal against the column indices. */
function encoderBlocks(enc: OneHotEncoder, blocks: Block[], g: Graph): Block[] {
  const codes = enc.encodings;
  if (blocks.length !== codes.length || blocks.some((b) => b.width !== 1))
    refuse("OneHotEncoder must read single columns");
  return blocks.map((b, i): Block => {
    const c = codes[i] as (typeof codes)[number];
    if (!b.text) refuse("OneHotEncoder exports text columns only (name a numeric category column in --categorical)");
    // Out of OneHot's range: no column set (an unknown category under 'ignore', the dropped column).
    const none = c.width;
    const keys: string[] = [];
    const values: number[] = [];
    const slotOf = new Map<string | null, number>();
    c.keys.forEach((k, j) => {
      slotOf.set(k === null ? null : String(k), c.slots[j] as number);
    });
    for (const [k, s] of slotOf)
      if (k !== null) {
        keys.push(k);
        values.push(s < 0 ? none : s);
      }
    // The empty string is a missing cell: what an imputer filled it with, else the missing category.
    const missing = b.missingAs !== undefined ? slotOf.get(b.missingAs) : slotOf.get(null);
    const unknown = c.unknownSlot < 0 ? none : c.unknownSlot;
    if (!slotOf.has("")) {
      keys.push("");
      values.push(missing === undefined ? unknown : missing < 0 ? none : missing);
    }
    const index = g.op(
      "LabelEncoder",
      [b.name],
      { keys_strings: keys, values_int64s: values, default_int64: unknown },
      "ai.onnx.ml",
    );
    if (c.width === 0) refuse("a OneHotEncoder feature with no output column");
    // Row r sets column j when its index is j: index (N × 1) against 0 … width−1 (1 × width).
    const columns = g.constant(
      Array.from({ length: c.width }, (_, j) => j),
      [1, c.width],
      OnnxType.int64,
    );
    return {
      name: g.op("Cast", [g.op("Equal", [index, columns])], { to: OnnxType.double }),
      width: c.width,
      text: false,
    };
  });
}

/** Dates (epoch milliseconds) as epoch seconds, year, month, day of week (Monday 0) and hour, as DateFeatures. */
function dateBlocks(blocks: Block[], g: Graph): Block[] {
  const k = (v: number): string => g.constant([v], []);
  const floorDiv = (a: string, b: number): string => g.op("Floor", [g.op("Div", [a, k(b)])]);
  const mod = (a: string, b: number): string => g.op("Sub", [a, g.op("Mul", [floorDiv(a, b), k(b)])]);
  return blocks.map((b): Block => {
    numeric(b, "DateFeatures");
    const ms = b.name;
    const days = floorDiv(ms, 86_400_000);
    // Howard Hinnant's days-to-civil, as DateFeatures computes it.
    const z = g.op("Add", [days, k(719468)]);
    const era = floorDiv(z, 146097);
    const doe = g.op("Sub", [z, g.op("Mul", [era, k(146097)])]);
    const yoeNum = g.op("Sub", [
      g.op("Add", [g.op("Sub", [doe, floorDiv(doe, 1460)]), floorDiv(doe, 36524)]),
      floorDiv(doe, 146096),
    ]);
    const yoe = floorDiv(yoeNum, 365);
    const doy = g.op("Sub", [
      doe,
      g.op("Sub", [g.op("Add", [g.op("Mul", [yoe, k(365)]), floorDiv(yoe, 4)]), floorDiv(yoe, 100)]),
    ]);
    const mp = floorDiv(g.op("Add", [g.op("Mul", [doy, k(5)]), k(2)]), 153);
    // month = mp < 10 ? mp + 3 : mp − 9; year = yoe + 400·era + (month ≤ 2).
    const early = g.op("Less", [mp, k(10)]);
    const month = g.op("Where", [early, g.op("Add", [mp, k(3)]), g.op("Sub", [mp, k(9)])]);
    const janFeb = g.op("Cast", [g.op("LessOrEqual", [month, k(2)])], { to: OnnxType.double });
    const year = g.op("Add", [g.op("Add", [yoe, g.op("Mul", [era, k(400)])]), janFeb]);
    const weekday = mod(g.op("Add", [days, k(3)]), 7);
    const hour = floorDiv(g.op("Sub", [ms, g.op("Mul", [days, k(86_400_000)])]), 3_600_000);
    const seconds = g.op("Div", [ms, k(1000)]);
    return { name: g.op("Concat", [seconds, year, month, weekday, hour], { axis: 1 }), width: 5, text: false };
  });
}

/** A Pipeline, known by its steps (this module is imported by pipeline.ts, so not by class). */
function isPipeline(step: TableStep): step is TableStep & { steps: ReadonlyArray<readonly [string, unknown]> } {
  return Array.isArray((step as { steps?: unknown }).steps);
}

/** Blocks through one step (a transformer, or a pipeline of them). */
function stepBlocks(step: TableStep | "passthrough", blocks: Block[], g: Graph): Block[] {
  if (step === "passthrough") {
    for (const b of blocks) numeric(b, "a passed-through column");
    return blocks;
  }
  if (isPipeline(step)) {
    let cur = blocks;
    for (const [, s] of step.steps) {
      if (typeof s !== "object" || s === null || !("transformInto" in s))
        refuse("a pipeline inside the preprocessing ends in an estimator");
      cur = stepBlocks(s as TableStep, cur, g);
    }
    return cur;
  }
  if (step instanceof SimpleImputer) return imputerBlocks(step, blocks, g);
  if (step instanceof OneHotEncoder) return encoderBlocks(step, blocks, g);
  if (step instanceof DateFeatures) return dateBlocks(blocks, g);
  if (step instanceof StandardScaler || step instanceof MinMaxScaler) {
    const starts = offsets(blocks);
    return blocks.map((b, i): Block => {
      numeric(b, step.constructor.name);
      const at = starts[i] as number;
      if (step instanceof StandardScaler) {
        const centred = g.op("Sub", [b.name, g.row(step.mean ?? [], at, b.width)]);
        return { name: g.op("Div", [centred, g.row(step.scale ?? [], at, b.width)]), width: b.width, text: false };
      }
      const scaled = g.op("Mul", [b.name, g.row(step.scale ?? [], at, b.width)]);
      return { name: g.op("Add", [scaled, g.row(step.min ?? [], at, b.width)]), width: b.width, text: false };
    });
  }
  return refuse(`${step.constructor.name} has no ONNX form yet`);
}

/**
 * The prelude of a fitted preprocessing step, output "X_prepared" (double, N × nFeaturesOut). Its
 * inputs: when every column is numeric (numbers, booleans), one input "X" (N × columns, in `dtype`,
 * NaN missing), as the models' own graphs take; otherwise one input per column, named as
 * `columns` (text as strings, '' missing; the rest double, NaN missing), each N × 1.
 */
export function preprocessingOnnx(
  step: TableStep,
  columns: ReadonlyArray<{ name: string; kind: ColumnKind }>,
  dtype: "float64" | "float32" = "float64",
): OnnxPrelude {
  const g = new Graph();
  // All numeric (numbers, booleans): one input X, rows × columns, as the models' own graphs take,
  // each column a slice of it. Otherwise one input per column.
  const matrixInput = columns.every((c) => c.kind === "number" || c.kind === "boolean");
  // A float32 graph's X is float32; the preprocessing computes in float64.
  const raw = matrixInput && dtype === "float32" ? g.op("Cast", ["X"], { to: OnnxType.double }) : "X";
  const input = new Map(
    columns.map((c, j) => {
      if (!matrixInput) return [c.name, { name: c.name, width: 1, text: c.kind === "string" } as Block];
      const at = g.constant([j], [1], OnnxType.int64);
      const slice = g.op("Slice", [
        raw,
        at,
        g.constant([j + 1], [1], OnnxType.int64),
        g.constant([1], [1], OnnxType.int64),
      ]);
      return [c.name, { name: slice, width: 1, text: false } as Block];
    }),
  );
  const blockOf = (name: string): Block =>
    input.get(name) ?? refuse(`the preprocessing reads column '${name}', not an input`);
  let parts: Block[];
  if (step instanceof ColumnTransformer) {
    parts = step.fittedParts.flatMap((p) => stepBlocks(p.step, p.columns.map(blockOf), g));
  } else
    parts = stepBlocks(
      step,
      columns.map((c) => blockOf(c.name)),
      g,
    );
  if (widthOf(parts) !== step.nFeaturesOut) refuse("the exported preprocessing does not give every output column");
  g.nodes.push({ op: "Concat", inputs: parts.map((b) => b.name), outputs: ["X_prepared"], attributes: { axis: 1 } });
  return {
    nodes: g.nodes,
    initializers: g.inits,
    inputs: matrixInput
      ? [{ name: "X", type: dtype === "float32" ? OnnxType.float : OnnxType.double, shape: ["N", columns.length] }]
      : columns.map((c) => ({
          name: c.name,
          type: c.kind === "string" ? OnnxType.string : OnnxType.double,
          shape: ["N", 1],
        })),
    output: "X_prepared",
    opsets: { "ai.onnx.ml": 2 },
  };
}
