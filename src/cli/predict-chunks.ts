// The rows of a file `descent predict` reads: through a saved column plan, a chunk at a time, the
// target kept for the score when the file has it.
import { DescentError } from "../errors.js";
import type { CsvChunk } from "../io/csv-stream.js";
import { readTypedChunks } from "../io/read-table.js";
import { shellWord } from "../preprocess/column-plan.js";
import type { Column, ColumnTable } from "../table/column-table.js";
import { type Preprocessing, preparePredictTable } from "./fit-data.js";

/** A prepared chunk and the raw columns it was read from (for targets beyond the one kept). */
export type PreparedChunk = CsvChunk & { table: ColumnTable };

/** One chunk as an async sequence. */
export async function* oneChunk(chunk: Promise<CsvChunk>): AsyncGenerator<CsvChunk> {
  yield await chunk;
}

/**
 * Raw rows of a file through a saved column plan, a chunk at a time: the columns read with the
 * kinds they had at fit (missing ones named), cast and transformed as at fit; the target, when the
 * file has it, kept for the score (a row with a missing target is predicted but not scored).
 */
export async function* preparedChunks(
  file: string,
  p: Preprocessing,
  target: string,
  regression: boolean,
): AsyncGenerator<PreparedChunk> {
  const names = p.inputColumns.map((c) => c.name);
  const kinds = Object.fromEntries(p.inputColumns.map((c) => [c.name, c.kind]));
  const read = { kinds, chunkRows: 8192, ...(p.missing === null ? {} : { missing: p.missing }) };
  let first = true;
  for await (const t of readTypedChunks(file, read)) {
    const have = t.columns.map((c) => c.name);
    if (first) {
      const absent = names.filter((n) => !have.includes(n));
      if (absent.length > 0)
        throw new DescentError(
          "E_FORMAT",
          `'${file}' has no column ${absent.map(shellWord).join(", ")}, which the model was trained on (columns: ${have.join(", ")})`,
        );
      first = false;
    }
    const X = preparePredictTable({ rows: t.rows, columns: names.map((n) => t.columns[have.indexOf(n)] as Column) }, p);
    const m = p.preprocessor.transform(X);
    const targetColumn = t.columns.find((c) => c.name === target);
    const y: Array<number | string> = [];
    if (targetColumn !== undefined)
      for (let r = 0; r < t.rows; r++) {
        const v = targetColumn.values[r] as number | string | null;
        y.push(v === null || (typeof v === "number" && Number.isNaN(v)) ? Number.NaN : regression ? Number(v) : v);
      }
    yield {
      featureNames: p.preprocessor.getFeatureNamesOut(),
      X: m.data as Float64Array,
      rows: m.rows,
      y,
      hasTarget: targetColumn !== undefined,
      table: t,
    };
  }
}
