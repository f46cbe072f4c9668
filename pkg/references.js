// Image references: parse, normalize, familiar form, the kubelet's default tag, legacy -$(ARCH)
// names. Everything here converts arguments, calls the WebAssembly core and shapes its answers;
// the grammar lives in Rust (src/reference/). Types: index.d.ts.
import { PullspecError } from "./errors.js";
import { gen, state } from "./runtime.js";
import { invalid, requireString } from "./args.js";

export { PullspecError };

// ---------------------------------------------------------------------------------------------
// Image references. The hot path writes ASCII input into wasm memory and reads back byte ranges
// (src/js/reference.rs explains the layout); anything invalid or non-ASCII takes the slow path,
// which throws the full error.

const SLOTS = 16; // u32 per parsed reference
/**
 * Where each value sits among a result's SLOTS: the table `slot` in src/js/reference.rs (a Node
 * test checks they agree). Ranges are (start, end) in the input; failure texts (start, length)
 * in the text buffer.
 */
export const SLOT = Object.freeze({
  STATUS: 0, // 0 valid, 1 invalid, 2 not UTF-8
  DOMAIN_KIND: 1, // 0 in the input, 1 Docker Hub, 2 none
  DOMAIN: 2,
  LIBRARY: 4, // 1: "library/" goes before the path
  PATH: 5,
  HAS_TAG: 7,
  TAG: 8,
  HAS_DIGEST: 10,
  DIGEST: 11,
  FAMILIAR: 13,
  OFFSET: 1, // invalid: the error's offset, 0xffffffff for none
  CODE: 2,
  MESSAGE: 4,
});
const { STATUS, DOMAIN_KIND, DOMAIN, LIBRARY, PATH, HAS_TAG, TAG, HAS_DIGEST, DIGEST, FAMILIAR, OFFSET, CODE, MESSAGE } = SLOT;
const encoder = new TextEncoder();
let inPtr = 0, lenPtr = 0, outPtr = 0, inCap = 0, countCap = 0;
// Views of wasm memory. When memory grows, old views detach (length 0): views() renews them.
let u8 = new Uint8Array(0), u32 = new Uint32Array(0), inView = u8;

function reserve(bytes, count) {
  bytes = Math.max(bytes, inCap, 4096);
  count = Math.max(count, countCap, 1);
  gen.ref_reserve(bytes, count);
  inPtr = gen.ref_input_ptr();
  lenPtr = gen.ref_lengths_ptr();
  outPtr = gen.ref_out_ptr();
  inCap = bytes;
  countCap = count;
  u8 = new Uint8Array(0);
}

function views() {
  if (u8.length === 0) {
    const buffer = state.raw.memory.buffer;
    u8 = new Uint8Array(buffer);
    u32 = new Uint32Array(buffer);
    inView = u8.subarray(inPtr, inPtr + inCap);
  }
}

/** Copies `input` as UTF-8 into wasm memory at `at`; false if it is not ASCII. */
function writeAscii(input, at) {
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c > 127) return false;
    u8[at + i] = c;
  }
  return true;
}

const decoder = new TextDecoder();
const textAt = (base, start, length) => decoder.decode(u8.subarray(base + start, base + start + length));

/**
 * The PullspecError of a failed fast-path slot, or null when the slow path must decide.
 * `withStack: false` skips capturing a stack trace (V8 spends ~2 µs on it, 5x the parse): for
 * the errors `parseReferences` returns as values, where a stack would only point here.
 */
