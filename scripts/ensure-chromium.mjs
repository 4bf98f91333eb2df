// Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests: installs it with
// apt-get when missing and we are root (idempotent); never downloads a browser of its own.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);
if (typeof process.getuid !== "function" || process.getuid() !== 0) {
  console.error(`ensure-chromium: ${path} is missing and this is not root; install Debian's chromium package`);
  process.exit(1);
}
console.error("ensure-chromium: installing Debian's chromium (apt-get)");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execSync("apt-get update", { stdio: "inherit", env });
execSync("apt-get install -y chromium", { stdio: "inherit", env });
if (!existsSync(path)) {
  console.error(`ensure-chromium: apt-get finished but ${path} is still missing`);
  process.exit(1);
}
