/**
 * xoshiro128** seeded through splitmix32: a small 32-bit generator written with Math.imul only,
 * so the same seed gives the same stream in every JS engine (Node and browsers alike).
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any safe integer; its low 32 bits and high bits are both mixed in. */
  constructor(seed: number) {
    let s = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * Unbiased uniform integer in [0, m) for 1 <= m <= 2^32, by Lemire's multiply-and-reject: the
   * high 32 bits of r·m, redrawing while the low 32 bits fall below 2^32 mod m.
   */
  nextInt(m: number): number {
    for (;;) {
      const r = this.nextUint32();
      const { hi, lo } = mul32(r, m);
      if (lo >= m) return hi;
      if (lo >= TWO32 % m) return hi;
    }
  }

  /**
   * Fisher–Yates shuffle of a[0..n) in place (the generator inlined: this runs every epoch). Given
   * `b` and `c`, the same swaps are applied to b[0..n) and c[0..n) (parallel arrays kept aligned).
   */
  shuffle(a: Int32Array, n = a.length, b: Int32Array | null = null, c: Float64Array | null = null): void {
    let s0 = this.a;
    let s1 = this.b;
    let s2 = this.c;
    let s3 = this.d;
    for (let i = n - 1; i > 0; i--) {
      const m = i + 1;
      let j: number;
      for (;;) {
        const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3, 11);
        if (m < SMALL) {
          const prod = r * m;
          j = Math.floor(prod * INV_TWO32);
          const lo = prod - j * TWO32;
          if (lo >= m || lo >= TWO32 % m) break;
        } else {
          const { hi, lo } = mul32(r, m);
          j = hi;
          if (lo >= m || lo >= TWO32 % m) break;
        }
      }
      const tmp = a[i] as number;
      a[i] = a[j] as number;
      a[j] = tmp;
      if (b !== null && c !== null) {
        const tb = b[i] as number;
        b[i] = b[j] as number;
        b[j] = tb;
        const tc = c[i] as number;
        c[i] = c[j] as number;
        c[j] = tc;
      }
    }
    this.a = s0;
    this.b = s1;
    this.c = s2;
    this.d = s3;
  }

  /** The generator's state, for saving a model mid-training. */
  getState(): [number, number, number, number] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Restores a state from getState() (or four words written by writeState). */
  setState(state: ArrayLike<number>): void {
    this.a = (state[0] as number) | 0;
    this.b = (state[1] as number) | 0;
    this.c = (state[2] as number) | 0;
    this.d = (state[3] as number) | 0;
  }

  /** Writes the state's four words into `out` (a kernel's state slot), allocating nothing. */
  writeState(out: Int32Array | Uint32Array): void {
    out[0] = this.a;
    out[1] = this.b;
    out[2] = this.c;
    out[3] = this.d;
  }
}

const TWO32 = 4294967296;
const INV_TWO32 = 1 / TWO32;
/** Below this, r·m < 2^53 is exact in a double. */
const SMALL = 2 ** 21;

/** High and low 32 bits of r·m for r, m < 2^32, exactly (split into 16-bit halves). */
function mul32(r: number, m: number): { hi: number; lo: number } {
  const a = Math.floor(r / 65536) * m;
  const b = (r % 65536) * m;
  const aLow = a % 65536;
  const mid = aLow * 65536 + b;
  const hi = Math.floor(a / 65536) + Math.floor(mid / TWO32);
  return { hi, lo: mid % TWO32 };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
