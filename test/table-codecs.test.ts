// Parquet files written by pyarrow with every codec (scripts/parquet-codec-fixtures.py), and the
// same table as Arrow IPC: read as typed columns, equal to the CSV they were made from.
import { describe, expect, it } from "vitest";
import { readCsvTable } from "../src/io/csv-table.js";
import { readTableFileTable } from "../src/io/table-file.js";
import type { Column } from "../src/table/column-table.js";

const csv = await readCsvTable("data/penguins.csv");
const fixture = (name: string): string => `test/fixtures/parquet/${name}`;

function sameColumn(a: Column | undefined, b: Column | undefined): void {
  expect(a?.kind).toBe(b?.kind);
  expect(Array.from((a?.values ?? []) as ArrayLike<unknown>)).toEqual(
    Array.from((b?.values ?? []) as ArrayLike<unknown>),
  );
}

describe.each(["none", "snappy", "gzip", "brotli", "zstd", "lz4", "arrow"])("penguins written with %s", (codec) => {
  const path = codec === "arrow" ? fixture("penguins.arrow") : fixture(`penguins-${codec}.parquet`);

  it("reads every column typed, missing cells as missing (nulls not read as 0)", async () => {
    const t = await readTableFileTable(path);
    expect(t.rows).toBe(344);
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ["Species", "string"],
      ["Island", "string"],
      ["Beak Length (mm)", "number"],
      ["Beak Depth (mm)", "number"],
      ["Flipper Length (mm)", "number"],
      ["Body Mass (g)", "number"],
      ["Sex", "string"],
      ["observed", "date"],
      ["tagged", "boolean"],
    ]);
    for (let j = 0; j < 7; j++) sameColumn(t.columns[j], csv.columns[j]);
    const observed = t.columns[7]?.values as Float64Array;
    expect(observed[0]).toBe(Date.UTC(2007, 10, 1));
    expect(observed[10]).toBe(Date.UTC(2007, 10, 1, 10));
    expect(Number.isNaN(observed[5] as number)).toBe(true);
    expect(Array.from((t.columns[8]?.values ?? []) as ArrayLike<unknown>).slice(0, 4)).toEqual([1, 0, 0, 1]);
  });

  it("reads only the columns asked for", async () => {
    const t = await readTableFileTable(path, { columns: ["Sex", "Island"] });
    expect(t.columns.map((c) => c.name)).toEqual(["Island", "Sex"]);
    const dropped = await readTableFileTable(path, { drop: ["observed", "tagged", "Species"] });
    expect(dropped.columns.map((c) => c.name)).toEqual(csv.columns.slice(1).map((c) => c.name));
  });
});

describe("readTable: a file as an Apache Arrow Table", () => {
  it("keeps every column's type and its missing cells as nulls, and reads back as the same typed columns", async () => {
    const { readTable } = await import("../src/io/read-table.js");
    const { toColumnTable } = await import("../src/table/column-table.js");
    const direct = await readTableFileTable(fixture("penguins-zstd.parquet"));
    const arrow = await readTable(fixture("penguins-zstd.parquet"));
    expect(arrow.numRows).toBe(344);
    expect(arrow.getChild("Sex")?.nullCount).toBe(10);
    expect(arrow.getChild("Beak Length (mm)")?.nullCount).toBe(2);
    const back = toColumnTable(arrow as unknown as Parameters<typeof toColumnTable>[0]);
    expect(back.columns.map((c) => [c.name, c.kind])).toEqual(direct.columns.map((c) => [c.name, c.kind]));
    back.columns.forEach((c, j) => {
      sameColumn(c, direct.columns[j]);
    });
  });
});
