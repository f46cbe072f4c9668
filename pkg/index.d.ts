// Types of the pullspec package. Every function throws PullspecError (never a bare Error) on
// bad input; `code` is stable and safe to switch on.

/** The error class of every failure: a stable `code`, a message for people, and where it applies. */
export class PullspecError extends Error {
  readonly name: "PullspecError";
  /** Stable machine-readable code, e.g. `INVALID_REFERENCE_FORMAT`, `DIGEST_MISMATCH`. */
  readonly code: PullspecErrorCode | (string & {});
  /** Index into the string that was parsed (UTF-16 code units, like every JS string index). */
  readonly offset?: number;
  /** JSON path of the offending value in a document, e.g. `manifests[2].platform.architecture`. */
  readonly path?: string;
  /** With `INVALID_ARGUMENT`: the option that was refused, e.g. `options.concurrency`. */
  readonly option?: string;
  /** Extra fields of some codes (`expected`/`actual` of `DIGEST_MISMATCH`, ...). */
  readonly [field: string]: unknown;
  constructor(message: string, fields: { code: string; offset?: number; path?: string; [k: string]: unknown });
}

/** The codes of the reference parser. */
export type ReferenceErrorCode =
  | "NAME_EMPTY"
  | "INVALID_REFERENCE_FORMAT"
  | "NAME_CONTAINS_UPPERCASE"
  | "NAME_TOO_LONG"
  | "NAME_NOT_CANONICAL"
  | "DIGEST_INVALID_FORMAT"
  | "DIGEST_INVALID_LENGTH"
  | "DIGEST_UNSUPPORTED"
  | "AMBIGUOUS_IMAGE_ID";

/** The codes of the pull-policy functions. */
export type PolicyErrorCode =
  | "POLICY_INVALID"
  | "POD_SPEC_NOT_FOUND"
  | "POD_SPEC_INVALID"
  | "ALLOWLIST_PATTERN_INVALID";

/** Every code pullspec throws. */
export type PullspecErrorCode =
  | ReferenceErrorCode
  | PolicyErrorCode
  | import("./multiarch.js").MultiarchErrorCode
  | import("./auth.js").AuthErrorCode
  /** An argument or option is not what the function documents (never silently defaulted). */
  | "RULE_UNKNOWN"
  | "SEVERITY_INVALID"
  | "INVALID_ARGUMENT"
  /** A guarantee pullspec checks on itself did not hold (a bug: please report it). */
  | "INTERNAL"
  | "INVALID_JSON"
  | "INVALID_STATE";

// ---------------------------------------------------------------------------------------------
// Image references

/** A parsed, normalized image reference (Kubernetes semantics). */
export interface ImageReference {
  /** `docker.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  /** `library/nginx`. */
  repository: string;
  /** As written; never defaulted. */
  tag: string | null;
  /** `sha256:...`. */
  digest: string | null;
  /** `registry/repository`: what the kubelet looks credentials up by. */
  name: string;
  /** `name[:tag][@digest]`. */
  normalized: string;
  /** Shortest equivalent form: `nginx`, `user/app:1.0`, `localhost:5000/app`. */
  familiar: string;
  /** `normalized`, plus `:latest` when there is neither tag nor digest. */
  withDefaultTag: string;
}

/** A reference parsed without normalization (distribution's `Parse`). */
export interface RawReference {
  /** The domain when the grammar finds one, else null (no Docker Hub defaulting). */
  domain: string | null;
  path: string;
  tag: string | null;
  digest: string | null;
  name: string;
  string: string;
}

/**
 * Parses an image reference as Kubernetes does (distribution/reference `ParseNormalizedNamed`):
 * `nginx` is `docker.io/library/nginx`; the tag is not defaulted.
 * @throws PullspecError with a {@link ReferenceErrorCode} and `offset`.
 * @example parseReference("nginx:1.25").normalized === "docker.io/library/nginx:1.25"
 */
