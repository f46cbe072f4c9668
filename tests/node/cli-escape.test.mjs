// Text from outside never reaches the terminal raw: a hostile registry (a local HTTP server of
// this test on 127.0.0.1) lists tags holding ESC/OSC/CSI sequences, CR, a C1 CSI and names that
// break the tag grammar, answers an error whose message fakes a "pulled OK" line, and serves an
// image whose config fields carry control sequences; files and standard input carry them too.
// The CLI prints tags that are tags, skips the others with one escaped warning each, and escapes
// every control character of outside text (`\x1b`, `\u009b`) in its text output and error lines.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliAsync } from "./helpers.mjs";

/** Any control character a terminal may act on: C0 but newline, DEL, C1. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const HOSTILE_TAGS = [
  "v1",
  "\u001b]0;pwned\u0007",
  "ok\u001b[2K\rpulled OK",
  "bad tag",
  "x".repeat(200),
  ".hidden",
  "\u009b31mred",
  "v2",
];
const FAKE = "\u001b[2K\r\u001b[32mpulled docker.io/library/nginx OK\u001b[0m\nfake line \u009b31m";

const sha256 = (b) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const config = Buffer.from(JSON.stringify({
  architecture: "amd64",
  os: "linux",
  created: "\u001b]0;retitled\u0007 2025",
  config: { Entrypoint: ["/bin/sh\u009b31m"], Cmd: ["\u001b[2J"] },
  rootfs: { type: "layers", diff_ids: [] },
}));
const manifest = Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: `sha256:${"a".repeat(64)}`, size: 10 }],
}));

let server, host, tmp;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "pullspec-escape-"));
  server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const json = (status, body, headers = {}) => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": bytes.length, ...headers });
      res.end(req.method === "HEAD" ? undefined : bytes);
    };
    if (url.pathname === "/v2/") return json(200, {});
    if (url.pathname === "/v2/hostile/tags/list") return json(200, { name: "hostile", tags: HOSTILE_TAGS });
    if (url.pathname === "/v2/denied/tags/list") return json(403, { errors: [{ code: "DENIED", message: FAKE }] });
    if (url.pathname === "/v2/img/manifests/1.0" || url.pathname === `/v2/img/manifests/${sha256(manifest)}`) {
      return json(200, manifest, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": sha256(manifest) });
    }
    if (url.pathname === `/v2/img/blobs/${sha256(config)}`) {
      return json(200, config, { "Content-Type": "application/octet-stream", "Docker-Content-Digest": sha256(config) });
    }
    json(404, { errors: [{ code: "NAME_UNKNOWN", message: "no such thing" }] });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${server.address().port}`;
});
after(async () => {
  server?.closeAllConnections?.();
  await new Promise((resolve) => server?.close(resolve) ?? resolve());
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process (the server answers from it). */
function cli(args, { input, cwd } = {}) {
  // The registry commands get an empty kubelet root: no credentials of this machine are read.
  const registry = ["tags", "inspect"].includes(args[0]) ? ["--kubelet-root", join(tmp, "none")] : [];
  return cliAsync([...args, ...registry], { input: input ?? "", cwd: cwd ?? tmp, env: { ...process.env, HOME: tmp }, timeout: 20_000 });
}

function noRawControls(r) {
  assert.doesNotMatch(r.stdout, RAW_CONTROL, `stdout holds a raw control character: ${JSON.stringify(r.stdout)}`);
  assert.doesNotMatch(r.stderr, RAW_CONTROL, `stderr holds a raw control character: ${JSON.stringify(r.stderr)}`);
}

