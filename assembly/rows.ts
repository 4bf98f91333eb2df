// Which row of X a position of an epoch reads: idx[pos] when the epoch runs through a shuffled
// index buffer, pos itself when idx is 0 (rows in memory order: no shuffle, or shuffled once).

export class Rows {
  /** The row at position `pos`. */
  @inline
  static at(idx: usize, pos: i32): usize {
    return idx == 0 ? <usize>pos : <usize>load<i32>(idx + ((<usize>pos) << 2));
  }
}
