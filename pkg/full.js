// Everything pullspec offers in every runtime: the offline part (core.js) plus the credential
// keyring, the registry client and the online manifest checks. Node adds file and process access
// in node.js.
export * from "./core.js";
export * from "./auth.js";
export { RegistryClient, progressTracker, MAX_CONCURRENCY, MAX_MEMORY_BLOB_SIZE } from "./registry.js";
export * from "./manifests-online.js";
