// The ids and plan slots the WASM kernels and their JS twins share, held to one value each: every
// P_*, LOSS_*, OPT_*, SCHED_*, ACT_* and OUT_* constant exported by assembly/ is read from its
// source and compared with the twin in src/kernels/, both ways (a constant on one side only fails).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LossId } from "../src/kernels/losses.js";
import { MlpActivation, MlpOptimizerId, MlpOutput } from "../src/kernels/mlp-net.js";
import { PLAN_SLOTS, PlanSlot } from "../src/kernels/plan.js";
import { ScheduleId } from "../src/kernels/schedule.js";
import { MEMBER_IDX_WORD, MEMBER_SLOTS } from "../src/kernels/steps-together.js";
import { OptimizerId } from "../src/kernels/update.js";

/** Every `export const NAME: i32 = 7;` (or without the type) of the AssemblyScript sources. */
function assemblyConstants(): Map<string, number> {
  const dir = new URL("../assembly/", import.meta.url);
  const out = new Map<string, number>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
    const text = readFileSync(new URL(f, dir), "utf8");
    for (const m of text.matchAll(/^export const ([A-Z][A-Z0-9_]*)\s*(?::\s*\w+)?\s*=\s*(\d+)\s*;/gm))
      out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

/** A twin table's keys compared with a prefix's constants: NAME_OF_IT ~ nameOfIt (case and _ ignored). */
function compare(
  prefix: string,
  table: Record<string, number>,
  constants: Map<string, number>,
  skip = (_: string) => false,
) {
  const key = (s: string) => s.replace(/_/g, "").toLowerCase();
  const theirs = [...constants].filter(([n]) => n.startsWith(prefix) && !skip(n));
  const ours = new Map(Object.entries(table).map(([k, v]) => [key(k), v]));
  expect(theirs.length, `assembly/ exports no ${prefix}* constant`).toBeGreaterThan(0);
  for (const [name, value] of theirs) {
    const twin = ours.get(key(name.slice(prefix.length)));
    expect(twin, `${name} has no twin in src/kernels/`).toBeDefined();
    expect(twin, `${name}`).toBe(value);
  }
  const named = new Set(theirs.map(([n]) => key(n.slice(prefix.length))));
  for (const k of ours.keys()) expect(named.has(k), `src/kernels/ has ${prefix}${k}, assembly/ has not`).toBe(true);
}

describe("ids and plan slots: assembly/ and src/kernels/ agree", () => {
  const constants = assemblyConstants();

  it("plan slots (P_*) and the plan's size", () => {
    compare("P_", PlanSlot, constants);
    expect(constants.get("PLAN_SLOTS")).toBe(PLAN_SLOTS);
  });

  it("loss ids (LOSS_*)", () => compare("LOSS_", LossId, constants));

  it("optimizer ids (OPT_*): the fused update's and the MLP's scikit-learn forms", () => {
    compare("OPT_", OptimizerId, constants, (n) => n.startsWith("OPT_SK_"));
    expect(constants.get("OPT_SK_SGD")).toBe(MlpOptimizerId.sklearnSgd);
    expect(constants.get("OPT_SK_ADAM")).toBe(MlpOptimizerId.sklearnAdam);
  });

  it("schedule ids (SCHED_*)", () => compare("SCHED_", ScheduleId, constants));

  it("the steps-together kernel's table: its entry size and where an entry's row order sits", () => {
    expect(constants.get("MEMBER_SLOTS")).toBe(MEMBER_SLOTS);
    expect(constants.get("MEMBER_IDX_WORD")).toBe(MEMBER_IDX_WORD);
  });

  it("activations (ACT_*) and output kinds (OUT_*)", () => {
    compare("ACT_", MlpActivation, constants);
    compare("OUT_", MlpOutput, constants);
  });
});
