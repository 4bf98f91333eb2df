import type { Buffer, FloatArray } from "./buffer.js";

type ArrayCtor<A> = new (buffer: ArrayBuffer, byteOffset: number, length: number) => A;

/**
 * A block of WASM memory `{ ptr, length }` with a typed-array view that is rebuilt whenever the
 * memory has grown (growing detaches the old ArrayBuffer).
 */
export class Slab<A extends FloatArray | Int32Array> implements Buffer<A> {
  /** Byte offset in the memory. */
  readonly ptr: number;
  /** Number of elements. */
  readonly length: number;
  private readonly memory: WebAssembly.Memory;
  private readonly ctor: ArrayCtor<A>;
  private cached: A;
  private freed = false;

  constructor(memory: WebAssembly.Memory, ptr: number, length: number, ctor: ArrayCtor<A>) {
    this.memory = memory;
    this.ptr = ptr;
    this.length = length;
    this.ctor = ctor;
    this.cached = new ctor(memory.buffer as ArrayBuffer, ptr, length);
  }

  /**
   * Live view of the elements. A shared memory grows in place, so its views stay valid; growing an
   * unshared one detaches its buffer, and every view over it reads as empty: only then is the view
   * rebuilt (asking the memory for its buffer costs a call into the engine every time).
   */
  get view(): A {
    if (this.freed) throw new Error("slab used after it was freed");
    if (this.cached.length !== this.length) {
      this.cached = new this.ctor(this.memory.buffer as ArrayBuffer, this.ptr, this.length);
    }
    return this.cached;
  }

  /** Marks the slab as freed so later use fails loudly; the arena owns the bytes. */
  markFreed(): void {
    this.freed = true;
  }

  /** True once freed. */
  get isFreed(): boolean {
    return this.freed;
  }
}
