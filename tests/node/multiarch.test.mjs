import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import {
  parsePlatform, normalizePlatform, formatPlatform, platformMatcher, PlatformMatcher,
  selectManifest, selectManifestOrThrow, rankManifests, indexPlatforms,
  parseManifest, validateManifest, digest, DigestVerifier, PullspecError,
} from "../../pkg/node.js";
import { state } from "../../pkg/runtime.js";
import { vectors, root } from "./helpers.mjs";

const v = vectors("platforms.json");
const host = v.semantics.assumed_host;
const examples = join(root, "pkg/examples");
const example = (name) => readFileSync(join(examples, name));
const exampleText = (name) => readFileSync(join(examples, name), "utf8");

/** A vector platform (OCI object) in the JS shape: empty fields left out, OCI names renamed. */
function jsShape(p) {
  const out = { os: p.os ?? "", architecture: p.architecture ?? "" };
  if (p.variant) out.variant = p.variant;
  if (p["os.version"]) out.osVersion = p["os.version"];
  if (p["os.features"]?.length) out.osFeatures = p["os.features"];
  return out;
}

/** A vector platform: a specifier string (parsed against the vectors' host) or an OCI object. */
const platformOf = (p) => (typeof p === "string" ? parsePlatform(p, { host }) : p);

const throwsCode = (fn, code, extra = () => true) =>
  assert.throws(fn, (e) => {
    assert.ok(e instanceof PullspecError, `not a PullspecError: ${e}`);
    assert.equal(e.code, code, e.message);
    return extra(e) ?? true;
  });

const D = (n) => "sha256:" + createHash("sha256").update(String(n)).digest("hex");

/** An OCI index whose entries have these platforms (null = none) and annotations. */
function indexOf(platforms, annotations = []) {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: platforms.map((p, i) => ({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: D(i),
      size: 100 + i,
      ...(p === null ? {} : { platform: p }),
      ...(annotations[i] ? { annotations: annotations[i] } : {}),
    })),
  });
}

// ---------------------------------------------------------------------------------------------
// The shared conformance vectors (containerd/platforms v1.0.0-rc.4), through the JS API.

test("parse vectors: platform, Format, FormatAll and Normalize as containerd", () => {
  assert.ok(v.parse_cases.length > 0);
  for (const c of v.parse_cases) {
    const want = c.expected;
    if (!want.valid) {
      throwsCode(() => parsePlatform(c.input, { host }), "INVALID_PLATFORM", (e) => {
        assert.equal(typeof e.offset, "number", c.id);
        assert.ok(e.offset >= 0 && e.offset <= c.input.length, c.id);
      });
      continue;
    }
    const p = parsePlatform(c.input, { host });
    assert.deepEqual(p, jsShape(want.platform), `${c.id}: ${c.input}`);
    assert.equal(formatPlatform(p), want.format, c.id);
    assert.equal(formatPlatform(p, { all: true }), want.format_all, c.id);
    assert.deepEqual(normalizePlatform(p, { host }), jsShape(want.normalized), c.id);
    assert.deepEqual(normalizePlatform(c.input, { host }), jsShape(want.normalized), `${c.id} (string)`);
  }
});

test("normalize vectors, with OCI field names on input", () => {
  for (const c of v.normalize_cases) {
    assert.deepEqual(normalizePlatform(c.input, { host }), jsShape(c.expected), c.id);
  }
});

test("match vectors: every comparer maps to a mode (matcher, only, only_strict, only_os)", () => {
  assert.ok(v.match_cases.length >= 50);
  const modes = new Set();
  for (const c of v.match_cases) {
    const m = platformMatcher(platformOf(c.spec), { mode: c.comparer, host });
    modes.add(m.mode);
    assert.equal(m.matches(platformOf(c.candidate)), c.expected, `${c.id}: ${c.comparer} ${JSON.stringify(c.spec)} vs ${JSON.stringify(c.candidate)}`);
    m.free();
  }
  assert.deepEqual([...modes].sort(), ["exact", "only", "os", "strict"]);
});

