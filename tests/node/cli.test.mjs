// The command line (pkg/cli.js) in a child process: the command list and help, exit codes and
// usage errors, and the simple commands (ref, policy, platform, select, manifest, demo, creds).
// Big topics have their own files: cli-check (check, images), cli-inputs (files and standard input
// that must be refused at once), cli-escape (outside text on the terminal), cli-registry and
// cli-pull (the registry commands, against the local registry harness).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseManifest } from "../../pkg/node.js";
import { cli, root } from "./helpers.mjs";

const examples = join(root, "pkg/examples");
const example = (name) => readFileSync(join(examples, name));

test("pullspec ref prints a table, --json for machines, exit 1 on invalid input", () => {
  const ok = cli(["ref", "nginx", "localhost:5000/app:1.0"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^INPUT\s+REGISTRY\s+REPOSITORY/);
  assert.match(ok.stdout, /nginx\s+docker\.io\s+library\/nginx/);
  const json = cli(["ref", "--json", "nginx:1.25", "Bad"]);
  assert.equal(json.status, 1);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed[0].reference.normalized, "docker.io/library/nginx:1.25");
  assert.equal(parsed[1].error.code, "NAME_CONTAINS_UPPERCASE");
  assert.match(json.stderr, /NAME_CONTAINS_UPPERCASE/);
});

test("pullspec policy prints the policy, the decision and the reason", () => {
  const r = cli(["policy", "nginx", "--absent"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /policy:\s+Always: defaults to Always/);
  assert.match(r.stdout, /absent : pull/);
  const never = cli(["policy", "nginx:1.25", "--policy", "Never", "--absent", "--json"]);
  assert.equal(never.status, 0, never.stderr);
  const j = JSON.parse(never.stdout);
  assert.equal(j.policy, "Never");
  assert.equal(j.decisions[0].error, "ErrImageNeverPull");
  const forced = cli(["policy", "nginx:1.25", "--always-pull-images", "--json"]);
  assert.equal(JSON.parse(forced.stdout).policy, "Always");
});

test("usage errors exit 2, invalid input exits 1", () => {
  assert.equal(cli([]).status, 2);
  assert.equal(cli(["nope"]).status, 2);
  assert.equal(cli(["ref"]).status, 2);
  assert.equal(cli(["ref", "--bogus", "x"]).status, 2);
  assert.equal(cli(["policy", "nginx", "--present", "--absent"]).status, 2);
  const bad = cli(["policy", "nginx", "--policy", "always"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /POLICY_INVALID/);
});

describe("command line", () => {
  test("ref and policy read one image a line from standard input", () => {
    const r = cli(["ref", "-"], { input: "nginx\nNginx:1\n" });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^INPUT\s+REGISTRY/);
    assert.match(r.stdout, /\nnginx\s+docker\.io\s+library\/nginx/);
    assert.match(r.stderr, /invalid "Nginx:1": NAME_CONTAINS_UPPERCASE/);
    const json = cli(["ref", "--json", "busybox", "-"], { input: "\r\n  quay.io/a/b:1  \r\n\n" });
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).map((x) => x.reference.normalized), ["docker.io/library/busybox", "quay.io/a/b:1"]);
    const p = cli(["policy", "-", "--json", "--absent"], { input: "nginx:1.25\nnginx\n" });
    assert.equal(p.status, 0, p.stderr);
    assert.deepEqual(JSON.parse(p.stdout).map((x) => x.policy), ["IfNotPresent", "Always"]);
    const many = cli(["policy", "nginx", "Bad"]);
    assert.equal(many.status, 1);
    assert.match(many.stdout, /image:   nginx\n[\s\S]*\n\nimage:   Bad  \(does not parse/);
    assert.equal(cli(["ref", "-", "-"], { input: "x" }).status, 2);
  });

  test("help lists every command module; a usage error prints it on stderr", () => {
    const help = cli(["--help"]);
    assert.equal(help.status, 0);
    const listed = [...help.stdout.matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]);
    const modules = readdirSync(join(root, "pkg/commands")).filter((f) => f.endsWith(".js"))
      .filter((f) => /^export (async )?function run\b/m.test(readFileSync(join(root, "pkg/commands", f), "utf8")))
      .map((f) => f.slice(0, -3));
    assert.deepEqual([...listed].sort(), modules.sort());
    const none = cli([]);
    assert.equal(none.status, 2);
    assert.equal(none.stdout, "");
    assert.match(none.stderr, /^usage: pullspec <command>/);
    const checkHelp = cli(["check", "--help"]);
    assert.equal(checkHelp.status, 0);
    assert.match(checkHelp.stdout, /\.pullspec\.yaml/);
    assert.match(checkHelp.stdout, /IMAGE_LATEST_TAG\s+warning/);
  });
});

