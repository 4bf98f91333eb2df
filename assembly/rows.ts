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