export function parseReference(input: string): ImageReference;

/**
 * Parses many references in one call (faster than a loop). An invalid input yields its
 * PullspecError in place, not thrown; those errors carry no stack trace (they are values, and
 * capturing one costs more than parsing).
 */
export function parseReferences(inputs: readonly string[]): (ImageReference | PullspecError)[];

/** Accepts only fully qualified canonical references (`docker.io/library/nginx:1.25`); else `NAME_NOT_CANONICAL`. */
export function parseCanonicalReference(input: string): ImageReference;

/** Parses without normalization: no `docker.io`, no `library/`; a domain only where the grammar sees one. */
export function parseRawReference(input: string): RawReference;

/** `registry.k8s.io/pause` + `amd64` -> `registry.k8s.io/pause-amd64` (tag and digest kept; familiar form). */
export function withArchSuffix(image: string, arch: string): string;

/** `registry.k8s.io/pause-amd64` -> `{ image: "registry.k8s.io/pause", arch: "amd64" }`; null without a known `-$(ARCH)` suffix. */
export function splitArchSuffix(image: string): { image: string; arch: string } | null;

/** The kubelet's `applyDefaultImageTag`: the image as written, plus `:latest` when it has neither tag nor digest. */
export function kubeletImageWithDefaultTag(image: string): string;

// ---------------------------------------------------------------------------------------------
// Pull policy

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

/**
 * The API server's defaulting of `imagePullPolicy`: `Always` when the tag is `latest` (written,
 * or implied by neither tag nor digest; even with a digest), else `IfNotPresent` (also for an image
 * that does not parse). A given policy must be one of the three values (`POLICY_INVALID`).
 */
export function defaultPullPolicy(
  image: string,
  policy?: string | null,
): { policy: PullPolicy; reason: string; defaulted: boolean; tag: string | null; digest: string | null };

/**
 * The kubelet's decision: Always pulls; IfNotPresent pulls only when the image is absent; Never
 * uses the local image or fails with `ErrImageNeverPull`. With `KubeletEnsureSecretPulledImages`,
 * pass `mustAttemptImagePull` (credentials of a present image must be re-verified).
 */
export function pullDecision(
  policy: string,
  imagePresent: boolean,
  options?: { inspectError?: boolean; mustAttemptImagePull?: boolean },
): { pull: boolean; error: "ErrImageNeverPull" | "ImageInspectError" | null; reason: string };

/**
 * The AlwaysPullImages admission controller on CREATE: a copy of the Pod (or bare pod spec, or
 * workload with a pod template) with every init, regular and ephemeral container set to `Always`.
 */
export function applyAlwaysPullImages<T extends object>(pod: T | string): T;

/** AlwaysPullImages on a full admission request, with upstream's ignore rules (subresources, other resources, updates adding no image). */
export function alwaysPullImagesAdmission(request: {
  operation: "CREATE" | "UPDATE" | string;
  resource?: string;
  subresource?: string;
  object: object;
  oldObject?: object | null;
}): {
  ignored: boolean;
  object: object;
  changed: string[];
  reason: string;
  /** What the validating half refuses in the request as sent. */
  violations: { path: string; value: string }[];
};

/** KEP-2535: must the pod's credentials be re-verified for a present image? */
export function requiresCredentialVerification(
  policy: "NeverVerify" | "NeverVerifyPreloadedImages" | "NeverVerifyAllowlistedImages" | "AlwaysVerify",
  image: string,
  options?: { allowlist?: string[]; pulledByKubelet?: boolean },
): boolean;

/** Validates a `preloadedImagesVerificationAllowlist` entry as the kubelet does. */
export function validateAllowlistPattern(pattern: string): { pattern: string; isWildcard: boolean };

export * from "./auth.js";
export * from "./node-auth.js";
export * from "./multiarch.js";
export * from "./manifests.js";
export * from "./registry.js";
export * from "./node-registry.js";
