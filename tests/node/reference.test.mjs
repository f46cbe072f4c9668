import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseReference, parseReferences, tryParseReference, parseCanonicalReference, parseRawReference, PullspecError,
  withArchSuffix, splitArchSuffix, kubeletImageWithDefaultTag, _parseReferenceViaRust,
} from "../../pkg/node.js";
import { vectors } from "./helpers.mjs";

const refs = vectors("references.json");
const kindOf = (code) => (code === "AMBIGUOUS_IMAGE_ID" ? "hex64_identifier" : code.toLowerCase());

test("every conformance vector parses as distribution/reference and Kubernetes do", () => {
  assert.ok(refs.cases.length >= 50);
  for (const c of refs.cases) {
    const want = c.expected;
    if (want.valid) {
      const r = parseReference(c.input);
      assert.equal(r.registry, want.domain, c.id);
      assert.equal(r.repository, want.path, c.id);
      assert.equal(r.name, want.name, c.id);
      assert.equal(r.tag, want.tag, c.id);
      assert.equal(r.digest, want.digest, c.id);
      assert.equal(r.normalized, want.normalized, c.id);
      assert.equal(r.familiar, want.familiar, c.id);
      assert.equal(r.withDefaultTag, want.normalized_with_default_tag, c.id);
      assert.equal(kubeletImageWithDefaultTag(c.input), want.kubelet_image_with_default_tag, c.id);
      let canonical = true;
      try { parseCanonicalReference(c.input); } catch (e) { assert.equal(e.code, "NAME_NOT_CANONICAL"); canonical = false; }
      assert.equal(canonical, want.is_canonical, c.id);
    } else {
      assert.throws(() => parseReference(c.input), (e) => e instanceof PullspecError && kindOf(e.code) === want.error, c.id);
    }
  }
});

test("tryParseReference returns exactly what parseReference returns or throws, on every vector and odd input", () => {
  const inputs = refs.cases.map((c) => c.input).concat(["", " ", "nginx", "Nginx", "é/app", "a".repeat(300), "x@sha256:abc", "[::1]:5000/x"]);
  for (const input of inputs) {
    let want;
    try { want = parseReference(input); } catch (e) { want = e; }
    const got = tryParseReference(input);
    if (want instanceof PullspecError) {
      assert.ok(got instanceof PullspecError, input);
      assert.deepEqual([got.code, got.message, got.offset], [want.code, want.message, want.offset], input);
    } else {
      assert.deepEqual(got, want, input);
    }
  }
  assert.throws(() => tryParseReference(42), (e) => e instanceof PullspecError && e.code === "INVALID_ARGUMENT");
});

test("raw parse matches distribution's Parse (sha384/512 are supported here, as in Kubernetes)", () => {
  for (const c of refs.cases) {
    const want = c.raw_parse;
    if (want.valid) {
      const r = parseRawReference(c.input);
      assert.equal(r.domain ?? "", want.domain, c.id);
      assert.equal(r.path, want.path, c.id);
      assert.equal(r.string, want.string, c.id);
    } else if (want.error !== "digest_unsupported") {
      assert.throws(() => parseRawReference(c.input), (e) => kindOf(e.code) === want.error, c.id);
    }
  }
});

test("the fast path and the Rust path agree, and the batch agrees with both", () => {
  const inputs = refs.cases.map((c) => c.input).concat(["nginx", "a/b/c:d", "[::1]:5000/x@sha256:" + "a".repeat(64)]);
  const batch = parseReferences(inputs);
  assert.equal(batch.length, inputs.length);
  inputs.forEach((input, i) => {
    let fast, slow;
    try { fast = parseReference(input); } catch (e) { fast = e; }
    try { slow = _parseReferenceViaRust(input); } catch (e) { slow = e; }
    if (fast instanceof PullspecError) {
      assert.ok(slow instanceof PullspecError, input);
      assert.equal(fast.code, slow.code, input);
      assert.ok(batch[i] instanceof PullspecError, input);
      assert.equal(batch[i].code, fast.code, input);
    } else {
      assert.deepEqual(fast, slow, input);
      assert.deepEqual(batch[i], fast, input);
    }
  });
});

