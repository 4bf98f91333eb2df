// A small protocol-buffers writer for the ONNX messages the exporter needs (field numbers from
// onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).

/** Growable byte output with the protobuf wire formats. */
class Writer {
  private bytes = new Uint8Array(256);
  private length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  /** A varint: values up to 2^53, negatives as 64-bit two's complement (ten bytes), as int64 fields take them. */
  varint(v: number): this {
    this.room(10);
    if (v < 0) {
      let x = (1n << 64n) + BigInt(v);
      while (x >= 0x80n) {
        this.bytes[this.length++] = Number(x & 0x7fn) | 0x80;
        x >>= 7n;
      }
      this.bytes[this.length++] = Number(x);
      return this;
    }
    let x = v;
    while (x >= 0x80) {
      this.bytes[this.length++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.bytes[this.length++] = x;
    return this;
  }

  raw(b: Uint8Array): this {
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Field tag: number and wire type (0 varint, 2 length-delimited, 5 32-bit). */
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }

  bytesField(field: number, b: Uint8Array): this {
    return this.tag(field, 2).varint(b.length).raw(b);
  }

  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.bytesField(field, m.finish());
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.tag(field, 5).raw(b);
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** ONNX tensor element types. */
export const OnnxType = { float: 1, int64: 7, string: 8, bool: 9, double: 11 } as const;

/** A constant tensor of the graph (an initializer). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  type: number;
  /** Numbers (float, double, int64) or strings. */
  values: ArrayLike<number> | readonly string[];
}

/** A node: operator, inputs, outputs and attributes (numbers are ints unless listed in `floats`). */
export interface OnnxNode {
  op: string;
  /** Operator set of the operator: "" (default) is ai.onnx; "ai.onnx.ml" for the classical-ML operators. */
  domain?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[] | string | string[]>;
  /** Attributes whose numbers are floats. */
  floatAttributes?: Record<string, number>;
}

/** A graph input or output: its name, element type and shape (a string is a symbolic dimension). */
export interface OnnxValue {
  name: string;
  type: number;
  shape: Array<number | string>;
}

/** A whole model. */
export interface OnnxModel {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  metadata: Record<string, string>;
  producerVersion: string;
  /** Version of the default (ai.onnx) operator set. */
  opset: number;
  /** Further operator sets the nodes use, such as { "ai.onnx.ml": 2 }. */
  otherOpsets?: Record<string, number>;
}

function tensor(t: OnnxTensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type);
  if (t.type === OnnxType.string) {
    for (const s of t.values as readonly string[]) w.string(6, s);
  } else {
    const values = t.values as ArrayLike<number>;
    const el = t.type === OnnxType.float ? 4 : t.type === OnnxType.bool ? 1 : 8;
    const raw = new Uint8Array(values.length * el);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (t.type === OnnxType.float) view.setFloat32(i * el, v, true);
      else if (t.type === OnnxType.double) view.setFloat64(i * el, v, true);
      else if (t.type === OnnxType.bool) view.setUint8(i, v ? 1 : 0);
      else view.setBigInt64(i * el, BigInt(v), true);
    }
    w.bytesField(9, raw);
  }
  w.string(8, t.name);
  return w;
}

function attribute(name: string, v: number | number[] | string | string[], isFloat: boolean): Writer {
  const w = new Writer().string(1, name);
  if (typeof v === "string") return w.bytesField(4, new TextEncoder().encode(v)).int(20, 3);
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === "string") {
      for (const x of v as string[]) w.string(9, x);
      return w.int(20, 8);
    }
    for (const x of v as number[]) w.int(8, x);
    return w.int(20, 7);
  }
  if (isFloat) return w.float(2, v).int(20, 1);
  return w.int(3, v).int(20, 2);
}

function value(v: OnnxValue): Writer {
  const shape = new Writer();
  for (const d of v.shape) {
    const dim = new Writer();
    if (typeof d === "string") dim.string(2, d);
    else dim.int(1, d);
    shape.message(1, dim);
  }
  const tensorType = new Writer().int(1, v.type).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/** The serialised ModelProto (IR version 8). */
export function encodeOnnx(m: OnnxModel): Uint8Array {
  const graph = new Writer();
  m.nodes.forEach((n, k) => {
    const node = new Writer();
    for (const i of n.inputs) node.string(1, i);
    for (const o of n.outputs) node.string(2, o);
    node.string(3, `${n.op}_${k}`).string(4, n.op);
    if (n.domain) node.string(7, n.domain);
    for (const [name, v] of Object.entries(n.attributes ?? {})) node.message(5, attribute(name, v, false));
    for (const [name, v] of Object.entries(n.floatAttributes ?? {})) node.message(5, attribute(name, v, true));
    graph.message(1, node);
  });
  graph.string(2, "descent");
  for (const t of m.initializers) graph.message(5, tensor(t));
  for (const v of m.inputs) graph.message(11, value(v));
  for (const v of m.outputs) graph.message(12, value(v));
  const model = new Writer()
    .int(1, 8)
    .string(2, "descent")
    .string(3, m.producerVersion)
    .message(7, graph)
    .message(8, new Writer().string(1, "").int(2, m.opset));
  for (const [domain, version] of Object.entries(m.otherOpsets ?? {})) {
    model.message(8, new Writer().string(1, domain).int(2, version));
  }
  for (const [key, v] of Object.entries(m.metadata)) model.message(14, new Writer().string(1, key).string(2, v));
  return model.finish();
}
