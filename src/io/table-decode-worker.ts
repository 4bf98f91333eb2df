// The decode worker: a worker thread that decodes one Parquet or Arrow file for the host
// (table-decoder.ts), a request at a time. It shares nothing with the host but messages, so the
// host can stop it at a deadline, and its heap is capped, so a corrupt file's endless loop or
// allocation spiral ends as an error instead of a hung or crashed process.
import { parentPort, workerData } from "node:worker_threads";
import { DescentError } from "../errors.js";
import { type ColumnTable, isColumnTable } from "../table/column-table.js";
import { packTable } from "./column-wire.js";
import {
  decodeChunks,
  openParquet,
  type ParquetSource,
  parquetRows,
  pickColumns,
  rowGroupSpans,
  type TableColumns,
} from "./table-decode.js";

/** A request from the host; `id` is echoed in the answer. */
export type DecodeRequest = { id: number } & (
  | { op: "groups" }
  | { op: "rows"; first: number; rows: number; select: TableColumns }
  | { op: "cells" }
  | { op: "chunks"; select: TableColumns }
  | { op: "next" }
);

/** The answer to request `id`: a value (`table`: a PackedTable), or a typed error's code and message. */
export type DecodeAnswer =
  | { id: number; ok: true; value: unknown; table?: boolean }
  | { id: number; ok: false; code: string; message: string };

const path = (workerData as { path: string }).path;
let parquet: Promise<ParquetSource> | null = null;
let chunks: AsyncGenerator<ColumnTable> | null = null;

function openedParquet(): Promise<ParquetSource> {
  parquet ??= openParquet(path);
  return parquet;
}

async function answer(req: DecodeRequest): Promise<unknown> {
  switch (req.op) {
    case "groups":
      return rowGroupSpans(await openedParquet());
    case "rows": {
      const src = await openedParquet();
      return parquetRows(src, pickColumns(src.names, req.select, path), req.first, req.rows);
    }
    case "cells": {
      const src = await openedParquet();
      return Number(src.meta.num_rows) * src.names.length;
    }
    case "chunks":
      chunks = decodeChunks(path, req.select);
      return null;
    case "next": {
      if (chunks === null) throw new DescentError("E_STATE", "no chunks were asked for");
      const step = await chunks.next();
      return step.done ? null : step.value;
    }
  }
}

parentPort?.on("message", (req: DecodeRequest) => {
  answer(req).then(
    (value) => {
      if (isColumnTable(value)) {
        const { packed, transfer } = packTable(value);
        parentPort?.postMessage({ id: req.id, ok: true, value: packed, table: true } satisfies DecodeAnswer, transfer);
      } else parentPort?.postMessage({ id: req.id, ok: true, value } satisfies DecodeAnswer);
    },
    (err: unknown) => {
      const e = err as { code?: unknown; message?: unknown };
      const code = err instanceof DescentError ? err.code : typeof e.code === "string" ? e.code : "";
      parentPort?.postMessage({
        id: req.id,
        ok: false,
        code,
        message: typeof e.message === "string" ? e.message : String(err),
      } satisfies DecodeAnswer);
    },
  );
});
