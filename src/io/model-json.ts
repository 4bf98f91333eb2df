import { DescentError } from "../errors.js";
import type { History, StopReason } from "../train/history.js";
import type { TrainProgress } from "../train/train-loop.js";

/** Format tag and version written into every saved model. */
export const MODEL_FORMAT = "descent-model";
/** Bump on any incompatible change; readers refuse other versions. */
export const MODEL_VERSION = 1;

/** A JSON object read defensively: only own keys, never the prototype. */
export type JsonObject = Record<string, unknown>;

function bad(what: string): never {
  throw new DescentError("E_FORMAT", `model JSON: ${what}`);
}

/** Checks the envelope (format, version, model kind) and returns the object. */
/**
 * The envelope of a saved `kind`, and the estimator its options build (`make`); E_FORMAT naming
 * the options when the constructor refuses them.
 */
export function readModel<T>(
  json: unknown,
  kind: string,
  make: (options: JsonObject) => T,
): { o: JsonObject; model: T } {
  const o = readEnvelope(json, kind);
  try {
    return { o, model: make(readObject(o, "options")) };
  } catch (err) {
    if (err instanceof DescentError && err.code === "E_FORMAT") throw err;
    throw new DescentError("E_FORMAT", `model JSON: bad 'options': ${(err as Error).message}`, { cause: err });
  }
}

/** A saved `kind`: the format and version, the model's name, then its fields. */
export function writeModel(kind: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { format: MODEL_FORMAT, version: MODEL_VERSION, model: kind, ...fields };
}