describe("a hostile registry", () => {
  test("tags: only names of the tag grammar are printed; each other one is skipped with one escaped warning", async () => {
    const r = await cli(["tags", `${host}/hostile`]);
    assert.equal(r.status, 0, r.stderr);
    noRawControls(r);
    assert.deepEqual(r.stdout.trim().split("\n"), ["v1", "v2"]);
    const warnings = r.stderr.trim().split("\n");
    assert.equal(warnings.length, 6, r.stderr);
    for (const w of warnings) assert.match(w, /^pullspec tags: warning: skipped a tag the registry listed that is not a valid tag name: /);
    assert.ok(r.stderr.includes(String.raw`: "\u001b]0;pwned\u0007"`), r.stderr);
    assert.ok(r.stderr.includes(String.raw`\u009b31mred`), r.stderr);
  });

  test("tags --json: the same tags, the same warnings", async () => {
    const r = await cli(["tags", `${host}/hostile`, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    noRawControls(r);
    assert.deepEqual(JSON.parse(r.stdout), ["v1", "v2"]);
    assert.equal(r.stderr.trim().split("\n").length, 6);
  });

  test("an error message that fakes a 'pulled OK' line is one escaped line on stderr", async () => {
    const r = await cli(["tags", `${host}/denied`]);
    assert.equal(r.status, 1, r.stderr);
    noRawControls(r);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^pullspec tags: [A-Z_]+: /);
    assert.ok(lines[0].includes(String.raw`\x1b[2K\x0d\x1b[32mpulled docker.io/library/nginx OK\x1b[0m\x0afake line \u009b31m`), lines[0]);
  });

  test("inspect: config fields with control sequences are printed escaped", async () => {
    const r = await cli(["inspect", `${host}/img:1.0`, "--platform", "linux/amd64"]);
    assert.equal(r.status, 0, r.stderr);
    noRawControls(r);
    assert.match(r.stdout, /^ {2}created: {4}\\x1b\]0;retitled\\x07 2025$/m);
    assert.ok(r.stdout.includes(String.raw`/bin/sh\u009b31m`), r.stdout);
    assert.ok(r.stdout.includes(String.raw`cmd:        ["\u001b[2J"]`), r.stdout); // JSON.stringify's own escape
  });

  test("inspect --json: valid JSON, the same strings, no raw C1", async () => {
    const r = await cli(["inspect", `${host}/img:1.0`, "--platform", "linux/amd64", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    noRawControls(r);
    const s = JSON.parse(r.stdout);
    assert.equal(s.config.created, "\u001b]0;retitled\u0007 2025");
    assert.deepEqual(s.config.entrypoint, ["/bin/sh\u009b31m"]);
  });
});

describe("files and standard input", () => {
  test("ref -: an input line with ESC and C1 is reported escaped, the caret under the escaped text", async () => {
    const r = await cli(["ref", "-"], { input: "ngi\u001b[31mnx\u009b\n" });
    assert.equal(r.status, 1);
    noRawControls(r);
    const lines = r.stderr.split("\n");
    assert.match(lines[0], /^invalid "ngi\\u001b\[31mnx\\u009b": /);
    assert.equal(lines[1], String.raw`  ngi\x1b[31mnx\u009b`);
    assert.equal(lines[2].indexOf("^"), 2 + String.raw`ngi`.length);
  });

  test("images and check: names and images from a manifest with control characters are escaped", async () => {
    const file = join(tmp, "evil.yaml");
    writeFileSync(file, "apiVersion: v1\nkind: Pod\nmetadata: {name: \"p\\e]0;t\\a\"}\nspec:\n  containers:\n  - name: \"c\\e[2K\"\n    image: \"Nginx\\e[31m\"\n");
    const images = await cli(["images", file]);
    noRawControls(images);
    assert.ok(images.stdout.includes(String.raw`Pod/p\x1b]0;t\x07`), images.stdout);
    const check = await cli(["check", file]);
    assert.equal(check.status, 1);
    noRawControls(check);
  });

  test("manifest validate: a file whose name holds ESC is named escaped", async () => {
    const file = join(tmp, "m\u001b[2Kx.json");
    writeFileSync(file, "{}");
    const r = await cli(["manifest", "validate", file]);
    assert.equal(r.status, 1);
    noRawControls(r);
    assert.ok(r.stdout.includes(String.raw`m\x1b[2Kx.json`), r.stdout);
  });
});