function failure(input, o, withStack = true) {
  if (u32[o + STATUS] !== 1) return null;
  const base = gen.ref_text_ptr();
  const offset = u32[o + OFFSET];
  const fields = { code: textAt(base, u32[o + CODE], u32[o + CODE + 1]) };
  if (offset !== 0xffffffff) fields.offset = offset; // ASCII input: byte offset == string index
  const message = textAt(base, u32[o + MESSAGE], u32[o + MESSAGE + 1]);
  if (withStack) return new PullspecError(message, fields);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new PullspecError(message, fields);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function build(input, o) {
  const kind = u32[o + DOMAIN_KIND];
  const registry = kind === 1 ? "docker.io" : kind === 0 ? input.slice(u32[o + DOMAIN], u32[o + DOMAIN + 1]) : "";
  const path = input.slice(u32[o + PATH], u32[o + PATH + 1]);
  const repository = u32[o + LIBRARY] === 1 ? "library/" + path : path;
  const tag = u32[o + HAS_TAG] === 1 ? input.slice(u32[o + TAG], u32[o + TAG + 1]) : null;
  const digest = u32[o + HAS_DIGEST] === 1 ? input.slice(u32[o + DIGEST], u32[o + DIGEST + 1]) : null;
  const name = registry === "" ? repository : registry + "/" + repository;
  let suffix = tag === null ? "" : ":" + tag;
  if (digest !== null) suffix += "@" + digest;
  const normalized = name + suffix;
  return {
    registry,
    repository,
    tag,
    digest,
    name,
    normalized,
    familiar: input.slice(u32[o + FAMILIAR], u32[o + FAMILIAR + 1]) + suffix,
    withDefaultTag: tag === null && digest === null ? normalized + ":latest" : normalized,
  };
}

/**
 * The parse of one reference: the ImageReference, or the PullspecError as a value (`withStack`:
 * with a stack trace, as a thrown error should have; without, it costs ~2 us less).
 */
function parseOne(input, withStack) {
  if (typeof input !== "string") requireString(input, "image reference");
  if (input.length * 3 > inCap) reserve(input.length * 3, 1);
  views();
  // UTF-8 bytes written == UTF-16 length only for ASCII; anything else takes the slow path.
  const { written } = encoder.encodeInto(input, inView);
  if (written === input.length) {
    const ok = state.raw.ref_parse(written) === 0;
    views();
    if (ok) return build(input, outPtr >>> 2);
    const error = failure(input, outPtr >>> 2, withStack);
    if (error) return error;
  }
  try {
    return gen.parse_reference(input, "normalized"); // non-ASCII: errors with UTF-16 offsets
  } catch (e) {
    return e;
  }
}

/**
 * Parses an image reference with Kubernetes semantics (distribution/reference
 * ParseNormalizedNamed). Throws PullspecError.
 */
export function parseReference(input) {
  const r = parseOne(input, true);
  if (r instanceof PullspecError) throw r;
  return r;
}

/**
 * `parseReference` that returns the PullspecError of an invalid reference instead of throwing it,
 * without a stack trace: for editors validating as people type and loops over many inputs, where
 * a thrown error's stack capture costs several times the parse. Same results as parseReference.
 * Throws only for a non-string (INVALID_ARGUMENT).
 */
export function tryParseReference(input) {
  return parseOne(input, false);
}

/**
 * Parses many references in one crossing. Each element is an ImageReference, or the
 * PullspecError (not thrown) for an invalid input.
 */
export function parseReferences(inputs) {
  if (!Array.isArray(inputs)) {
    throw invalid("parseReferences takes an array of strings");
  }
  let bytes = 0;
  for (const s of inputs) {
    if (typeof s !== "string") requireString(s, "image reference");
    bytes += s.length;
  }
  if (bytes * 3 > inCap || inputs.length > countCap) reserve(bytes * 3, inputs.length);
  views();
  const lengths = lenPtr >>> 2;
  // One copy for the whole batch; when it is all ASCII, bytes and string indexes coincide.
  const allAscii = encoder.encodeInto(inputs.join(""), inView).written === bytes;
  const ascii = new Array(inputs.length);
  let at = inPtr;
  for (let i = 0; i < inputs.length; i++) {
    const s = inputs[i];
    ascii[i] = allAscii || writeAscii(s, at);
    u32[lengths + i] = ascii[i] ? s.length : 0;
    at += ascii[i] ? s.length : 0;
  }
  gen.ref_parse_batch(inputs.length);
  views();
  const out = new Array(inputs.length);
  const base = outPtr >>> 2;
  for (let i = 0; i < inputs.length; i++) {
    const o = base + i * SLOTS;
    if (ascii[i] && u32[o + STATUS] === 0) {
      out[i] = build(inputs[i], o);
    } else if (ascii[i] && u32[o + STATUS] === 1) {
      out[i] = failure(inputs[i], o, false);
    } else {
      try {
        out[i] = gen.parse_reference(inputs[i], "normalized");
      } catch (e) {
        out[i] = e;
      }
    }
  }
  return out;
}

/** Accepts only references already in canonical, fully qualified form (ParseNamed). */
export function parseCanonicalReference(input) {
  requireString(input, "image reference");
  return gen.parse_reference(input, "canonical");
}

/** Parses without normalization (distribution's Parse): no docker.io, no library/. */
export function parseRawReference(input) {
  requireString(input, "image reference");
  return gen.parse_reference(input, "raw");
}

/** Internal: the reference parsed entirely through Rust strings (tests compare both paths). */
export function _parseReferenceViaRust(input) {
  requireString(input, "image reference");
  return gen.parse_reference(input, "normalized");
}

/** The legacy `-$(ARCH)` name of an image (`pause` + `amd64` -> `pause-amd64`), tag and digest kept. */
export function withArchSuffix(image, arch) {
  requireString(image, "image");
  requireString(arch, "arch");
  return gen.withArchSuffix(image, arch);
}

/** `{ image, arch }` when the name ends in a known `-$(ARCH)` suffix, else null. */
export function splitArchSuffix(image) {
  requireString(image, "image");
  return gen.splitArchSuffix(image);
}

/** The kubelet's `applyDefaultImageTag`: `:latest` added when there is neither tag nor digest. */
export function kubeletImageWithDefaultTag(image) {
  requireString(image, "image");
  return gen.kubeletImageWithDefaultTag(image);
}