test("sort vectors: stable sort by the comparer's preference", () => {
  for (const c of v.sort_cases) {
    const m = platformMatcher(platformOf(c.spec), { mode: c.comparer, host });
    const got = m.sort(c.platforms.map(platformOf)).map((p) => formatPlatform(p, { all: true }));
    const want = c.expected_order.map((p) => formatPlatform(platformOf(p), { all: true }));
    assert.deepEqual(got, want, c.id);
    // compare() agrees with the order: nothing later is strictly preferred to anything earlier
    const sorted = m.sort(c.platforms.map(platformOf));
    for (let i = 0; i + 1 < sorted.length; i++) assert.ok(m.compare(sorted[i + 1], sorted[i]) >= 0 || c.comparer === "any", c.id);
  }
});

test("select vectors: chosen entry and preference order as containerd's images.Manifest", () => {
  // Where containerd/platforms main differs from the rc.4 vectors, main's answer (tests/platforms-main.json).
  const main = JSON.parse(readFileSync(join(root, "tests/platforms-main.json"), "utf8"));
  for (const original of v.select_cases) {
    const c = main.select_overrides[original.id] ? { ...original, expected: main.select_overrides[original.id].expected } : original;
    const m = platformMatcher(platformOf(c.requested), { mode: c.comparer, host });
    const index = indexOf(c.index_platforms);
    const s = selectManifest(index, m);
    assert.equal(s?.index ?? null, c.expected.chosen_index, `${c.id}: ${s?.reason}`);
    assert.deepEqual(rankManifests(index, m).map((r) => r.index), c.expected.matching_in_preference_order, c.id);
    if (s) {
      assert.equal(s.descriptor.digest, D(s.index), c.id);
      assert.equal(typeof s.reason, "string");
    } else {
      throwsCode(() => selectManifestOrThrow(index, m), "NO_MATCHING_PLATFORM", (e) => assert.match(e.message, /available/));
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Platforms

test("host option fills in what a one-word specifier leaves out; default linux/amd64", () => {
  assert.deepEqual(parsePlatform("linux"), { os: "linux", architecture: "amd64" });
  assert.deepEqual(parsePlatform("arm64"), { os: "linux", architecture: "arm64" });
  assert.deepEqual(parsePlatform("linux", { host: "linux/arm/v6" }), { os: "linux", architecture: "arm", variant: "v6" });
  assert.deepEqual(parsePlatform("arm64", { host: { os: "windows", architecture: "amd64" } }), { os: "windows", architecture: "arm64" });
  assert.deepEqual(normalizePlatform({ architecture: "x86_64" }, { host: "darwin/arm64" }), { os: "darwin", architecture: "amd64" });
  throwsCode(() => parsePlatform("linux", { host: "not a/platform" }), "INVALID_PLATFORM");
});

test("errors: INVALID_PLATFORM with a UTF-16 offset, INVALID_ARGUMENT for wrong types", () => {
  for (const [spec, offset] of [["linux/ar m", 8], ["linux/*", 6], ["", 0], ["linux/arm/v7/x", 13], ["é/linux", 0]]) {
    throwsCode(() => parsePlatform(spec), "INVALID_PLATFORM", (e) => assert.equal(e.offset, offset, spec));
  }
  throwsCode(() => parsePlatform(42), "INVALID_ARGUMENT");
  throwsCode(() => normalizePlatform(null), "INVALID_ARGUMENT");
  throwsCode(() => normalizePlatform({ os: "linux", arch: "amd64" }), "INVALID_PLATFORM", (e) => assert.match(e.message, /arch/));
  throwsCode(() => platformMatcher("linux/amd64", { mode: "fuzzy" }), "INVALID_MATCHER");
  throwsCode(() => platformMatcher(["linux/amd64", "linux/arm64"], { mode: "only" }), "INVALID_MATCHER");
});

test("OCI field names (os.version, os.features) on input, JS names on output", () => {
  const oci = { os: "windows", architecture: "amd64", "os.version": "10.0.20348.2966", "os.features": ["win32k"] };
  const js = { os: "windows", architecture: "amd64", osVersion: "10.0.20348.2966", osFeatures: ["win32k"] };
  assert.deepEqual(normalizePlatform(oci), js);
  assert.deepEqual(normalizePlatform(js), js);
  assert.equal(formatPlatform(oci, { all: true }), "windows(10.0.20348.2966+win32k)/amd64");
  assert.equal(formatPlatform(oci), "windows/amd64");
  assert.deepEqual(parsePlatform("windows(10.0.20348.2966+win32k)/amd64"), js);
  const m = platformMatcher(oci, { mode: "exact" });
  assert.deepEqual(m.platforms, [js]);
  assert.equal(m.matches({ os: "windows", architecture: "amd64", "os.version": "10.0.20348.1" }), true);
  assert.equal(m.matches({ os: "windows", architecture: "amd64", osVersion: "10.0.17763.1" }), false);
  // Docker's non-OCI `features` is accepted and ignored
  assert.deepEqual(normalizePlatform({ os: "linux", architecture: "amd64", features: ["sse4"] }), { os: "linux", architecture: "amd64" });
});

test("Windows: os.version compatibility by build number; windows_host prefers the newest", () => {
  const w = (ver) => ({ os: "windows", architecture: "amd64", osVersion: ver });
  const cases = [
    // host build, image build, can run
    ["10.0.17763.100", "10.0.17763.6659", true],
    ["10.0.17763.100", "10.0.20348.1", false],
    ["10.0.20348.100", "10.0.17763.1", false],
    ["10.0.22631.1", "10.0.20348.2966", true], // stable ABI since ltsc2022
    ["10.0.26100.1", "10.0.20348.2966", true], // an ltsc2025 host runs ltsc2022 images
    ["10.0.20348.1", "10.0.26100.2605", false],
    ["10.0.26200.1", "10.0.26100.2605", true], // past ltsc2025: from ltsc2025 up to the host
    ["10.0.26200.1", "10.0.20348.2966", false],
  ];
  for (const [h, image, ok] of cases) {
    assert.equal(platformMatcher(w(h), { mode: "exact" }).matches(w(image)), ok, `${h} runs ${image}`);
  }
  const hostPlatform = w("10.0.26100.2000");
  const m = platformMatcher(hostPlatform);
  assert.equal(m.mode, "windows_host");
  // containerd main orders matching entries by revision (the fourth part, as a number), newest first;
  // equal revisions keep their order; what the host cannot run comes last.
  const sorted = m.sort([w("10.0.20348.999"), w("10.0.17763.5000"), w("10.0.26100.1000"), w("10.0.20348.2")]);
  assert.deepEqual(sorted.map((p) => p.osVersion), ["10.0.26100.1000", "10.0.20348.999", "10.0.20348.2", "10.0.17763.5000"]);
  const idx = exampleText("windows-index.json");
  const pick = (h) => selectManifest(idx, w(h))?.platform?.osVersion ?? null;
  assert.equal(pick("10.0.17763.5000"), "10.0.17763.6659");
  assert.equal(pick("10.0.20348.100"), "10.0.20348.2966");
  assert.equal(pick("10.0.22631.1"), "10.0.20348.2966");
  // containerd main: an ltsc2025 host also runs ltsc2022 images, and the higher revision wins.
  assert.equal(pick("10.0.26100.9"), "10.0.20348.2966");
  assert.equal(pick("10.0.26200.9"), "10.0.26100.2605");
  assert.equal(pick("10.0.14393.1"), null);
  // a parsed manifest (osVersion) as the index keeps its os.version for selection
  assert.equal(selectManifest(parseManifest(idx), w("10.0.17763.5000")).platform.osVersion, "10.0.17763.6659");
  // No os.version asked: every Windows entry matches, and containerd main takes the highest revision.
  assert.equal(selectManifest(idx, "windows/amd64").platform.osVersion, "10.0.17763.6659");
  assert.equal(selectManifest(idx, "linux/amd64").index, 0);
});

test("PlatformMatcher: modes, defaults, compare as a sort comparator, free()", () => {
  const only = platformMatcher("linux/arm64");
  assert.ok(only instanceof PlatformMatcher);
  assert.equal(only.mode, "only");
  assert.equal(String(only), "linux/arm64");
  assert.equal(only.matches("linux/arm/v7"), true);
  assert.equal(only.matches("linux/amd64"), false);
  const list = ["linux/amd64", "linux/arm/v5", "linux/arm/v7", "linux/arm64"];
  assert.deepEqual(only.sort(list).map((p) => formatPlatform(p)), ["linux/arm64", "linux/arm/v7", "linux/arm/v5", "linux/amd64"]);
  assert.deepEqual([...list].sort((a, b) => only.compare(a, b)).slice(0, 3), ["linux/arm64", "linux/arm/v7", "linux/arm/v5"]);
  const strict = platformMatcher("linux/arm64", { mode: "strict" });
  assert.equal(strict.matches("linux/arm/v7"), false);
  assert.equal(strict.matches("linux/aarch64"), true);
  const ordered = platformMatcher(["linux/arm64", "linux/amd64"]);
  assert.equal(ordered.mode, "ordered");
  assert.equal(String(ordered), "linux/arm64, linux/amd64");
  assert.deepEqual(ordered.sort(["linux/amd64", "linux/arm64"]).map((p) => p.architecture), ["arm64", "amd64"]);
  const os = platformMatcher("linux/amd64", { mode: "os" });
  assert.equal(os.matches("linux/s390x"), true);
  assert.equal(os.matches("windows/amd64"), false);
  assert.equal(platformMatcher([], { mode: "all" }).matches("plan9/mips"), true);
  only.free();
  only.free(); // idempotent
  throwsCode(() => only.matches("linux/amd64"), "INVALID_STATE");
  throwsCode(() => selectManifest(indexOf([{ os: "linux", architecture: "arm64" }]), only), "INVALID_STATE");
  assert.equal(String(only), "PlatformMatcher (freed)");
  // many matchers without free(): the FinalizationRegistry of the generated class reclaims them
  for (let i = 0; i < 2000; i++) platformMatcher("linux/amd64").matches("linux/amd64");
});

// ---------------------------------------------------------------------------------------------
// Selection

test("selection from the example OCI index; the attestation is never chosen", () => {
  const idx = example("oci-index.json");
  const cases = [
    ["linux/amd64", 0, /exact match/],
    ["linux/arm64", 1, /linux\/arm64\/v8 chosen: exact match for linux\/arm64/],
    ["linux/arm/v7", 2, /exact match/],
    ["linux/arm/v8", 2, /via fallback/],
    ["linux/arm/v6", null],
    ["linux/s390x", null],
  ];
  for (const [wanted, index, reason] of cases) {
    const s = selectManifest(idx, wanted);
    assert.equal(s?.index ?? null, index, wanted);
    if (s) {
      assert.match(s.reason, reason, wanted);
      assert.equal(s.descriptor.mediaType, "application/vnd.oci.image.manifest.v1+json");
      assert.deepEqual(s.platform, s.descriptor.platform);
    }
  }
  // as text, bytes, ArrayBuffer, a plain object, or a parsed Manifest
  const text = exampleText("oci-index.json");
  const bytes = new Uint8Array(example("oci-index.json"));
  for (const form of [text, bytes, bytes.buffer, JSON.parse(text), parseManifest(text)]) {
    assert.equal(selectManifest(form, "linux/arm64").index, 1);
  }
  // the attestation: not with `all`, not in rankings, not among the available platforms
  assert.equal(selectManifest(idx, [], { mode: "all" }).index, 0);
  assert.deepEqual(rankManifests(idx, platformMatcher([], { mode: "all" })).map((r) => r.index), [0, 1, 2]);
  assert.deepEqual(indexPlatforms(idx), ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]);
  assert.equal(selectManifest(idx, "unknown/unknown", { mode: "strict" }), null);
  const annotatedOnly = indexOf([{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "amd64" }], [
    { "vnd.docker.reference.type": "attestation-manifest" },
  ]);
  assert.equal(selectManifest(annotatedOnly, "linux/amd64").index, 1);
});

test("selection from the Docker manifest list; entries without platform rank last", () => {
  const list = example("docker-manifest-list.json");
  assert.equal(selectManifest(list, "linux/arm64").platform.variant, "v8");
  assert.equal(selectManifest(list, "linux/arm/v7").platform.variant, "v7");
  assert.equal(selectManifest(list, "linux/arm/v8").platform.variant, "v7");
  assert.equal(selectManifest(list, "linux/arm/v5"), null);
  assert.equal(selectManifest(list, "linux/amd64/v3").platform.architecture, "amd64");
  assert.equal(selectManifest(list, "386").platform.architecture, "386");
  assert.equal(selectManifest(list, "linux/arm64").descriptor.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
  const noPlatform = indexOf([null, { os: "linux", architecture: "arm", variant: "v7" }]);
  const s = selectManifest(noPlatform, "linux/amd64");
  assert.equal(s.index, 0);
  assert.equal(s.platform, null);
  assert.match(s.reason, /no platform declared/);
});

test("no match: null, or NO_MATCHING_PLATFORM listing the available platforms", () => {
  const idx = example("oci-index.json");
  assert.equal(selectManifest(idx, "linux/ppc64le"), null);
  throwsCode(() => selectManifestOrThrow(idx, "linux/ppc64le"), "NO_MATCHING_PLATFORM", (e) => {
    assert.equal(e.message, "no manifest for linux/ppc64le; available: linux/amd64, linux/arm64/v8, linux/arm/v7");
    assert.deepEqual(e.available, ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]);
    assert.equal(e.requested, "linux/ppc64le");
  });
  throwsCode(() => selectManifest(idx, "windows/amd64", { throwIfNone: true }), "NO_MATCHING_PLATFORM");
  throwsCode(() => selectManifestOrThrow(indexOf([]), "linux/amd64"), "NO_MATCHING_PLATFORM", (e) => assert.match(e.message, /declares no platforms/));
});

test("selection refuses image manifests and invalid indexes", () => {
  throwsCode(() => selectManifest(example("oci-image-manifest.json"), "linux/amd64"), "NOT_AN_INDEX");
  throwsCode(() => selectManifest(example("invalid-manifest.json"), "linux/amd64"), "DUPLICATE_KEY", (e) => assert.equal(typeof e.line, "number"));
  throwsCode(() => selectManifest("{", "linux/amd64"), "MANIFEST_INVALID_JSON");
  throwsCode(() => selectManifest(42, "linux/amd64"), "INVALID_ARGUMENT");
  throwsCode(() => selectManifest(indexOf([]), 42), "INVALID_ARGUMENT");
});

// ---------------------------------------------------------------------------------------------
// Manifests

test("parseManifest: image manifest, OCI index, Docker list, typed shape", () => {
  const image = parseManifest(example("oci-image-manifest.json"));
  assert.equal(image.kind, "image");
  assert.equal(image.schemaVersion, 2);
  assert.equal(image.mediaType, "application/vnd.oci.image.manifest.v1+json");
  assert.equal(image.config.mediaType, "application/vnd.oci.image.config.v1+json");
  assert.match(image.config.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(image.layers.length, 1);
  assert.equal(image.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
  assert.equal(image.annotations["org.opencontainers.image.source"], "https://example.com/hello");
  assert.equal("manifests" in image, false);
  const index = parseManifest(exampleText("oci-index.json"), "application/vnd.oci.image.index.v1+json; charset=utf-8");
  assert.equal(index.kind, "index");
  assert.equal(index.manifests.length, 4);
  assert.deepEqual(Object.keys(index.manifests[0]), ["mediaType", "digest", "size", "platform"]);
  assert.equal(index.manifests[3].annotations["vnd.docker.reference.type"], "attestation-manifest");
  const list = parseManifest(example("docker-manifest-list.json"));
  assert.equal(list.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json");
  const win = parseManifest(example("windows-index.json"));
  assert.equal(win.manifests[1].platform.osVersion, "10.0.17763.6659");
  assert.deepEqual(win.manifests[1].platform, { os: "windows", architecture: "amd64", osVersion: "10.0.17763.6659" });
  // the example image manifest is the index's linux/amd64 entry: same digest and size
  const bytes = example("oci-image-manifest.json");
  assert.equal(digest(bytes), index.manifests[0].digest);
  assert.equal(bytes.length, index.manifests[0].size);
  // a mediaType-less body is typed by structure and reported with the OCI type
  assert.equal(parseManifest(JSON.stringify({ schemaVersion: 2, manifests: [] })).mediaType, "application/vnd.oci.image.index.v1+json");
});

test("parseManifest errors: code, path, and position in UTF-16 (strings) or bytes", () => {
  throwsCode(() => parseManifest('{"schemaVersion": 2,\n  "manifests": [}'), "MANIFEST_INVALID_JSON", (e) => {
    assert.equal(e.line, 2);
    assert.equal(e.column, 17);
    assert.equal(typeof e.offset, "number");
  });
  const text = '{"annotations":{"é😀":"x"},\n"schemaVersion":2,"manifests":[{"mediaType":"a/b","digest":"sha256:zz","size":1}]}';
  const at = text.indexOf('"sha256:zz"');
  throwsCode(() => parseManifest(text), "DESCRIPTOR_DIGEST_INVALID", (e) => {
    assert.equal(e.path, "manifests[0].digest");
    assert.equal(e.offset, at); // UTF-16 index into the string
    assert.equal(e.line, 2);
    assert.equal(e.column, at - text.indexOf("\n"));
    assert.equal(text.slice(e.offset, e.endOffset), '"sha256:zz"');
    assert.equal(e.reason, "DIGEST_INVALID_LENGTH");
  });
  const bytes = new TextEncoder().encode(text);
  throwsCode(() => parseManifest(bytes), "DESCRIPTOR_DIGEST_INVALID", (e) => {
    assert.equal(e.offset, Buffer.from(text.slice(0, at)).length); // byte offset
    assert.equal(new TextDecoder().decode(bytes.subarray(e.offset, e.endOffset)), '"sha256:zz"');
  });
  throwsCode(() => parseManifest('{"schemaVersion":2,"manifests":[]}', "application/vnd.oci.image.manifest.v1+json"), "MEDIA_TYPE_MISMATCH");
  throwsCode(() => parseManifest('{"schemaVersion":1,"fsLayers":[]}'), "SCHEMA1_UNSUPPORTED");
  throwsCode(() => parseManifest("[]"), "MANIFEST_FIELD_TYPE");
  throwsCode(() => parseManifest({}), "INVALID_ARGUMENT");
});

test("limits: 4 MiB + 1 refused, non-UTF-8 bytes, deep nesting", () => {
  const big = new Uint8Array(4 * 1024 * 1024 + 1).fill(0x20);
  throwsCode(() => parseManifest(big), "MANIFEST_TOO_LARGE", (e) => assert.equal(e.limit, String(4 * 1024 * 1024)));
  const d = validateManifest(big);
  assert.equal(d.length, 1);
  assert.equal(d[0].code, "MANIFEST_TOO_LARGE");
  assert.equal(d[0].line, undefined);
  throwsCode(() => parseManifest(" ".repeat(4 * 1024 * 1024 + 1)), "MANIFEST_TOO_LARGE");
  // exactly 4 MiB is allowed through to the JSON checks
  const padded = '{"schemaVersion":2,"manifests":[]}';
  assert.equal(parseManifest(padded + " ".repeat(4 * 1024 * 1024 - padded.length)).kind, "index");
  // oversized bytes are refused before they are copied into wasm memory, which never shrinks;
  // large digests are fed in slices
  const memory = () => state.raw.memory.buffer.byteLength;
  const before = memory();
  const huge = new Uint8Array(64 * 1024 * 1024);
  throwsCode(() => parseManifest(huge), "MANIFEST_TOO_LARGE", (e) => assert.equal(e.actual, String(huge.length)));
  throwsCode(() => selectManifest(huge, "linux/amd64"), "MANIFEST_TOO_LARGE");
  assert.equal(validateManifest(huge)[0].code, "MANIFEST_TOO_LARGE");
  assert.equal(digest(huge), "sha256:" + createHash("sha256").update(huge).digest("hex"));
  assert.ok(memory() - before < 8 * 1024 * 1024, `wasm memory grew by ${memory() - before} bytes`);
  const latin1 = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"\xe9"}
  throwsCode(() => parseManifest(latin1), "MANIFEST_INVALID_UTF8", (e) => {
    assert.equal(e.offset, 6);
    assert.equal(e.line, 1);
    assert.equal(e.column, 7);
  });
  for (const deep of ["[".repeat(100000), "{\"a\":".repeat(100000), "[".repeat(129) + "]".repeat(129)]) {
    throwsCode(() => parseManifest(deep), "MANIFEST_INVALID_JSON", (e) => assert.match(e.message, /recursion limit|EOF/));
    assert.equal(validateManifest(deep)[0].code, "MANIFEST_INVALID_JSON");
  }
});

test("validateManifest: every problem of the invalid example, each with code, path and line/column", () => {
  const text = exampleText("invalid-manifest.json");
  const diags = validateManifest(text);
  assert.deepEqual(diags.map((d) => d.code), [
    "DUPLICATE_KEY",
    "DESCRIPTOR_DIGEST_INVALID",
    "DESCRIPTOR_SIZE_INVALID",
    "PLATFORM_INVALID",
    "MEDIA_TYPE_INVALID",
    "DESCRIPTOR_DIGEST_INVALID",
    "DESCRIPTOR_SIZE_INVALID",
    "ANNOTATION_NOT_STRING",
  ]);
  const lines = text.split("\n");
  for (const d of diags) {
    assert.equal(typeof d.code, "string");
    assert.equal(typeof d.message, "string");
    assert.equal(typeof d.path, "string", d.code);
    assert.equal(d.severity, "error");
    assert.ok(d.line >= 1 && d.column >= 1, d.code);
    // line/column and offset agree
    const before = lines.slice(0, d.line - 1).reduce((n, l) => n + l.length + 1, 0);
    assert.equal(before + d.column - 1, d.offset, d.code);
    assert.ok(d.endOffset > d.offset, d.code);
  }
  const at = (code, i = 0) => diags.filter((d) => d.code === code)[i];
  const slice = (d) => text.slice(d.offset, d.endOffset);
  assert.equal(at("DUPLICATE_KEY").path, "annotations");
  assert.equal(at("DUPLICATE_KEY").details.key, "org.opencontainers.image.created");
  assert.match(slice(at("DUPLICATE_KEY")), /^"org\.opencontainers\.image\.created": "2025-01-16/);
  assert.equal(slice(at("DESCRIPTOR_SIZE_INVALID")), "-632");
  assert.equal(at("PLATFORM_INVALID").path, "manifests[1].platform.architecture");
  assert.equal(slice(at("PLATFORM_INVALID")), '"platform"'); // missing: the enclosing member's key
  assert.equal(at("DESCRIPTOR_DIGEST_INVALID", 1).details.reason, "DIGEST_UNSUPPORTED");
  assert.equal(at("ANNOTATION_NOT_STRING").line, 25);
  // bytes give the same lines (ASCII), and valid documents have no diagnostics
  assert.deepEqual(validateManifest(example("invalid-manifest.json")).map((d) => d.line), diags.map((d) => d.line));
  for (const f of ["oci-index.json", "docker-manifest-list.json", "windows-index.json", "oci-image-manifest.json"]) {
    assert.deepEqual(validateManifest(example(f)), [], f);
  }
  const syntax = validateManifest('{\n  "schemaVersion": 2,\n  "manifests": [,]\n}');
  assert.equal(syntax.length, 1);
  assert.deepEqual([syntax[0].code, syntax[0].line, syntax[0].column], ["MANIFEST_INVALID_JSON", 3, 17]);
  assert.equal(syntax[0].path, null);
});

// ---------------------------------------------------------------------------------------------
// Digests

test("digest of known strings (sha256/384/512 of '' and 'abc'), strings as UTF-8", () => {
  const known = {
    sha256: ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    sha384: [
      "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    ],
    sha512: [
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ],
  };
  for (const [alg, [empty, abc]] of Object.entries(known)) {
    assert.equal(digest("", alg), `${alg}:${empty}`);
    assert.equal(digest("abc", alg), `${alg}:${abc}`);
    assert.equal(digest(new TextEncoder().encode("abc"), alg), `${alg}:${abc}`);
  }
  assert.equal(digest("abc"), `sha256:${known.sha256[1]}`);
  assert.equal(digest("é😀"), "sha256:" + createHash("sha256").update("é😀", "utf8").digest("hex"));
  // large content goes through the incremental hasher in slices
  const big = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 31) & 0xff);
  assert.equal(digest(big), "sha256:" + createHash("sha256").update(big).digest("hex"));
  assert.equal(digest(big.buffer, "sha512"), "sha512:" + createHash("sha512").update(big).digest("hex"));
  assert.equal(digest(new DataView(big.buffer, 5, 100)), "sha256:" + createHash("sha256").update(big.subarray(5, 105)).digest("hex"));
  throwsCode(() => digest("abc", "md5"), "DIGEST_UNSUPPORTED");
  throwsCode(() => digest(123), "INVALID_ARGUMENT");
});

test("DigestVerifier: chunks that match; mismatch with code, expected and actual", () => {
  const content = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => i & 0xff);
  const expected = digest(content);
  const ok = new DigestVerifier(expected);
  assert.equal(ok.expected, expected);
  for (let at = 0; at < content.length; at += 65521) ok.update(content.subarray(at, at + 65521));
  ok.finish();
  throwsCode(() => ok.update(content), "INVALID_STATE");
  throwsCode(() => ok.finish(), "INVALID_STATE");

  const whole = new DigestVerifier(expected);
  whole.update(content); // one big chunk, fed in slices
  whole.finish();

  const text = new DigestVerifier(digest("hello world", "sha512"));
  text.update("hello ").update(new TextEncoder().encode("world"));
  text.finish();

  const bad = new DigestVerifier(digest("abc"));
  bad.update("abd");
  throwsCode(() => bad.finish(), "DIGEST_MISMATCH", (e) => {
    assert.equal(e.expected, digest("abc"));
    assert.equal(e.actual, digest("abd"));
    assert.match(e.message, /digest mismatch/);
  });
  const empty = new DigestVerifier(digest(""));
  empty.finish();

  throwsCode(() => new DigestVerifier("sha256:abc"), "DIGEST_INVALID_LENGTH");
  throwsCode(() => new DigestVerifier("nope"), "DIGEST_INVALID_FORMAT");
  throwsCode(() => new DigestVerifier("md5:d41d8cd98f00b204e9800998ecf8427e"), "DIGEST_UNSUPPORTED");
  throwsCode(() => new DigestVerifier(), "INVALID_ARGUMENT");
});

test("validateManifest: range is the editors' place (zero-based, UTF-16) for text and for UTF-8 bytes", async () => {
  const { toMonacoMarkers } = await import("../../pkg/node.js");
  // A non-ASCII annotation before the problem: bytes and UTF-16 columns differ on that line.
  const text = '{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.index.v1+json",\n  "annotations": {"a": "\u00e9\u00e9\u{1F600}", "b": 1},\n  "manifests": []\n}\n';
  const fromText = validateManifest(text);
  assert.deepEqual(fromText.map((d) => d.code), ["ANNOTATION_NOT_STRING"]);
  const [d] = fromText;
  // the UTF-16 index of `1` on its line: what the editor counts
  const lineText = text.split("\n")[3];
  assert.deepEqual(d.range, {
    start: { line: d.line - 1, character: d.column - 1 },
    end: { line: d.endLine - 1, character: d.endColumn - 1 },
  });
  assert.equal(lineText.slice(d.range.start.character, d.range.end.character), "1");
  // bytes: offset/line/column count bytes, range still counts UTF-16
  const [b] = validateManifest(new TextEncoder().encode(text));
  assert.deepEqual(b.range, d.range);
  assert.ok(b.column > d.column, "byte columns count the two-byte é and the four-byte emoji");
  // not UTF-8: no range (the other places are still given in bytes)
  const bad = new Uint8Array([...new TextEncoder().encode('{"schemaVersion": 2, "x": "'), 0xff, ...new TextEncoder().encode('"}')]);
  const [u] = validateManifest(bad);
  assert.equal(u.code, "MANIFEST_INVALID_UTF8");
  assert.equal(u.range, undefined);
  // what editors do with it
  const [m] = toMonacoMarkers(fromText);
  assert.deepEqual([m.startLineNumber, m.startColumn, m.code], [d.line, d.column, "ANNOTATION_NOT_STRING"]);
});
