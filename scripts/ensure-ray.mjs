// Makes sure `python3` can import Ray for the Ray test (test/ray.test.ts): when it cannot, installs
// ray and numpy with pip from the machine's own wheel store (the index pip is configured with;
// PyPI itself is not asked first, so nothing waits on an unreachable index). Idempotent; fails
// loudly, never skips, when Ray cannot be installed.
import { execFileSync, spawnSync } from "node:child_process";

const RAY = "ray==2.58.0";
const importable = () => spawnSync("python3", ["-c", "import ray, numpy"], { stdio: "ignore" }).status === 0;
if (importable()) process.exit(0);

/** The indexes pip is configured with (its extra-index-url), the first one used as the index. */
function configuredIndexes() {
  const r = spawnSync("python3", ["-m", "pip", "config", "list"], { encoding: "utf8" });
  const line = (r.stdout ?? "").split("\n").find((l) => /index-url=/.test(l));
  if (line === undefined) return [];
  return line
    .slice(line.indexOf("=") + 1)
    .replace(/^'|'$/g, "")
    .split(/\s+/)
    .filter(Boolean);
}

const [index, ...extra] = configuredIndexes();
const args = ["-m", "pip", "install", RAY, "numpy"];
if (index !== undefined) args.push("--index-url", index, ...extra.flatMap((u) => ["--extra-index-url", u]));
console.error(`ensure-ray: installing ${RAY} with pip${index === undefined ? "" : ` from ${index}`}`);
try {
  execFileSync("python3", args, { stdio: "inherit" });
} catch (err) {
  console.error(`ensure-ray: pip could not install ${RAY}: ${err.message}`);
  process.exit(1);
}
if (!importable()) {
  console.error("ensure-ray: pip finished but python3 still cannot import ray");
  process.exit(1);
}
