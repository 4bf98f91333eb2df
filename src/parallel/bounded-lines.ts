// Lines of a stream with a bound on their length: a peer that sends a line longer than the bound
// (hundreds of MB would exceed what a JavaScript string can hold and crash the reader) gets the
// line reported as too long and skipped, and reading goes on at the next line.
import type { Readable } from "node:stream";

/** The longest line the worker protocol reads, in bytes (a shard of a million features sends ~25 MB). */
export const MAX_LINE_BYTES = Number(process.env.DESCENT_MAX_LINE_BYTES ?? 0) || 256 * 1024 * 1024;

/** A line, or a line that was too long (its length in bytes, its text dropped). */
export type BoundedLine = { text: string } | { tooLong: number };

/** The stream's lines (UTF-8, without their newline), each at most `maxBytes` long. */
export async function* boundedLines(input: Readable, maxBytes = MAX_LINE_BYTES): AsyncGenerator<BoundedLine> {
  const decoder = new TextDecoder();
  let parts: Uint8Array[] = [];
  let size = 0;
  let skipping = false;
  for await (const chunk of input as AsyncIterable<Uint8Array>) {
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(10, at);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(at, end);
      if (!skipping) {
        size += piece.length;
        if (size > maxBytes) {
          skipping = true;
          parts = [];
        } else parts.push(piece);
      } else size += piece.length;
      if (nl < 0) break;
      if (skipping) yield { tooLong: size };
      else {
        const whole = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
        yield { text: decoder.decode(whole).replace(/\r$/, "") };
      }
      parts = [];
      size = 0;
      skipping = false;
      at = nl + 1;
    }
  }
  if (skipping) yield { tooLong: size };
  else if (size > 0) yield { text: decoder.decode(Buffer.concat(parts)).replace(/\r$/, "") };
}
