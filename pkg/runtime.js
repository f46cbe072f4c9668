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
