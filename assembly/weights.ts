// Row weights: sampleWeight[i], or 1 when the fit has none (sw = 0). Read through an address chosen
// without a branch (a select between the row's weight and a stored 1), because a loop that branches
// on sw every row is compiled with its vectors spilled around the two paths: measured, the float32
// gradient kernel at d = 32 ran at 15 ns a row that way against 8 with the choice made this way.

/** A stored 1 of each float type: float64 at byte 0, float32 at byte 8. */
const ONES: usize = memory.data<u64>([0x3ff0000000000000, 0x3f800000]);

export class Weights {
  /** The weight of row i: sw[i], or 1 when sw is 0. */
  @inline
  static at<T>(sw: usize, i: usize): T {
    const one: usize = sizeof<T>() == 8 ? ONES : ONES + 8;
    return load<T>(select<usize>(sw + (i << (sizeof<T>() == 8 ? 3 : 2)), one, sw != 0));
  }
}
