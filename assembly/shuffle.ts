// Fisher–Yates shuffle of int32 row indices with xoshiro128** and Lemire's unbiased bounded draw,
// the exact algorithm of src/train/prng.ts (so both backends visit rows in the same order).
// state points at four u32 words, read at entry and written back at exit.
// shuffleTriples applies the same swaps to three parallel arrays (int32, int32, float64) at once.

/** Shuffles idx[0..n) and, when `b` is not 0, b[0..n) (int32) and c[0..n) (float64) alike. */
function fisherYates(idx: usize, b: usize, c: usize, n: i32, state: usize): void {
  let s0 = load<u32>(state);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  for (let i = n - 1; i > 0; i--) {
    const m = <u64>(i + 1);
    let j: u32 = 0;
    while (true) {
      const r = rotl<u32>(s1 * 5, 7) * 9;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      const prod = <u64>r * m;
      j = <u32>(prod >> 32);
      const lo = prod & 0xffffffff;
      if (lo >= m || lo >= 4294967296 % m) break;
    }
    const pi = idx + ((<usize>i) << 2);
    const pj = idx + ((<usize>j) << 2);
    const tmp = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, tmp);
    if (b != 0) {
      const bi = b + ((<usize>i) << 2);
      const bj = b + ((<usize>j) << 2);
      const tb = load<i32>(bi);
      store<i32>(bi, load<i32>(bj));
      store<i32>(bj, tb);
      const ci = c + ((<usize>i) << 3);
      const cj = c + ((<usize>j) << 3);
      const tc = load<f64>(ci);
      store<f64>(ci, load<f64>(cj));
      store<f64>(cj, tc);
    }
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/** Fisher–Yates shuffle of the int32 indices idx[0..n) in place. */
export function shuffleIndices(idx: usize, n: i32, state: usize): void {
  fisherYates(idx, 0, 0, n, state);
}

/** One Fisher–Yates shuffle applied to a[0..n), b[0..n) (int32) and c[0..n) (float64) together. */
export function shuffleTriples(a: usize, b: usize, c: usize, n: i32, state: usize): void {
  fisherYates(a, b, c, n, state);
}
