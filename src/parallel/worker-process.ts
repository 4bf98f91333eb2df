// A `descent worker` process as a GradientShard: requests and answers as JSON lines over its
// stdin and stdout (numbers survive JSON exactly: shortest round-trip decimal forms).
import { type ChildProcess, spawn } from "node:child_process";
import { DescentError } from "../errors.js";
import type { LinearLoss } from "../kernels/losses.js";
import { boundedLines, MAX_LINE_BYTES } from "./bounded-lines.js";
import type { LocalEpochRequest, LocalSgdShard, ShardGradient } from "./gradient-shard.js";

/** How long an answer may take by default: 10 minutes (a gradient over a very large shard). */
export const DEFAULT_TIMEOUT_MS = 600_000;

/** How many times by default a request is sent again to a restarted worker after its worker failed. */
export const DEFAULT_RETRIES = 2;

/** How a worker process is started and watched. */
export interface WorkerProcessOptions {
  /** Where the worker's stderr goes: this process's (default), or nowhere (a Ray bridge's daemons hold it open). */
  stderr?: "inherit" | "ignore";
  /** The longest answer line read, in bytes (default MAX_LINE_BYTES, 256 MiB); longer is E_FORMAT. */
  maxLineBytes?: number;
  /** Milliseconds the ready line and each answer may take (default DEFAULT_TIMEOUT_MS, 10 minutes). */
  timeoutMs?: number;
  /**
   * How many times a request is sent again after the worker exited or overran `timeoutMs`: the
   * worker is killed, started again with the same command, checked to hold the same shard (rows,
   * columns, names), and asked the same question (default DEFAULT_RETRIES). Requests are pure
   * functions of the shard and their parameters, so a retried answer is the answer. A worker that
   * answers wrongly (not JSON, missing fields, its own error) is not retried.
   */
  retries?: number;
}

/** A started worker: the process and its answer lines. */
interface Launched {
  child: ChildProcess;
  next: () => Promise<Record<string, unknown>>;
  hello: Record<string, unknown>;
}

/** Failures of the process rather than of its answers: it exited, or it overran the deadline. */
const processFailures = new WeakSet<DescentError>();

function processFailure(message: string): DescentError {
  const e = new DescentError("E_STATE", message);
  processFailures.add(e);
  return e;
}

/** A running worker process holding one shard. */
export class WorkerProcess implements LocalSgdShard {
  private constructor(
    private launched: Launched,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly options: WorkerProcessOptions,
    readonly rows: number,
    readonly cols: number,
    /** The shard's feature names, in its column order. */
    readonly featureNames: string[],
  ) {}

  /** Set when an answer did not come in time and no retry is left: the worker is stopped. */
  private broken: DescentError | null = null;

  /** How many times the worker was started again after a failure. */
  restarts = 0;

  /** The worker's ready line as it sent it (rows, cols, featureNames and whatever else it says). */
  get readyLine(): Readonly<Record<string, unknown>> {
    return this.launched.hello;
  }

