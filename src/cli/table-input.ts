// The CLI's one way into a data file (CSV, Parquet, Arrow) as typed columns, whole or in chunks.
import { readCsvTable, readCsvTableChunks } from "../io/csv-table.js";
import { isTableFile, readTableFileChunks, readTableFileTable } from "../io/table-file.js";
import type { ColumnKind, ColumnTable } from "../table/column-table.js";

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
