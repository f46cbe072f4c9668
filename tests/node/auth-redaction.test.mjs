// What a credential plugin says never reaches an error or `explain` with its secrets: an
// invalid CredentialProviderResponse is described by field names and JSON types only
// (PROVIDER_RESPONSE_INVALID), and a failing plugin's or helper's stderr tail has what looks like
// a secret replaced by <redacted> (the rules in pkg/node-auth.d.ts).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { mkdtempSync, writeFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keyring, execCredentialProvider, dockerCredentialHelper } from "../../pkg/node.js";

const V1 = "credentialprovider.kubelet.k8s.io/v1";
const config = (name) => `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ${name}
    matchImages: ["*.plugin.example"]
    defaultCacheDuration: 1m
    apiVersion: ${V1}
`;

/** Secrets a plugin writes on stderr, each in a shape the redaction rules name. */
const STDERR_SECRETS = [
  ["Authorization: Bearer hdr-SECRET-1a2b3c", "hdr-SECRET"],
  ["login failed: password=pw-SECRET-9 for bob", "pw-SECRET"],
  ['{"username":"bob","token":"json-SECRET-tok"}', "json-SECRET"],
  ["aws_secret_access_key = aws-SECRET-KEY", "aws-SECRET"],
  ["got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqd3QtU0VDUkVUIn0.c2lnbmF0dXJl back", "eyJhbGciOiJIUzI1NiJ9"],
  ["blob wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY0 end", "wJalrXUtnFEMI"],
  ["Basic dXNlcjpodW50ZXIy refused", "dXNlcjpodW50ZXIy"],
];

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "pullspec-redaction-"));
  const stderr = STDERR_SECRETS.map(([line]) => line).join("\n");
  writeFileSync(join(dir, "leaky"), `#!/bin/sh\ncat >/dev/null\ncat >&2 <<'EOF'\nstarting\n${stderr}\nEOF\nexit 3\n`);
  chmodSync(join(dir, "leaky"), 0o755);
  writeFileSync(join(dir, "docker-credential-leaky"), `#!/bin/sh\ncat >/dev/null\ncat >&2 <<'EOF'\n${stderr}\nEOF\nexit 2\n`);
  chmodSync(join(dir, "docker-credential-leaky"), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function assertClean(text, what) {
  for (const [, secret] of STDERR_SECRETS) assert.ok(!text.includes(secret), `${secret} in ${what}: ${text}`);
}

describe("PROVIDER_RESPONSE_INVALID quotes no value of the response", () => {
  const S = "S3CRET-VALUE";
  const good = { apiVersion: V1, kind: "CredentialProviderResponse", cacheKeyType: "Registry", auth: { "*.plugin.example": { username: "u", password: "p" } } };
  const cases = [
    ["apiVersion", { ...good, apiVersion: S }],
    ["kind", { ...good, kind: S }],
    ["cacheKeyType", { ...good, cacheKeyType: S }],
    ["cacheDuration", { ...good, cacheDuration: S }],
    ["cacheDuration", { ...good, cacheDuration: `1${S}` }],
    ['auth["*.plugin.example"].password', { ...good, auth: { "*.plugin.example": { username: "u", password: [S] } } }],
    ["$", S],
    ["$", `{"apiVersion": "${S}"`],
  ];
  for (const [path, response] of cases) {
    test(`${path}: ${JSON.stringify(response).slice(0, 60)}`, () => {
      const errors = [];
      const k = new Keyring({ onProviderError: (e) => errors.push(e) });
      k.addCredentialProvider(config("p"), () => response);
      assert.deepEqual(k.lookup("a.plugin.example/app"), []);
      assert.equal(errors.length, 1);
      const [e] = errors;
      assert.equal(e.code, "PROVIDER_RESPONSE_INVALID");
      const ex = k.explain("a.plugin.example/app");
      assert.equal(ex.providers[0].code, "PROVIDER_RESPONSE_INVALID");
      const text = [e.message, JSON.stringify(e), util.inspect(e), JSON.stringify(ex)].join("\n");
      assert.ok(!text.includes("S3CRET"), text);
      if (path !== "$") assert.match(e.message, new RegExp(path.replace(/[[\]".*]/g, "\\$&")));
    });
  }
});

describe("a plugin's stderr is redacted in errors and explain", () => {
  test("exec credential provider: message, stderr field, explain (sync and async)", async () => {
    for (const async of [false, true]) {
      const errors = [];
      const k = new Keyring({ onProviderError: (e) => errors.push(e) });
      const cfg = config("leaky");
      k.addCredentialProvider(cfg, execCredentialProvider(dir, cfg, { async }));
      const ex = async ? await k.explainAsync("a.plugin.example/app") : k.explain("a.plugin.example/app");
      const [e] = errors;
      assert.equal(e.code, "PROVIDER_FAILED");
      assert.equal(e.exitCode, 3);
      assert.match(e.stderr, /starting/);
      assert.match(e.stderr, /<redacted>/);
      assert.match(e.message, /password=<redacted> for bob/);
      assert.match(ex.providers[0].error, /Authorization: <redacted>/);
      assertClean([e.message, e.stderr, util.inspect(e), JSON.stringify(ex)].join("\n"), `async ${async}`);
    }
  });

  test("docker credential helper: message and stderr field", () => {
    const get = dockerCredentialHelper("leaky", { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    assert.throws(
      () => get("r.example.com"),
      (e) => {
        assert.equal(e.code, "HELPER_FAILED");
        assert.match(e.stderr, /<redacted>/);
        assertClean([e.message, e.stderr, util.inspect(e)].join("\n"), "helper error");
        return true;
      },
    );
  });

  test("a provider callback's own error message is redacted in explain", () => {
    const k = new Keyring({ onProviderError: () => {} });
    k.addCredentialProvider(config("cb"), () => {
      throw new Error("upstream said: token=cb-SECRET-value");
    });
    const ex = k.explain("a.plugin.example/app");
    assert.match(ex.providers[0].error, /token=<redacted>/);
    assert.ok(!JSON.stringify(ex).includes("cb-SECRET"));
  });
});
