// A sharded fit's checkpoint as a file: read whole, written atomically (a coordinator killed while
// saving leaves the state of the epoch before, never half a file).
import { readFile } from "node:fs/promises";
import { DescentError } from "../errors.js";
import type { ShardedCheckpoint } from "../train/sharded-checkpoint.js";
import { writeFileAtomic } from "./atomic-write.js";

/** A checkpoint kept in the file at `path` (no file yet: a fresh fit). */
export function fileCheckpoint(path: string): ShardedCheckpoint {
  return {
    async load() {
      try {
        return await readFile(path, "utf8");
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") return null;
        throw new DescentError("E_FORMAT", `cannot read the checkpoint '${path}': ${(err as Error).message}`);
      }
    },
    save: (state) => writeFileAtomic(path, state),
  };
}
