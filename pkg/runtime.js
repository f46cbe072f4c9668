// Internal: the instantiated wasm module, shared by the entry modules and api.js.
import { registerErrorClass } from "./gen/pullspec.js";
import { PullspecError } from "./errors.js";

/** @type {{ raw: WebAssembly.Exports & { memory: WebAssembly.Memory } | null }} */
export const state = { raw: null };

/** Called once by node.js / browser.js with the instance exports. */
export function connect(raw) {
  state.raw = raw;
  registerErrorClass(PullspecError);
}
