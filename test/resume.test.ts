// --resume trusts a checkpoint no further than it checks out, takes --epochs, refuses flags that
// would change the model, and a checkpointed run's files say why it stopped as its report does.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "descent-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const diabetes = join(root, "data/diabetes.csv");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("--resume", () => {
  const base = ["fit", diabetes, "--target", "progression", "--lr", "0.01", "--quiet"];
  const ck = join(dir, "ck.json");
  const first = run(...base, "--epochs", "4", "--checkpoint", ck);

  it("refuses a checkpoint whose loop state does not check out", () => {
    expect(first.code, first.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(ck, "utf8"));
    for (const [epoch, pattern] of [
      [1e308, /'epoch' and 'stale' must be whole numbers >= 0 \(got 1e\+308/],
      [1.5, /'epoch' and 'stale' must be whole numbers >= 0 \(got 1.5/],
      [2, /'epoch' is 2 but its model has trained 4 epochs/],
    ] as const) {
      const bad = join(dir, `bad-${epoch}.json`);
      writeFileSync(bad, JSON.stringify({ ...saved, checkpoint: { ...saved.checkpoint, epoch } }));
      const r = run(...base, "--resume", bad);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(pattern);
    }
  });

  it("--epochs sets where a resumed run ends", () => {
    const more = join(dir, "ck-more.json");
    writeFileSync(more, readFileSync(ck));
    const r = run(...base, "--resume", more, "--epochs", "9", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).epochs).toBe(9);
    expect(JSON.parse(readFileSync(more, "utf8")).checkpoint.epoch).toBe(9);
  });

  it("refuses flags that would change the checkpoint's model, and takes the same values", () => {
    const r = run("fit", diabetes, "--target", "progression", "--lr", "0.5", "--resume", ck, "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lr would change it/);
    const same = join(dir, "ck-same.json");
    writeFileSync(same, readFileSync(ck));
    expect(run(...base, "--resume", same, "--epochs", "5").code).toBe(0);
  });

  it("a checkpointed run that stops on tol says tol in its report, its checkpoint and its model file", () => {
    const out = join(dir, "model.json");
    const tolCk = join(dir, "ck-tol.json");
    const r = run(
      "fit",
      diabetes,
      "--target",
      "progression",
      "--epochs",
      "500",
      "--checkpoint",
      tolCk,
      "--out",
      out,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.stopReason).toBe("tol");
    expect(JSON.parse(readFileSync(out, "utf8")).model.stopReason).toBe("tol");
    expect(JSON.parse(readFileSync(tolCk, "utf8")).model.stopReason).toBe("tol");
  });
});

describe("checkpointing does not change the result", () => {
  it("fit --checkpoint gives plain fit's model, to the bit (shuffled epochs included)", () => {
    const args = ["fit", diabetes, "--target", "progression", "--epochs", "6", "--quiet"];
    const plain = join(dir, "plain.json");
    const checked = join(dir, "checked.json");
    expect(run(...args, "--out", plain).code).toBe(0);
    expect(run(...args, "--checkpoint", join(dir, "ck-same-bits.json"), "--out", checked).code).toBe(0);
    const params = (f: string) => JSON.parse(readFileSync(f, "utf8")).model.params as number[];
    expect(params(checked)).toEqual(params(plain));
  });

  it("a run checkpointed at epoch 3 and resumed to 6 in another process gives plain fit's 6 epochs (the row order rebuilt)", () => {
    const args = ["fit", diabetes, "--target", "progression", "--quiet"];
    const plain = join(dir, "plain6.json");
    const ck3 = join(dir, "ck3.json");
    expect(run(...args, "--epochs", "6", "--out", plain).code).toBe(0);
    expect(run(...args, "--epochs", "3", "--checkpoint", ck3).code).toBe(0);
    const resumed = join(dir, "resumed6.json");
    const r = run(...args, "--epochs", "6", "--resume", ck3, "--out", resumed);
    expect(r.code, r.stderr).toBe(0);
    const params = (f: string) => JSON.parse(readFileSync(f, "utf8")).model.params as number[];
    expect(params(resumed)).toEqual(params(plain));
  });
});
