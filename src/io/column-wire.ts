// Typed columns across a thread boundary at the cost of the numbers alone. Numeric columns move
// (their buffers are transferred, not copied); a text column goes as its distinct values and an
// Int32Array of codes, since a structured clone would copy every cell's string (a million rows of
// a few airport codes would become a million strings on each side).
import type { Column, ColumnTable } from "../table/column-table.js";

/** A text column as distinct values and a code a row (−1: missing). */
interface PackedStrings {
  kind: "packed-string";
  name: string;
  dictionary: string[];
  codes: Int32Array;
}

/** A ColumnTable as it crosses a thread boundary. */
export interface PackedTable {
  rows: number;
  columns: Array<Exclude<Column, { kind: "string" }> | PackedStrings>;
}

/** `t` packed to cross to another thread, with the buffers to transfer along with it. */
export function packTable(t: ColumnTable): { packed: PackedTable; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const own = (v: Float64Array | Int32Array): void => {
    // Only a buffer the column owns whole: a view into a larger page or Node's Buffer pool is copied.
    if (v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength) transfer.add(v.buffer);
  };
  const columns = t.columns.map((c): PackedTable["columns"][number] => {
    if (c.kind !== "string") {
      own(c.values);
      return c;
    }
    const at = new Map<string, number>();
    const dictionary: string[] = [];
    const codes = new Int32Array(c.values.length);
    for (let r = 0; r < codes.length; r++) {
      const v = c.values[r];
      if (v === null || v === undefined) {
        codes[r] = -1;
        continue;
      }
      let code = at.get(v);
      if (code === undefined) {
        code = dictionary.length;
        at.set(v, code);
        dictionary.push(v);
      }
      codes[r] = code;
    }
    own(codes);
    return { kind: "packed-string", name: c.name, dictionary, codes };
  });
  return { packed: { rows: t.rows, columns }, transfer: [...transfer] };
}

/** A packed table back as typed columns (the text cells of one value share one string). */
export function unpackTable(p: PackedTable): ColumnTable {
  return {
    rows: p.rows,
    columns: p.columns.map((c): Column => {
      if (c.kind !== "packed-string") return c;
      const values = new Array<string | null>(c.codes.length);
      for (let r = 0; r < values.length; r++) {
        const code = c.codes[r] as number;
        values[r] = code < 0 ? null : (c.dictionary[code] as string);
      }
      return { kind: "string", name: c.name, values };
    }),
  };
}
