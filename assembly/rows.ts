// Which row of X a position of an epoch reads: idx[pos] when the epoch runs through a shuffled
// index buffer, pos itself when idx is 0 (rows in memory order: no shuffle, or shuffled once).

export class Rows {
  /** Copies `bytes` (a multiple of 4) from `from` to `to`: 16 bytes at a time, then 4. */
  @inline
  static copy(to: usize, from: usize, bytes: usize): void {
    let o: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; o + 64 <= bytes; o += 64) {
        v128.store(to + o, v128.load(from + o));
        v128.store(to + o, v128.load(from + o, 16), 16);
        v128.store(to + o, v128.load(from + o, 32), 32);
        v128.store(to + o, v128.load(from + o, 48), 48);
      }
      for (; o + 16 <= bytes; o += 16) v128.store(to + o, v128.load(from + o));
    }
    for (; o < bytes; o += 4) store<u32>(to + o, load<u32>(from + o));
  }

  /**
   * Whether two row orders name the same rows at positions start .. end (0 is memory order, the
   * same as an order that is 0 too, and compared as such to no other).
   */
  static same(a: usize, b: usize, start: i32, end: i32): bool {
    if (a == b) return true;
    if (a == 0 || b == 0) return false;
    let o = (<usize>start) << 2;
    const stop = (<usize>end) << 2;
    if (ASC_FEATURE_SIMD) {
      // 64 bytes a test: the differences of four vectors or-ed together.
      for (; o + 64 <= stop; o += 64) {
        const d0 = v128.or(
          v128.xor(v128.load(a + o), v128.load(b + o)),
          v128.xor(v128.load(a + o, 16), v128.load(b + o, 16)),
        );
        const d1 = v128.or(
          v128.xor(v128.load(a + o, 32), v128.load(b + o, 32)),
          v128.xor(v128.load(a + o, 48), v128.load(b + o, 48)),
        );
        if (v128.any_true(v128.or(d0, d1))) return false;
      }
    }
    for (; o < stop; o += 4) if (load<i32>(a + o) != load<i32>(b + o)) return false;
    return true;
  }

  /** The row at position `pos`. */
  @inline
  static at(idx: usize, pos: i32): usize {
    return idx == 0 ? <usize>pos : <usize>load<i32>(idx + ((<usize>pos) << 2));
  }
}

/**
 * Writes the rows of the block at src (count rows, rowBytes a row, a multiple of 4) to their
 * places in dst: row r goes to row place[r] of dst, or nowhere when place[r] is negative. The
 * block is read front to back; the writes scatter, but a write, unlike a read, does not hold up
 * the work behind it while its cache line comes from memory.
 */
export function scatterRows(src: usize, place: usize, count: i32, rowBytes: i32, dst: usize): void {
  const stride = <usize>rowBytes;
  for (let r = 0; r < count; r++) {
    const to = load<i32>(place + ((<usize>r) << 2));
    if (to >= 0) Rows.copy(dst + <usize>to * stride, src + <usize>r * stride, stride);
  }
}
