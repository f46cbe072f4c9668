// The cases of junk-arguments.test.mjs: every export of an entry module (functions, classes, the
// public methods of an instance built with valid arguments, and the functions exports return)
// called with junk of every JS type in every argument position, in every option field and as
// an element of every array argument. Not a test file itself: junk-arguments.test.mjs runs it
// on `pullspec` (pkg/node.js) in its own thread and on `pullspec/core` (pkg/core-node.js) in a
// worker thread (each entry connects its own WebAssembly module, so they need separate threads).
//
// The contract checked: a call either succeeds or throws/rejects a PullspecError whose `code` is
// a non-empty string, never a RuntimeError (a wasm trap), TypeError or RangeError, and the
// module (and the instance the method belongs to) still works afterwards. One exception: an
// error thrown by the caller's own object (the hostile Proxy below) may come back unchanged,
// as JSON.stringify or Array.prototype.map let it through; our code must not turn it into
// something else.
//
// No network: the RegistryClient gets a `fetch` that rejects at once and `retry.attempts: 1`.
// What would need a live registry is skipped (see SKIPPED); the file system is touched only in a
// fresh temporary directory.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the hostile Proxy throws: the caller's own error, which may propagate unchanged. */
export class HostileTrap extends Error {
  constructor() {
    super("hostile proxy trap");
    this.name = "HostileTrap";
  }
}

const TRAPS = ["get", "set", "has", "deleteProperty", "ownKeys", "getOwnPropertyDescriptor", "defineProperty",
  "getPrototypeOf", "setPrototypeOf", "isExtensible", "preventExtensions", "apply", "construct"];

function junkValues() {
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  cyclic.list = [cyclic];
  let deepArray = [];
  for (let i = 0; i < 5000; i++) deepArray = [deepArray];
  let deepObject = {};
  for (let i = 0; i < 5000; i++) deepObject = { a: deepObject };
  const hostile = new Proxy({}, Object.fromEntries(TRAPS.map((t) => [t, () => {
    throw new HostileTrap();
  }])));
  return [
    ["undefined", undefined],
    ["null", null],
    ["true", true],
    ["0", 0],
    ["-1", -1],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["1e308", 1e308],
    ['""', ""],
    ['"x".repeat(1e6)', "x".repeat(1e6)],
    ["Symbol()", Symbol("junk")],
    ["10n", 10n],
    ["{}", {}],
    ["[]", []],
    ["a cyclic object", cyclic],
    ["a 5,000-deep array", deepArray],
    ["a 5,000-deep object", deepObject],
    ["a function", () => {}],
    ["a Proxy that throws on every trap", hostile],
    ["new Uint8Array(0)", new Uint8Array(0)],
  ];
}

export const JUNK = junkValues();

/**
 * What is not called, and why. Everything else exported is.
 */
export const SKIPPED = {
  nodeFetch:
    "a fetch() implementation (node:http): it follows fetch's contract (a failure rejects with a TypeError, " +
    "which the registry driver turns into NETWORK), and any valid-looking URL would start real network I/O",
  "RegistryClient with a real transport":
    "every method runs against a fetch that rejects at once; what happens after a registry answers needs a " +
    "live registry and is covered by registry.test.mjs and registry-faults.test.mjs",
  "docker credential helper / exec plugin success paths":
    "they run programs; the junk calls use a helper name and a plugin directory that do not exist",
};

/** One call's outcome, or null when it met the contract. */
function verdict(e) {
  if (e instanceof HostileTrap) return null;
  if (e?.name === "PullspecError" && typeof e.code === "string" && e.code !== "") return null;
  const what = e?.name ?? typeof e;
  return `${what}: ${String(e?.message ?? e).slice(0, 200)}`;
}

/** Drains what a call returned: awaits Promises, iterates async iterators and streams. */
async function settle(value) {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    if (typeof value.then === "function") return settle(await value);
    if (typeof value[Symbol.asyncIterator] === "function" && typeof value.next === "function") {
      for await (const _ of value) {
        // draining
      }
      return undefined;
    }
    if (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) {
      const reader = value.getReader();
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    }
  }
  return value;
}

