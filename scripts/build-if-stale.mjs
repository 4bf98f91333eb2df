// Builds what is older than its sources, and nothing else: the WebAssembly builds when a file under
// assembly/ or asconfig.json changed since the last build, the TypeScript when a file under src/ or
// a tsconfig did. `npm start` and `npm run demo` call it, so their second run starts at once;
// `npm run build` (and so `npm test`) passes --all: everything is built.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time under `paths` (files, or folders walked), in ms. */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const s = statSync(p);
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(p).map((f) => join(p, f))));
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}

const all = process.argv.includes("--all");

/** Runs `command` when `stamp` is missing or older than `inputs` (or always, with --all), then touches the stamp. */
function step(name, inputs, stamp, command) {
  if (!all && existsSync(stamp) && statSync(stamp).mtimeMs >= newest(inputs)) {
    console.log(`${name}: up to date`);
    return;
  }
  if (!all) console.log(`${name}: building`);
  execSync(command, { stdio: "inherit" });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

step("wasm", ["assembly", "asconfig.json", "package-lock.json"], "build/.built", "npm run build:wasm --silent");
step("typescript", ["src", "tsconfig.json", "package-lock.json"], "dist/.built", "npm run build:ts --silent");
execSync("node scripts/copy-wasm.mjs", { stdio: "inherit" });
