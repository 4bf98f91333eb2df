// The CSV reader's fast path for plain decimals gives exactly what Number() gives, or steps aside.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainDecimal } from "../src/io/decimal.js";

function read(s: string): number {
  const bytes = new TextEncoder().encode(s);
  return plainDecimal(bytes, 0, bytes.length);
}

describe("plainDecimal", () => {
  it("equals Number() on every plain decimal it accepts, bit for bit (signs of zero included)", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 20 }),
        (v, places) => {
          for (const s of [v.toFixed(places), String(v), v.toPrecision(Math.max(1, places % 17) || 1)]) {
            const got = read(s);
            if (!Number.isNaN(got)) expect(Object.is(got, Number(s)), `${s}: ${got} vs ${Number(s)}`).toBe(true);
          }
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });

  it("reads the usual shapes and steps aside (NaN) for the rest, which Number() then reads", () => {
    for (const [s, v] of [
      ["0", 0],
      ["-0", -0],
      ["+5", 5],
      ["5.", 5],
      [".5", 0.5],
      ["-.25", -0.25],
      ["000123.4500", 123.45],
      ["14.4716", 14.4716],
      ["-0.999890", -0.99989],
    ] as const) {
      expect(Object.is(read(s), v), s).toBe(true);
    }
    for (const s of [
      "",
      "-",
      ".",
      "+",
      "1e5",
      " 5",
      "5 ",
      "1,5",
      "abc",
      "0x10",
      "Infinity",
      "1234567890123456",
      "1.2.3",
    ]) {
      expect(read(s), s).toBeNaN();
    }
  });
});
