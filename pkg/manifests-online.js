// Online checks of Kubernetes manifests: every image of a text resolved once against its
// registry through a RegistryClient (credentials from its keyring): the tag or digest exists,
// the image covers the platforms the pod can be scheduled on, credentials are not missing; and a
// certain "pin to digest" fix. Exported by the full entry (`pullspec`), not by `pullspec/core`.
// Types: manifests.d.ts.
import { validateManifests, listImages, manifestRules } from "./manifests.js";
import { selectManifest, indexPlatforms, formatPlatform } from "./multiarch.js";
import { invalid, requireString, optionsObject, integerOption, signalOption } from "./args.js";

/** Registry answers that mean "no such image". */
const NOT_FOUND = new Set(["MANIFEST_UNKNOWN", "NAME_UNKNOWN", "NOT_FOUND", "BLOB_UNKNOWN"]);
/** Answers that mean "not without credentials". */
const REFUSED = new Set(["UNAUTHORIZED", "DENIED"]);
/** Failures that mean the registry itself could not be talked to. */
const UNREACHABLE = new Set(["NETWORK", "CORS_LIKELY", "INSECURE_CREDENTIALS_REFUSED", "TOOMANYREQUESTS", "SERVER_ERROR", "UNAVAILABLE"]);
/** Diagnostics that carry the pin-to-digest fix, first present wins. */
const PIN_CARRIERS = ["IMAGE_NOT_PINNED", "IMAGE_LATEST_TAG", "IMAGE_NO_TAG", "PULL_POLICY_EFFECTIVE"];

/** The severity an online rule runs with under `rules`, or null when off. */
function severityOf(code, rules) {
  const level = rules?.[code];
  if (level === "off") return null;
  if (level) return level;
  const rule = manifestRules().find((r) => r.code === code);
  return rule.enabledByDefault ? rule.defaultSeverity : null;
}

