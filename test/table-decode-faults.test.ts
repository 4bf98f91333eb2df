// Corrupt Parquet and Arrow files: each read ends, in bounded time, with a table or a typed error,
// and the process goes on. The hostile fixtures are byte mutations of the fuzz seeds that sent
// apache-arrow's message reader into an endless loop or allocated past a 1 GB heap before the
// decoders ran in a worker under a deadline and a heap limit.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DescentError } from "../src/errors.js";
import { TableFileDecoder } from "../src/io/table-decoder.js";
import { readTableFileTable } from "../src/io/table-file.js";

const HOSTILE = new URL("./fixtures/hostile/", import.meta.url);
const LIMITS = { deadlineMs: 1_500, heapMb: 256 };
const dir = mkdtempSync(join(tmpdir(), "descent-decode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The outcome of reading `path`: rows, or the error's code; and how long it took. */
async function outcome(path: string): Promise<{ result: string; ms: number }> {
  const t0 = performance.now();
  try {
    const t = await readTableFileTable(path, LIMITS);
    return { result: `rows ${t.rows}`, ms: performance.now() - t0 };
  } catch (err) {
    if (!(err instanceof DescentError)) throw err;
    return { result: err.code, ms: performance.now() - t0 };
  }
}

describe("hostile table files", () => {
  it.each([
    ["arrow-endless-loop-1.arrow", "took longer than 1.5 s", LIMITS],
    ["arrow-endless-loop-2.arrow", "took longer than 1.5 s", LIMITS],
    ["arrow-heap-spiral.arrow", "more than 256 MB of heap", { deadlineMs: 30_000, heapMb: 256 }],
    ["arrows-heap-spiral.arrows", "more than 256 MB of heap", { deadlineMs: 30_000, heapMb: 256 }],
  ])("%s is E_FORMAT naming the file, within its bounds", async (name, says, limits) => {
    const path = new URL(name, HOSTILE).pathname;
    const t0 = performance.now();
    const err = await readTableFileTable(path, limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DescentError);
    expect((err as DescentError).code).toBe("E_FORMAT");
    expect((err as DescentError).message).toContain(name);
    expect((err as DescentError).message).toContain(says);
    expect(performance.now() - t0).toBeLessThan(limits.deadlineMs + 5_000);
    // The process reads the next file as if nothing happened.
    const ok = await readTableFileTable(new URL("fuzz-seed.arrow", HOSTILE).pathname);
    expect(ok.rows).toBe(32);
  });

  it("a decoder that failed refuses later requests with the same error", async () => {
    const d = await TableFileDecoder.open(new URL("arrow-endless-loop-1.arrow", HOSTILE).pathname, LIMITS);
    const chunks = d.chunks();
    const first = await chunks.next().catch((e: unknown) => e);
    expect((first as DescentError).code).toBe("E_FORMAT");
    const again = await d.groups().catch((e: unknown) => e);
    expect((again as DescentError).message).toBe((first as DescentError).message);
  });

  it("a missing file is E_FORMAT before any worker starts", async () => {
    const err = await readTableFileTable(join(dir, "none.parquet")).catch((e: unknown) => e);
    expect((err as DescentError).code).toBe("E_FORMAT");
    expect((err as DescentError).message).toContain("no such file");
  });

  it("an idle decoder does not keep the process alive", () => {
    const decoder = new URL("../dist/io/table-decoder.js", import.meta.url).href;
    const file = new URL("fuzz-seed.parquet", HOSTILE).pathname;
    const script = `const { TableFileDecoder } = await import(${JSON.stringify(decoder)});
      const d = await TableFileDecoder.open(${JSON.stringify(file)});
      console.log(JSON.stringify(await d.groups()));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(JSON.parse(out)).toEqual([
      [0, 16],
      [16, 16],
    ]);
  });
});

describe("byte-mutation fuzz of the Parquet and Arrow readers", () => {
  // 3 seeds × 100 mutations, 1 to 3 bytes each (0xff, 0, +1 or random), seeded: the same files every run.
  const seeds = ["fuzz-seed.parquet", "fuzz-seed.arrow", "fuzz-seed.arrows"];
  let state = 0x5eed;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const cases: Array<[string, number, Uint8Array]> = [];
  for (const seed of seeds) {
    const base = readFileSync(new URL(seed, HOSTILE));
    for (let i = 0; i < 100; i++) {
      const b = Uint8Array.from(base);
      const k = 1 + Math.floor(next() * 3);
      for (let j = 0; j < k; j++) {
        const at = Math.floor(next() * b.length);
        const m = next();
        b[at] = m < 0.3 ? 0xff : m < 0.5 ? 0 : m < 0.6 ? ((b[at] as number) + 1) & 0xff : Math.floor(next() * 256);
      }
      cases.push([seed, i, b]);
    }
  }

  it("every mutation ends in a table or a typed error, within its deadline", async () => {
    const seen = new Map<string, number>();
    let i = 0;
    // Two reads at a time: each is its own worker thread.
    const run = async (): Promise<void> => {
      while (i < cases.length) {
        const [seed, n, bytes] = cases[i++] as [string, number, Uint8Array];
        const path = join(dir, `${n}-${seed}`);
        writeFileSync(path, bytes);
        const { result, ms } = await outcome(path);
        expect(["E_FORMAT", "E_EMPTY"].includes(result) || result.startsWith("rows "), `${seed} #${n}: ${result}`).toBe(
          true,
        );
        expect(ms, `${seed} #${n}`).toBeLessThan(LIMITS.deadlineMs + 5_000);
        const key = `${seed.split(".")[1]} ${result.startsWith("rows") ? "table" : result}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    };
    await Promise.all([run(), run()]);
    // The mutations reach the decoders' error paths, not only the magic-number check.
    expect(seen.get("parquet E_FORMAT")).toBeGreaterThan(10);
    expect(seen.get("arrow E_FORMAT")).toBeGreaterThan(10);
  }, 300_000);
});
