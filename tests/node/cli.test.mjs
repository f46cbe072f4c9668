// The command line (pkg/cli.js) in a child process: the command list and help, exit codes and
// usage errors, and the simple commands (ref, policy, platform, select, manifest, demo, creds).
// Big topics have their own files: cli-check (check, images), cli-inputs (files and standard input
// that must be refused at once), cli-escape (outside text on the terminal), cli-registry and
// cli-pull (the registry commands, against the local registry harness).
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, delimiter } from "node:path";
import { parseManifest } from "../../pkg/node.js";
import { cli, root, scratch } from "./helpers.mjs";
import { b64, dockerconfigjson, kubeletFiles, providerPlugins, credentialHelper } from "./credential-fixtures.mjs";

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

// ---------------------------------------------------------------------------------------------
// pullspec creds, on the files and programs auth.test.mjs gives the API (credential-fixtures.mjs).
const dir = scratch("pullspec-cli-creds-");

describe("creds: real kubelet files", () => {
  let root, home, cwd;
  before(() => ({ root, home, cwd } = kubeletFiles(dir)));

  test("CLI: creds with --kubelet-root uses the search path, redacts, explains", () => {
    const env = { ...process.env, HOME: home };
    const r = cli(["creds", "registry.example.com/team/app:1.0", "--kubelet-root", root], { env, cwd });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /lookup key: registry\.example\.com\/team\/app/);
    assert.ok(r.stdout.includes(`config:     ${join(home, ".docker", "config.json")} (kubelet search path)`), r.stdout);
    assert.match(r.stdout, /1\. alice:<redacted>  from config:/);
    assert.doesNotMatch(r.stdout + r.stderr, /alice-file-pw|legacy-pw/);

    const ex = cli(["creds", "registry.example.com/team/app", "--kubelet-root", root, "--explain"], { env, cwd });
    assert.equal(ex.status, 0, ex.stderr);
    assert.ok(ex.stdout.includes(`${join(root, "config.json")}: skipped: does not decode`), ex.stdout);
    assert.ok(ex.stdout.includes(`${join(cwd, "config.json")}: skipped: read error`), ex.stdout);
    assert.ok(ex.stdout.includes(`${join(home, ".dockercfg")}: not consulted`), ex.stdout);
    assert.match(ex.stdout, /node:registry\.example\.com: matched/);
    assert.doesNotMatch(ex.stdout, /alice-file-pw/);

    const shown = cli(["creds", "registry.example.com/team/app", "--kubelet-root", root, "--show-secrets"], { env, cwd });
    assert.match(shown.stdout, /alice:alice-file-pw/);

    const json = cli(["creds", "registry.example.com/team/app", "--kubelet-root", root, "--json", "--explain"], { env, cwd });
    assert.equal(json.status, 0, json.stderr);
    const j = JSON.parse(json.stdout);
    assert.equal(j.lookupKey, "registry.example.com/team/app");
    assert.equal(j.kubeletConfig.used, join(home, ".docker", "config.json"));
    assert.equal(j.credentials[0].password, "<redacted>");
    assert.equal(j.explanation.considered[0].matched, true);
    assert.doesNotMatch(json.stdout, /alice-file-pw/);

    const anon = cli(["creds", "quay.io/other/app", "--kubelet-root", root], { env, cwd });
    assert.equal(anon.status, 0, anon.stderr);
    assert.match(anon.stdout, /no credentials: anonymous pull/);
  });

  test("CLI: --config and --secret files; bad input exits 1, usage exits 2", () => {
    const d = dir("cli-files");
    const cfg = join(d, "config.json");
    writeFileSync(cfg, dockerconfigjson({ "r.example.com": { username: "cfg", password: "cfg-secret-pw" } }));
    const secret = join(d, "secret.yaml");
    writeFileSync(secret, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(dockerconfigjson({ "r.example.com": { username: "pod", password: "pod-secret-pw" } }))}\n`);
    const r = cli(["creds", "r.example.com/app", "--config", cfg, "--secret", secret]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1\. pod:<redacted>  from secret\/regcred:r\.example\.com/);
    assert.match(r.stdout, /2\. cfg:<redacted>  from config:/);
    assert.ok(r.stdout.includes(`config:     ${cfg} (given, json)`), r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /secret-pw/);

    const bad = join(d, "bad.yaml");
    writeFileSync(bad, "kind: Secret\nmetadata:\n  name: broken\ndata: [\n");
    const b = cli(["creds", "r.example.com/app", "--config", cfg, "--secret", bad]);
    assert.equal(b.status, 1);
    assert.ok(b.stderr.includes(`SECRET_INVALID: ${bad}: pull secret "broken": not valid YAML`), b.stderr);
    // A file that cannot be read is exit 2, as for every command (cli.js), in one line.
    const missing = cli(["creds", "r.example.com/app", "--config", join(d, "missing.json")]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^pullspec creds: docker config .*missing\.json: cannot read: ENOENT\n$/);
    assert.equal(cli(["creds"]).status, 2);
    assert.equal(cli(["creds", "a", "b"]).status, 2);
    assert.equal(cli(["creds", "r.example.com/app", "--provider-config", cfg]).status, 2);
  });
});

describe("creds: exec credential provider (a real plugin)", () => {
  let bin, config;
  before(() => ({ bin, config } = providerPlugins(dir)));

  test("CLI: --provider-config with --provider-bin", () => {
    const d = dir("cli-provider");
    const cfgPath = join(d, "providers.yaml");
    writeFileSync(cfgPath, config("Image", null));
    const r = cli(["creds", "a.plugin.example/team/app", "--provider-config", cfgPath, "--provider-bin", bin, "--kubelet-root", d, "--explain"], { env: { ...process.env, HOME: d }, cwd: d });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1\. u-team-app:<redacted>  from provider\/fake-plugin:\*\.plugin\.example/);
    assert.match(r.stdout, /provider fake-plugin: ran; response cached under a\.plugin\.example\/team\/app/);
    assert.doesNotMatch(r.stdout, /plugin-secret/);
    const fail = cli(["creds", "a.plugin.example/fail", "--provider-config", cfgPath, "--provider-bin", bin, "--kubelet-root", d], { env: { ...process.env, HOME: d }, cwd: d });
    assert.equal(fail.status, 0, fail.stderr);
    assert.match(fail.stderr, /warning: PROVIDER_FAILED: .*boom/);
    assert.match(fail.stdout, /no credentials: anonymous pull/);
  });
});

describe("creds: docker credential helpers (opt-in)", () => {
  let helperBin, counter, helperCalls, cfgText;
  const savedPath = process.env.PATH;
  before(() => ({ helperBin, counter, calls: helperCalls, cfgText } = credentialHelper(dir)));

  test("CLI: --credential-helpers opts in", () => {
    const home = dir("cli-helper-home");
    mkdirSync(join(home, ".docker"));
    writeFileSync(join(home, ".docker", "config.json"), cfgText);
    const env = { ...process.env, HOME: home, PATH: `${helperBin}${delimiter}${savedPath}` };
    const args = ["creds", "helper.example.com/app", "--kubelet-root", dir("k3")];
    rmSync(counter, { force: true });
    const off = cli(args, { env, cwd: home });
    assert.equal(off.status, 0, off.stderr);
    assert.doesNotMatch(off.stdout, /helper\/test/);
    assert.deepEqual(helperCalls(), []);
    const on = cli([...args, "--credential-helpers"], { env, cwd: home });
    assert.equal(on.status, 0, on.stderr);
    assert.match(on.stdout, /hu:<redacted>  from helper\/test:helper\.example\.com/);
    assert.doesNotMatch(on.stdout, /helper-secret-pw/);
  });
});
