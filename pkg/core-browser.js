// Entry point of `pullspec/core` for browsers and bundlers: the offline part on the small
// WebAssembly module (what editors load), instantiated once with top-level await.
import * as bindings from "./gen/pullspec_core.js";
import { connect } from "./runtime.js";

connect(bindings, await bindings.default({ module_or_path: new URL("./gen/pullspec_core_bg.wasm", import.meta.url) }), { full: false });

export * from "./core.js";
