import { totalmem } from "node:os";
import { DescentError } from "../errors.js";

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

/** Parses "512MB", "2GiB", "300000" (bytes) into bytes; E_OPTION names the flag otherwise. */
export function parseBytes(text: string, flag = "--memory"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  if (m === null) throw new DescentError("E_OPTION", `${flag} must be a size such as 512MB or 2GiB (got '${text}')`);
  const value = Number(m[1]) * (UNITS[(m[2] ?? "B").toUpperCase()] ?? 1);
  if (!(value >= 1024 * 1024)) throw new DescentError("E_OPTION", `${flag} must be at least 1MiB (got '${text}')`);
  return Math.floor(value);
}

/** The default budget: a quarter of this machine's memory, at most 4 GiB. */
export function defaultBudget(): number {
  return Math.min(Math.floor(totalmem() / 4), 4 * 1024 ** 3);
}

/** Set in the environment of a `descent fit` that runs under the heap limit its --memory asks for. */
const HEAP_SET = "DESCENT_HEAP_LIMITED";

/**
 * Runs `descent fit … --memory SIZE` again in a child Node whose heap fits the budget: an old
 * generation of the budget plus 64 MB and small young semi-spaces (4 MB). V8 sizes its heap
 * by the machine's memory, not the budget, and lets garbage pile up to hundreds of MB before it
 * collects; under the limit it collects sooner, and the peak stays near the budget. Returns the
 * child's exit code, or null when this process is to run the command itself (no --memory, an
 * unreadable size left for the command to report, or already the child). A child that still runs
 * out of heap is followed by one line saying to raise --memory (after V8's own report).
 */
export async function relaunchUnderBudget(argv: readonly string[]): Promise<number | null> {
  if (process.env[HEAP_SET] !== undefined || argv[2] !== "fit") return null;
  const at = argv.findIndex((a) => a === "--memory" || a.startsWith("--memory="));
  if (at < 0) return null;
  const text = argv[at]?.includes("=") ? argv[at]?.slice("--memory=".length) : argv[at + 1];
  let budget: number;
  try {
    budget = parseBytes(text ?? "");
  } catch {
    return null;
  }
  const heapMb = Math.ceil(budget / 2 ** 20) + 64;
  const { spawn } = await import("node:child_process");
  // stdio inherited: the child draws its progress bar on this terminal.
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${heapMb}`, "--max-semi-space-size=4", ...argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, [HEAP_SET]: "1" } },
  );
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (c, sig) => resolve({ code: c, signal: sig }));
  });
  process.off("SIGINT", onInt);
  process.off("SIGTERM", onTerm);
  // V8 aborts a process that runs out of heap (SIGABRT, or exit code 134).
  if (signal === "SIGABRT" || code === 134) {
    process.stderr.write(
      `descent: the fit needed more memory than --memory ${text} allows (a ${heapMb} MB heap); raise --memory\n`,
    );
    return 1;
  }
  if (signal !== null) return 128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1);
  return code ?? 1;
}
