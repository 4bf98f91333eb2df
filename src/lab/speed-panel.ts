import type { Backend } from "../backend/backend.js";
import { createBackend, threadsAvailable } from "../backend/create-backend.js";
import { ThreadedBackend } from "../backend/threaded-backend.js";
import { median } from "../bench/median.js";
import { Prng } from "../kernels/prng.js";
import type { DType } from "../matrix.js";
import { byId, numberOf } from "./dom.js";

async function timeKernel(backend: Backend, n: number, d: number): Promise<number> {
  const rng = new Prng(5);
  const X = backend.alloc(n * d);
  const xv = X.view;
  for (let i = 0; i < n * d; i++) xv[i] = rng.nextFloat() * 2 - 1;
  const y = backend.alloc(n);
  y.view.fill(0.5);
  const p = backend.alloc(d + 1);
  p.view.fill(0.01);
  const g = backend.alloc(d + 1);
  const idx = backend.allocIndex(n);
  for (let i = 0; i < n; i++) idx.view[i] = i;
  const once = async (): Promise<void> => {
    if (backend instanceof ThreadedBackend)
      await backend.linearGradParallel("squared", X, y, null, idx, 0, n, d, p, g, 0);
    else backend.linearGrad("squared", X, y, null, idx, 0, n, d, p, g, 0);
  };
  await once();
  const times: number[] = [];
  const deadline = performance.now() + 400;
  while (performance.now() < deadline || times.length < 5) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  for (const b of [X, y, p, g]) backend.free(b);
  backend.free(idx);
  backend.dispose();
  return median(times);
}

/** Wires the Speed panel: times each kernel in this page and shows the ratios to pure JS. */
export function setupSpeedPanel(): void {
  const table = byId("speed-table", HTMLTableElement);
  const body = table.tBodies[0] as HTMLTableSectionElement;
  byId("speed-run", HTMLButtonElement).addEventListener("click", async () => {
    const n = Math.max(64, Math.floor(numberOf(byId("speed-n", HTMLInputElement), 20000)));
    const d = Math.max(1, Math.floor(numberOf(byId("speed-d", HTMLInputElement), 64)));
    const dtype = byId("speed-dtype", HTMLSelectElement).value as DType;
    body.replaceChildren();
    table.dataset.state = "running";
    const kernels: Array<[string, () => Promise<Backend>]> = [
      ["js", () => createBackend("js", dtype)],
      ["wasm-scalar", () => createBackend("wasm-scalar", dtype)],
      ["wasm-simd", () => createBackend("wasm-simd", dtype)],
    ];
    if (threadsAvailable()) kernels.push(["wasm-simd-threads (2)", () => createBackend("wasm-simd", dtype, 2)]);
    let js = Number.NaN;
    for (const [name, make] of kernels) {
      let ms: number;
      try {
        ms = await timeKernel(await make(), n, d);
      } catch (err) {
        const tr = body.insertRow();
        tr.insertCell().textContent = name;
        tr.insertCell().textContent = `unavailable: ${(err as Error).message}`;
        continue;
      }
      if (name === "js") js = ms;
      const tr = body.insertRow();
      tr.dataset.kernel = name;
      tr.dataset.ratio = String(js / ms);
      for (const text of [
        name,
        `${ms.toFixed(3)} ms`,
        ((4 * n * d) / (ms * 1e6)).toFixed(2),
        `${(js / ms).toFixed(2)}×`,
      ]) {
        tr.insertCell().textContent = text;
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    table.dataset.state = "done";
  });
}
