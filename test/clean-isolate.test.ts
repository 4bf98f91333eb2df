import { describe, expect, it } from "vitest";
import { CleanIsolate } from "../src/bench/clean-isolate.js";
import { sharedArray } from "../src/runtime/shared-array.js";

const target = new URL("./fixtures/isolate-target.mjs", import.meta.url).href;

/** The fixture's `add`, for `run` here (`run` calls the export of the same name there). */
function add(a: number, b: number): number {
  return a + b;
}

describe("CleanIsolate", () => {
  it("calls exports in a worker, shares typed arrays over shared memory and reports failures", async () => {
    const isolate = new CleanIsolate();
    try {
      expect(await isolate.call<number>(target, "add", 2, 3)).toBe(5);
      const view = sharedArray(Float64Array, 7);
      expect(await isolate.call<number>(target, "fill", view, 1.5)).toBe(7);
      expect(Array.from(view)).toEqual(Array(7).fill(1.5));
      await expect(isolate.call(target, "fail")).rejects.toThrow(/clean isolate.*planned failure/s);
      await expect(isolate.call(target, "missing")).rejects.toThrow(/clean isolate/);
      await expect(isolate.call(target, "add", () => 1, 2)).rejects.toThrow(/clone/i);
      // run: the same export, here or there.
      expect(await isolate.run(true, target, add, 4, 5)).toBe(9);
      expect(await isolate.run(false, target, add, 4, 5)).toBe(9);
      // Still usable after a failed call.
      expect(await isolate.call<number>(target, "add", 1, 1)).toBe(2);
    } finally {
      await isolate.close();
    }
    await expect(isolate.call(target, "add", 1, 1)).rejects.toThrow(/closed/);
  });

  it("rejects a call still running when it is closed, instead of leaving it pending", async () => {
    const isolate = new CleanIsolate();
    // The expectation is attached before the close, so the rejection is never unhandled.
    const rejected = expect(isolate.call(target, "sleep", 5_000)).rejects.toThrow(/closed/);
    await isolate.close();
    await rejected;
  });
});
