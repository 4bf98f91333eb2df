import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { DescentError } from "../errors.js";
import { numberCell } from "./csv.js";

/** How to cut a CSV file into features and a target. */
export interface CsvLayout {
  /** Name of the target column, or null for a file without one (prediction). */
  target: string | null;
  /** Read the target column when the file has it, and carry on without it when not (prediction). */
  targetOptional?: boolean;
  /** Columns to ignore. */
  drop: readonly string[];
  /** Feature columns in this order (predict uses the model's); null: every other column, in file order. */
  features: readonly string[] | null;
  /** Keep target cells as strings (class labels) rather than numbers. */
  labels: boolean;
}

/** A block of parsed rows. */
export interface CsvChunk {
  featureNames: string[];
  /** Row-major features, rows × featureNames.length. */
  X: Float64Array;
  rows: number;
  /** Target values (numbers, or strings when layout.labels), empty without a target. */
  y: Array<number | string>;
  /** Whether the target column was present. */
  hasTarget: boolean;
}

function fail(message: string): never {
  throw new DescentError("E_FORMAT", message);
}

/**
 * Streams a CSV file with a header row in blocks of at most `chunkRows` rows, parsed with csv-parse
 * (BOM, quotes, CRLF and empty lines handled). Every error names the line (1-based, the header is
 * line 1) and the column: ragged rows, non-numeric or missing feature values, unknown columns.
 */
export async function* readCsvChunks(path: string, layout: CsvLayout, chunkRows: number): AsyncGenerator<CsvChunk> {
  const parser = createReadStream(path).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, info: true }),
  );
  let header: string[] | null = null;
  let featureIdx: number[] = [];
  let featureNames: string[] = [];
  let targetIdx = -1;
  let X = new Float64Array(0);
  let y: Array<number | string> = [];
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = rec.info.lines;
      const cells = rec.record;
      if (header === null) {
        header = cells;
        const seen = new Set<string>();
        for (const h of header) {
          if (seen.has(h)) fail(`CSV line 1: column '${h}' appears twice`);
          seen.add(h);
        }
        for (const d of layout.drop)
          if (!seen.has(d)) fail(`--drop: the CSV has no column '${d}' (columns: ${header.join(", ")})`);
        if (layout.target !== null) {
          targetIdx = header.indexOf(layout.target);
          if (targetIdx < 0 && !layout.targetOptional) {
            fail(`the CSV has no target column '${layout.target}' (columns: ${header.join(", ")})`);
          }
        }
        if (layout.features !== null) {
          featureNames = [...layout.features];
          featureIdx = featureNames.map((f) => {
            const i = (header as string[]).indexOf(f);
            if (i < 0) fail(`the CSV has no column '${f}', which the model was trained on`);
            return i;
          });
        } else {
          featureIdx = header
            .map((_, i) => i)
            .filter((i) => i !== targetIdx && !layout.drop.includes(header?.[i] as string));
          featureNames = featureIdx.map((i) => (header as string[])[i] as string);
        }
        if (featureIdx.length === 0) fail("the CSV has no feature columns besides the target");
        X = new Float64Array(chunkRows * featureIdx.length);
        continue;
      }
      const d = featureIdx.length;
      for (let j = 0; j < d; j++) {
        const col = featureIdx[j] as number;
        const name = header[col] as string;
        X[rows * d + j] = numberCell(
          cells[col] as string,
          line,
          name,
          ` (drop a non-numeric column with --drop ${name})`,
        );
      }
      if (targetIdx >= 0) {
        const cell = cells[targetIdx] as string;
        if (layout.labels) {
          if (cell === "") fail(`CSV line ${line}, target column '${layout.target}': the label is empty`);
          y.push(cell);
        } else {
          y.push(numberCell(cell, line, layout.target as string));
        }
      }
      rows++;
      if (rows === chunkRows) {
        yield { featureNames, X, rows, y, hasTarget: targetIdx >= 0 };
        X = new Float64Array(chunkRows * d);
        y = [];
        rows = 0;
      }
    }
  } catch (err) {
    if (err instanceof DescentError) throw err;
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code === "ENOENT") throw new DescentError("E_FORMAT", `cannot read '${path}': no such file`, { cause: err });
    if (e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" || e.code === "CSV_INCONSISTENT_RECORD_LENGTH") {
      fail(`CSV line ${e.lines ?? "?"}: ragged row (${e.message ?? "wrong number of fields"})`);
    }
    throw new DescentError(
      "E_FORMAT",
      `CSV${e.lines === undefined ? "" : ` line ${e.lines}`}: ${e.message ?? String(err)}`,
      { cause: err },
    );
  }
  if (header === null) fail(`'${path}' is empty: expected a header row`);
  if (rows > 0) yield { featureNames, X: X.subarray(0, rows * featureIdx.length), rows, y, hasTarget: targetIdx >= 0 };
}

/** Reads the whole file as one chunk (in-memory mode). */
export async function readCsvAll(path: string, layout: CsvLayout): Promise<CsvChunk> {
  const parts: CsvChunk[] = [];
  for await (const c of readCsvChunks(path, layout, 65536))
    parts.push({ ...c, X: c.X.slice(0, c.rows * c.featureNames.length) });
  const first = parts[0];
  if (first === undefined) throw new DescentError("E_EMPTY", `'${path}' has a header but no rows`);
  const d = first.featureNames.length;
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const X = new Float64Array(rows * d);
  let off = 0;
  for (const p of parts) {
    X.set(p.X, off);
    off += p.rows * d;
  }
  return { featureNames: first.featureNames, X, rows, y: parts.flatMap((p) => p.y), hasTarget: first.hasTarget };
}
