// The offline, synchronous part of pullspec (`pullspec/core`): references, pull policy,
// platforms, manifests and selection, digests, YAML and the Kubernetes manifest checks. It never
// loads the registry client or the credential keyring; the entry modules load the WebAssembly
// module it runs on (core-node.js, core-browser.js: the small one; node.js, browser.js: the full one).
export * from "./references.js";
export * from "./policy.js";
export * from "./multiarch.js";
export * from "./manifests.js";
