// Types of the pullspec package (the full entry, `pullspec`): everything of `pullspec/core`, plus
// the credential keyring, the registry client and the online manifest checks; in Node, files and
// credential processes too.
export * from "./core.js";
export * from "./auth.js";
export * from "./node-auth.js";
export * from "./registry.js";
export * from "./manifests-online.js";
export * from "./node-registry.js";
