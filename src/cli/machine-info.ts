import { cpus } from "node:os";

/** CPU model, logical cores and Node version, for benchmark and demo headers. */
export function machineInfo(): { cpu: string; cores: number; node: string } {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? "unknown CPU", cores: list.length, node: process.version };
}
