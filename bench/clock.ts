// The core's clock as a benchmark sees it: a loop whose every step waits for the one before.

/** Eight dependent single-cycle integer operations (an add, then an xor) per iteration. */
function dependentChain(iterations: number, a: number, b: number): number {
  let x = a | 0;
  for (let i = 0; i < iterations; i++) {
    x = ((x + a) | 0) ^ b;
    x = ((x + a) | 0) ^ b;
    x = ((x + a) | 0) ^ b;
    x = ((x + a) | 0) ^ b;
  }
  return x;
}

let _sink = 0;

/**
 * The clock in GHz, measured over about `ms` milliseconds: a chain of dependent integer adds and
 * xors runs one operation per cycle on x86-64 and ARM cores, whatever else the core is doing, so
 * operations per second is cycles per second. A shared host's turbo and power states move it by
 * tens of percent within a minute; GFLOP/s ÷ this is flops per cycle, which they do not move.
 */
export function clockGHz(ms = 10): number {
  _sink ^= dependentChain(20_000, 3, 5);
  let iterations = 100_000;
  for (;;) {
    const t0 = performance.now();
    _sink ^= dependentChain(iterations, 3, 5);
    const elapsed = performance.now() - t0;
    if (elapsed >= ms) return (8 * iterations) / (elapsed / 1000) / 1e9;
    iterations *= elapsed > 0 ? Math.min(10, Math.ceil((ms * 1.2) / elapsed)) : 10;
  }
}
