import { DescentError } from "../errors.js";

/** Byte alignment of every block: a cache line, so rows of 128 bytes span two lines, not three. */
export const ALIGN = 64;
const PAGE = 65536;
/**
 * Bytes below this offset are never handed out, so pointer 0 can mean "none"; the builds' static
 * data (constants and the log loss's tables, placed from byte 64 by asconfig.json's memoryBase)
 * lives there too.
 */
const START = 4096;

interface Block {
  ptr: number;
  size: number;
}

/**
 * A first-fit allocator over one WebAssembly.Memory, with coalescing frees. Grows the memory when
 * needed and throws E_MEMORY (with the size it needed) when the engine refuses to grow.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  private top = START;
  private readonly free: Block[] = [];
  private readonly live = new Map<number, number>();

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** Bytes currently handed out. */
  get usedBytes(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /** Allocates `bytes` (rounded up to ALIGN) and returns the byte offset. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i] as Block;
      if (b.size >= size) {
        const ptr = b.ptr;
        if (b.size === size) this.free.splice(i, 1);
        else {
          b.ptr += size;
          b.size -= size;
        }
        this.live.set(ptr, size);
        return ptr;
      }
    }
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    this.live.set(ptr, size);
    return ptr;
  }

  /** Returns a block from `alloc` to the free list. Freeing twice is an error. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new DescentError("E_STATE", `arena: block at ${ptr} is not allocated`);
    this.live.delete(ptr);
    if (ptr + size === this.top) {
      this.top = ptr;
      // Fold a free block that now touches the top back into it.
      const last = this.free[this.free.length - 1];
      if (last !== undefined && last.ptr + last.size === this.top) {
        this.top = last.ptr;
        this.free.pop();
      }
      return;
    }
    let i = 0;
    while (i < this.free.length && (this.free[i] as Block).ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    const next = this.free[i + 1];
    if (next !== undefined && ptr + size === next.ptr) {
      (this.free[i] as Block).size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    const cur = this.free[i] as Block;
    if (prev !== undefined && prev.ptr + prev.size === cur.ptr) {
      prev.size += cur.size;
      this.free.splice(i, 1);
    }
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (err) {
      throw new DescentError(
        "E_MEMORY",
        `WebAssembly memory cannot grow to ${formatBytes(end)} (it holds at most 4 GiB; ` +
          `${formatBytes(this.usedBytes)} in use): train on a sample, use dtype 'float32', or stream the data through partialFit`,
        { cause: err },
      );
    }
  }
}

/** Human-readable byte count, e.g. "1.5 GiB". */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
