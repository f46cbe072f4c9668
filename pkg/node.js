// Entry point for Node.js (and other runtimes resolving the "node" condition): loads the
// WebAssembly module synchronously from the package folder, so importing is enough.
import { readFileSync } from "node:fs";
import * as bindings from "./gen/pullspec.js";
import { connect } from "./runtime.js";

connect(bindings, bindings.initSync({ module: readFileSync(new URL("./gen/pullspec_bg.wasm", import.meta.url)) }), { full: true });

export * from "./full.js";
export * from "./node-auth.js";
export * from "./node-registry.js";