test("errors carry a stable code, a message and an offset into the string", () => {
  const cases = [
    ["Foo", "NAME_CONTAINS_UPPERCASE", 0],
    ["foo/Bar", "NAME_CONTAINS_UPPERCASE", 4],
    ["nginx:", "INVALID_REFERENCE_FORMAT", 6],
    ["a b", "INVALID_REFERENCE_FORMAT", 1],
    ["a".repeat(64), "AMBIGUOUS_IMAGE_ID", 0],
    ["a".repeat(300), "NAME_TOO_LONG", undefined],
    ["a@sha256:" + "a".repeat(63), "DIGEST_INVALID_LENGTH", 2],
    ["a@sha256:" + "A".repeat(64), "DIGEST_INVALID_FORMAT", 2],
    ["a@md5:" + "a".repeat(32), "DIGEST_UNSUPPORTED", 2],
    ["ü/x", "INVALID_REFERENCE_FORMAT", 0],
    ["xü", "INVALID_REFERENCE_FORMAT", 1],
    ["😀😀:x y", "INVALID_REFERENCE_FORMAT", 0],
  ];
  for (const [input, code, offset] of cases) {
    assert.throws(() => parseReference(input), (e) => {
      assert.ok(e instanceof PullspecError && e instanceof Error, input);
      assert.equal(e.name, "PullspecError");
      assert.equal(e.code, code, input);
      assert.equal(e.offset, offset, input);
      assert.ok(e.message.length > 10, input);
      return true;
    });
  }
  assert.match((() => { try { parseReference("foo/Bar"); } catch (e) { return e.message; } })(), /must be lowercase: 'foo\/Bar'/);
});

test("strange input never crashes the module", () => {
  const lone = "\uD800";
  const inputs = ["", "\0", "a\0b", lone, "a" + lone, "x".repeat(1 << 20), "/".repeat(100000), ":".repeat(5000),
    "a:" + "b".repeat(100000), "[" + ":".repeat(10000), "a@" + "sha256:".repeat(1000), "\u212A/foo", "İ/foo"];
  for (const input of inputs) {
    try { parseReference(input); } catch (e) { assert.ok(e instanceof PullspecError, JSON.stringify(input.slice(0, 20))); }
  }
  for (const bad of [null, undefined, 42, {}, ["nginx"]]) {
    assert.throws(() => parseReference(bad), (e) => e.code === "INVALID_ARGUMENT");
  }
  // Still alive and correct afterwards.
  assert.equal(parseReference("nginx").normalized, "docker.io/library/nginx");
  const many = parseReferences(Array.from({ length: 5000 }, (_, i) => `r${i}.example.com:${i}/app-${i}:v${i}`));
  assert.equal(many[4999].registry, "r4999.example.com:4999");
});

test("legacy -$(ARCH) names", () => {
  assert.equal(withArchSuffix("registry.k8s.io/pause:3.9", "amd64"), "registry.k8s.io/pause-amd64:3.9");
  assert.equal(withArchSuffix("pause", "arm64"), "pause-arm64");
  assert.deepEqual(splitArchSuffix("registry.k8s.io/pause-amd64"), { image: "registry.k8s.io/pause", arch: "amd64" });
  assert.equal(splitArchSuffix("registry.k8s.io/pause"), null);
  assert.throws(() => withArchSuffix("pause", "AMD64"), PullspecError);
});

test("the fast path's result slots are the same table in Rust and JS", async () => {
  const { SLOT } = await import("../../pkg/references.js");
  const { readFileSync } = await import("node:fs");
  const source = readFileSync(new URL("../../src/js/reference.rs", import.meta.url), "utf8");
  const table = source.slice(source.indexOf("pub mod slot {"), source.indexOf("\n}\n", source.indexOf("pub mod slot {")));
  const rust = Object.fromEntries([...table.matchAll(/pub const (\w+): usize = (\d+);/g)].map(([, k, v]) => [k, Number(v)]));
  assert.ok(Object.keys(rust).length >= 13, "the Rust table was found");
  assert.deepEqual(SLOT, rust);
  const slots = Number(/pub const SLOTS: usize = (\d+);/.exec(source)[1]);
  for (const [k, v] of Object.entries(SLOT)) assert.ok(v + 1 < slots || k === "STATUS", `${k} fits in ${slots} slots`);
});
