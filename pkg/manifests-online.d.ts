// Types of the online manifest checks (manifests-online.js), in the full entry only.
import type { Diagnostic, ValidateOptions } from "./manifests.js";

export interface CheckOptions extends ValidateOptions {
  /** The client that asks the registries (its keyring supplies credentials). */
  client: import("./registry.js").RegistryClient;
  /** Platforms of the cluster's nodes (`linux/amd64`, ...): an image must cover every one a pod can land on. A pod's own node selection on `kubernetes.io/arch`/`os` narrows (or, without this option, defines) them. */
  clusterPlatforms?: (string | import("./multiarch.js").Platform)[];
  /** Requests per registry at a time (1-64, default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Share one Map between calls (e.g. over the files of a run) to ask each image, and try each unreachable registry, once. */
  cache?: Map<string, unknown>;
}

/**
 * `validateManifests` plus the online checks: each distinct image is asked of its registry once
 * (`IMAGE_NOT_FOUND`, `CREDENTIALS_MISSING`, `PLATFORM_NOT_COVERED`), a registry that cannot be
 * reached is reported once (`REGISTRY_UNREACHABLE`), and an image with a tag but no digest gets a
 * "Pin to digest" fix, on its `IMAGE_NOT_PINNED` diagnostic when that rule is on, else on its
 * `IMAGE_LATEST_TAG` or `IMAGE_NO_TAG` warning, else on its `PULL_POLICY_EFFECTIVE` hint. Rejects only for bad options or an aborted signal.
 */
export function checkManifests(text: string, options: CheckOptions): Promise<Diagnostic[]>;
