import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { portableCos, portableNormals, portablePow, powInt } from "../src/kernels/portable.js";
import { Prng } from "../src/kernels/prng.js";

const relClose = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-300);

describe("portable math (the same bits in every engine)", () => {
  it("powInt multiplies out integer powers", () => {
    expect(powInt(0.9, 0)).toBe(1);
    expect(powInt(2, 10)).toBe(1024);
    expect(powInt(0.5, 1074)).toBe(5e-324);
    expect(powInt(0.999, 1e9)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 1, noNaN: true }), fc.integer({ min: 0, max: 100_000 }), (b, n) =>
        relClose(powInt(b, n), b ** n, 1e-11),
      ),
    );
  });

  it("portablePow agrees with ** to rounding for the schedules' arguments", () => {
    expect(portablePow(16, 0.25)).toBeCloseTo(2, 15);
    expect(portablePow(0, 0.5)).toBe(0);
    expect(portablePow(2, -3)).toBe(0.125);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.double({ min: 0.01, max: 2, noNaN: true }), (t, p) =>
        relClose(portablePow(t, p), t ** p, 1e-13),
      ),
    );
  });

  it("portableCos agrees with Math.cos to 1e-15 (the cosine schedule's range and beyond)", () => {
    for (const x of [0, Math.PI / 4, Math.PI / 2, Math.PI, -Math.PI / 3, 2 * Math.PI]) {
      expect(Math.abs(portableCos(x) - Math.cos(x))).toBeLessThan(1e-15);
    }
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (x) => Math.abs(portableCos(x) - Math.cos(x)) < 1e-15,
      ),
    );
  });

  it("portableNormals draws standard normals (mean 0, variance std², normal tails)", () => {
    const rng = new Prng(11);
    const n = 200_000;
    const z = portableNormals(() => rng.nextFloat(), n, 2);
    let mean = 0;
    for (const v of z) mean += v / n;
    let variance = 0;
    let beyond = 0;
    for (const v of z) {
      variance += ((v - mean) * (v - mean)) / n;
      if (Math.abs(v) > 2 * 1.96) beyond++;
    }
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 4)).toBeLessThan(0.06);
    // P(|Z| > 1.96) = 5%.
    expect(Math.abs(beyond / n - 0.05)).toBeLessThan(0.003);
    expect(portableNormals(() => rng.nextFloat(), 3, 1).length).toBe(3);
  });
});
