#!/usr/bin/env node
// A report, not a test: checks pullspec's manifest functions against real Kubernetes manifests.
//
//   node tests/real-manifests.mjs DIR [--json=OUT.json] [--quiet]
//
// For every *.yaml, *.yml and *.json under DIR (files containing `{{`, i.e. templates, are
// skipped) it finds every container image independently of pullspec (the `yaml` package's
// parser and node ranges; its own walk of the workload kinds; its own reading of the
// distribution/reference grammar and of the kubelet's pull-policy defaulting), then compares
// with pullspec's `listImages` and `validateManifests`: positions, values, documents,
// validity, tag/digest warnings, pull policies, YAML errors, exceptions and time. It prints a
// summary and the disagreements, and always exits 0.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { listImages, validateManifests } from "../pkg/node.js";

const require = createRequire(new URL("../pkg/package.json", import.meta.url));
const YAML = require("yaml");

const args = process.argv.slice(2);
const root = args.find((a) => !a.startsWith("--"));
const jsonOut = args.find((a) => a.startsWith("--json="))?.slice("--json=".length);
const quiet = args.includes("--quiet");
if (!root) {
  console.log("usage: node tests/real-manifests.mjs DIR [--json=OUT.json] [--quiet]");
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Files

function walk(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Positions: LSP lines (\n, \r\n and a lone \r end a line), UTF-16 characters (JS indices).

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function position(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

function offsetOf(starts, text, pos) {
  if (pos.line >= starts.length) return text.length;
  return Math.min(starts[pos.line] + pos.character, text.length);
}

const fmt = (p) => `${p.line + 1}:${p.character + 1}`;
const samePos = (a, b) => a.line === b.line && a.character === b.character;

// ---------------------------------------------------------------------------------------------
// The independent finder (the `yaml` package; go-yaml v2 reads YAML 1.1, hence version 1.1).

const { isMap, isSeq, isScalar, isAlias } = YAML;

function deref(node, doc) {
  let n = node;
  for (let i = 0; i < 64 && isAlias(n); i++) n = n.resolve(doc);
  return isAlias(n) ? undefined : n;
}

function keyText(k) {
  return isScalar(k) ? String(k.value) : undefined;
}

/** A key's value node in a map: explicit keys (the last duplicate wins), then `<<` merges. */
function get(map, key, doc) {
  map = deref(map, doc);
  if (!isMap(map)) return undefined;
  let found;
  const merges = [];
  for (const pair of map.items) {
    const k = keyText(pair.key);
    if (k === key) found = pair;
    else if (k === "<<" && pair.key?.type === "PLAIN") merges.push(pair.value);
  }
  if (found) return { node: found.value, pair: found };
  for (const m of merges) {
    const v = deref(m, doc);
    const sources = isSeq(v) ? v.items : [v];
    for (const s of sources) {
      const r = get(s, key, doc);
      if (r) return r;
    }
  }
  return undefined;
}

function str(node, doc) {
  const n = deref(node, doc);
  return isScalar(n) && typeof n.value === "string" ? n.value : undefined;
}

const SPEC_PATHS = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Whether apiVersion names the kind's own API group (a CRD may reuse a kind's name). */
function groupFits(kind, apiVersion) {
  if (apiVersion === undefined) return true;
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
  if (["Pod", "PodTemplate", "ReplicationController"].includes(kind)) return group === "";
  if (["ReplicaSet", "Deployment", "StatefulSet", "DaemonSet"].includes(kind)) return group === "apps" || group === "extensions";
  if (["Job", "CronJob"].includes(kind)) return group === "batch";
  return false;
}

function scalarRange(text, starts, node) {
  let [s, e] = node.range;
  if (node.type === "BLOCK_FOLDED" || node.type === "BLOCK_LITERAL") {
    while (e > s && /[\s]/.test(text[e - 1])) e--;
  }
  return { start: position(starts, s), end: position(starts, e) };
}

/** Every image field of one parsed document, as the independent finder sees it. */
function findImages(doc, docIndex, text, starts) {
  const out = [];
  const root = deref(doc.contents, doc);
  if (!isMap(root)) return out;
  const objects = [];
  const rootKind = str(get(root, "kind", doc)?.node, doc) ?? "";
  const items = deref(get(root, "items", doc)?.node, doc);
  if ((rootKind === "List" || rootKind.endsWith("List")) && isSeq(items)) {
    items.items.forEach((it, i) => objects.push({ node: deref(it, doc), prefix: `items[${i}].` }));
  } else {
    objects.push({ node: root, prefix: "" });
  }
  for (const { node: obj, prefix } of objects) {
    if (!isMap(obj)) continue;
    const kind = str(get(obj, "kind", doc)?.node, doc);
    if (!kind || !SPEC_PATHS[kind]) continue;
    const apiVersion = str(get(obj, "apiVersion", doc)?.node, doc);
    if (!groupFits(kind, apiVersion)) continue;
    let spec = obj;
    for (const k of SPEC_PATHS[kind]) spec = deref(get(spec, k, doc)?.node, doc);
    if (!isMap(spec)) continue;
    const specPath = prefix + SPEC_PATHS[kind].join(".");
    const name = str(get(get(obj, "metadata", doc)?.node, "name", doc)?.node, doc) ?? "";
    for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
      const seq = deref(get(spec, list, doc)?.node, doc);
      if (!isSeq(seq)) continue;
      seq.items.forEach((c, i) => {
        const cm = deref(c, doc);
        if (!isMap(cm)) return;
        const img = get(cm, "image", doc);
        const field = `${specPath}.${list}[${i}].image`;
        const base = { document: docIndex, kind, name, field, container: str(get(cm, "name", doc)?.node, doc) ?? null };
        const policy = str(get(cm, "imagePullPolicy", doc)?.node, doc);
        out.push(imageRecord(base, img, policy, doc, text, starts));
      });
    }
    const vols = deref(get(spec, "volumes", doc)?.node, doc);
    if (isSeq(vols)) {
      vols.items.forEach((v, i) => {
        const vm = deref(v, doc);
        const im = deref(get(vm, "image", doc)?.node, doc);
        if (!isMap(im)) return; // an RBD volume's `image` is a string, not an image volume
        const ref = get(im, "reference", doc);
        const base = { document: docIndex, kind, name, field: `${specPath}.volumes[${i}].image.reference`, container: str(get(vm, "name", doc)?.node, doc) ?? null };
        const policy = str(get(im, "pullPolicy", doc)?.node, doc);
        out.push(imageRecord(base, ref, policy, doc, text, starts));
      });
    }
  }
  return out;
}

function imageRecord(base, found, policy, doc, text, starts) {
  if (!found) return { ...base, missing: true, writtenPolicy: policy };
  const raw = found.node;
  const n = deref(raw, doc);
  const rec = { ...base, writtenPolicy: policy, alias: isAlias(raw) };
  if (!n || !isScalar(n) || n.value === null) {
    rec.missing = !n || (isScalar(n) && n.value === null);
    rec.nonScalar = !!n && !isScalar(n);
    if (isScalar(raw) || isAlias(raw)) rec.range = scalarRange(text, starts, raw.range ? raw : n);
    return rec;
  }
  rec.image = typeof n.value === "string" ? n.value : String(n.source ?? n.value);
  rec.nonString = typeof n.value !== "string";
  rec.range = isAlias(raw) ? { start: position(starts, raw.range[0]), end: position(starts, raw.range[1]) } : scalarRange(text, starts, n);
  return rec;
}

// ---------------------------------------------------------------------------------------------
// The distribution/reference grammar (regexp.go, normalize.go, reference.go) and go-digest's
// Validate, as docker and the kubelet (ParseNormalizedNamed) apply them.

const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const dnc = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${dnc}(?:\\.${dnc})*`;
const ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const tagPat = "[\\w][\\w.-]{0,127}";
const digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const referenceRe = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const anchoredNameRe = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const DIGEST_HEX = { sha256: 64, sha384: 96, sha512: 128 };

function splitDockerDomain(name) {
  const i = name.indexOf("/");
  if (i < 0) return ["docker.io", "library/" + name];
  const maybeDomain = name.slice(0, i);
  const rest = name.slice(i + 1);
  let domain;
  let remote;
  if (maybeDomain === "localhost") [domain, remote] = [maybeDomain, rest];
  else if (maybeDomain === "index.docker.io") [domain, remote] = ["docker.io", rest];
  else if (/[.:]/.test(maybeDomain)) [domain, remote] = [maybeDomain, rest];
  else if (maybeDomain.toLowerCase() !== maybeDomain) [domain, remote] = [maybeDomain, rest];
  else [domain, remote] = ["docker.io", name];
  if (domain === "docker.io" && !remote.includes("/")) remote = "library/" + remote;
  return [domain, remote];
}

/** `{ ok, error?, name?, tag?, digest?, normalized? }` the way ParseNormalizedNamed reads `s`. */
export function dockerParse(s) {
  if (/^[a-f0-9]{64}$/.test(s)) return { ok: false, error: "64-byte hexadecimal repository name" };
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(":");
  const remote = colon > -1 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) return { ok: false, error: "repository name must be lowercase" };
  const full = domain + "/" + remainder;
  const m = referenceRe.exec(full);
  if (!m) return { ok: false, error: s === "" ? "empty" : "invalid reference format" };
  if (m[1].length > 255) return { ok: false, error: "repository name too long" };
  if (!anchoredNameRe.test(m[1])) return { ok: false, error: "invalid name" };
  const tag = m[2];
  const digest = m[3];
  if (digest !== undefined) {
    const i = digest.indexOf(":");
    const alg = digest.slice(0, i);
    const enc = digest.slice(i + 1);
    if (!(alg in DIGEST_HEX)) return { ok: false, error: `unsupported digest algorithm ${alg}` };
    if (enc.length !== DIGEST_HEX[alg] || !/^[a-f0-9]+$/.test(enc)) return { ok: false, error: "invalid digest encoding" };
  }
  const normalized = m[1] + (tag !== undefined ? ":" + tag : "") + (digest !== undefined ? "@" + digest : "");
  return { ok: true, name: m[1], tag, digest, normalized };
}

/** The kubelet's defaulting (SetDefaults_Container via parsers.ParseImageName). */
function defaultPolicy(image) {
  const p = dockerParse(image);
  if (!p.ok) return "IfNotPresent"; // ParseImageName's error is ignored: tag "" is not latest
  const tag = p.tag ?? (p.digest === undefined ? "latest" : "");
  return tag === "latest" ? "Always" : "IfNotPresent";
}

// ---------------------------------------------------------------------------------------------
// The run

const files = walk(root);
const stats = {
  files: 0,
  skippedTemplates: 0,
  bytes: 0,
  documents: 0,
  yamlErrorDocs: 0,
  finderImages: 0,
  pullspecImages: 0,
  agreements: 0,
  exactRangeAgreements: 0,
  listThrew: 0,
  validateThrew: 0,
  validateMs: 0,
  listMs: 0,
};
const diagCounts = {};
const problems = {
  onlyFinder: [],
  onlyPullspec: [],
  rangeEnd: [],
  value: [],
  document: [],
  field: [],
  normalized: [],
  pullPolicy: [],
  errorDiagnostics: [],
  invalidButDockerAccepts: [],
  acceptedButDockerRejects: [],
  tagWarnings: [],
  diagnosticRange: [],
  yamlInvalidOnly: [],
  yamlErrorOnly: [],
  threw: [],
  slow: [],
  loneCR: [],
};

for (const file of files) {
  const rel = relative(root, file) || file;
  const text = readFileSync(file, "utf8");
  if (text.includes("{{")) {
    stats.skippedTemplates++;
    continue;
  }
  stats.files++;
  stats.bytes += Buffer.byteLength(text);
  const starts = lineStarts(text);
  if (/\r(?!\n)/.test(text)) problems.loneCR.push(rel);

  // Independent side
  let docs = [];
  try {
    docs = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: false, prettyErrors: false });
    if (!Array.isArray(docs)) docs = [];
  } catch (e) {
    problems.threw.push({ file: rel, who: "yaml", error: String(e) });
  }
  stats.documents += docs.length;
  const finder = [];
  const yamlErrorDocs = new Set();
  docs.forEach((d, i) => {
    if (d.errors.length) {
      yamlErrorDocs.add(i);
      stats.yamlErrorDocs++;
    }
    finder.push(...findImages(d, i, text, starts));
  });

  // pullspec
  let ps = [];
  let diags = [];
  const size = Buffer.byteLength(text);
  try {
    const t0 = performance.now();
    ps = listImages(text);
    stats.listMs += performance.now() - t0;
  } catch (e) {
    stats.listThrew++;
    problems.threw.push({ file: rel, who: "listImages", error: String(e?.stack ?? e) });
  }
  let vms = 0;
  try {
    const t0 = performance.now();
    diags = validateManifests(text);
    vms = performance.now() - t0;
    stats.validateMs += vms;
  } catch (e) {
    stats.validateThrew++;
    problems.threw.push({ file: rel, who: "validateManifests", error: String(e?.stack ?? e) });
  }
  const mb = size / 1048576;
  if (vms > 100 * mb && vms > 10) {
    // One slow run may be the JIT or the collector: the best of three more decides.
    let best = vms;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      try {
        validateManifests(text);
      } catch {}
      best = Math.min(best, performance.now() - t0);
    }
    if (best > 100 * mb && best > 10) problems.slow.push({ file: rel, bytes: size, ms: +best.toFixed(1), msPerMB: +(best / mb).toFixed(1) });
  }

  // Compare the images (key: start position)
  const key = (r) => `${r.start.line}:${r.start.character}`;
  const psByStart = new Map();
  for (const i of ps) psByStart.set(key(i.range), i);
  const matched = new Set();
  for (const f of finder) {
    if (!f.range) {
      if (f.missing) continue; // no image value at all: IMAGE_MISSING territory, checked below
      problems.onlyFinder.push({ file: rel, at: "?", field: f.field, finder: f });
      continue;
    }
    const p = psByStart.get(key(f.range));
    if (!p && f.missing) continue; // `image: null` / `image: ~`: not an image
    stats.finderImages++;
    if (!p) {
      problems.onlyFinder.push({ file: rel, at: fmt(f.range.start), field: f.field, image: f.image, kind: f.kind });
      continue;
    }
    matched.add(p);
    stats.agreements++;
    const at = `${rel}:${fmt(f.range.start)}`;
    if (samePos(p.range.end, f.range.end)) stats.exactRangeAgreements++;
    else problems.rangeEnd.push({ at, image: f.image, finderEnd: fmt(f.range.end), pullspecEnd: fmt(p.range.end) });
    if (p.image !== f.image) problems.value.push({ at, finder: f.image, pullspec: p.image });
    if (p.document !== f.document) problems.document.push({ at, finder: f.document, pullspec: p.document });
    if (p.field !== f.field) problems.field.push({ at, finder: f.field, pullspec: p.field });
    if (f.image !== undefined && !f.nonString) {
      const d = dockerParse(f.image);
      const expectNorm = d.ok ? d.normalized : null;
      if (p.normalized !== expectNorm) problems.normalized.push({ at, image: f.image, finder: expectNorm, pullspec: p.normalized });
      const valid = ["Always", "IfNotPresent", "Never"];
      const expectPolicy = f.writtenPolicy !== undefined && f.writtenPolicy !== "" ? (valid.includes(f.writtenPolicy) ? f.writtenPolicy : null) : defaultPolicy(f.image);
      if (p.pullPolicy !== expectPolicy && d.ok) problems.pullPolicy.push({ at, image: f.image, written: f.writtenPolicy ?? null, finder: expectPolicy, pullspec: p.pullPolicy, reason: p.pullPolicyReason });
    }
  }
  for (const p of ps) {
    if (!matched.has(p)) {
      stats.pullspecImages++;
      problems.onlyPullspec.push({ file: rel, at: fmt(p.range.start), field: p.field, image: p.image, kind: p.kind, document: p.document });
    }
  }
  stats.pullspecImages += matched.size;

  // Diagnostics
  const diagsAt = new Map();
  for (const d of diags) {
    const k = `${d.code} ${d.severity}`;
    diagCounts[k] = (diagCounts[k] ?? 0) + 1;
    const s = offsetOf(starts, text, d.range.start);
    const e = offsetOf(starts, text, d.range.end);
    const snippet = text.slice(s, e);
    if (d.severity === "error") {
      const img = finder.find((f) => f.document === d.document && f.field === d.path);
      problems.errorDiagnostics.push({ at: `${rel}:${fmt(d.range.start)}`, code: d.code, document: d.document, path: d.path, image: img?.image, text: snippet.length > 160 ? snippet.slice(0, 160) + "…" : snippet, message: d.message });
    }
    const k2 = `${d.document}|${d.path}`;
    if (!diagsAt.has(k2)) diagsAt.set(k2, []);
    diagsAt.get(k2).push(d);
  }
  const yamlInvalidDocs = new Set(diags.filter((d) => d.code === "YAML_INVALID").map((d) => d.document));
  for (const i of yamlInvalidDocs) {
    if (!yamlErrorDocs.has(i)) {
      const d = diags.find((x) => x.code === "YAML_INVALID" && x.document === i);
      problems.yamlInvalidOnly.push({ at: `${rel}:${fmt(d.range.start)}`, document: i, message: d.message });
    }
  }
  for (const i of yamlErrorDocs) {
    if (!yamlInvalidDocs.has(i)) problems.yamlErrorOnly.push({ file: rel, document: i, error: docs[i].errors[0]?.message?.split("\n")[0] });
  }

  // Validity and tag warnings, per image the finder found
  for (const f of finder) {
    if (!f.range || f.image === undefined || f.nonString || yamlErrorDocs.has(f.document)) continue;
    const hereDiags = diagsAt.get(`${f.document}|${f.field}`) ?? [];
    const here = hereDiags.map((d) => d.code);
    // An image diagnostic's range must lie within the image's value (or be the value).
    for (const d of hereDiags) {
      const s0 = offsetOf(starts, text, d.range.start);
      const e0 = offsetOf(starts, text, d.range.end);
      const fs = offsetOf(starts, text, f.range.start);
      const fe = offsetOf(starts, text, f.range.end);
      if (s0 < fs || e0 > fe || e0 < s0) problems.diagnosticRange.push({ at: `${rel}:${fmt(d.range.start)}`, code: d.code, image: f.image, imageRange: `${fmt(f.range.start)}-${fmt(f.range.end)}`, diagnosticRange: `${fmt(d.range.start)}-${fmt(d.range.end)}` });
    }
    const at = `${rel}:${fmt(f.range.start)}`;
    const d = dockerParse(f.image);
    const ws = f.image.trim() !== f.image;
    // Any error on the image's own path says the image cannot be used as written.
    const flaggedInvalid = hereDiags.some((x) => x.severity === "error");
    if (d.ok && flaggedInvalid) problems.invalidButDockerAccepts.push({ at, image: f.image, codes: here });
    if (!d.ok && !flaggedInvalid) problems.acceptedButDockerRejects.push({ at, image: f.image, docker: d.error, whitespace: ws, codes: here });
    if (d.ok) {
      const expect = new Set();
      if (d.tag === undefined && d.digest === undefined) expect.add("IMAGE_NO_TAG");
      if (d.tag === "latest" && d.digest === undefined) expect.add("IMAGE_LATEST_TAG");
      if (d.tag !== undefined && d.digest !== undefined) expect.add("IMAGE_TAG_IGNORED");
      for (const c of ["IMAGE_NO_TAG", "IMAGE_LATEST_TAG", "IMAGE_TAG_IGNORED"]) {
        if (expect.has(c) !== here.includes(c)) problems.tagWarnings.push({ at, image: f.image, code: c, expected: expect.has(c), got: here.includes(c) });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const n = (x) => x.toLocaleString("en-US");
const wasm = new URL("../pkg/gen/pullspec_bg.wasm", import.meta.url);
const wasmId = (() => {
  try {
    return `${createHash("sha256").update(readFileSync(wasm)).digest("hex").slice(0, 12)}, built ${statSync(wasm).mtime.toISOString()}`;
  } catch {
    return "unreadable";
  }
})();
console.log(`pullspec against real manifests: ${root} (pkg/gen/pullspec_bg.wasm ${wasmId})`);
console.log(`files ${n(stats.files)} (${(stats.bytes / 1048576).toFixed(2)} MB; ${stats.skippedTemplates} templates skipped), documents ${n(stats.documents)} (${stats.yamlErrorDocs} with YAML errors per the yaml package)`);
console.log(`images: finder ${n(stats.finderImages)}, pullspec ${n(stats.pullspecImages)}, found by both at the same start ${n(stats.agreements)} (same end too: ${n(stats.exactRangeAgreements)})`);
console.log(`validateManifests: ${stats.validateMs.toFixed(1)} ms over all files (${(stats.validateMs / Math.max(stats.bytes / 1048576, 1e-9)).toFixed(1)} ms/MB); listImages ${stats.listMs.toFixed(1)} ms; threw: validate ${stats.validateThrew}, list ${stats.listThrew}`);
console.log("diagnostics by code and severity:");
for (const [k, v] of Object.entries(diagCounts).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(36)} ${n(v)}`);
const sections = [
  ["images only the finder found", problems.onlyFinder],
  ["images only pullspec found", problems.onlyPullspec],
  ["same start, different end", problems.rangeEnd],
  ["same place, different value", problems.value],
  ["different document index", problems.document],
  ["different JSON path", problems.field],
  ["normalized differs from distribution/reference", problems.normalized],
  ["pull policy differs from the kubelet's defaulting", problems.pullPolicy],
  ["error diagnostics", problems.errorDiagnostics],
  ["an error on an image docker's grammar accepts", problems.invalidButDockerAccepts],
  ["docker's grammar rejects, but not flagged", problems.acceptedButDockerRejects],
  ["tag/digest warnings that differ from the grammar's reading", problems.tagWarnings],
  ["image diagnostics whose range is not within the image value", problems.diagnosticRange],
  ["YAML_INVALID where the yaml package parses the document", problems.yamlInvalidOnly],
  ["yaml package errors where pullspec reports no YAML_INVALID", problems.yamlErrorOnly],
  ["exceptions", problems.threw],
  ["slow (>100 ms/MB and >10 ms)", problems.slow],
  ["files with a lone CR line break", problems.loneCR],
];
console.log("disagreements and findings:");
for (const [title, list] of sections) console.log(`  ${title.padEnd(60)} ${n(list.length)}`);
if (!quiet) {
  for (const [title, list] of sections) {
    if (!list.length) continue;
    console.log(`\n== ${title} (${list.length})`);
    for (const item of list.slice(0, 200)) console.log("  " + (typeof item === "string" ? item : JSON.stringify(item)));
    if (list.length > 200) console.log(`  … ${list.length - 200} more`);
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ root, wasm: wasmId, stats, diagCounts, problems }, null, 1));
process.exit(0);
