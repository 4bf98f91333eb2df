// Our exp/log/log1p: the same bits in JS and in both WASM builds, and within a few ulp of V8's.
import { describe, expect, it } from "vitest";
import { ownExp, ownExpNonPositive, ownLog, ownLog1p, ownLog1pUnit } from "../src/kernels/math.js";
import { Prng } from "../src/kernels/prng.js";
import { getRuntime } from "../src/runtime/wasm-runtime.js";

/** Relative error allowed against Math.exp / Math.log (a few ulp). */
const REL = 4e-16;

const rng = new Prng(5);
const expInputs = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e-300,
  -1e-300,
  709.7,
  709.79,
  -708.5,
  -745,
  -745.2,
  800,
  -800,
  Number.NaN,
  ...Array.from({ length: 2000 }, () => (rng.nextFloat() - 0.5) * 1400),
  ...Array.from({ length: 500 }, () => (rng.nextFloat() - 0.5) * 2),
];
const logInputs = [
  1,
  2,
  0.5,
  Math.SQRT2,
  Math.SQRT1_2,
  5e-324,
  2.2250738585072014e-308,
  1e308,
  Number.MAX_VALUE,
  0,
  -1,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  ...Array.from({ length: 2000 }, () => Math.exp((rng.nextFloat() - 0.5) * 1400)),
];
const log1pInputs = [0, 1e-20, 1e-10, 0.5, 1, 3, -0.5, ...Array.from({ length: 1000 }, () => rng.nextFloat())];
// The log loss's own exp (x ≤ 0) and log1p (0 ≤ e ≤ 1): every table entry's neighbourhood, the
// ends of the range, subnormal results and tiny arguments.
const nonPositiveInputs = [
  0,
  -0,
  -1e-300,
  -1e-17,
  -0.0054,
  -0.0055,
  -1,
  -708.3,
  -708.5,
  -745,
  -745.13,
  -745.2,
  -1000,
  Number.NaN,
  ...Array.from({ length: 3000 }, () => -rng.nextFloat() * 40),
  ...Array.from({ length: 1000 }, () => -rng.nextFloat() * 745),
  // Where x·64/ln 2 is a half-integer, or the nearest doubles to one (the shifter rounds ties to
  // even), and about the 2^-1021 boundary of the scaled table value.
  ...Array.from({ length: 200 }, (_, i) => -((i + 0.5) * Math.LN2) / 64).flatMap((x) => [
    x,
    x * (1 + Number.EPSILON),
    x * (1 - Number.EPSILON),
  ]),
  ...Array.from({ length: 200 }, (_, i) => -707.5 - i * 0.001),
];
const unitInputs = [
  0,
  5e-324,
  1e-300,
  1e-17,
  1e-9,
  1 / 128,
  1 / 128 - 1e-17,
  1 / 128 + 1e-17,
  1 / 64,
  0.5,
  1 - 1 / 128,
  1 - 1e-16,
  1,
  ...Array.from({ length: 65 }, (_, j) => j / 64),
  ...Array.from({ length: 4000 }, () => rng.nextFloat()),
  ...Array.from({ length: 500 }, () => rng.nextFloat() * 0.01),
];

function closeTo(a: number, b: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b) || b === 0) return Object.is(a, b) || a === b;
  return Math.abs(a - b) <= REL * Math.abs(b) + 1e-320;
}

describe.each(["simd", "scalar", "simd-shared", "scalar-shared"] as const)("own math (%s build)", (variant) => {
  it("exp, log and log1p equal the JS versions to the bit", async () => {
    const rt = await getRuntime(variant);
    if (rt === null) throw new Error(`${variant} build unavailable`);
    for (const x of expInputs) expect(Object.is(rt.exports.expF64(x), ownExp(x)), `exp(${x})`).toBe(true);
    for (const x of logInputs) expect(Object.is(rt.exports.logF64(x), ownLog(x)), `log(${x})`).toBe(true);
    for (const x of log1pInputs) expect(Object.is(rt.exports.log1pF64(x), ownLog1p(x)), `log1p(${x})`).toBe(true);
    for (const x of nonPositiveInputs)
      expect(Object.is(rt.exports.expNonPositiveF64(x), ownExpNonPositive(x)), `expNonPositive(${x})`).toBe(true);
    for (const x of unitInputs)
      expect(Object.is(rt.exports.log1pUnitF64(x), ownLog1pUnit(x)), `log1pUnit(${x})`).toBe(true);
  });
});

describe("own math accuracy", () => {
  it("matches Math.exp, Math.log and Math.log1p within a few ulp", () => {
    for (const x of expInputs)
      expect(closeTo(ownExp(x), Math.exp(x)), `exp(${x}) = ${ownExp(x)} vs ${Math.exp(x)}`).toBe(true);
    for (const x of logInputs) expect(closeTo(ownLog(x), Math.log(x)), `log(${x})`).toBe(true);
    for (const x of log1pInputs) expect(closeTo(ownLog1p(x), Math.log1p(x)), `log1p(${x})`).toBe(true);
    for (const x of nonPositiveInputs)
      expect(closeTo(ownExpNonPositive(x), Math.exp(x)), `expNonPositive(${x}) = ${ownExpNonPositive(x)}`).toBe(true);
    for (const x of unitInputs)
      expect(closeTo(ownLog1pUnit(x), Math.log1p(x)), `log1pUnit(${x}) = ${ownLog1pUnit(x)}`).toBe(true);
  });
});
