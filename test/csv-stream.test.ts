// The CSV reader: its fast path for plain lines gives the numbers csv-parse + Number() give, and
// quotes, BOM, CRLF, empty lines and spaces keep their CSV meaning; errors name line and column.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { readCsvAll, readCsvChunks } from "../src/io/csv-stream.js";
import { Prng } from "../src/kernels/prng.js";
import { expectDescentError } from "./helpers/expect-error.js";

const dir = mkdtempSync(join(tmpdir(), "descent-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** What csv-parse reads: features as Number(), the target as a string or a number. */
function reference(text: string, target: string, labels: boolean) {
  const [header, ...rows] = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  const ti = (header as string[]).indexOf(target);
  return {
    X: rows.flatMap((r) => r.filter((_, i) => i !== ti).map(Number)),
    y: rows.map((r) => (labels ? r[ti] : Number(r[ti]))),
  };
}

describe("readCsvChunks", () => {
  it("reads every number exactly as csv-parse and Number() do, across chunk boundaries", async () => {
    const rng = new Prng(3);
    const fmt = [
      (v: number) => v.toFixed(6),
      (v: number) => String(v),
      (v: number) => v.toExponential(4),
      (v: number) => ` ${v.toFixed(2)} `,
      (v: number) => v.toPrecision(17),
    ];
    const lines = ["a,b,c,y"];
    for (let i = 0; i < 3000; i++) {
      const cells = Array.from({ length: 4 }, () => {
        const v = (rng.nextFloat() - 0.5) * 10 ** Math.floor(rng.nextFloat() * 12 - 4);
        return (fmt[Math.floor(rng.nextFloat() * fmt.length)] as (v: number) => string)(v);
      });
      lines.push(cells.join(","));
    }
    const text = `${lines.join("\n")}\n`;
    const p = file("numbers.csv", text);
    const got = await readCsvAll(p, { target: "y", drop: [], features: null, labels: false });
    const ref = reference(text, "y", false);
    expect(Array.from(got.X)).toEqual(ref.X);
    expect(got.y).toEqual(ref.y);
    // Small chunks: the same rows.
    const rows: number[] = [];
    for await (const c of readCsvChunks(p, { target: "y", drop: [], features: null, labels: false }, 7)) {
      rows.push(...Array.from(c.X));
    }
    expect(rows).toEqual(ref.X);
  });

  it("reads a file of several reads: lines and multi-byte UTF-8 labels split between reads stay whole", async () => {
    const rng = new Prng(11);
    const names = ["café", "naïve", "東京", "ß", "plain", "Ünïcödé label"];
    const lines = ["\uFEFFx1,x2,label"];
    // About 1 MB: the reader's 256 KB reads split lines and characters at arbitrary bytes.
    for (let i = 0; i < 30000; i++) {
      const label = names[Math.floor(rng.nextFloat() * names.length)] as string;
      lines.push(`${(rng.nextFloat() * 100 - 50).toFixed(7)},${(rng.nextFloat() * 1e-3).toExponential(3)},${label}`);
    }
    const text = `${lines.join("\r\n")}\r\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 262144);
    const p = file("utf8-reads.csv", text);
    const got = await readCsvAll(p, { target: "label", drop: [], features: null, labels: true });
    const ref = reference(text, "label", true);
    expect(got.featureNames).toEqual(["x1", "x2"]);
    expect(Array.from(got.X)).toEqual(ref.X);
    expect(got.y).toEqual(ref.y);
  });

  it("keeps CSV's meaning for a BOM, CRLF, empty lines, quotes, escaped quotes and newlines inside quotes", async () => {
    const text =
      '\uFEFFx,"z, quoted",label\r\n1.5,2,cat\r\n\r\n"3",4,"dog, big"\r\n5,6,"say ""hi"""\r\n7,8,"two\r\nlines"\r\n9,10,  fish  \r\n';
    const p = file("quotes.csv", text);
    const got = await readCsvAll(p, { target: "label", drop: [], features: null, labels: true });
    const ref = reference(text, "label", true);
    expect(got.featureNames).toEqual(["x", "z, quoted"]);
    expect(Array.from(got.X)).toEqual(ref.X);
    expect(got.y).toEqual(ref.y);
    expect(got.y).toEqual(["cat", "dog, big", 'say "hi"', "two\r\nlines", "fish"]);
  });

  it("names the line and column of a ragged row, a word among numbers, an empty cell and an unclosed quote", async () => {
    const layout = { target: "y", drop: [], features: null, labels: false };
    await expectDescentError(
      () => readCsvAll(file("r.csv", "a,y\n1,2\n3\n"), layout),
      "E_FORMAT",
      /CSV line 3: ragged row/,
    );
    await expectDescentError(
      () => readCsvAll(file("w.csv", "a,y\n1,2\n\nfoo,3\n"), layout),
      "E_FORMAT",
      /CSV line 4, column 'a': 'foo' is not a number/,
    );
    await expectDescentError(
      () => readCsvAll(file("e.csv", "a,y\n,2\n"), layout),
      "E_FORMAT",
      /CSV line 2, column 'a': is empty/,
    );
    await expectDescentError(
      () => readCsvAll(file("q.csv", 'a,y\n"1,2\n'), layout),
      "E_FORMAT",
      /CSV line 2: a quoted field is not closed/,
    );
  });
});