/** Calls `fn` and says how it went: null (contract met) or a one-line failure. */
async function attempt(fn) {
  try {
    await settle(fn());
    return null;
  } catch (e) {
    return verdict(e);
  }
}

/**
 * The cases of one entry module `m`: `{ name, fn(...args), args, options?: { at, valid, fields },
 * arrays?: [position], alive?() }`. `alive` (default: parseReference) must not throw after each
 * junk call: the module, or the instance a method belongs to, still works.
 */
export function casesFor(m, { tmp }) {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${"a".repeat(64)}`, size: 10, platform: { os: "linux", architecture: "amd64" } },
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${"b".repeat(64)}`, size: 10, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
    ],
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"c".repeat(64)}`, size: 2 },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: `sha256:${"d".repeat(64)}`, size: 3 }],
  });
  const podYaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n";
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "nginx" }] } };
  const admission = { kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request: { uid: "1", operation: "CREATE", kind: { group: "", version: "v1", kind: "Pod" }, resource: { group: "", version: "v1", resource: "pods" }, object: pod } };
  const providerConfig = { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [{ name: "p", matchImages: ["r.example.com"], defaultCacheDuration: "1m", apiVersion: "credentialprovider.kubelet.k8s.io/v1" }] };
  const providerAnswer = () => ({ apiVersion: "credentialprovider.kubelet.k8s.io/v1", kind: "CredentialProviderResponse", cacheKeyType: "Image", auth: { "r.example.com": { username: "u", password: "p" } } });
  const dockerConfig = JSON.stringify({ auths: { "r.example.com": { auth: Buffer.from("u:p").toString("base64") } } });
  const secret = { metadata: { name: "s" }, type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": dockerConfig } };
  const searchOptions = { rootDir: join(tmp, "kubelet"), cwd: tmp, home: tmp };
  const diagnostic = m.validateManifests("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: Nginx\n")[0];
  const edit = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: "y" };
  const lintView = { state: { doc: { toString: () => podYaml, lines: 7, line: (n) => ({ from: 0, to: 10, number: n }) } } };
  const offline = () => Promise.reject(new TypeError("offline: the junk test never touches the network"));

  const alive = () => {
    if (m.parseReference("nginx").normalized !== "docker.io/library/nginx") throw new Error("parseReference broke");
  };
  const cases = [];
  const add = (c) => cases.push({ alive, ...c });
  const fn = (name, args, extra = {}) => {
    if (typeof m[name] !== "function") return;
    add({ name, fn: (...a) => m[name](...a), args, ...extra });
  };

  // References
  fn("parseReference", ["nginx"]);
  fn("tryParseReference", ["nginx"]);
  fn("parseReferences", [["nginx", "Nginx"]], { arrays: [0] });
  fn("parseCanonicalReference", ["docker.io/library/nginx:1"]);
  fn("parseRawReference", ["nginx"]);
  fn("_parseReferenceViaRust", ["nginx"]);
  fn("withArchSuffix", ["pause:3.9", "amd64"]);
  fn("splitArchSuffix", ["pause-amd64:3.9"]);
  fn("kubeletImageWithDefaultTag", ["nginx"]);

  // Pull policy
  fn("defaultPullPolicy", ["nginx", "IfNotPresent"]);
  fn("pullDecision", ["IfNotPresent", true, { imagePulledRecord: null }], { options: { at: 2, fields: ["verifyPolicy", "allowlist", "image"] } });
  fn("applyAlwaysPullImages", [pod]);
  fn("alwaysPullImagesAdmission", [admission]);
  fn("requiresCredentialVerification", ["IfNotPresent", "nginx", {}], { options: { at: 2, fields: ["policy", "allowlist", "pulledWithCredentials"] } });
  fn("validateAllowlistPattern", ["registry.example.com/*"]);

  // Platforms, selection, manifests, digests
  fn("parsePlatform", ["linux/arm64", { host: "linux/amd64" }], { options: { at: 1, fields: ["host"] } });
  fn("normalizePlatform", ["linux/aarch64", { host: "linux/amd64" }], { options: { at: 1, fields: ["host"] } });
  fn("formatPlatform", [{ os: "linux", architecture: "arm64", variant: "v8" }, { all: true }], { options: { at: 1, fields: ["all"] } });
  fn("platformMatcher", ["linux/arm64", { mode: "only", host: "linux/amd64" }], { options: { at: 1, fields: ["mode", "host"] } });
  fn("platformMatcher", [["linux/arm64", "linux/amd64"]], { arrays: [0], label: "platformMatcher (a list)" });
  for (const name of ["selectManifest", "selectManifestOrThrow", "rankManifests"]) {
    fn(name, [index, "linux/arm64", { host: "linux/amd64" }], { options: { at: 2, fields: ["host", "mode", "throwIfNone"] } });
  }
  fn("indexPlatforms", [index]);
  fn("parseManifest", [manifest, "application/vnd.oci.image.manifest.v1+json"]);
  fn("validateManifest", [manifest, "application/vnd.oci.image.manifest.v1+json"]);
  fn("digest", ["hello", "sha256"]);

  // Kubernetes manifests
  fn("validateManifests", [podYaml, { rules: { IMAGE_NOT_PINNED: "warning" }, allowRegistries: ["docker.io"] }], { options: { at: 1, fields: ["rules", "allowRegistries"] } });
  fn("listImages", [podYaml]);
  fn("manifestRules", []);
  fn("parseYaml", ["a: 1"]);
  fn("toMonacoMarkers", [[diagnostic]], { arrays: [0] });
  fn("applyEdits", ["abc", [edit]], { arrays: [1] });
  fn("manifestLintSource", [{ rules: {} }], { options: { at: 0, fields: ["rules", "allowRegistries"] } });
  if (typeof m.manifestLintSource === "function") {
    const source = m.manifestLintSource();
    add({ name: "manifestLintSource()(view)", fn: (view) => source(view), args: [lintView] });
  }

  // Classes of the offline part
  if (typeof m.PullspecError === "function") {
    add({ name: "new PullspecError", fn: (...a) => new m.PullspecError(...a), args: ["message", { code: "X" }], options: { at: 1, fields: ["code", "offset"] } });
  }
  if (typeof m.PlatformMatcher === "function") {
    add({ name: "new PlatformMatcher", fn: (...a) => new m.PlatformMatcher(...a), args: ["linux/arm64", { mode: "only" }], options: { at: 1, fields: ["mode", "host"] } });
    const matcher = new m.PlatformMatcher("linux/arm64");
    const matcherAlive = () => {
      alive();
      if (!matcher.matches("linux/arm64")) throw new Error("the matcher broke");
    };
    add({ name: "PlatformMatcher#matches", fn: (p) => matcher.matches(p), args: ["linux/arm64"], alive: matcherAlive });
    add({ name: "PlatformMatcher#compare", fn: (a, b) => matcher.compare(a, b), args: ["linux/arm64", "linux/arm/v7"], alive: matcherAlive });
    add({ name: "PlatformMatcher#sort", fn: (l) => matcher.sort(l), args: [["linux/arm64", "linux/arm/v7"]], arrays: [0], alive: matcherAlive });
    add({ name: "PlatformMatcher#toString, mode, platforms", fn: () => [String(matcher), matcher.mode, matcher.platforms], args: [], alive: matcherAlive });
    add({ name: "PlatformMatcher#free", fn: () => new m.PlatformMatcher("linux/amd64").free(), args: [] });
  }
  if (typeof m.DigestVerifier === "function") {
    const expected = m.digest("");
    add({ name: "new DigestVerifier", fn: (d) => new m.DigestVerifier(d), args: [expected] });
    const verifier = new m.DigestVerifier(expected);
    add({ name: "DigestVerifier#update", fn: (c) => verifier.update(c), args: [new Uint8Array(0)], alive: () => {
      alive();
      verifier.update("");
    } });
    add({ name: "DigestVerifier#finish", fn: () => new m.DigestVerifier(expected).update("").finish(), args: [] });
  }

  // Credentials (full entry)
  fn("registryPatternMatches", ["*.example.com", "r.example.com"]);
  fn("isDefaultRegistryMatch", ["docker.io/library/nginx"]);
  fn("decodeDockerAuth", [Buffer.from("u:p").toString("base64")]);
  fn("kubeletConfigSearchPath", [searchOptions], { options: { at: 0, fields: ["rootDir", "cwd", "home"] } });
  fn("parseCredentialProviderConfig", [providerConfig]);
  fn("loadKubeletConfig", [searchOptions], { options: { at: 0, fields: ["rootDir", "cwd", "home", "keyring", "keyringOptions", "credentialHelpers"] } });
  fn("execCredentialProvider", [join(tmp, "no-plugins"), providerConfig, { timeoutMs: 1000 }], { options: { at: 2, fields: ["timeoutMs", "env", "async"] } });
  if (typeof m.execCredentialProvider === "function") {
    const plugin = m.execCredentialProvider(join(tmp, "no-plugins"), providerConfig, { timeoutMs: 1000 });
    add({ name: "execCredentialProvider()(request, context)", fn: (r, c) => plugin(r, c), args: [{ image: "r.example.com/app" }, { provider: providerConfig.providers[0] }] });
  }
  fn("dockerCredentialHelper", ["pullspec-junk-test-no-such-helper", { timeoutMs: 1000 }], { options: { at: 1, fields: ["timeoutMs", "env"] } });
  if (typeof m.dockerCredentialHelper === "function") {
    const helper = m.dockerCredentialHelper("pullspec-junk-test-no-such-helper", { timeoutMs: 1000 });
    add({ name: "dockerCredentialHelper()(serverUrl)", fn: (s) => helper(s), args: ["r.example.com"] });
  }
  if (typeof m.Keyring === "function") {
    add({ name: "new Keyring", fn: (o) => new m.Keyring(o), args: [{ now: () => 0 }], options: { at: 0, fields: ["now", "onProviderError"] } });
    const keyring = new m.Keyring();
    keyring.addDockerConfig(dockerConfig, { source: "/etc/node.json" });
    const keyringAlive = () => {
      alive();
      if (keyring.lookup("r.example.com/app").length === 0) throw new Error("the keyring broke");
    };
    const method = (name, args, extra = {}) =>
      add({ name: `Keyring#${name}`, fn: (...a) => keyring[name](...a), args, alive: keyringAlive, ...extra });
    method("addPullSecret", [secret]);
    method("addDockerConfig", [dockerConfig, { source: "/etc/other.json", format: "config.json" }], { options: { at: 1, fields: ["source", "format", "credentialHelpers"] } });
    method("addKubeletConfig", [() => null, searchOptions], { options: { at: 1, fields: ["rootDir", "cwd", "home", "credentialHelpers"] } });
    method("addCredentialProvider", [providerConfig, providerAnswer]);
    for (const name of ["lookup", "lookupAsync", "explain", "explainAsync", "resolve", "resolveAsync"]) {
      method(name, ["r.example.com/app", { raw: false }], { options: { at: 1, fields: ["raw"] } });
    }
    add({ name: "Keyring#warnings, toString, toJSON", fn: () => [keyring.warnings, String(keyring), JSON.stringify(keyring)], args: [], alive: keyringAlive });
  }

  // The registry client, offline (full entry)
  if (typeof m.RegistryClient === "function") {
    const clientOptions = { fetch: offline, retry: { attempts: 1 }, timeoutMs: 1000 };
    add({
      name: "new RegistryClient",
      fn: (o) => new m.RegistryClient(o),
      args: [clientOptions],
      options: { at: 0, fields: ["keyring", "fetch", "insecureRegistries", "userAgent", "retry", "onEvent", "timeoutMs", "endpoints", "seed"] },
    });
    const client = new m.RegistryClient(clientOptions);
    const image = "r.example.com/app:1";
    const digest = `sha256:${"e".repeat(64)}`;
    const sink = { reset() {}, write() {}, commit() {}, abort() {} };
    const requestOptions = ["signal", "onEvent", "platform", "mode", "size", "onProgress", "hasher", "pageSize", "maxPages", "concurrency"];
    const method = (name, args, at) =>
      add({ name: `RegistryClient#${name}`, fn: (...a) => client[name](...a), args, options: { at, fields: requestOptions } });
    method("ping", ["r.example.com", {}], 1);
    method("manifest", [image, {}], 1);
    method("resolve", [image, { platform: "linux/arm64" }], 1);
    method("blobHead", [image, digest, {}], 2);
    method("blobInto", [image, { digest, size: 3 }, sink, {}], 3);
    method("blob", [image, { digest, size: 3 }, {}], 2);
    method("blobStream", [image, { digest, size: 3 }, {}], 2);
    method("tags", ["r.example.com/app", { pageSize: 10 }], 1);
    method("tagsList", ["r.example.com/app", { pageSize: 10 }], 1);
    method("pull", [image, { platform: "linux/arm64" }], 1);
    fn("pullOciLayout", [client, image, { platform: "linux/arm64", output: join(tmp, "layout") }], { options: { at: 2, fields: ["platform", "output", "onProgress", "signal", "concurrency"] } });
  }
  fn("checkManifests", [podYaml, { client: typeof m.RegistryClient === "function" ? new m.RegistryClient({ fetch: offline, retry: { attempts: 1 } }) : undefined }],
    { options: { at: 1, fields: ["client", "clusterPlatforms", "concurrency", "signal", "rules", "allowRegistries", "cache"] } });
  fn("progressTracker", [[{ digest: someDigest, size: 3 }], () => {}], { arrays: [0] });
  fn("concurrencyOption", [3]);
  return cases;
}
const someDigest = `sha256:${"f".repeat(64)}`;

