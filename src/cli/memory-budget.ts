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
