// Asserts that a call (sync or async) fails with a DescentError of a code whose message matches.
import { expect } from "vitest";
import { DescentError, type DescentErrorCode } from "../../src/errors.js";

/** Runs `f` (or awaits the promise) and checks the DescentError it throws. */
export async function expectDescentError(
  f: Promise<unknown> | (() => unknown),
  code: DescentErrorCode,
  pattern: RegExp,
): Promise<void> {
  let caught: unknown;
  try {
    await (typeof f === "function" ? f() : f);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(DescentError);
  expect((caught as DescentError).code).toBe(code);
  expect((caught as DescentError).message).toMatch(pattern);
}
