// Internal: the instantiated WebAssembly module every part of the package calls. An entry module
// (node.js, browser.js: the full module; core-node.js, core-browser.js: the core one) loads its
// module and connects it here once; the other modules call `gen.<binding>` at call time.
import { PullspecError } from "./errors.js";

/** The generated bindings of the connected module (`pkg/gen/pullspec.js` or `pullspec_core.js`). */
export const gen = {};

/** @type {{ raw: WebAssembly.Exports & { memory: WebAssembly.Memory } | null, full: boolean }} */
export const state = { raw: null, full: false };

/**
 * Called by an entry module with its generated bindings and instance exports. When a page loads
 * both entries, the full module serves both (it has every binding of the core one).
 */
export function connect(bindings, raw, { full }) {
  if (state.raw && state.full && !full) return;
  Object.assign(gen, bindings);
  state.raw = raw;
  state.full = full;
  bindings.registerErrorClass(PullspecError);
}

/**
 * How the registry driver hashes blobs. Unset, the core hashes them in wasm (browsers, workers);
 * node-registry.js (imported by the Node entry only) registers `node:crypto`, several times faster.
 * A factory takes an algorithm name (`sha256`, `sha384`, `sha512`) and returns
 * `{ update(chunk), digest() }` (digest: `algorithm:hex` of everything so far, non-destructive),
 * or null for an algorithm it does not know.
 * @type {{ factory: ((algorithm: string) => { update(chunk: Uint8Array): void, digest(): string } | null) | null }}
 */
export const hashing = { factory: null };

/** Registers the blob hasher factory (see `hashing`). */
export function registerHasher(factory) {
  hashing.factory = typeof factory === "function" ? factory : null;
}
