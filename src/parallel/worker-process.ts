// A `descent worker` process as a GradientShard: requests and answers as JSON lines over its
// stdin and stdout (numbers survive JSON exactly: shortest round-trip decimal forms).
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { LinearLoss } from "../backend/loss-id.js";
import { DescentError } from "../errors.js";
import type { LocalEpochRequest, LocalSgdShard, ShardGradient } from "./gradient-shard.js";

/** A running worker process holding one shard. */
export class WorkerProcess implements LocalSgdShard {
  private constructor(
    private readonly child: ChildProcess,
    private readonly next: () => Promise<Record<string, unknown>>,
    readonly rows: number,
    readonly cols: number,
    /** The shard's feature names, in its column order. */
    readonly featureNames: string[],
  ) {}

  /**
   * Starts `command args…` (for example `descent worker shard.csv --target y`) and waits for its
   * ready line (its stderr goes to this process's unless options.stderr is 'ignore'). E_STATE
   * when it exits or says something else first.
   */
  static async start(
    command: string,
    args: string[],
    options: { stderr?: "inherit" | "ignore" } = {},
  ): Promise<WorkerProcess> {
    // A Ray bridge's daemons outlive it holding whatever stderr they inherit: 'ignore' gives them none.
    const child = spawn(command, args, { stdio: ["pipe", "pipe", options.stderr ?? "inherit"] });
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> })[Symbol.asyncIterator]();
    const next = async (): Promise<Record<string, unknown>> => {
      const r = await lines.next();
      if (r.done === true) throw new DescentError("E_STATE", `worker '${args.join(" ")}' exited`);
      const o = JSON.parse(r.value) as Record<string, unknown>;
      if (typeof o.error === "string") throw new DescentError("E_STATE", `worker: ${o.error}`);
      return o;
    };
    const hello = await next();
    if (hello.ready !== true) throw new DescentError("E_STATE", "worker did not say it was ready");
    return new WorkerProcess(child, next, Number(hello.rows), Number(hello.cols), hello.featureNames as string[]);
  }

  async gradient(params: Float64Array, loss: LinearLoss, lossParam: number): Promise<ShardGradient> {
    (this.child.stdin as NonNullable<ChildProcess["stdin"]>).write(
      `${JSON.stringify({ op: "gradient", params: Array.from(params), loss, lossParam })}\n`,
    );
    const r = await this.next();
    return { loss: Number(r.loss), grad: Float64Array.from(r.grad as number[]) };
  }

  async epoch(params: Float64Array, request: LocalEpochRequest): Promise<Float64Array> {
    (this.child.stdin as NonNullable<ChildProcess["stdin"]>).write(
      `${JSON.stringify({ op: "epoch", params: Array.from(params), ...request })}\n`,
    );
    const r = await this.next();
    return Float64Array.from(r.params as number[]);
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
