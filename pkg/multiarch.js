// Multi-arch images: platforms, matchers, index selection, manifests and digests. Everything
// here converts arguments, calls the WebAssembly core and shapes its answers; the rules live in
// Rust (src/platform/, src/select.rs, src/manifest/, src/digest.rs). Types: multiarch.d.ts.
import { gen } from "./runtime.js";
import { PullspecError } from "./errors.js";
import { invalid, describe, jsonText } from "./args.js";

/** Content larger than this is fed to the hasher in slices (wasm memory never shrinks). */
const SLICE = 1 << 20;

/** A string stays a string; any binary buffer becomes a Uint8Array of this realm. */
function textOrBytes(input, what) {
  if (typeof input === "string" || input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === "[object ArrayBuffer]") {
    return new Uint8Array(input);
  }
  throw invalid(`${what} must be a string or bytes (Uint8Array, Buffer, ArrayBuffer), got ${describe(input)}`);
}

/** JSON.stringify replacer: platform objects in the OCI spelling (`os.version`, `os.features`). */
function ociPlatforms(key, value) {
  if (key === "platform" && value && typeof value === "object" && !Array.isArray(value)) {
    const { osVersion, osFeatures, ...rest } = value;
    if (osVersion !== undefined && rest["os.version"] === undefined) rest["os.version"] = osVersion;
    if (osFeatures !== undefined && rest["os.features"] === undefined) rest["os.features"] = osFeatures;
    return rest;
  }
  return value;
}

/** An index as text or bytes: objects (OCI JSON or a parsed `Manifest`) are serialized. */
function indexInput(index) {
  if (index !== null && typeof index === "object" && !ArrayBuffer.isView(index) && !(index instanceof ArrayBuffer)) {
    return jsonText(index, "index", ociPlatforms); // a cycle or a BigInt: INVALID_ARGUMENT, not a TypeError
  }
  return textOrBytes(index, "index");
}

function platformInput(p, what = "platform") {
  if (typeof p === "string") return p;
  if (p !== null && typeof p === "object" && !Array.isArray(p)) return p;
  throw invalid(`${what} must be a platform string (os/arch[/variant]) or object, got ${describe(p)}`);
}

function hostOption(options) {
  const host = options?.host;
  return host === undefined || host === null ? undefined : platformInput(host, "host");
}

// ---------------------------------------------------------------------------------------------
// Platforms

/**
 * Parses a platform specifier as containerd does (`linux/arm64/v8`, `arm64`, `windows(10.0.20348)/amd64`).
 * Parts left out come from `options.host` (default `linux/amd64`). Throws `INVALID_PLATFORM` with `offset`.
 */
export function parsePlatform(spec, options = undefined) {
  if (typeof spec !== "string") throw invalid(`platform specifier must be a string, got ${describe(spec)}`);
  return gen.parsePlatform(spec, hostOption(options));
}

/** containerd's `Normalize`: canonical OS and architecture names (`aarch64` -> `arm64`), features sorted. */
export function normalizePlatform(platform, options = undefined) {
  return gen.normalizePlatform(platformInput(platform), hostOption(options));
}

/** `os/arch[/variant]`, or with `{ all: true }` also `(os.version+features)` after the OS. */
export function formatPlatform(platform, options = undefined) {
  return gen.formatPlatform(platformInput(platform), Boolean(options?.all));
}

let innerOf; // PlatformMatcher -> WasmMatcher (set in the class's static block)

/**
 * Which platforms are acceptable and in what order of preference (containerd's matchers).
 * Holds a matcher in WebAssembly memory: freed when garbage collected, or at once by `free()`.
 */
export class PlatformMatcher {
  #inner;

  static {
    innerOf = (m) => {
      if (!(m instanceof PlatformMatcher)) return null;
      if (m.#inner === null) throw new PullspecError("this PlatformMatcher was freed", { code: "INVALID_STATE" });
      return m.#inner;
    };
  }

  /** Same as {@link platformMatcher}. */
  constructor(spec, options = undefined) {
    const list = Array.isArray(spec) ? spec.map((p) => platformInput(p)) : [platformInput(spec)];
    const mode = options?.mode;
    if (mode !== undefined && mode !== null && typeof mode !== "string") throw invalid("mode must be a string");
    this.#inner = new gen.WasmMatcher(list, mode ?? undefined, hostOption(options));
  }

  #m() {
    return innerOf(this);
  }

  /** The mode's canonical name (`only`, `strict`, ...). */
  get mode() {
    return this.#m().mode;
  }

  /** The platforms the matcher was built from. */
  get platforms() {
    return this.#m().platforms;
  }

  /** Whether an image for `platform` is acceptable. */
  matches(platform) {
    return this.#m().matches(platformInput(platform));
  }

  /** Negative when `a` is preferred, positive when `b` is, 0 when neither (an `Array.prototype.sort` comparator). */
  compare(a, b) {
    return this.#m().compare(platformInput(a), platformInput(b));
  }

  /** A new array, preferred first, stable (as containerd sorts; strings are parsed). */
  sort(platforms) {
    if (!Array.isArray(platforms)) throw invalid("sort takes an array of platforms");
    return this.#m().sort(platforms.map((p) => platformInput(p)));
  }

  /** The requested platforms, e.g. `linux/arm64`. */
  toString() {
    return this.#inner === null ? "PlatformMatcher (freed)" : this.#inner.describe();
  }

  /** Releases the WebAssembly memory now (optional: garbage collection does it too). */
  free() {
    if (this.#inner !== null) {
      this.#inner.free();
      this.#inner = null;
    }
  }
}