/** The code of a `# pullspec-ignore CODE,...` comment on line `n` or a comment line above it. */
function ignoredOnLine(lines, n) {
  const codes = [];
  const read = (line, whole) => {
    const m = /(^|\s)#\s*pullspec-ignore\s+(\S+)/.exec(line ?? "");
    if (!m || (whole && !/^\s*#/.test(line))) return;
    codes.push(...m[2].split(",").filter(Boolean));
  };
  read(lines[n], false);
  if (n > 0) read(lines[n - 1], true);
  return codes;
}

/** The platforms (`os/arch`) a pod may land on: its node selection, else the cluster's. */
function wantedPlatforms(use, clusterPlatforms) {
  const oses = use.operatingSystems.length ? use.operatingSystems : null;
  if (use.architectures.length) {
    return (oses ?? ["linux"]).flatMap((os) => use.architectures.map((arch) => `${os}/${arch}`));
  }
  return clusterPlatforms.filter((p) => !oses || oses.includes(p.split("/")[0]));
}

/** Runs `fn` over `items`, at most `limit` at a time per key. */
async function perKey(items, keyOf, limit, fn) {
  const queues = new Map();
  for (const item of items) {
    const k = keyOf(item);
    if (!queues.has(k)) queues.set(k, []);
    queues.get(k).push(item);
  }
  await Promise.all(
    [...queues.values()].flatMap((queue) =>
      Array.from({ length: Math.min(limit, queue.length) }, async () => {
        while (queue.length) await fn(queue.shift());
      }),
    ),
  );
}

/**
 * The offline checks plus the online ones, for every image of `text`: each distinct image is
 * asked of its registry once (at most `concurrency` requests per registry at a time), through
 * `options.client`. A registry that cannot be reached is one `REGISTRY_UNREACHABLE` diagnostic
 * (at its first image), not a failure of every image on it.
 */
export async function checkManifests(text, options) {
  requireString(text, "text");
  const o = optionsObject(options);
  const client = o.client;
  if (!client || typeof client.manifest !== "function" || typeof client.resolve !== "function") {
    throw invalid("checkManifests needs options.client (a RegistryClient)", "options.client");
  }
  if (o.clusterPlatforms !== undefined && o.clusterPlatforms !== null && !Array.isArray(o.clusterPlatforms)) {
    throw invalid("options.clusterPlatforms must be an array of platforms", "options.clusterPlatforms");
  }
  const clusterPlatforms = (o.clusterPlatforms ?? []).map((p, i) => {
    if (typeof p === "string") return formatPlatform(p);
    if (p && typeof p === "object") return formatPlatform(p);
    throw invalid(`options.clusterPlatforms[${i}] must be a platform string or object`, "options.clusterPlatforms");
  });
  const concurrency = integerOption(o.concurrency, "options.concurrency", { min: 1, max: 64, fallback: 4 });
  const signal = signalOption(o.signal);
  const diagnostics = validateManifests(text, { rules: o.rules, allowRegistries: o.allowRegistries });
  const uses = listImages(text).filter((u) => u.normalized !== null);
  const lines = text.split("\n");

  // Each distinct image once (once per run when the caller shares `cache` between calls): what
  // its reference names, and (for a single-platform image) its platform.
  if (o.cache !== undefined && !(o.cache instanceof Map)) throw invalid("options.cache must be a Map", "options.cache");
  const answers = o.cache ?? new Map();
  const registryOf = (u) => u.normalized.split("/")[0];
  const distinct = [...new Map(uses.map((u) => [u.normalized, u])).values()];
  const unreachable = new Map();
  await perKey(distinct.filter((u) => !answers.has(u.normalized)), registryOf, concurrency, async (u) => {
    const registry = registryOf(u);
    if (unreachable.has(registry) || answers.has(`registry:${registry}`)) {
      answers.set(u.normalized, { skipped: true });
      return;
    }
    if (signal?.aborted) {
      signal.throwIfAborted?.();
      throw signal.reason;
    }
    try {
      const fetched = await client.manifest(u.normalized, { signal });
      const answer = { digest: fetched.digest, index: null, platform: null };
      if (fetched.manifest?.kind === "index") {
        answer.index = fetched.bytes;
        answer.platforms = indexPlatforms(fetched.bytes);
      } else {
        const r = await client.resolve(u.normalized, { signal });
        answer.platform = r.platform ? formatPlatform(r.platform) : null;
        answer.platforms = answer.platform ? [answer.platform] : [];
      }
      answers.set(u.normalized, answer);
    } catch (e) {
      if (e?.code === "ABORTED" || signal?.aborted) throw e;
      if (UNREACHABLE.has(e?.code)) {
        unreachable.set(registry, { error: e, first: u });
        answers.set(`registry:${registry}`, { unreachable: e });
        answers.set(u.normalized, { skipped: true });
      } else {
        answers.set(u.normalized, { error: e });
      }
    }
  });

  const add = (code, use, message, extra = {}) => {
    const severity = severityOf(code, o.rules);
    if (!severity || use.exempt.includes(code) || ignoredOnLine(lines, use.range.start.line).includes(code)) return;
    diagnostics.push({ severity, code, message, range: use.range, path: use.field, document: use.document, ...extra });
  };

  for (const [registry, { error, first }] of unreachable) {
    const count = distinct.filter((u) => registryOf(u) === registry).length;
    const why = error.code === "CORS_LIKELY" ? "the browser refused the response (CORS)" : error.message;
    add("REGISTRY_UNREACHABLE", first, `registry ${registry} could not be reached (${error.code}: ${why}); ${count} image${count === 1 ? "" : "s"} on it were not checked online`);
  }
  for (const use of uses) {
    const a = answers.get(use.normalized);
    if (!a || a.skipped) continue;
    if (a.error) {
      if (NOT_FOUND.has(a.error.code)) {
        add("IMAGE_NOT_FOUND", use, `${use.image}: the registry has no such image (${a.error.code}); the kubelet fails with ErrImagePull`);
      } else if (REFUSED.has(a.error.code)) {
        add("CREDENTIALS_MISSING", use, `${use.image}: the registry refused access (${a.error.code}) with the credentials available; give the pod an imagePullSecret or the node a credential`);
      } else {
        add("REGISTRY_UNREACHABLE", use, `${use.image}: could not be checked (${a.error.code}: ${a.error.message})`);
      }
      continue;
    }
    for (const p of wantedPlatforms(use, clusterPlatforms)) {
      const covered = a.index ? selectManifest(a.index, p) !== null : a.platforms.some((q) => q === p || q.startsWith(`${p}/`));
      if (!covered) {
        add("PLATFORM_NOT_COVERED", use, `${use.image} has no manifest for ${p}, where the pod can be scheduled (it has: ${a.platforms.join(", ") || "none listed"})`);
      }
    }
    if (!use.image.includes("@")) {
      const raw = lines[use.range.start.line].slice(use.range.start.character, use.range.end.character);
      const quote = raw[0] === '"' || raw[0] === "'" ? raw[0] : "";
      const pinned = `${quote}${use.image}@${a.digest}${quote}`;
      const carrier = PIN_CARRIERS.map((c) => diagnostics.find((d) => d.code === c && d.path === use.field && d.document === use.document)).find(Boolean);
      if (carrier && use.range.start.line === use.range.end.line) {
        carrier.fixes = [...(carrier.fixes ?? []), { title: `Pin to digest ${a.digest}`, edits: [{ range: use.range, newText: pinned }] }];
      }
    }
  }
  return diagnostics.sort((x, y) => x.document - y.document || x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}
