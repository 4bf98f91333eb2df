import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockRanges, contiguousBlocks, groupRatings, roundRanges } from "../src/models/rating-blocks.js";

describe("rating blocks (the schedule of threaded matrix factorisation)", () => {
  it("cuts ids into runs of consecutive ids with about equal rating counts", () => {
    // Ids 0..9 rated 1..10 times: 55 ratings, a share of 27.5 per block for w = 2.
    const ids = Int32Array.from(Array.from({ length: 10 }, (_, id) => Array(id + 1).fill(id)).flat());
    const block = contiguousBlocks(ids, 10, 2);
    expect(Array.from(block)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(Array.from(contiguousBlocks(ids, 10, 1))).toEqual(Array(10).fill(0));
    // More blocks than ids: the later blocks stay empty.
    expect(Array.from(contiguousBlocks(Int32Array.from([0, 1]), 2, 4))).toEqual([0, 1]);
  });

  it("groups every triple into its block, keeping the input order within a block", () => {
    const users = Int32Array.from([3, 0, 2, 1, 0, 3]);
    const items = Int32Array.from([0, 1, 1, 0, 0, 1]);
    const ratings = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const g = groupRatings(users, items, ratings, 4, 2, 2);
    // Users 0–1 | 2–3 (3 ratings each), items 0 | 1.
    expect(Array.from(g.offsets)).toEqual([0, 2, 3, 4, 6]);
    expect(Array.from(g.ratings)).toEqual([4, 5, 2, 1, 3, 6]);
    expect(Array.from(g.users)).toEqual([1, 0, 0, 3, 2, 3]);
    expect(Array.from(g.items)).toEqual([0, 0, 1, 0, 1, 1]);
  });

  it("gives rounds whose blocks share no user and no item, each block in exactly one round", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 300 }),
        (w, nUsers, nItems, pairs) => {
          const users = Int32Array.from(pairs, ([a]) => a % nUsers);
          const items = Int32Array.from(pairs, ([, b]) => b % nItems);
          const ratings = Float64Array.from(pairs, (_, i) => i);
          const g = groupRatings(users, items, ratings, nUsers, nItems, w);
          expect(Array.from(g.ratings).sort((a, b) => a - b)).toEqual(Array.from(ratings));
          const seen = new Set<number>();
          for (let s = 0; s < w; s++) {
            const ranges = roundRanges(g.offsets, w, s);
            expect(ranges.length).toBe(w);
            const owner = new Map<string, number>();
            ranges.forEach((range, t) => {
              seen.add(range.start);
              for (let r = range.start; r < range.start + range.count; r++) {
                for (const key of [`u${g.users[r]}`, `i${g.items[r]}`]) {
                  expect(owner.get(key) ?? t).toBe(t);
                  owner.set(key, t);
                }
              }
            });
          }
          const total = blockRanges(g.offsets).reduce((sum, b) => sum + b.count, 0);
          expect(total).toBe(pairs.length);
        },
      ),
    );
  });
});