  private get child(): ChildProcess {
    return this.launched.child;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** `promise`, or E_STATE naming the worker and the wait when it takes longer than `ms`. */
  private static within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(processFailure(`${what} did not answer within ${ms} ms (stopped, hung or overloaded)`)),
        ms,
      );
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  /** Spawns `command args…` and reads its first line (killing it when that fails). */
  private static async launch(
    command: string,
    args: readonly string[],
    options: WorkerProcessOptions,
  ): Promise<Launched> {
    // A Ray bridge's daemons outlive it holding whatever stderr they inherit: 'ignore' gives them none.
    const child = spawn(command, args, { stdio: ["pipe", "pipe", options.stderr ?? "inherit"] });
    const name = [command, ...args].join(" ");
    // A command that cannot start (no such file, no permission) is an 'error' event: without a
    // listener it would crash this process. It ends the line stream, so next() then names it.
    let failure: Error | null = null;
    child.on("error", (err) => {
      failure = err;
    });
    // A write to a worker that has gone is an EPIPE on its stdin: the next read reports the exit.
    child.stdin?.on("error", () => undefined);
    const limit = options.maxLineBytes ?? MAX_LINE_BYTES;
    const lines = boundedLines(child.stdout as NonNullable<typeof child.stdout>, limit);
    const next = async (): Promise<Record<string, unknown>> => {
      const r = await lines.next();
      if (r.done === true) {
        const why = failure === null ? "exited" : `could not be started (${(failure as Error).message})`;
        throw processFailure(`worker '${name}' ${why}`);
      }
      if ("tooLong" in r.value)
        throw new DescentError(
          "E_FORMAT",
          `worker '${name}' answered a line of ${r.value.tooLong} bytes, longer than the ${limit} read`,
        );
      const text = r.value.text;
      let o: unknown;
      try {
        o = JSON.parse(text);
      } catch {
        throw new DescentError("E_FORMAT", `worker '${name}' answered a line that is not JSON: ${text.slice(0, 80)}`);
      }
      if (o === null || typeof o !== "object" || Array.isArray(o))
        throw new DescentError("E_FORMAT", `worker '${name}' answered ${text.slice(0, 80)}, not a JSON object`);
      const rec = o as Record<string, unknown>;
      if (typeof rec.error === "string") throw new DescentError("E_STATE", `worker: ${rec.error}`);
      return rec;
    };
    try {
      const hello = await WorkerProcess.within(next(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS, `worker '${name}'`);
      if (hello.ready !== true) throw new DescentError("E_STATE", "worker did not say it was ready");
      return { child, next, hello };
    } catch (err) {
      child.kill("SIGKILL");
      throw err;
    }
  }

  /**
   * Starts `command args…` (for example `descent worker shard.csv --target y`) and waits for its
   * ready line (its stderr goes to this process's unless options.stderr is 'ignore'). E_STATE
   * when it exits or says something else first.
   */
  static async start(command: string, args: string[], options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
    const launched = await WorkerProcess.launch(command, args, options);
    const { hello } = launched;
    return new WorkerProcess(
      launched,
      command,
      [...args],
      { ...options },
      Number(hello.rows),
      Number(hello.cols),
      hello.featureNames as string[],
    );
  }

  /** Kills the worker and starts it again, checking that it holds the same shard. */
  private async restart(): Promise<void> {
    this.child.kill("SIGKILL");
    const launched = await WorkerProcess.launch(this.command, this.args, this.options);
    const { hello } = launched;
    const same =
      Number(hello.rows) === this.rows &&
      Number(hello.cols) === this.cols &&
      JSON.stringify(hello.featureNames) === JSON.stringify(this.featureNames);
    if (!same) {
      launched.child.kill("SIGKILL");
      throw new DescentError(
        "E_STATE",
        `worker '${[this.command, ...this.args].join(" ")}' came back holding another shard (${String(hello.rows)} rows × ${String(hello.cols)} columns, was ${this.rows} × ${this.cols})`,
      );
    }
    this.launched = launched;
    this.restarts++;
  }

  /** The numbers of an answer's field, exactly `length` of them; E_FORMAT naming what is wrong. */
  private static numbers(r: Record<string, unknown>, key: string, length: number): Float64Array {
    const v = r[key];
    if (!Array.isArray(v))
      throw new DescentError("E_FORMAT", `worker answered without '${key}' (an array of ${length} numbers)`);
    if (v.length !== length)
      throw new DescentError("E_FORMAT", `worker answered ${v.length} values of '${key}', expected ${length}`);
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const x = v[i];
      // JSON has no NaN or Infinity: JSON.stringify writes them as null, so null is non-finite here
      // (and the fit's divergence guard sees it), never 0.
      if (x === null) {
        out[i] = Number.NaN;
        continue;
      }
      if (typeof x !== "number")
        throw new DescentError("E_FORMAT", `worker answered '${key}[${i}]' = ${JSON.stringify(x)}, not a number`);
      out[i] = x;
    }
    return out;
  }

  /** Numbers the requests; a worker echoes the number in its answer (descent worker and the Ray bridge do). */
  private sent = 0;

  /**
   * Sends a request and reads its answer; when the worker exits or overruns the deadline, starts
   * it again and asks again, `retries` times at most.
   */
  private async ask(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const retries = this.options.retries ?? DEFAULT_RETRIES;
    for (let attempt = 0; ; attempt++) {
      if (this.broken !== null) throw this.broken;
      try {
        return await this.askOnce(request);
      } catch (err) {
        if (!(err instanceof DescentError && processFailures.has(err))) throw err;
        if (attempt >= retries) {
          // A late answer would pair with the next request: the worker is stopped and not asked again.
          this.broken = err;
          this.child.kill("SIGKILL");
          throw err;
        }
        await this.restart();
      }
    }
  }

  /** Sends a request with the next number and reads its answer, checking the number it echoes. */
  private async askOnce(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = ++this.sent;
    (this.child.stdin as NonNullable<ChildProcess["stdin"]>).write(`${JSON.stringify({ ...request, id })}\n`);
    const r = await WorkerProcess.within(this.launched.next(), this.timeoutMs, `worker (request ${id})`);
    // An answer for another request (a line too many or too few) would pair every later answer
    // with the wrong request: refused instead.
    if (r.id !== undefined && r.id !== id)
      throw new DescentError(
        "E_FORMAT",
        `worker answered request ${JSON.stringify(r.id)} where request ${id}'s answer was due (a line too many or too few)`,
      );
    return r;
  }

  async gradient(params: Float64Array, loss: LinearLoss, lossParam: number): Promise<ShardGradient> {
    const r = await this.ask({ op: "gradient", params: Array.from(params), loss, lossParam });
    if (typeof r.loss !== "number" && r.loss !== null)
      throw new DescentError("E_FORMAT", "worker answered without a numeric 'loss'");
    return { loss: r.loss ?? Number.NaN, grad: WorkerProcess.numbers(r, "grad", params.length) };
  }

  async epoch(params: Float64Array, request: LocalEpochRequest): Promise<Float64Array> {
    return WorkerProcess.numbers(
      await this.ask({ op: "epoch", params: Array.from(params), ...request }),
      "params",
      params.length,
    );
  }

  /** Asks the worker to exit and waits until it has (killing it after `graceMs`). */
  close(graceMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      this.child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      (this.child.stdin as NonNullable<ChildProcess["stdin"]>).end(`${JSON.stringify({ op: "quit" })}\n`);
    });
  }
}
