// `pullspec demo`: every capability on the bundled examples, as the README's first command shows it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "./helpers.mjs";

test("demo runs every section on the bundled examples and reports them as JSON", () => {
  const r = cli(["demo", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.slice(0, r.stdout.lastIndexOf("\n{"));
  for (const heading of ["Kubernetes manifests", "Image inventory", "Image references and pull policy", "AlwaysPullImages admission", "Multi-architecture selection", "Manifest validation", "Credentials the kubelet tries"]) {
    assert.match(text, new RegExp(`== ${heading}`));
  }
  const report = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf("\n{") + 1));
  assert.deepEqual(report.manifests["manifests/bad-images.yaml"][0], { code: "IMAGE_INVALID", line: 9, column: 12 });
  assert.deepEqual(report.manifests.images, ["registry.k8s.io/pause-arm64:3.9", "ghcr.io/example/tools:1.0", "busybox", "gcr.io/project/app:v2"]);
  assert.equal(report.multiarch.chosen["linux/s390x"], null);
  assert.ok(report.multiarch.chosen["linux/arm/v8"]);
  assert.ok(report.multiarch.problems.includes("DUPLICATE_KEY"));
  assert.deepEqual(report.credentials, ["team", "node"]);
  assert.doesNotMatch(r.stdout, /s3cret|n0de|t0ken/);
});
