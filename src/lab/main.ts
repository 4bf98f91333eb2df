// Entry point of the browser lab (web/index.html): tabs, environment badge and the five panels.
import { createBackend, threadsAvailable } from "../backend/create-backend.js";
import { byId, parseCsvText } from "./dom.js";
import { setupPlaygroundPanel } from "./playground-panel.js";
import { setupRecommendPanel } from "./recommend-panel.js";
import { setupSpeedPanel } from "./speed-panel.js";
import { setupSurfacePanel } from "./surface-panel.js";
import { setupTrainPanel } from "./train-panel.js";

function setupTabs(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>(".tab")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
      for (const p of document.querySelectorAll(".panel"))
        p.classList.toggle("active", p.id === `panel-${tab.dataset.panel}`);
    });
  }
}

async function describeEnvironment(): Promise<void> {
  const env = byId("env", HTMLSpanElement);
  const threads = threadsAvailable();
  const backend = await createBackend("wasm", "float64", threads ? 2 : 1);
  const binary = backend.kind === "wasm-threads" ? "threads" : backend.kind === "wasm-simd" ? "simd" : "scalar";
  document.body.dataset.isolated = String(globalThis.crossOriginIsolated === true);
  document.body.dataset.binary = binary;
  env.textContent = `WebAssembly build: ${binary}${threads ? " (2 workers)" : ""} · cross-origin isolated: ${globalThis.crossOriginIsolated === true ? "yes" : "no"}`;
}

async function main(): Promise<void> {
  setupTabs();
  const text = await (await fetch("/data/diabetes.csv")).text();
  const { header, rows } = await parseCsvText(text);
  setupSurfacePanel({ header, rows, target: "progression" }, "bmi");
  setupTrainPanel();
  setupPlaygroundPanel();
  setupRecommendPanel();
  setupSpeedPanel();
  await describeEnvironment();
  document.body.dataset.ready = "true";
}

main().catch((err: unknown) => {
  const env = document.getElementById("env");
  if (env !== null) env.textContent = `lab failed to start: ${(err as Error).message}`;
  document.body.dataset.ready = "error";
});
