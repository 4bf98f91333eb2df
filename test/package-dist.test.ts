// The built package as users get it: `import { ... } from 'descent'` from Node resolves dist/ via
// package.json "exports" and finds the .wasm next to the JS with no configuration.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("the built package", () => {
  it("has dist/index.js, its types and all four WebAssembly builds", () => {
    const builds = ["release.wasm", "release-scalar.wasm", "release-threads.wasm", "release-scalar-threads.wasm"];
    for (const f of ["dist/index.js", "dist/index.d.ts", ...builds.map((b) => `dist/wasm/${b}`)]) {
      expect(existsSync(`${root}/${f}`), f).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
    expect(pkg.name).toBe("descent");
    expect(pkg.type).toBe("module");
    expect(pkg.exports["."].default).toBe("./dist/index.js");
    expect(pkg.bin.descent).toBe("./dist/cli/main.js");
    expect(pkg.files).toContain("dist");
  });

  it("imports as 'descent' in a fresh Node process and trains with the WASM backend", () => {
    const script = `
      import { LinearRegression } from "descent";
      const m = await new LinearRegression({ batchSize: "full", learningRate: 0.1, maxEpochs: 2000, tol: null, penalty: "none", backend: "wasm-simd" })
        .fit([[0], [1], [2], [3]], [1, 3, 5, 7]);
      console.log(JSON.stringify({ w: m.coef[0], b: m.intercept }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    const { w, b } = JSON.parse(out) as { w: number; b: number };
    expect(w).toBeCloseTo(2, 8);
    expect(b).toBeCloseTo(1, 8);
  });

  it("the descent command prints its version", () => {
    const out = execFileSync(process.execPath, [`${root}/dist/cli/main.js`, "--version"], { encoding: "utf8" });
    expect(out.trim()).toBe(JSON.parse(readFileSync(`${root}/package.json`, "utf8")).version);
  });
});
