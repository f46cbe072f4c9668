import { test } from "node:test";
import assert from "node:assert/strict";
import {
  defaultPullPolicy, pullDecision, applyAlwaysPullImages, alwaysPullImagesAdmission,
  requiresCredentialVerification, validateAllowlistPattern, PullspecError,
} from "../../pkg/node.js";
import { vectors } from "./helpers.mjs";

const cases = vectors("pull_policy.json").cases;

test("API-server defaulting matches Kubernetes on every vector", () => {
  for (const c of cases.filter((c) => c.kind === "container_defaulting")) {
    const d = defaultPullPolicy(c.input.image, c.input.imagePullPolicy);
    assert.equal(d.policy, c.expected.imagePullPolicy, c.id);
    assert.equal(d.tag ?? "", c.expected.parsed_tag, c.id);
    assert.equal(d.digest, c.expected.parsed_digest, c.id);
    assert.match(d.reason, /\w+ \w+/, c.id);
  }
});

test("kubelet decisions match Kubernetes on every vector", () => {
  for (const c of cases.filter((c) => c.kind.startsWith("kubelet_pull_decision"))) {
    const inspectError = c.input.runtime_image_status === "inspect_error" || c.input.image_present === null;
    const d = pullDecision(c.input.imagePullPolicy, Boolean(c.input.image_present), {
      inspectError, mustAttemptImagePull: c.input.must_attempt_image_pull ?? undefined,
    });
    const got = d.pull ? "pull" : d.error ? "error" : "use_local";
    assert.equal(got, c.expected.decision, c.id);
    if (c.expected.error) assert.equal(d.error, c.expected.error, c.id);
  }
});

test("AlwaysPullImages admission matches Kubernetes on every vector", () => {
  for (const c of cases.filter((c) => c.kind === "always_pull_images_admission")) {
    const out = alwaysPullImagesAdmission(c.input);
    if ("ignored" in c.expected) assert.equal(out.ignored, c.expected.ignored, c.id);
    if (c.expected.mutated_policies) {
      for (const [list, policies] of Object.entries(c.expected.mutated_policies)) {
        assert.deepEqual((out.object[list] ?? []).map((x) => x.imagePullPolicy), policies, `${c.id} ${list}`);
      }
    }
  }
});

test("credential verification policies and allowlist patterns match the kubelet", () => {
  for (const c of cases.filter((c) => c.kind === "credential_verification_policy")) {
    const got = requiresCredentialVerification(c.input.imagePullCredentialsVerificationPolicy, c.input.image, {
      allowlist: c.input.preloadedImagesVerificationAllowlist ?? [], pulledByKubelet: c.input.image_pulled_by_kubelet,
    });
    assert.equal(got, c.expected.require_credential_verification, c.id);
  }
  for (const c of cases.filter((c) => c.kind === "allowlist_pattern_validation")) {
    let valid = true;
    try {
      const p = validateAllowlistPattern(c.input.pattern);
      if ("is_wildcard" in c.expected) assert.equal(p.isWildcard, c.expected.is_wildcard, c.id);
    } catch (e) {
      assert.equal(e.code, "ALLOWLIST_PATTERN_INVALID");
      valid = false;
    }
    assert.equal(valid, c.expected.valid, c.id);
  }
});

test("applyAlwaysPullImages returns a changed copy of pods, specs and templates", () => {
  const pod = { kind: "Pod", metadata: { name: "p" }, spec: {
    initContainers: [{ name: "i", image: "init:1" }],
    containers: [{ name: "a", image: "nginx:1.25", imagePullPolicy: "IfNotPresent" }],
    ephemeralContainers: [{ name: "e", image: "busybox", imagePullPolicy: "Never" }],
  } };
  const out = applyAlwaysPullImages(pod);
  assert.notEqual(out, pod);
  assert.equal(pod.spec.containers[0].imagePullPolicy, "IfNotPresent", "input unchanged");
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    assert.ok(out.spec[list].every((c) => c.imagePullPolicy === "Always"), list);
  }
  assert.deepEqual(out.metadata, pod.metadata);
  const deployment = applyAlwaysPullImages(JSON.stringify({ kind: "Deployment", spec: { template: { spec: { containers: [{ image: "x" }] } } } }));
  assert.equal(deployment.spec.template.spec.containers[0].imagePullPolicy, "Always");
  assert.throws(() => applyAlwaysPullImages({ kind: "ConfigMap", data: {} }), (e) => e.code === "POD_SPEC_NOT_FOUND");
  assert.throws(() => applyAlwaysPullImages({ spec: { containers: "nope" } }), (e) => e.code === "POD_SPEC_INVALID" && e.path === "spec.containers");
});

test("invalid policies are refused with a hint", () => {
  assert.throws(() => defaultPullPolicy("nginx", "always"), (e) => e instanceof PullspecError && e.code === "POLICY_INVALID" && /did you mean "Always"/.test(e.message));
  assert.throws(() => pullDecision("Sometimes", true), (e) => e.code === "POLICY_INVALID");
  assert.throws(() => pullDecision("Never", "yes"), (e) => e.code === "INVALID_ARGUMENT");
});
