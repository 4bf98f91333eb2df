// The shards of one fit must describe one table: at least one shard, each with a positive whole
// count of rows, all with the same columns — in the same order, when they name them (a shard whose
// columns are permuted would otherwise train a different model without a word).
import { DescentError } from "../errors.js";
import type { GradientShard } from "./gradient-shard.js";

/** Checks the shards of a fit (E_EMPTY, E_SHAPE naming the shard); returns their columns and total rows. */
export function checkShards(shards: readonly GradientShard[], what: string): { cols: number; rows: number } {
  const first = shards[0];
  if (first === undefined) throw new DescentError("E_EMPTY", `${what} needs at least one shard`);
  const cols = first.cols;
  if (!Number.isSafeInteger(cols) || cols < 1)
    throw new DescentError("E_SHAPE", `shard 0 claims ${cols} columns: expected a whole number >= 1`);
  let rows = 0;
  shards.forEach((s, k) => {
    if (!Number.isSafeInteger(s.rows) || s.rows < 1)
      throw new DescentError("E_SHAPE", `shard ${k} claims ${s.rows} rows: expected a whole number >= 1`);
    if (s.cols !== cols) throw new DescentError("E_SHAPE", `shard ${k} has ${s.cols} columns, shard 0 has ${cols}`);
    const names = s.featureNames;
    const names0 = first.featureNames;
    if (names !== undefined && names0 !== undefined && names.join("\u0000") !== names0.join("\u0000"))
      throw new DescentError(
        "E_SHAPE",
        `shard ${k}'s columns are ${names.join(", ")}, shard 0's are ${names0.join(", ")}: the same columns in the same order are needed`,
      );
    rows += s.rows;
  });
  return { cols, rows };
}
