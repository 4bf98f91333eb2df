// The one way into a data file (CSV, Parquet, Arrow) as typed columns, whole or in chunks, and
// as an Apache Arrow Table.
import type { Table } from "apache-arrow";
import type { ColumnTable } from "../table/column-table.js";
import { toArrowTable } from "./arrow-table.js";
import { type CsvTableOptions, readCsvTable, readCsvTableChunks } from "./csv-table.js";
import type { DecodeLimits } from "./table-decoder.js";
import { isTableFile, readTableFileChunks, readTableFileTable } from "./table-file.js";

/**
 * What to read of a file: the columns (`columns`, `drop`); for a CSV the missing-cell spellings,
 * fixed kinds and rows per chunk; for Parquet and Arrow files the decoder's deadline and heap
 * limit (`deadlineMs`, `heapMb`).
 */
export type TableRead = Omit<CsvTableOptions, "range"> & DecodeLimits;

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
