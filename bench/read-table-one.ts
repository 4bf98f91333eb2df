// One timed read of a Parquet file with text columns in a fresh process (its peak RSS the read's
// own): `node read-table-one.js columns|matrix|duckdb-1|duckdb-all <file> <target>` prints
// {"ms","rows","cols","maxRssBytes"}. columns: descent's typed columns; matrix: those through the
// column plan of `descent fit` (dates expanded, text one-hot, missing cells imputed) into the float64
// matrix a model trains on; duckdb-*: DuckDB's own Parquet reader into a table, on 1 or all threads.
import { readTableFileTable } from "../src/io/table-file.js";
import { planColumns } from "../src/preprocess/column-plan.js";
import { splitTarget } from "../src/table/target-column.js";

const [, , how, file, target] = process.argv as [string, string, string, string, string];
const t0 = performance.now();
let rows = 0;
let cols = 0;
if (how === "columns" || how === "matrix") {
  const t = await readTableFileTable(file);
  rows = t.rows;
  cols = t.columns.length;
  if (how === "matrix") {
    const { X } = splitTarget(t, target, true, file);
    const plan = planColumns(X, {});
    const m = plan.preprocessor.transform(plan.table);
    cols = m.cols;
  }
} else {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:", { threads: how === "duckdb-1" ? "1" : String(2) });
  const c = await db.connect();
  await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  const r = await c.runAndReadAll("SELECT count(*) AS n FROM t");
  rows = Number(r.getRows()[0]?.[0]);
  cols = Number((await c.runAndReadAll("SELECT count(*) FROM pragma_table_info('t')")).getRows()[0]?.[0]);
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, rows, cols, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
