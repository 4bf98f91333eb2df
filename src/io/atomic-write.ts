// Writing a file whole or not at all, safely: the bytes go to a temporary file created
// exclusively (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600) under a random name beside the target,
// are flushed to disk (fsync), then renamed over the target. A planted link at a guessable name
// cannot redirect the write, a crash leaves the old file whole, and temporary files that a killed
// process left behind (their writer's pid no longer running) are removed on the next write.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, readdir, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** The temporary files of `target`: `.<name>.<pid>.<random>.tmp` beside it. */
function tempPattern(target: string): RegExp {
  const name = basename(target).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${name}\\.(\\d+)\\.[0-9a-f]{16}\\.tmp$`);
}

/** Whether a process with this pid runs (and is visible to us). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the temporary files of `target` whose writer is gone. */
async function removeStale(target: string): Promise<void> {
  const dir = dirname(target);
  const pattern = tempPattern(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = pattern.exec(n);
    if (m !== null && Number(m[1]) !== process.pid && !running(Number(m[1])))
      await unlink(join(dir, n)).catch(() => undefined);
  }
}

/** Writes `data` to `target` atomically (see above). */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await removeStale(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(8).toString("hex")}.tmp`);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      await fh.writeFile(data);
      // The finished file gets the mode a plain write would give it (0666 less the umask).
      await fh.chmod(0o666 & ~process.umask());
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
