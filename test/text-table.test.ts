import { describe, expect, it } from "vitest";
import { formatTable } from "../src/bench/text-table.js";

describe("formatTable", () => {
  it("pads each column to its widest cell, labels left and numbers right", () => {
    const text = formatTable(
      ["task", "ms"],
      [
        ["js", "12.5"],
        ["wasm-simd", "3.0"],
      ],
    );
    expect(text.split("\n")).toEqual(["task         ms", "---------  ----", "js         12.5", "wasm-simd   3.0"]);
  });

  it("aligns every column left with Infinity and every column right with 0", () => {
    expect(formatTable(["a", "bb"], [["ccc", "d"]], Number.POSITIVE_INFINITY).split("\n")).toEqual([
      "a    bb",
      "---  --",
      "ccc  d ",
    ]);
    expect(formatTable(["a", "bb"], [["ccc", "d"]], 0).split("\n")).toEqual(["  a  bb", "---  --", "ccc   d"]);
  });
});
