// Registry credentials through the JS API: the shared conformance vectors, real kubelet files,
// a real exec credential-provider plugin, an opt-in docker credential helper, redaction and
// errors (`pullspec creds` on the same files: cli.test.mjs).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { mkdirSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { join, delimiter } from "node:path";
import {
  Keyring,
  PullspecError,
  registryPatternMatches,
  isDefaultRegistryMatch,
  decodeDockerAuth,
  kubeletConfigSearchPath,
  parseCredentialProviderConfig,
  loadKubeletConfig,
  execCredentialProvider,
  dockerCredentialHelper,
} from "../../pkg/node.js";
import { vectors, scratch } from "./helpers.mjs";
import { b64, dockerconfigjson, kubeletFiles, providerPlugins, credentialHelper } from "./credential-fixtures.mjs";

const V = vectors("credentials.json");

/** The vectors give Secret `data` as decoded text; real Secrets carry base64. */
function asApiSecret(s) {
  const data = {};
  for (const [k, v] of Object.entries(s.data ?? {})) data[k] = b64(v);
  return { apiVersion: "v1", kind: "Secret", metadata: { name: s.name }, type: s.type, data };
}

function throwsCode(fn, code, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof PullspecError, `not a PullspecError: ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const dir = scratch("pullspec-auth-");

// ---------------------------------------------------------------------------------------------
describe("conformance vectors (tests/vectors/credentials.json)", () => {
  test("glob cases through registryPatternMatches", () => {
    assert.ok(V.glob_match_cases.length > 0);
    for (const c of V.glob_match_cases) {
      assert.equal(registryPatternMatches(c.pattern, c.target), c.expected_match, c.id);
    }
  });

  test("default-registry cases through isDefaultRegistryMatch", () => {
    for (const c of V.default_registry_match_cases) {
      assert.equal(isDefaultRegistryMatch(c.image), c.expected, c.id);
    }
  });

  test("auth decode cases through decodeDockerAuth", () => {
    for (const c of V.auth_decode_cases) {
      if (c.expected.valid) {
        const got = decodeDockerAuth(c.auth);
        assert.equal(got.username, c.expected.username, c.id);
        assert.equal(got.password, c.expected.password, c.id);
      } else {
        throwsCode(() => decodeDockerAuth(c.auth), "AUTH_INVALID");
      }
    }
  });

  test("entry decode cases through a .dockercfg in a Keyring", () => {
    for (const c of V.entry_decode_cases) {
      const k = new Keyring();
      const add = () => k.addDockerConfig(`{"r.example": ${c.entry_json}}`, { format: "dockercfg", source: c.id });
      if (!c.expected.valid) {
        assert.throws(add, PullspecError, c.id);
        continue;
      }
      add();
      const [cred] = k.lookup("r.example", { raw: true });
      assert.equal(cred.username, c.expected.username, c.id);
      assert.equal(cred.password, c.expected.password, c.id);
      assert.equal(cred.email ?? "", c.expected.email, c.id);
    }
  });

  const KNOWN = ["id", "source", "api", "lookup", "image", "pull_secrets", "expected", "others", "disagreement", "kubernetes_follows", "note"];

  test("lookup cases through Keyring.addPullSecret + lookup (raw or by image)", () => {
    assert.ok(V.lookup_cases.length > 0);
    for (const c of V.lookup_cases) {
      for (const key of Object.keys(c)) assert.ok(KNOWN.includes(key), `${c.id}: unhandled field ${key}`);
      const e = c.expected;
      const k = new Keyring();
      const add = () => {
        for (const s of c.pull_secrets ?? []) k.addPullSecret(asApiSecret(s));
      };
      if (e.error) {
        assert.equal(e.error, "secret_parse_error", c.id);
        throwsCode(add, "SECRET_INVALID");
        continue;
      }
      add();
      const raw = typeof c.lookup === "string";
      const image = raw ? c.lookup : c.image;
      const creds = k.lookup(image, { raw });
      const { credentials, explanation } = k.resolve(image, { raw });
      assert.equal(explanation.lookupKey, e.lookup_key, c.id);
      assert.equal(creds.length > 0, e.found, c.id);
      assert.equal(explanation.found, e.found, c.id);
      const got = creds.map((x) => ({ username: x.username, password: x.password, email: x.email ?? "", source: x.source }));
      assert.deepEqual(got, e.credentials, c.id);
      assert.deepEqual(credentials.map((x) => x.source), e.credentials.map((x) => x.source), c.id);
      assert.deepEqual(explanation.matchedKeyringKeys, e.matched_keyring_keys, c.id);
      assert.deepEqual([...new Set(creds.map((x) => x.key))], e.matched_keyring_keys, c.id);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe("Keyring API", () => {
  test("pull secrets as YAML text, JSON text, objects, several documents and Lists", () => {
    const k = new Keyring();
    k.addPullSecret(`apiVersion: v1
kind: Secret
metadata:
  name: regcred
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${b64(dockerconfigjson({ "r.example.com": { username: "yaml", password: "pw-yaml" } }))}
`);
    k.addPullSecret(
      JSON.stringify({
        kind: "Secret",
        metadata: { name: "json" },
        type: "kubernetes.io/dockercfg",
        stringData: { ".dockercfg": JSON.stringify({ "r.example.com/team": { username: "json", password: "pw-json" } }) },
      }),
    );
    k.addPullSecret(`kind: List
items:
- kind: Secret
  metadata: {name: listed}
  type: kubernetes.io/dockerconfigjson
  stringData:
    .dockerconfigjson: '{"auths": {"*.example.com": {"username": "list", "password": "pw-list"}}}'
---
kind: Secret
metadata: {name: opaque}
type: Opaque
`);
    const creds = k.lookup("r.example.com/team/app:1.0");
    assert.deepEqual(
      creds.map((c) => [c.username, c.password, c.key, c.source]),
      [
        ["json", "pw-json", "secrets:r.example.com/team", "secret/json:r.example.com/team"],
        ["yaml", "pw-yaml", "secrets:r.example.com", "secret/regcred:r.example.com"],
        ["list", "pw-list", "secrets:*.example.com", "secret/listed:*.example.com"],
      ],
    );
    assert.deepEqual(k.warnings.map((w) => [w.code, w.secret]), [["SECRET_NOT_DOCKER", "opaque"]]);
    assert.deepEqual(k.lookup("other.io/x"), []);
  });

  test("order: pod secrets, then node files, then providers", () => {
    const k = new Keyring();
    k.addDockerConfig(dockerconfigjson({ "r.example.com": { username: "node", password: "n" } }), { source: "/etc/node.json" });
    k.addCredentialProvider(
      { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [{ name: "p", matchImages: ["r.example.com"], defaultCacheDuration: "1m", apiVersion: "credentialprovider.kubelet.k8s.io/v1" }] },
      (req) => ({ apiVersion: req.apiVersion, kind: "CredentialProviderResponse", cacheKeyType: "Image", auth: { "r.example.com": { username: "plugin", password: "p" } } }),
    );
    k.addPullSecret({ metadata: { name: "s" }, type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": dockerconfigjson({ "r.example.com": { username: "pod", password: "s" } }) } });
    const creds = k.lookup("r.example.com/app");
    assert.deepEqual(creds.map((c) => c.username), ["pod", "node", "plugin"]);
    assert.deepEqual(creds.map((c) => c.source), ["secret/s:r.example.com", "config:/etc/node.json:r.example.com", "provider/p:r.example.com"]);
  });

  test("explain lists every key with matched/skipped and why, providers, fallbacks; redacted", () => {
    const k = new Keyring();
    k.addPullSecret({ metadata: { name: "s" }, type: "kubernetes.io/dockercfg", stringData: { ".dockercfg": JSON.stringify({
      "registry.example.com:5000": { username: "port", password: "secret-port" },
      "https://index.docker.io/v1/": { username: "hub", password: "secret-hub" },
      "[bad": { username: "bad", password: "secret-bad" },
    }) } });
    k.addCredentialProvider(
      "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: ecr\n  matchImages: ['*.dkr.ecr.*.amazonaws.com']\n  defaultCacheDuration: 12h\n  apiVersion: credentialprovider.kubelet.k8s.io/v1\n",
      () => assert.fail("must not be asked"),
    );
    const e = k.explain("nginx");
    assert.equal(e.lookupKey, "docker.io/library/nginx");
    const port = e.considered.find((c) => c.key === "secrets:registry.example.com:5000");
    assert.equal(port.matched, false);
    assert.match(port.reason, /port differs/);
    assert.equal(e.fallbacks[0].applied, true);
    assert.equal(e.rejected[0].key, "[bad");
    assert.equal(e.providers[0].status, "notMatched");
    assert.equal(e.providers[0].matchImages[0].matched, false);
    assert.deepEqual(e.credentials.map((c) => [c.username, c.password]), [["hub", "<redacted>"]]);
    assert.deepEqual(e.matchedKeyringKeys, ["secrets:index.docker.io (default-registry fallback)"]);
    assert.match(e.text, /^lookup docker\.io\/library\/nginx\n/);
    assert.match(e.text, /1\. hub:<redacted> from secret\/s:https:\/\/index\.docker\.io\/v1\//);
    assert.doesNotMatch(JSON.stringify(e) + util.inspect(e, { depth: 9 }), /secret-/);
  });

  test("kubeletConfigSearchPath follows the kubelet's order", () => {
    assert.deepEqual(kubeletConfigSearchPath({ rootDir: "/var/lib/kubelet", cwd: "/", home: "/root" }), [
      "/var/lib/kubelet/config.json",
      "/config.json",
      "/root/.docker/config.json",
      "/.docker/config.json",
      "/var/lib/kubelet/.dockercfg",
      "/.dockercfg",
      "/root/.dockercfg",
      "/.dockercfg",
    ]);
    assert.deepEqual(kubeletConfigSearchPath({ rootDir: "/data/k/", cwd: "/w", home: undefined }).slice(0, 3), [
      "/data/k/config.json",
      "/w/config.json",
      "/w/.docker/config.json",
    ]);
  });

  test("a provider callback returning a Promise: lookup throws PROVIDER_ASYNC, lookupAsync awaits", async () => {
    const k = new Keyring();
    k.addCredentialProvider(
      { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [{ name: "async", matchImages: ["*.io"], defaultCacheDuration: "0s", apiVersion: "credentialprovider.kubelet.k8s.io/v1" }] },
      async (req) => ({ apiVersion: req.apiVersion, kind: "CredentialProviderResponse", cacheKeyType: "Image", auth: { "*.io": { username: "later", password: "p" } } }),
    );
    throwsCode(() => k.lookup("r.io/app"), "PROVIDER_ASYNC", /lookupAsync/);
    const creds = await k.lookupAsync("r.io/app");
    assert.deepEqual(creds.map((c) => c.username), ["later"]);
    assert.equal((await k.explainAsync("r.io/app")).providers[0].status, "ran");
  });
});

// ---------------------------------------------------------------------------------------------
describe("redaction", () => {
  const k = new Keyring();
  k.addPullSecret({ metadata: { name: "s" }, type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": dockerconfigjson({ "r.io": { username: "alice", password: "hunter2-secret", email: "a@example.com" } }) } });
  k.addDockerConfig(dockerconfigjson({ "r.io": { auth: b64("bob:bob-secret-pw") } }), { source: "/etc/config.json" });

  test("Credential fields are real, printed forms are redacted", () => {
    const creds = k.lookup("r.io/app");
    assert.equal(creds[0].password, "hunter2-secret");
    assert.equal(creds[1].password, "bob-secret-pw");
    const printed = [
      String(creds[0]),
      `${creds[1]}`,
      JSON.stringify(creds),
      util.inspect(creds, { depth: 5 }),
      util.format("%o", creds),
      util.format("%s %j", creds[0], creds[0]),
    ];
    for (const p of printed) {
      assert.doesNotMatch(p, /hunter2|bob-secret/, p);
    }
    assert.equal(String(creds[0]), "alice:<redacted>");
    assert.deepEqual(JSON.parse(JSON.stringify(creds[0])), {
      username: "alice",
      password: "<redacted>",
      email: "a@example.com",
      key: "secrets:r.io",
      source: "secret/s:r.io",
    });
    assert.match(util.inspect(creds[0]), /^Credential \{/);
  });

  test("the Keyring prints no secret", () => {
    for (const p of [util.inspect(k, { depth: 9, showHidden: true }), String(k), JSON.stringify(k), util.format("%o", k)]) {
      assert.doesNotMatch(p, /hunter2|bob-secret|alice:|Ym9i/, p);
    }
    assert.match(util.inspect(k), /secrets: \[ 's' \]/);
  });
});

// ---------------------------------------------------------------------------------------------
describe("errors", () => {
  test("bad pull secrets: wrong type, undecodable base64, YAML syntax, bad auth", () => {
    const k = new Keyring();
    throwsCode(() => k.addPullSecret(42), "SECRET_INVALID", /Secret object, JSON text or YAML text/);
    throwsCode(() => k.addPullSecret(null), "SECRET_INVALID");
    assert.throws(
      () => k.addPullSecret({ metadata: { name: "typed" }, type: 5 }),
      (e) => e.code === "SECRET_INVALID" && /"typed"/.test(e.message) && e.path === "type" && e.secret === "typed",
    );
    assert.throws(
      () => k.addPullSecret({ metadata: { name: "b64" }, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": "%%%not-base64" } }),
      (e) => e.code === "SECRET_INVALID" && /pull secret "b64"/.test(e.message) && /base64/.test(e.message) && e.path === 'data[".dockerconfigjson"]',
    );
    assert.throws(
      () => k.addPullSecret("apiVersion: v1\nkind: Secret\nmetadata:\n  name: yamlbad\ntype: kubernetes.io/dockercfg\ndata: [oops\n"),
      (e) =>
        e instanceof PullspecError &&
        e.code === "SECRET_INVALID" &&
        e.cause === "YAML_INVALID" &&
        e.secret === "yamlbad" &&
        e.line === 7 &&
        e.column === 1 &&
        typeof e.offset === "number" &&
        /^pull secret "yamlbad": not valid YAML at line 7, column 1: /.test(e.message),
    );
    assert.throws(
      () => k.addPullSecret({ metadata: { name: "auth" }, type: "kubernetes.io/dockercfg", stringData: { ".dockercfg": '{"r.io": {"auth": "bm9jb2xvbg=="}}' } }),
      (e) => e.code === "SECRET_INVALID" && e.cause === "AUTH_INVALID" && /"auth"/.test(e.message),
    );
    // All or nothing: a List with one bad Secret adds none.
    throwsCode(
      () => k.addPullSecret({ kind: "List", items: [
        { metadata: { name: "good" }, type: "kubernetes.io/dockercfg", stringData: { ".dockercfg": '{"r.io": {"username": "u"}}' } },
        { metadata: { name: "bad" }, type: "kubernetes.io/dockercfg", stringData: { ".dockercfg": "{" } },
      ] }),
      "SECRET_INVALID",
      /"bad"/,
    );
    assert.deepEqual(k.lookup("r.io", { raw: true }), []);
  });

  test("YAML anchors cannot blow up (billion laughs)", () => {
    let y = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (let i = 1; i < 10; i++) y += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
    throwsCode(() => new Keyring().addPullSecret(y), "SECRET_INVALID", /excessive aliasing/);
  });

  test("bad docker configs, provider configs and images", () => {
    const k = new Keyring();
    assert.throws(
      () => k.addDockerConfig('{"auths": {"r.io": {"auth": "Zm9v"}}}', { source: "/etc/bad.json" }),
      (e) => e.code === "AUTH_INVALID" && e.message.startsWith("/etc/bad.json: ") && e.path === 'auths["r.io"].auth',
    );
    throwsCode(() => k.addDockerConfig("{", { source: "x" }), "CONFIG_INVALID", /^x: /);
    throwsCode(() => k.addDockerConfig(5), "INVALID_ARGUMENT");
    assert.throws(
      () => k.addCredentialProvider("providers:\n  - name: [x\n", () => ({})),
      (e) => e.code === "PROVIDER_CONFIG_INVALID" && e.cause === "YAML_INVALID" && e.line === 3,
    );
    throwsCode(
      () => parseCredentialProviderConfig({ apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [] }),
      "PROVIDER_CONFIG_INVALID",
      /providers: at least 1 item/,
    );
    throwsCode(() => k.addCredentialProvider({}, "not a function"), "INVALID_ARGUMENT");
    throwsCode(() => k.lookup("bad image"), "INVALID_REFERENCE_FORMAT");
    throwsCode(() => k.lookup("Bad/Image"), "NAME_CONTAINS_UPPERCASE");
    throwsCode(() => k.lookup(5), "INVALID_ARGUMENT");
  });

  test("credentialHelpers: must be a boolean or a function", () => {
    throwsCode(() => new Keyring().addDockerConfig("{}", { credentialHelpers: "yes" }), "INVALID_ARGUMENT");
  });
});

// ---------------------------------------------------------------------------------------------
describe("real kubelet files", () => {
  let root, home, cwd;
  before(() => ({ root, home, cwd } = kubeletFiles(dir)));

  test("loadKubeletConfig: the first file that decodes is used; each path says why", () => {
    const { keyring, used, report } = loadKubeletConfig({ rootDir: root, cwd, home });
    assert.equal(used, join(home, ".docker", "config.json"));
    assert.deepEqual(report.map((r) => r.status), ["invalid", "unreadable", "used", "notConsulted", "notConsulted", "notConsulted", "notConsulted", "notConsulted"]);
    assert.equal(report[0].path, join(root, "config.json"));
    assert.equal(report[0].error.code, "CONFIG_INVALID");
    assert.equal(typeof report[0].error.offset, "number");
    assert.match(report[0].reason, /^skipped: does not decode/);
    assert.match(report[1].reason, /^skipped: read error \(a directory, not a regular file: not read\)/);
    const creds = keyring.lookup("registry.example.com/app");
    assert.deepEqual(creds.map((c) => [c.username, c.password, c.source]), [
      ["alice", "alice-file-pw", `config:${join(home, ".docker", "config.json")}:registry.example.com`],
    ]);
  });

  test("loadKubeletConfig: legacy .dockercfg when no config.json decodes; adds to a given keyring", { skip: existsSync("/.docker/config.json") && "this machine has /.docker/config.json" }, () => {
    const root2 = dir("kubelet2");
    const home2 = dir("home2");
    writeFileSync(join(home2, ".dockercfg"), JSON.stringify({ "https://registry.example.com/v1/": { username: "legacy", password: "legacy-pw" } }));
    const keyring = new Keyring();
    const out = loadKubeletConfig({ rootDir: root2, cwd: dir("cwd2"), home: home2, keyring });
    assert.equal(out.keyring, keyring);
    assert.equal(out.used, join(home2, ".dockercfg"));
    assert.deepEqual(out.report.slice(0, 6).map((r) => r.status), ["missing", "missing", "missing", "missing", "missing", "missing"]);
    assert.equal(out.report[6].status, "used");
    assert.equal(out.report[6].format, "dockercfg");
    assert.deepEqual(keyring.lookup("registry.example.com/x").map((c) => c.username), ["legacy"]);
  });

});

// ---------------------------------------------------------------------------------------------
describe("exec credential provider (a real plugin)", () => {
  let bin, counter, calls, config;
  const T0 = 1_700_000_000_000;
  before(() => ({ bin, counter, calls, config } = providerPlugins(dir)));

  function keyring(keyType, duration, clock) {
    rmSync(counter, { force: true });
    const k = new Keyring({ now: () => clock.t });
    const cfg = config(keyType, duration);
    k.addCredentialProvider(cfg, execCredentialProvider(bin, cfg));
    return k;
  }

  test("runs the plugin with args and env, request on stdin; caches per Registry key until expiry", () => {
    const clock = { t: T0 };
    const k = keyring("Registry", "30s", clock);
    const [c] = k.lookup("a.plugin.example/team/app:1");
    assert.equal(c.username, "u-team-app");
    assert.equal(c.password, "plugin-secret-u-team-app");
    assert.equal(c.source, "provider/fake-plugin:*.plugin.example");
    assert.deepEqual(calls(), ["a.plugin.example/team/app get-credentials,--verbose"]);
    clock.t = T0 + 30_000; // still valid at exactly the expiry
    assert.equal(k.lookup("a.plugin.example/other").at(0).username, "u-team-app", "same registry: cached answer");
    assert.equal(calls().length, 1);
    assert.equal(k.explain("a.plugin.example/x").providers[0].status, "cached");
    assert.equal(k.lookup("b.plugin.example/other").at(0).username, "u-other", "other registry: runs");
    assert.equal(calls().length, 2);
    clock.t = T0 + 30_001;
    assert.equal(k.lookup("a.plugin.example/new").at(0).username, "u-new", "expired: runs again");
    assert.equal(calls().length, 3);
    assert.deepEqual(k.lookup("docker.io/library/nginx"), [], "not matched: not asked");
    assert.equal(calls().length, 3);
  });

  test("cacheKeyType Image and Global; defaultCacheDuration; cacheDuration 0 is not cached", () => {
    const clock = { t: T0 };
    const img = keyring("Image", null, clock);
    img.lookup("a.plugin.example/one");
    img.lookup("a.plugin.example/one");
    img.lookup("a.plugin.example/two");
    assert.equal(calls().length, 2);
    clock.t = T0 + 60_000;
    img.lookup("a.plugin.example/one");
    assert.equal(calls().length, 2, "valid until defaultCacheDuration (1m) has passed");
    clock.t = T0 + 60_001;
    img.lookup("a.plugin.example/one");
    assert.equal(calls().length, 3);

    clock.t = T0;
    const global = keyring("Global", "1h", clock);
    global.lookup("a.plugin.example/one");
    const ex = global.explain("z.plugin.example/other");
    assert.equal(ex.providers[0].status, "cached");
    assert.equal(ex.providers[0].cacheKey, "global");
    assert.equal(calls().length, 1);

    const none = keyring("Image", "0s", clock);
    none.lookup("a.plugin.example/one");
    none.lookup("a.plugin.example/one");
    assert.equal(calls().length, 2);
  });

  test("a failing plugin: PROVIDER_FAILED with the stderr tail; the lookup goes on without it", () => {
    const errors = [];
    rmSync(counter, { force: true });
    const cfg = config("Image", null);
    const k = new Keyring({ onProviderError: (e, call) => errors.push([e.code, call.provider, e.message]) });
    k.addPullSecret({ metadata: { name: "s" }, type: "kubernetes.io/dockercfg", stringData: { ".dockercfg": '{"*.plugin.example": {"username": "pod"}}' } });
    k.addCredentialProvider(cfg, execCredentialProvider(bin, cfg));
    assert.deepEqual(k.lookup("a.plugin.example/fail").map((c) => c.username), ["pod"]);
    assert.equal(errors[0][0], "PROVIDER_FAILED");
    assert.equal(errors[0][1], "fake-plugin");
    assert.match(errors[0][2], /exited with status 1: boom: registry said no/);
    const ex = k.explain("a.plugin.example/fail");
    assert.equal(ex.providers[0].status, "failed");
    assert.equal(ex.providers[0].code, "PROVIDER_FAILED");
    const callback = execCredentialProvider(bin, cfg);
    assert.throws(
      () => callback({ apiVersion: "credentialprovider.kubelet.k8s.io/v1", kind: "CredentialProviderRequest", image: "x.plugin.example/fail" }),
      (e) => e.code === "PROVIDER_FAILED" && e.reason === "exit" && e.exitCode === 1 && /boom/.test(e.stderr),
    );
    const missing = execCredentialProvider(dir("empty-bin"), cfg);
    assert.throws(() => missing({ apiVersion: "credentialprovider.kubelet.k8s.io/v1", kind: "CredentialProviderRequest", image: "x" }), (e) => e.code === "PROVIDER_FAILED" && e.reason === "spawn");
  });

  test("timeout kills the plugin: PROVIDER_FAILED reason timeout", () => {
    const cfg = { name: "sleepy", args: [], env: [] };
    const callback = execCredentialProvider(bin, cfg, { timeoutMs: 200 });
    const t = Date.now();
    assert.throws(() => callback({ apiVersion: "credentialprovider.kubelet.k8s.io/v1", kind: "CredentialProviderRequest", image: "x" }), (e) => e.code === "PROVIDER_FAILED" && e.reason === "timeout");
    assert.ok(Date.now() - t < 4000);
  });

  test("async plugins: lookup says PROVIDER_ASYNC, lookupAsync runs them", async () => {
    rmSync(counter, { force: true });
    const cfg = config("Image", null);
    const k = new Keyring();
    k.addCredentialProvider(cfg, execCredentialProvider(bin, cfg, { async: true }));
    throwsCode(() => k.lookup("a.plugin.example/app"), "PROVIDER_ASYNC");
    const creds = await k.lookupAsync("a.plugin.example/app");
    assert.equal(creds[0].username, "u-app");
    const failed = await k.explainAsync("a.plugin.example/fail");
    assert.equal(failed.providers[0].status, "failed");
    assert.match(failed.providers[0].error, /boom/);
  });

});

// ---------------------------------------------------------------------------------------------
describe("docker credential helpers (opt-in)", () => {
  let helperBin, counter, helperCalls, cfgText;
  const savedPath = process.env.PATH;
  before(() => {
    ({ helperBin, counter, calls: helperCalls, cfgText } = credentialHelper(dir));
    process.env.PATH = `${helperBin}${delimiter}${savedPath}`;
  });
  after(() => {
    process.env.PATH = savedPath;
  });

  test("nothing runs a helper without opt-in", () => {
    rmSync(counter, { force: true });
    const k = new Keyring();
    k.addDockerConfig(cfgText, { source: "/home/u/.docker/config.json" });
    assert.deepEqual(k.lookup("helper.example.com/app").map((c) => c.username), [""], "only the empty auths entry");
    loadKubeletConfig({ rootDir: dir("k"), cwd: dir("c"), home: dir("h") }).keyring.lookup("helper.example.com/app");
    assert.deepEqual(helperCalls(), []);
  });

  test("with credentialHelpers: true the named helper answers; <token> means identity token", () => {
    rmSync(counter, { force: true });
    const errors = [];
    const k = new Keyring({ onProviderError: (e) => errors.push(e.code) });
    k.addDockerConfig(cfgText, { source: "/home/u/.docker/config.json", credentialHelpers: true });
    const creds = k.lookup("helper.example.com/app");
    assert.deepEqual(creds.map((c) => [c.username, c.password, c.source]), [
      ["", "", "config:/home/u/.docker/config.json:helper.example.com"],
      ["hu", "helper-secret-pw", "helper/test:helper.example.com"],
    ]);
    const [tok] = k.lookup("token.example.com/app");
    assert.equal(tok.identityToken, "identity-secret-tok");
    assert.equal(tok.username, "");
    assert.doesNotMatch(JSON.stringify(tok) + util.inspect(tok) + String(tok), /identity-secret/);
    assert.equal(JSON.parse(JSON.stringify(tok)).identityToken, "<redacted>");
    assert.deepEqual(k.lookup("nothing.example.com/app"), []);
    assert.deepEqual(k.lookup("broken.example.com/app"), []);
    assert.deepEqual(errors, ["HELPER_FAILED"]);
    assert.equal(k.explain("nothing.example.com/app").helpers[0].status, "notFound");
    assert.deepEqual(helperCalls().slice(0, 2), ["get helper.example.com", "get token.example.com"]);
  });

  test("dockerCredentialHelper directly, and via loadKubeletConfig", () => {
    const get = dockerCredentialHelper("test");
    assert.deepEqual(get("helper.example.com"), { username: "hu", password: "helper-secret-pw" });
    assert.equal(get("nothing.example.com"), null);
    assert.throws(() => get("broken.example.com"), (e) => e.code === "HELPER_FAILED" && /keychain locked/.test(e.message));
    assert.throws(() => dockerCredentialHelper("absent-helper")("x"), (e) => e.code === "HELPER_FAILED" && /not on PATH/.test(e.message));
    throwsCode(() => dockerCredentialHelper("../evil"), "INVALID_ARGUMENT");

    const home = dir("helper-home");
    mkdirSync(join(home, ".docker"));
    writeFileSync(join(home, ".docker", "config.json"), cfgText);
    const { keyring } = loadKubeletConfig({ rootDir: dir("k2"), cwd: dir("c2"), home, credentialHelpers: true });
    assert.ok(keyring.lookup("helper.example.com/x").some((c) => c.password === "helper-secret-pw"));
  });
});
