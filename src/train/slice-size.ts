/** Wall-clock milliseconds one kernel call aims to take, so yields come about every YIELD_EVERY_MS. */
export const SLICE_TARGET_MS = 4;
/** Multiply-adds the first call of a fit may take before the speed of this machine is known. */
const FIRST_SLICE_WORK = 1 << 20;

/**
 * How many rows of an epoch each training call covers: a whole number of batches that should
 * take about SLICE_TARGET_MS, learned from the calls timed so far. Where an epoch costs less than
 * that, a call covers the whole epoch. Only the grouping of steps into calls depends on timing;
 * the steps themselves, and so the results, do not.
 */
export class SliceSize {
  private readonly batch: number;
  private readonly n: number;
  private rows: number;
  private rowsPerMs = 0;

  /** `workPerRow`: multiply-adds per row of a step (d for one output, d·classes for softmax). */
  constructor(n: number, batch: number, workPerRow: number) {
    this.n = n;
    this.batch = batch;
    this.rows = this.whole(FIRST_SLICE_WORK / Math.max(1, workPerRow));
  }

  /** Rows of the next call starting at position `pos` of the epoch (its end, batch-aligned). */
  end(pos: number): number {
    return Math.min(this.n, pos + this.rows);
  }

  /** Records that `rows` rows took `ms` milliseconds, and sizes the next calls from it. */
  took(rows: number, ms: number): void {
    if (!(ms > 0.05)) {
      if (this.rows < this.n) this.rows = this.whole(this.rows * 4);
      return;
    }
    const rate = rows / ms;
    this.rowsPerMs = this.rowsPerMs === 0 ? rate : 0.5 * (this.rowsPerMs + rate);
    this.rows = this.whole(this.rowsPerMs * SLICE_TARGET_MS);
  }

  /** `rows` rounded down to whole batches, at least one batch and at most the epoch. */
  private whole(rows: number): number {
    if (rows >= this.n) return this.n;
    return Math.max(this.batch, Math.floor(rows / this.batch) * this.batch);
  }
}
