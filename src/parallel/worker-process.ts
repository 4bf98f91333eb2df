// A `descent worker` process as a GradientShard: requests and answers as JSON lines over its
// stdin and stdout (numbers survive JSON exactly: shortest round-trip decimal forms).
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { LinearLoss } from "../backend/loss-id.js";
import { DescentError } from "../errors.js";
import type { GradientShard, ShardGradient } from "./gradient-shard.js";

/** A running worker process holding one shard. */
export class WorkerProcess implements GradientShard {
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
   * ready line. E_STATE when it exits or says something else first.
   */
  static async start(command: string, args: string[]): Promise<WorkerProcess> {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
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

  /** Asks the worker to exit, and stops waiting on it (this process may end first). */
  close(): void {
    (this.child.stdin as NonNullable<ChildProcess["stdin"]>).end(`${JSON.stringify({ op: "quit" })}\n`);
    this.child.stdout?.destroy();
    this.child.unref();
  }
}
