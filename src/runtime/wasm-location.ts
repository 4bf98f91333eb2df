let base: URL = new URL("../wasm/", import.meta.url);

/**
 * Overrides the folder the `.wasm` files are loaded from (a URL ending in `/`). By default they sit
 * in `dist/wasm/`, next to the JS, so neither Node nor a browser needs this.
 */
export function setWasmLocation(folder: string | URL): void {
  const url = new URL(folder.toString());
  base = url.href.endsWith("/") ? url : new URL(`${url.href}/`);
}

/** Full URL of a `.wasm` file in the current location. */
export function wasmUrl(file: string): URL {
  return new URL(file, base);
}
