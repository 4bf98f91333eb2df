// Parquet and Arrow files are decoded in a worker thread (table-decode-worker.ts) under a deadline
// and a heap limit. The decoders (hyparquet, apache-arrow) are third-party code reading untrusted
// bytes: a corrupt file of a kilobyte or two can loop forever inside apache-arrow's message reader
// or allocate until the process dies. In the worker such a file costs one terminated thread and
// an E_FORMAT naming the file, and the host goes on.
import { stat } from "node:fs/promises";
import { getHeapStatistics } from "node:v8";
import { Worker } from "node:worker_threads";
import { DescentError, type DescentErrorCode } from "../errors.js";
import type { ColumnTable } from "../table/column-table.js";
import { type PackedTable, unpackTable } from "./column-wire.js";
import type { TableColumns } from "./table-decode.js";
import type { DecodeAnswer, DecodeRequest } from "./table-decode-worker.js";

/** Bounds on one file's decoding. */
export interface DecodeLimits {
  /**
   * Milliseconds one request (the metadata, a row group, a record batch) may take before the file
   * is declared corrupt: default 10 s plus 1 s per MB of the file.
   */
  deadlineMs?: number;
  /**
   * The decoder's heap in MB: default 16 MB per MB of the file, at least 1,024 MB, at most the
   * host's own heap limit. Numeric columns live outside the heap and do not count.
   */
  heapMb?: number;
}

/** The default deadline of a request on a file of `bytes` bytes, in milliseconds. */
export function defaultDeadlineMs(bytes: number): number {
  return 10_000 + Math.ceil(bytes / 1e6) * 1_000;
}

/** The default heap limit of a file of `bytes` bytes, in MB. */
export function defaultHeapMb(bytes: number): number {
  const host = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  return Math.min(host, Math.max(1_024, 16 * Math.ceil(bytes / 2 ** 20)));
}

/** The worker's module: beside this one when built; from dist/ when this module runs from its TypeScript source (tests). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("../../dist/io/table-decode-worker.js", here)
    : new URL("./table-decode-worker.js", here);
}

type Request = DecodeRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(err: DescentError): void;
  timer: NodeJS.Timeout;
}

/**
 * One Parquet or Arrow file open in a decode worker. Requests run one at a time, each under the
 * deadline; a request that overruns it, or a decoder that runs out of heap, ends the worker and
 * fails that request and every later one with E_FORMAT. The worker does not keep the process
 * alive while no request is waiting.
 */
export class TableFileDecoder {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken: DescentError | null = null;

  private constructor(
    readonly path: string,
    private readonly worker: Worker,
    private readonly deadlineMs: number,
    private readonly heapMb: number,
  ) {
    worker.unref();
    worker.on("message", (a: DecodeAnswer) => this.settle(a));
    worker.on("error", (err: Error & { code?: string }) => {
      this.breakWith(
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `decoding '${path}' needed more than ${this.heapMb} MB of heap: the file is corrupt, or give its reader more (heapMb)`
          : `cannot read '${path}': ${err.message}`,
      );
    });
    worker.on("exit", (code) => this.breakWith(`cannot read '${path}': its decoder stopped (exit code ${code})`));
  }

  /** Opens `path` in a new decode worker (E_FORMAT when the file does not exist). */
  static async open(path: string, limits: DecodeLimits = {}): Promise<TableFileDecoder> {
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new DescentError(
        "E_FORMAT",
        `cannot read '${path}': ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
      );
    }
    const heapMb = limits.heapMb ?? defaultHeapMb(bytes);
    const worker = new Worker(workerUrl(), {
      workerData: { path },
      // The host's flags are not the worker's business (--input-type, say, makes a worker fail).
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 8 },
    });
    return new TableFileDecoder(path, worker, limits.deadlineMs ?? defaultDeadlineMs(bytes), heapMb);
  }

  /** The row groups of a Parquet file as [first row, row count]. */
  groups(): Promise<Array<[number, number]>> {
    return this.request({ op: "groups" }) as Promise<Array<[number, number]>>;
  }

  /** Rows first .. first+rows of a Parquet file, the columns `select` names, as typed columns. */
  rows(first: number, rows: number, select: TableColumns = {}): Promise<ColumnTable> {
    return this.request({ op: "rows", first, rows, select: pickSelect(select) }) as Promise<ColumnTable>;
  }

  /** How many cells a Parquet file holds (rows × top-level columns), from its metadata. */
  cells(): Promise<number> {
    return this.request({ op: "cells" }) as Promise<number>;
  }

  /** The file a row group or record batch at a time; the worker ends when the chunks do, or when the loop leaves early. */
  async *chunks(select: TableColumns = {}): AsyncGenerator<ColumnTable> {
    try {
      await this.request({ op: "chunks", select: pickSelect(select) });
      for (;;) {
        const t = (await this.request({ op: "next" })) as ColumnTable | null;
        if (t === null) return;
        yield t;
      }
    } finally {
      await this.close();
    }
  }

  /** Ends the worker (idempotent). */
  async close(): Promise<void> {
    if (this.broken === null) this.broken = new DescentError("E_STATE", `the decoder of '${this.path}' is closed`);
    await this.worker.terminate();
  }

  private request(req: Request): Promise<unknown> {
    if (this.broken !== null) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.breakWith(
          `decoding '${this.path}' took longer than ${(this.deadlineMs / 1000).toFixed(1)} s: the file is corrupt, or give its reader more time (deadlineMs)`,
        );
      }, this.deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.ref();
      this.worker.postMessage({ ...req, id });
    });
  }

  private settle(a: DecodeAnswer): void {
    const p = this.pending.get(a.id);
    if (p === undefined) return;
    this.pending.delete(a.id);
    clearTimeout(p.timer);
    if (this.pending.size === 0) this.worker.unref();
    if (a.ok) p.resolve(a.table === true ? unpackTable(a.value as PackedTable) : a.value);
    else if (a.code.startsWith("E_")) p.reject(new DescentError(a.code as DescentErrorCode, a.message));
    else p.reject(new DescentError("E_FORMAT", `cannot read '${this.path}': ${a.message}`));
  }

  /** Fails every waiting request and every later one with E_FORMAT `message`, and ends the worker. */
  private breakWith(message: string): void {
    if (this.broken === null) this.broken = new DescentError("E_FORMAT", message);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(this.broken);
    }
    void this.worker.terminate();
  }
}

/** The column choice alone (a CSV read's options may ride along; only these cross to the worker). */
function pickSelect(select: TableColumns): TableColumns {
  const out: TableColumns = {};
  if (select.columns !== undefined) out.columns = [...select.columns];
  if (select.drop !== undefined) out.drop = [...select.drop];
  return out;
}
