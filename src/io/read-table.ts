// The one way into a data file (CSV, Parquet, Arrow) as typed columns, whole or in chunks, and
// as an Apache Arrow Table.

import type { Table } from "apache-arrow";
import type { ColumnKind, ColumnTable } from "../table/column-table.js";
import { toArrowTable } from "./arrow-table.js";
import { readCsvTable, readCsvTableChunks } from "./csv-table.js";
import { isTableFile, readTableFileChunks, readTableFileTable } from "./table-file.js";

/** What to read of a file. */
export interface TableRead {
  /** Only these columns (in file order). */
  columns?: readonly string[];
  /** Not these columns. */
  drop?: readonly string[];
  /** Missing-cell spellings of a CSV (default: empty, NA, NaN, null, N/A). */
  missing?: readonly string[];
  /** Fixed kinds of CSV columns (from a first pass, or a saved model). */
  kinds?: Readonly<Record<string, ColumnKind>>;
  /** Rows per CSV chunk when streaming. */
  chunkRows?: number;
}

/** A whole data file as typed columns. */
export function readTypedTable(file: string, r: TableRead = {}): Promise<ColumnTable> {
  return isTableFile(file) ? readTableFileTable(file, r) : readCsvTable(file, r);
}

/** A data file a chunk at a time (CSV blocks, Parquet row groups, Arrow record batches) as typed columns. */
export function readTypedChunks(file: string, r: TableRead = {}): AsyncGenerator<ColumnTable> {
  return isTableFile(file) ? readTableFileChunks(file, r) : readCsvTableChunks(file, r);
}

/**
 * A CSV, Parquet (every codec) or Arrow file as an Apache Arrow Table, its columns typed as
 * `descent fit` types them (text, numbers, booleans, dates; missing cells as nulls): the table
 * to hand a Pipeline, or to look at before training.
 */
export async function readTable(path: string, options: TableRead = {}): Promise<Table> {
  return toArrowTable(await readTypedTable(path, options));
}
