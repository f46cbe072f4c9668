// Entry point for browsers and bundlers: fetches and instantiates the WebAssembly module once,
// with top-level await, so `import { parseReference } from "pullspec"` is ready to use.
import * as bindings from "./gen/pullspec.js";
import { connect } from "./runtime.js";

connect(bindings, await bindings.default({ module_or_path: new URL("./gen/pullspec_bg.wasm", import.meta.url) }), { full: true });

export * from "./full.js";
