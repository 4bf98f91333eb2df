// The MLP kernels' network descriptor, read from an i32 array: [L, hidden activation, output kind,
// u0, u1, …, uL], and where each layer's weights, intercepts, activations and the GEMM panel sit in
// the parameters and the scratch. Its JS twin is src/kernels/mlp-net.ts (NetShape).

/** Reads the network descriptor. */
export class Net {
  @inline
  static layers(net: usize): i32 {
    return load<i32>(net);
  }
  @inline
  static act(net: usize): i32 {
    return load<i32>(net, 4);
  }
  @inline
  static out(net: usize): i32 {
    return load<i32>(net, 8);
  }
  /** Units of layer l (0: inputs, L: outputs). */
  @inline
  static units(net: usize, l: i32): i32 {
    return load<i32>(net + 12 + ((<usize>l) << 2));
  }
  /** Elements before W_l in the parameters. */
  static weightAt(net: usize, l: i32): i32 {
    let o = 0;
    for (let j = 0; j < l; j++) o += Net.units(net, j) * Net.units(net, j + 1);
    return o;
  }
  /** Elements before b_l in the parameters. */
  static biasAt(net: usize, l: i32): i32 {
    let o = Net.weightAt(net, Net.layers(net));
    for (let j = 0; j < l; j++) o += Net.units(net, j + 1);
    return o;
  }
  /** Elements before A_l in the scratch, for `rows` rows. */
  static activationAt(net: usize, l: i32, rows: i32): i32 {
    let o = 0;
    for (let j = 0; j < l; j++) o += rows * Net.units(net, j);
    return o;
  }
  /** The widest layer. */
  static widest(net: usize): i32 {
    let w = 0;
    for (let j = 0; j <= Net.layers(net); j++) w = max<i32>(w, Net.units(net, j));
    return w;
  }
  /**
   * Elements before the GEMM panel (4 × the widest layer) in a scratch of `rows` rows: after the
   * activations, the two delta buffers and the largest weight matrix. MUST MATCH mlp-net.ts's
   * scratchSize.
   */
  static panelAt(net: usize, rows: i32): i32 {
    let largest = 0;
    for (let j = 0; j < Net.layers(net); j++) largest = max<i32>(largest, Net.units(net, j) * Net.units(net, j + 1));
    return Net.activationAt(net, Net.layers(net) + 1, rows) + 2 * rows * Net.widest(net) + largest;
  }
}
