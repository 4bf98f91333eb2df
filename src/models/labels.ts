import { DescentError } from "../errors.js";
import { arrayOf } from "../matrix.js";
import type { Label } from "../table/label-types.js";

/** Below this many distinct labels, labels are matched by a scan rather than a hash lookup. */
const FEW_CLASSES = 16;

export type { Label } from "../table/label-types.js";

/**
 * The sorted distinct labels of y (numbers ascending, strings in code-unit order, false before
 * true) and each row's class index. Throws E_LABELS for mixed or non-finite labels and E_EMPTY for no rows.
 */
export function encodeLabels(given: ArrayLike<Label>): { classes: Label[]; index: Float64Array } {
  const y = arrayOf(given);
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new DescentError("E_SHAPE", "y must be an array of labels (numbers or strings)");
  }
  const n = y.length;
  if (n === 0) throw new DescentError("E_EMPTY", "y has no labels");
  const kind = typeof y[0];
  // The distinct labels in order of appearance, and each row's position among them. Most label
  // vectors have a handful of classes, found faster by a scan of the few seen so far than by a
  // hash lookup; past FEW_CLASSES a Map takes over.
  const seen: Label[] = [];
  const firstSeen = new Float64Array(n);
  let map: Map<Label, number> | null = null;
  for (let i = 0; i < n; i++) {
    const v = y[i] as Label;
    if (kind !== "number" && kind !== "string" && kind !== "boolean") {
      const first = y[0] as unknown;
      if (first !== null && typeof first === "object" && typeof (first as ArrayLike<unknown>).length === "number") {
        throw new DescentError(
          "E_LABELS",
          `y row 0 is a list of ${(first as ArrayLike<unknown>).length} values: give one label a row (multi-label y, a 0/1 matrix, is not supported yet)`,
        );
      }
      throw new DescentError(
        "E_LABELS",
        `y has a ${first === null ? "null" : kind} label at row 0: labels are numbers, strings or booleans`,
      );
    }
    if (typeof v !== kind) {
      throw new DescentError("E_LABELS", `y mixes label types: row ${i} is ${typeof v}, row 0 is ${kind}`);
    }
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new DescentError("E_NONFINITE", `y has a non-finite label (${v}) at row ${i}`);
    }
    let k = -1;
    if (map === null) {
      for (let c = 0; c < seen.length; c++) {
        if (seen[c] === v) {
          k = c;
          break;
        }
      }
    } else k = map.get(v) ?? -1;
    if (k < 0) {
      k = seen.length;
      seen.push(v);
      if (map !== null) map.set(v, k);
      else if (seen.length > FEW_CLASSES) map = new Map(seen.map((c, j) => [c, j]));
    }
    firstSeen[i] = k;
  }
  const classes = [...seen].sort((a, b) =>
    typeof a === "string" || typeof b === "string"
      ? String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0
      : Number(a) - Number(b),
  );
  // Position in order of appearance → position among the sorted classes.
  const rank = new Float64Array(seen.length);
  const sortedAt = new Map<Label, number>(classes.map((c, k) => [c, k]));
  seen.forEach((c, j) => {
    rank[j] = sortedAt.get(c) as number;
  });
  const index = firstSeen;
  for (let i = 0; i < n; i++) index[i] = rank[index[i] as number] as number;
  return { classes, index };
}

/** Class index of every label of y under known classes; E_LABELS names a label unseen at fit. */
export function indexLabels(y: ArrayLike<Label>, classes: readonly Label[]): Float64Array {
  const lookup = new Map<Label, number>(classes.map((c, k) => [c, k]));
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = lookup.get(y[i] as Label);
    if (k === undefined) {
      throw new DescentError(
        "E_LABELS",
        `label ${JSON.stringify(y[i])} at row ${i} was not seen at fit (classes: ${classes.map((c) => JSON.stringify(c)).join(", ")})`,
      );
    }
    out[i] = k;
  }
  return out;
}

/** Per-class weights: an explicit map from label to weight, or 'balanced' (n / (K · count_k)). */
export type ClassWeight = "balanced" | Record<string, number>;

/** The weight of each class index; E_OPTION for bad weights or labels not among the classes. */
export function classWeights(
  spec: ClassWeight | null,
  classes: readonly Label[],
  index: ArrayLike<number>,
): Float64Array {
  const K = classes.length;
  const w = new Float64Array(K).fill(1);
  if (spec === null) return w;
  if (spec === "balanced") {
    const counts = new Float64Array(K);
    for (let i = 0; i < index.length; i++) counts[index[i] as number]++;
    for (let k = 0; k < K; k++) w[k] = index.length / (K * (counts[k] as number));
    return w;
  }
  for (const key of Object.keys(spec)) {
    const k = classes.findIndex((c) => String(c) === key);
    if (k < 0) throw new DescentError("E_OPTION", `option 'classWeight' names label '${key}', which is not a class`);
    const v = spec[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new DescentError(
        "E_OPTION",
        `option 'classWeight' for '${key}' must be a finite number >= 0 (got ${String(v)})`,
      );
    }
    w[k] = v;
  }
  return w;
}

/** Class labels read from a model file: at least two distinct labels of one kind, else E_FORMAT. */
export function readLabels(value: unknown): Label[] {
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    !(
      value.every((c) => typeof c === "string") ||
      value.every((c) => typeof c === "boolean") ||
      value.every((c) => typeof c === "number" && Number.isFinite(c))
    ) ||
    new Set(value).size !== value.length
  ) {
    throw new DescentError(
      "E_FORMAT",
      "model JSON: 'classes' must be at least two distinct labels, all numbers, all strings or all booleans",
    );
  }
  return value as Label[];
}