if (typeof Symbol.dispose === "symbol") {
  // `using m = platformMatcher(...)` frees at the end of the block.
  PlatformMatcher.prototype[Symbol.dispose] = function dispose() {
    this.free();
  };
}

/**
 * A matcher for one platform or a list. `mode`: `only` (the platform and what it can run, best
 * first; containerd's default), `strict`, `exact`, `os`, `ordered`, `any`, `all`, `windows_host`.
 * Without a mode: `only` (`windows_host` for a Windows platform), `ordered` for a list.
 */
export function platformMatcher(spec, options = undefined) {
  return new PlatformMatcher(spec, options);
}

/** Runs `fn` with the WasmMatcher for `wanted` (a PlatformMatcher, or what platformMatcher takes). */
function withMatcher(wanted, options, fn) {
  const given = innerOf(wanted);
  if (given) return fn(given);
  const m = new PlatformMatcher(wanted, { host: options?.host, mode: options?.mode });
  try {
    return fn(innerOf(m));
  } finally {
    m.free();
  }
}

// ---------------------------------------------------------------------------------------------
// Selection

/**
 * The entry of an index (or Docker manifest list) containerd would pull for `wanted`:
 * `{ index, descriptor, platform, reason }`, or null when nothing matches (attestations are never
 * chosen). With `{ throwIfNone: true }`, throws `NO_MATCHING_PLATFORM` listing the available platforms.
 */
export function selectManifest(index, wanted, options = undefined) {
  const input = indexInput(index);
  return withMatcher(wanted, options, (m) => gen.selectManifest(input, m, Boolean(options?.throwIfNone)));
}

/** {@link selectManifest} that throws `NO_MATCHING_PLATFORM` instead of returning null. */
export function selectManifestOrThrow(index, wanted, options = undefined) {
  return selectManifest(index, wanted, { ...options, throwIfNone: true });
}

/** Every acceptable entry of an index for `wanted`, best first: `{ index, descriptor, platform }[]`. */
export function rankManifests(index, wanted, options = undefined) {
  const input = indexInput(index);
  return withMatcher(wanted, options, (m) => gen.rankManifests(input, m));
}

/** The platforms an index offers (attestations left out), formatted, in index order. */
export function indexPlatforms(index) {
  return gen.indexPlatforms(indexInput(index));
}

// ---------------------------------------------------------------------------------------------
// Manifests

/**
 * Parses an OCI image manifest or index, or a Docker schema 2 manifest or manifest list, from its
 * raw text or bytes. Throws the first problem with `code`, `path` and, where it has one, the
 * position (`offset`, `line`, `column`).
 */
export function parseManifest(bytes, contentType = undefined) {
  if (contentType !== undefined && contentType !== null && typeof contentType !== "string") {
    throw invalid("contentType must be a string");
  }
  return gen.parseManifest(textOrBytes(bytes, "manifest"), contentType ?? undefined);
}

/** Every problem of a manifest or index (empty when valid), each with code, message, path and position. */
export function validateManifest(bytes, contentType = undefined) {
  if (contentType !== undefined && contentType !== null && typeof contentType !== "string") {
    throw invalid("contentType must be a string");
  }
  return gen.validateManifest(textOrBytes(bytes, "manifest"), contentType ?? undefined);
}

// ---------------------------------------------------------------------------------------------
// Digests

function feed(target, chunk) {
  if (typeof chunk === "string") {
    target.updateText(chunk);
    return;
  }
  const bytes = textOrBytes(chunk, "chunk");
  for (let at = 0; at < bytes.length; at += SLICE) {
    target.update(at === 0 && bytes.length <= SLICE ? bytes : bytes.subarray(at, at + SLICE));
  }
}

/** `sha256:<hex>` (or sha384/sha512) of the bytes; a string is hashed as its UTF-8 bytes. */
export function digest(bytes, algorithm = "sha256") {
  if (typeof algorithm !== "string") throw invalid("algorithm must be a string");
  const input = textOrBytes(bytes, "content");
  if (typeof input === "string" || input.length <= SLICE) return gen.digest(input, algorithm);
  const h = new gen.WasmHasher(algorithm);
  try {
    feed(h, input);
    return h.finish();
  } finally {
    h.free();
  }
}

/**
 * Checks content against a digest as it streams by. `finish()` throws `DIGEST_MISMATCH` (with
 * `expected` and `actual`) unless everything given to `update()` hashes to `expected`.
 */
export class DigestVerifier {
  #inner;

  /** Throws `DIGEST_INVALID_FORMAT`, `DIGEST_INVALID_LENGTH` or `DIGEST_UNSUPPORTED` for a bad digest. */
  constructor(expected) {
    if (typeof expected !== "string") throw invalid(`expected digest must be a string, got ${describe(expected)}`);
    this.#inner = new gen.WasmVerifier(expected);
    /** The digest the content must have. */
    this.expected = this.#inner.expected;
  }

  #v() {
    if (this.#inner === null) throw new PullspecError("finish() was already called", { code: "INVALID_STATE" });
    return this.#inner;
  }

  /** Feeds the next chunk (bytes, or a string as UTF-8). */
  update(chunk) {
    feed(this.#v(), chunk);
    return this;
  }

  /** Throws `DIGEST_MISMATCH` unless the content matched; the verifier is spent afterwards. */
  finish() {
    const v = this.#v();
    this.#inner = null;
    try {
      v.finish();
    } finally {
      v.free();
    }
  }
}
