// Tests import the TypeScript sources; point the loader at the freshly compiled builds.
import { setWasmLocation } from "../src/runtime/wasm-location.js";

setWasmLocation(new URL("../build/", import.meta.url));
