import { Arena } from "./arena.js";
import { isNode } from "./is-node.js";
import type { KernelExports } from "./kernel-exports.js";
import { loadModule } from "./load-module.js";
import { WASM_BUILDS, type WasmVariant } from "./wasm-variant.js";

/** Initial memory of a runtime, in 64 KiB pages (matches asconfig.json). */
const INITIAL_PAGES = 16;
/** Upper bound of a runtime's memory in pages: 4 GiB, the wasm32 limit. */
const MAXIMUM_PAGES = 65536;

/** One instantiated build: its exports, the memory it works in and the arena that carves it up. */
export interface WasmRuntime {
  readonly variant: WasmVariant;
  /** The compiled module (workers instantiate it over the same shared memory). */
  readonly module: WebAssembly.Module;
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  /**
   * 16 bytes kept for the shuffle kernels' generator state (four u32 words), copied in and out
   * around each synchronous call, so concurrent fits can share it.
   */
  readonly rngState: number;
}

const runtimes = new Map<WasmVariant, Promise<WasmRuntime | null>>();

async function create(variant: WasmVariant): Promise<WasmRuntime | null> {
  // Without SharedArrayBuffer a shared build cannot run: say so before fetching it.
  const { shared } = WASM_BUILDS[variant];
  if (shared && typeof SharedArrayBuffer === "undefined") return null;
  const module = await loadModule(variant);
  if (module === null) return null;
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
  const imports = { env: { memory } };
  // Synchronous in Node for the reason given in load-module.ts.
  const instance = isNode()
    ? new WebAssembly.Instance(module, imports)
    : await WebAssembly.instantiate(module, imports);
  const arena = new Arena(memory);
  return {
    variant,
    module,
    exports: instance.exports as unknown as KernelExports,
    memory,
    arena,
    rngState: arena.alloc(16),
  };
}

/**
 * The process-wide runtime of a build (one memory and arena per build, shared by every model, so
 * concurrent fits each hold their own blocks of it); `null` when the engine cannot run that build.
 */
export function getRuntime(variant: WasmVariant): Promise<WasmRuntime | null> {
  let p = runtimes.get(variant);
  if (p === undefined) {
    p = create(variant);
    runtimes.set(variant, p);
    p.catch(() => runtimes.delete(variant));
  }
  return p;
}
