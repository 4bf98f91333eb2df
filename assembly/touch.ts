// Reading rows early. WebAssembly has no prefetch instruction, so rows that come from memory are
// read (one byte of each cache line) before the steps need them: a chunk ahead for rows in a
// shuffled order (their misses overlap one another), and for rows in order a little of the page
// two pages ahead, which sets the hardware's stream prefetcher going there before the steps arrive.
// The reads change no result, so the JS backend has no twin of this file.
import { P_BATCH, P_ROWS, Plan } from "./plan";
import { Rows } from "./rows";

/** Shuffled rows are touched (read early, all their cache lines) a chunk of this many bytes ahead. */
const TOUCH_CHUNK_BYTES: i32 = 16384;
/** Data up to this size is taken to sit in the caches, so its rows are not touched ahead. */
const TOUCH_MIN_DATA_BYTES: u64 = 4 << 20;

/** Rows in order are read this many bytes ahead of the current row (two pages). */
const TOUCH_PAGE_AHEAD: usize = 8192;

/** Where touched bytes go, so the early reads are kept. */
let touchedSink: i32 = 0;

/**
 * Reads every cache line of the rows at positions from .. to of a shuffled epoch, so that their
 * misses (the TLB's included) overlap one another instead of stalling the steps one at a time.
 */
export function touchRows(x: usize, idx: usize, from: i32, to: i32, stride: usize): void {
  let sink = touchedSink;
  for (let q = from; q < to; q++) {
    let p = x + Rows.at(idx, q) * stride;
    const end = p + stride;
    while (p < end) {
      sink ^= load<u8>(p);
      p += 64;
    }
  }
  touchedSink = sink;
}

/** How rows are read early. */
export class Touch {
  /**
   * Rows of a touch chunk: a whole number of batches of about TOUCH_CHUNK_BYTES (at least one
   * batch), or 0 for no chunks (rows in order, or data that sits in the caches).
   */
  @inline
  static chunk(idx: usize, n: i32, stride: usize, batch: i32): i32 {
    if (idx == 0 || !Touch.fromMemory(n, stride)) return 0;
    const rows = max<i32>(1, TOUCH_CHUNK_BYTES / <i32>stride);
    return max<i32>(1, rows / batch) * batch;
  }

  /** Whether n rows of `stride` bytes are more than the caches are taken to hold. */
  @inline
  static fromMemory(n: i32, stride: usize): bool {
    return <u64>n * <u64>stride > TOUCH_MIN_DATA_BYTES;
  }

  /**
   * Whether the positions from .. to (exclusive) name consecutive rows in order (always with
   * idx 0; a subset's rows in order, such as a fold's training rows, mostly are).
   */
  @inline
  static consecutive(idx: usize, from: i32, to: i32): bool {
    if (idx == 0 || to - from < 2) return true;
    return <i32>(Rows.at(idx, to - 1) - Rows.at(idx, from)) == to - 1 - from;
  }

  /**
   * Touches the rows at positions from .. to unless they are consecutive (then the steps read
   * their pages ahead instead, see `page`).
   */
  @inline
  static rows(x: usize, idx: usize, from: i32, to: i32, stride: usize): void {
    if (!Touch.consecutive(idx, from, to)) touchRows(x, idx, from, to, stride);
  }

  /** Keeps bytes read early (xor-ed into a global, so the reads are not optimised away). */
  @inline
  static keep(sink: i32): void {
    touchedSink ^= sink;
  }

  /**
   * For rows read in order: reads the first two cache lines of the page TOUCH_PAGE_AHEAD bytes
   * past the row at p, when that is inside the memory; returns their xor. Called every row, it
   * reads each page early once (the later reads of it hit the cache).
   */
  @inline
  static page(p: usize): i32 {
    const q = (p + TOUCH_PAGE_AHEAD) & ~(<usize>4095);
    if (q + 128 > (<usize>memory.size()) << 16) return 0;
    return <i32>load<u8>(q) ^ <i32>load<u8>(q, 64);
  }

  /**
   * The plan's touch chunk for rows of `stride` bytes, with the first chunk of positions
   * start .. end touched already unless its rows are consecutive (the steps touch each next
   * chunk before training on this one).
   */
  @inline
  static begin(plan: usize, x: usize, idx: usize, start: i32, end: i32, stride: usize): i32 {
    const chunk = Touch.chunk(idx, Plan.int(plan, P_ROWS), stride, Plan.int(plan, P_BATCH));
    if (chunk > 0) Touch.rows(x, idx, start, min<i32>(end, start + chunk), stride);
    return chunk;
  }
}
