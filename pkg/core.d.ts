// Types of `pullspec/core`: the offline, synchronous part (references, pull policy, platforms,
// manifests and selection, digests, YAML, the Kubernetes manifest checks), on the small module.
export * from "./errors.js";
export * from "./references.js";
export * from "./policy.js";
export * from "./multiarch.js";
export * from "./manifests.js";