/**
 * Runs one case: every junk value in every argument position (the others valid), as every
 * listed option field, as an element of every listed array argument, and in all positions at
 * once. Returns the failures, one line each.
 */
export async function runCase(c) {
  const failures = [];
  const positions = Math.max(c.args.length, 1);
  const variants = [];
  for (const [label, junk] of JUNK) {
    for (let i = 0; i < positions; i++) {
      const args = [...c.args];
      args[i] = junk;
      variants.push([`argument ${i + 1} = ${label}`, args]);
    }
    if (c.args.length > 1) variants.push([`every argument = ${label}`, c.args.map(() => junk)]);
    for (const field of c.options?.fields ?? []) {
      const args = [...c.args];
      args[c.options.at] = { ...(c.args[c.options.at] ?? {}), [field]: junk };
      variants.push([`argument ${c.options.at + 1}.${field} = ${label}`, args]);
    }
    for (const at of c.arrays ?? []) {
      const args = [...c.args];
      args[at] = [...c.args[at], junk];
      variants.push([`argument ${at + 1} with an element ${label}`, args]);
    }
  }
  for (const [what, args] of variants) {
    const failure = await attempt(() => c.fn(...args));
    if (failure) failures.push(`${what}: ${failure}`);
    try {
      c.alive();
    } catch (e) {
      failures.push(`${what}: broke the module or instance afterwards: ${e?.name}: ${e?.message}`);
      break;
    }
  }
  return failures;
}

/** Runs every case of entry module `m`: `{ name: failures[] }` (names made unique). */
export async function runAll(m) {
  const tmp = mkdtempSync(join(tmpdir(), "pullspec-junk-"));
  try {
    const out = {};
    for (const c of casesFor(m, { tmp })) {
      let name = c.label ?? c.name;
      while (name in out) name += " (again)";
      out[name] = await runCase(c);
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// As a worker (junk-arguments.test.mjs): run every case of the entry named by workerData.
if (!isMainThread && workerData?.junkEntry) {
  const m = await import(workerData.junkEntry);
  parentPort.postMessage(await runAll(m));
}
