// Typed columns as an Apache Arrow Table, the table users hold in memory: text as dictionary-
// encoded UTF-8, numbers as Float64, booleans as Bool, dates as millisecond timestamps, each
// missing cell a null. apache-arrow is imported when a table is made (it is large).
import type { Table, Vector } from "apache-arrow";
import type { ColumnTable } from "../table/column-table.js";

/** Typed columns as an Arrow Table (nulls for missing cells); toColumnTable reads it back the same. */
export async function toArrowTable(t: ColumnTable): Promise<Table> {
  const arrow = await import("apache-arrow");
  const vectors: Record<string, Vector> = {};
  for (const c of t.columns) {
    if (c.kind === "string") {
      vectors[c.name] = arrow.vectorFromArray(c.values, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
      continue;
    }
    const cells = Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
    vectors[c.name] =
      c.kind === "boolean"
        ? arrow.vectorFromArray(
            cells.map((v) => (v === null ? null : v === 1)),
            new arrow.Bool(),
          )
        : c.kind === "date"
          ? arrow.vectorFromArray(
              cells.map((v) => (v === null ? null : new Date(v))),
              new arrow.TimestampMillisecond(),
            )
          : arrow.vectorFromArray(cells, new arrow.Float64());
  }
  return new arrow.Table(vectors);
}