test("pullspec platform: short, full and normalized forms; --json; exit codes", () => {
  const r = cli(["platform", "linux/aarch64", "windows(10.0.20348+win32k)/amd64", "armhf"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^INPUT\s+PLATFORM\s+FULL\s+NORMALIZED/);
  assert.match(r.stdout, /linux\/aarch64\s+linux\/arm64\s+linux\/arm64\s+linux\/arm64/);
  assert.match(r.stdout, /windows\/amd64\s+windows\(10\.0\.20348\+win32k\)\/amd64/);
  assert.match(r.stdout, /armhf\s+linux\/arm\s+linux\/arm\s+linux\/arm\/v7/);
  const j = cli(["platform", "--json", "--host", "linux/arm64", "linux", "bad/pl atform"]);
  assert.equal(j.status, 1);
  const parsed = JSON.parse(j.stdout);
  assert.deepEqual(parsed[0].platform, { os: "linux", architecture: "arm64" });
  assert.equal(parsed[1].error.code, "INVALID_PLATFORM");
  assert.equal(parsed[1].error.offset, 6);
  const bad = cli(["platform", "linux/ar m"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /INVALID_PLATFORM/);
  assert.match(bad.stderr, /\n\s+\^/);
  assert.equal(cli(["platform"]).status, 2);
  assert.equal(cli(["platform", "--bogus"]).status, 2);
});

test("pullspec select: chosen descriptor and reason; exit 1 listing platforms when none", () => {
  const idx = join(examples, "oci-index.json");
  const r = cli(["select", idx, "--platform", "linux/arm64"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /chosen:\s+entry 1, linux\/arm64\/v8/);
  assert.match(r.stdout, /digest:\s+sha256:a6e9a29d85ed/);
  assert.match(r.stdout, /reason:\s+linux\/arm64\/v8 chosen: exact match for linux\/arm64/);
  const fallback = cli(["select", idx, "--platform", "linux/arm/v8", "--json"]);
  assert.equal(fallback.status, 0, fallback.stderr);
  const j = JSON.parse(fallback.stdout);
  assert.equal(j.selection.index, 2);
  assert.match(j.selection.reason, /via fallback/);
  assert.deepEqual(j.candidates.map((c) => c.index), [2]);
  assert.equal(j.mode, "only");
  const strict = cli(["select", idx, "--platform", "linux/arm/v8", "--mode", "strict"]);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /NO_MATCHING_PLATFORM.*available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7/);
  const host = cli(["select", join(examples, "windows-index.json"), "--host", "windows(10.0.20348.100)/amd64"]);
  assert.equal(host.status, 0, host.stderr);
  assert.match(host.stdout, /windows\(10\.0\.20348\.2966\)\/amd64/);
  const stdin = cli(["select", "-", "--platform", "linux/amd64"], { input: readFileSync(idx) });
  assert.match(stdin.stdout, /entry 0, linux\/amd64/);
  const invalid = cli(["select", join(examples, "invalid-manifest.json")]);
  assert.equal(invalid.status, 1);
  assert.match(invalid.stderr, /invalid-manifest\.json:26:5: DUPLICATE_KEY/);
  assert.equal(cli(["select", join(examples, "nope.json")]).status, 1);
  assert.equal(cli(["select"]).status, 2);
  assert.equal(cli(["select", idx, "--mode", "fuzzy"]).status, 2);
});

test("pullspec manifest validate: FILE:LINE:COL: CODE: message (path); exit 1 on errors", () => {
  const bad = join(examples, "invalid-manifest.json");
  const good = join(examples, "oci-index.json");
  const r = cli(["manifest", "validate", good, bad]);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0], /oci-index\.json: ok: index application\/vnd\.oci\.image\.index\.v1\+json, sha256:/);
  assert.equal(lines.length, 9);
  assert.match(lines[1], /invalid-manifest\.json:26:5: DUPLICATE_KEY: .* \(annotations\)$/);
  assert.match(r.stdout, /invalid-manifest\.json:14:15: DESCRIPTOR_SIZE_INVALID: .*found -632 \(manifests\[1\]\.size\)/);
  assert.match(r.stderr, /8 errors in 1 of 2 files/);
  const ok = cli(["manifest", "validate", good, join(examples, "oci-image-manifest.json")]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const json = cli(["manifest", "validate", "--json", bad]);
  assert.equal(json.status, 1);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed[0].valid, false);
  assert.equal(parsed[0].diagnostics.length, 8);
  const digests = cli(["manifest", "digest", join(examples, "oci-image-manifest.json")]);
  assert.equal(digests.status, 0);
  assert.equal(digests.stdout.split(" ")[0], parseManifest(example("oci-index.json")).manifests[0].digest);
  const syntax = cli(["manifest", "validate", "-"], { input: '{"schemaVersion":2,\n"manifests":[' });
  assert.equal(syntax.status, 1);
  assert.match(syntax.stdout, /^-:2:13: MANIFEST_INVALID_JSON: /);
  assert.equal(cli(["manifest", "validate", join(examples, "nope.json")]).status, 1);
  assert.equal(cli(["manifest"]).status, 2);
  assert.equal(cli(["manifest", "validate"]).status, 2);
  assert.equal(cli(["manifest", "frobnicate", good]).status, 2);
});

// `pullspec demo`: every capability on the bundled examples, as the README's first command shows it.
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
