// Pull policy: the API server's defaulting of imagePullPolicy, AlwaysPullImages admission, the
// kubelet's pull decision and its credential verification policies. The rules live in Rust
// (src/policy/). Types: index.d.ts.
import { gen } from "./runtime.js";
import { requireString } from "./args.js";

export function defaultPullPolicy(image, policy = null) {
  requireString(image, "image");
  if (policy !== null && policy !== undefined) requireString(policy, "policy");
  return gen.defaultPullPolicy(image, policy ?? undefined);
}

export function pullDecision(policy, imagePresent, options = undefined) {
  requireString(policy, "policy");
  return gen.pullDecision(policy, imagePresent, options);
}

export const applyAlwaysPullImages = (pod) => gen.applyAlwaysPullImages(pod);
export const alwaysPullImagesAdmission = (request) => gen.alwaysPullImagesAdmission(request);

/** Whether the kubelet must verify the pod's credentials for an image it already has (KEP-2535). */
export function requiresCredentialVerification(policy, image, options = undefined) {
  requireString(policy, "policy");
  requireString(image, "image");
  return gen.requiresCredentialVerification(policy, image, options);
}

/** Checks an allowlist pattern of the `NeverVerifyAllowlistedImages` policy. */
export function validateAllowlistPattern(pattern) {
  requireString(pattern, "pattern");
  return gen.validateAllowlistPattern(pattern);
}