export function readEnvelope(json: unknown, kind: string): JsonObject {
  const o = typeof json === "string" ? parseText(json) : json;
  if (o === null || typeof o !== "object" || Array.isArray(o)) bad("expected an object");
  const obj = o as JsonObject;
  assertPlain(obj, "$");
  if (field(obj, "format") !== MODEL_FORMAT) bad(`'format' must be '${MODEL_FORMAT}'`);
  const version = field(obj, "version");
  if (version !== MODEL_VERSION)
    bad(`unsupported 'version' ${JSON.stringify(version)} (this release reads ${MODEL_VERSION})`);
  if (field(obj, "model") !== kind) bad(`'model' is ${JSON.stringify(field(obj, "model"))}, expected '${kind}'`);
  return obj;
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DescentError("E_FORMAT", `model JSON does not parse: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Refuses `__proto__`, `constructor` and `prototype` keys anywhere (no prototype pollution). Walks
 * the tree with a stack of its own, so JSON nested thousands of levels deep is checked rather than
 * overflowing the call stack; a path is spelled out only for the error.
 */
function assertPlain(root: unknown, rootPath: string): void {
  // Each entry: a value, the entry of its parent (−1 for the root) and its key there.
  const values: unknown[] = [root];
  const parents: number[] = [-1];
  const keys: Array<string | number> = [""];
  const pathOf = (at: number): string => {
    const parts: string[] = [];
    for (let i = at; i > 0; i = parents[i] as number) {
      const k = keys[i] as string | number;
      parts.push(typeof k === "number" ? `[${k}]` : `.${k}`);
    }
    return rootPath + parts.reverse().join("");
  };
  for (let at = 0; at < values.length; at++) {
    const v = values[at];
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== null && typeof x === "object") {
          values.push(x);
          parents.push(at);
          keys.push(i);
        }
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      if (key === "__proto__" || key === "constructor" || key === "prototype")
        bad(`forbidden key '${key}' at ${pathOf(at)}`);
      const x = (v as JsonObject)[key];
      if (x !== null && typeof x === "object") {
        values.push(x);
        parents.push(at);
        keys.push(key);
      }
    }
  }
}

/** An own property, or undefined. */
export function field(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A finite number at `key`. */
export function readNumber(o: JsonObject, key: string): number {
  const v = field(o, key);
  if (typeof v !== "number" || !Number.isFinite(v)) bad(`'${key}' must be a finite number`);
  return v;
}

/** A non-negative integer at `key`. */
export function readCount(o: JsonObject, key: string): number {
  const v = readNumber(o, key);
  if (!Number.isSafeInteger(v) || v < 0) bad(`'${key}' must be a non-negative integer`);
  return v;
}

/** An array of finite numbers at `key`, of the given length when one is given. */
export function readNumbers(o: JsonObject, key: string, length?: number): Float64Array {
  const v = field(o, key);
  if (!Array.isArray(v)) bad(`'${key}' must be an array of numbers`);
  if (length !== undefined && v.length !== length) bad(`'${key}' has ${v.length} values, expected ${length}`);
  const out = new Float64Array(v.length);
  v.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) bad(`'${key}[${i}]' is not a finite number`);
    out[i] = x;
  });
  return out;
}

/** An array of strings at `key`. */
export function readStrings(o: JsonObject, key: string): string[] {
  const v = field(o, key);
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) bad(`'${key}' must be an array of strings`);
  return v as string[];
}

/** An object at `key`. */
export function readObject(o: JsonObject, key: string): JsonObject {
  const v = field(o, key);
  if (v === null || typeof v !== "object" || Array.isArray(v)) bad(`'${key}' must be an object`);
  return v as JsonObject;
}

const STOP_REASONS: readonly StopReason[] = ["tol", "gradTol", "earlyStopping", "maxEpochs", "callback", "diverged"];

/** A stop reason or null at `key`. */
export function readStopReason(o: JsonObject, key: string): StopReason | null {
  const v = field(o, key);
  if (v === null || v === undefined) return null;
  if (typeof v !== "string" || !STOP_REASONS.includes(v as StopReason)) bad(`'${key}' is not a stop reason`);
  return v as StopReason;
}

/** A history object; every series must be an array of numbers (null in JSON stands for NaN/Infinity). */
export function readHistory(o: JsonObject, key: string): History {
  const h = readObject(o, key);
  const series = (k: string): number[] => {
    const v = field(h, k);
    if (!Array.isArray(v)) bad(`'${key}.${k}' must be an array`);
    return v.map((x, i) => {
      if (x === null) return Number.NaN;
      if (typeof x !== "number") bad(`'${key}.${k}[${i}]' is not a number`);
      return x;
    });
  };
  const out: History = {
    loss: series("loss"),
    gradNorm: series("gradNorm"),
    learningRate: series("learningRate"),
    ms: series("ms"),
  };
  if (field(h, "valScore") !== undefined) out.valScore = series("valScore");
  return out;
}

/** A training progress record at `path`, with optimizer slots of `slotSize` numbers. */
export function readProgress(p: JsonObject, path: string, slotSize: number): TrainProgress {
  const rng = field(p, "rng");
  const moments = field(p, "moments");
  if (!Array.isArray(moments) || moments.length > 2) bad(`'${path}.moments' must be an array of at most 2 arrays`);
  return {
    step: readCount(p, "step"),
    epoch: readCount(p, "epoch"),
    rng:
      rng === null || rng === undefined
        ? null
        : (Array.from(readNumbers(p, "rng", 4)) as [number, number, number, number]),
    moments: moments.map((_, i) => {
      const key = `${path}.moments[${i}]`;
      return readNumbers({ [key]: moments[i] }, key, slotSize);
    }),
    rateScale: readNumber(p, "rateScale"),
    l1Total: field(p, "l1Total") === undefined ? 0 : readNumber(p, "l1Total"),
  };
}

/** The training state every linear model saves (see LinearModel.stateJSON). */
export interface SavedState {
  nOutputs: number;
  params: Float64Array;
  /** Under averaged SGD, the last step's parameters (params holds the averages); else null. */
  trainParams: Float64Array | null;
  history: History;
  subHistories: History[];
  stopReason: StopReason | null;
  nEpochs: number;
  progress: TrainProgress[];
}

/** Reads and checks the training state of a model with `nFeatures` features. */
export function readState(o: JsonObject, nFeatures: number): SavedState {
  const nOutputs = readCount(o, "nOutputs");
  if (nOutputs < 1) bad("'nOutputs' must be at least 1");
  const size = nOutputs * (nFeatures + 1);
  const params = readNumbers(o, "params", size);
  const subs = field(o, "subHistories");
  if (!Array.isArray(subs)) bad("'subHistories' must be an array");
  const progressList = field(o, "progress");
  if (!Array.isArray(progressList) || progressList.length !== subs.length) {
    bad("'progress' must be an array with one entry per sub-history");
  }
  const progress = progressList.map((entry, k) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) bad(`'progress[${k}]' must be an object`);
    return readProgress(entry as JsonObject, `progress[${k}]`, subs.length === 1 ? size : nFeatures + 1);
  });
  return {
    nOutputs,
    params,
    trainParams: field(o, "trainParams") === undefined ? null : readNumbers(o, "trainParams", size),
    history: readHistory(o, "history"),
    subHistories: subs.map((_, k) => readHistory({ [`subHistories[${k}]`]: subs[k] }, `subHistories[${k}]`)),
    stopReason: readStopReason(o, "stopReason"),
    nEpochs: readCount(o, "nEpochs"),
    progress,
  };
}
