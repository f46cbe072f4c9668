// Entry point of `pullspec/core` for Node.js: the offline part on the small WebAssembly module
// (no registry client, no credentials), loaded synchronously.
import { readFileSync } from "node:fs";
import * as bindings from "./gen/pullspec_core.js";
import { connect } from "./runtime.js";

connect(bindings, bindings.initSync({ module: readFileSync(new URL("./gen/pullspec_core_bg.wasm", import.meta.url)) }), { full: false });

export * from "./core.js";
