type TypedArrayCtor<T> = { new (buffer: ArrayBufferLike): T; new (length: number): T; BYTES_PER_ELEMENT: number };

/**
 * A zeroed typed array of `length` elements over a SharedArrayBuffer where the runtime has one
 * (Node always), so a clean isolate (src/bench/clean-isolate.ts) it is sent to reads it in place;
 * over a plain ArrayBuffer otherwise.
 */
export function sharedArray<T>(ctor: TypedArrayCtor<T>, length: number): T {
  return typeof SharedArrayBuffer === "function"
    ? new ctor(new SharedArrayBuffer(length * ctor.BYTES_PER_ELEMENT))
    : new ctor(length);
}
