// Entry point for Node.js (and other runtimes resolving the "node" condition): loads the
// WebAssembly module synchronously from the package folder, so importing is enough.
import { readFileSync } from "node:fs";
import { initSync } from "./gen/pullspec.js";
import { connect } from "./runtime.js";

connect(initSync({ module: readFileSync(new URL("./gen/pullspec_bg.wasm", import.meta.url)) }));

export * from "./api.js";
export * from "./node-auth.js";
export * from "./node-registry.js";
