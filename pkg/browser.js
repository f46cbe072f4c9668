// Entry point for browsers and bundlers: fetches and instantiates the WebAssembly module once,
// with top-level await, so `import { parseReference } from "pullspec"` is ready to use.
import init from "./gen/pullspec.js";
import { connect } from "./runtime.js";

connect(await init({ module_or_path: new URL("./gen/pullspec_bg.wasm", import.meta.url) }));

export * from "./api.js";
