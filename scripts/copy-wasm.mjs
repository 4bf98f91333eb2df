// Copies the compiled WebAssembly builds next to the JS in dist/wasm/, where the loader looks.
import { copyFileSync, mkdirSync } from "node:fs";

const files = ["release.wasm", "release-scalar.wasm", "release-threads.wasm", "release-scalar-threads.wasm"];
mkdirSync(new URL("../dist/wasm/", import.meta.url), { recursive: true });
for (const f of files)
  copyFileSync(new URL(`../build/${f}`, import.meta.url), new URL(`../dist/wasm/${f}`, import.meta.url));
