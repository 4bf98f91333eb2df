// Label encoding: sorted classes and each row's class index, for few and many classes.
import { describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { encodeLabels, indexLabels } from "../src/models/labels.js";

describe("encodeLabels", () => {
  it("sorts numeric classes ascending and indexes every row", () => {
    const { classes, index } = encodeLabels([3, -1, 3, 7, -1, 0.5]);
    expect(classes).toEqual([-1, 0.5, 3, 7]);
    expect(Array.from(index)).toEqual([2, 0, 2, 3, 0, 1]);
  });

  it("sorts string classes by code units", () => {
    const { classes, index } = encodeLabels(["dog", "cat", "Dog", "cat"]);
    expect(classes).toEqual(["Dog", "cat", "dog"]);
    expect(Array.from(index)).toEqual([2, 1, 0, 1]);
  });

  it("gives the same result past the few-classes scan (a hash lookup then) as a reference", () => {
    const y = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 53);
    const { classes, index } = encodeLabels(Float64Array.from(y));
    expect(classes).toEqual(Array.from({ length: 53 }, (_, k) => k));
    expect(Array.from(index)).toEqual(y);
    const s = encodeLabels(y.map((v) => `c${String(v).padStart(2, "0")}`));
    expect(s.classes.length).toBe(53);
    expect(Array.from(s.index)).toEqual(y);
  });

  it("refuses mixed types and non-finite labels naming the row", () => {
    expect(() => encodeLabels([1, "a"] as never)).toThrow(/row 1 is string, row 0 is number/);
    expect(() => encodeLabels([1, 2, Number.NaN])).toThrow(DescentError);
    expect(() => encodeLabels([1, 2, Number.NaN])).toThrow(/non-finite label \(NaN\) at row 2/);
    expect(() => encodeLabels([])).toThrow(/no labels/);
  });

  it("indexLabels maps known labels and names an unseen one", () => {
    expect(Array.from(indexLabels(["b", "a"], ["a", "b"]))).toEqual([1, 0]);
    expect(() => indexLabels(["c"], ["a", "b"])).toThrow(/label "c" at row 0 was not seen at fit/);
  });
});
