/**
 * Runs a full garbage collection when Node was started with --expose-gc (`npm run bench` is), so
 * a timed fit does not pay for the garbage of the one before it; a no-op otherwise.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === "function") gc();
}
