// Files the CLI writes (models, checkpoints, predictions, ONNX) go through an exclusive temporary
// file with a random name: a link planted at the old guessable name redirects nothing, and a
// killed writer's temporary files are cleaned up by the next write.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBundle } from "../src/cli/model-bundle.js";
import { writeFileAtomic } from "../src/io/atomic-write.js";
import { LinearRegression } from "../src/models/linear-regression.js";

const dir = mkdtempSync(join(tmpdir(), "descent-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writing files", () => {
  it("a link planted at <out>.tmp-<pid> does not redirect a model write", async () => {
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious");
    const out = join(dir, "model.json");
    symlinkSync(victim, `${out}.tmp-${process.pid}`);
    const model = await new LinearRegression({ maxEpochs: 2 }).fit([[1], [2], [3]], [1, 2, 3]);
    await writeBundle(out, { model, scaler: null, featureNames: ["x"], target: "y", preprocessing: null });
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(JSON.parse(readFileSync(out, "utf8")).target).toBe("y");
    expect(statSync(out).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it("leaves no temporary file behind, and removes those of a writer that is gone", async () => {
    const out = join(dir, "out.csv");
    // A dead writer's leftover (pid 2^22 + 1 is above Linux's default pid_max, so never running).
    const stale = join(dir, `.out.csv.${2 ** 22 + 1}.0123456789abcdef.tmp`);
    writeFileSync(stale, "half");
    await writeFileAtomic(out, "a,b\n1,2\n");
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith(".out.csv."))).toEqual([]);
    expect(readFileSync(out, "utf8")).toBe("a,b\n1,2\n");
  });
});
