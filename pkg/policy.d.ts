// Types of pull policy (policy.js).

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

