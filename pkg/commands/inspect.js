import { formatPlatform } from "../node.js";
import { table, escapeControl as e } from "./format.js";
import { resolveArgument, clientOptions, clientUsage, bytes } from "./client.js";

export const summary = "what a node would pull for an image: the index, the chosen manifest, config and layers, and why";
export const usage = `IMAGE [--platform P] [--json] ${clientUsage}`;
export const options = { platform: { type: "string" }, json: { type: "boolean" }, ...clientOptions };

const ATTESTATION = "attestation-manifest";

function entryPlatform(d) {
  if (d.annotations?.["vnd.docker.reference.type"] === ATTESTATION) return "(attestation)";
  return d.platform ? formatPlatform(d.platform, { all: true }) : "(no platform)";
}

/** The facts of an image config a person looks for. */
function configSummary(resolution) {
  const c = resolution.config ?? {};
  const cfg = c.config ?? {};
  return {
    digest: resolution.configDigest,
    os: c.os ?? null,
    architecture: c.architecture ?? null,
    variant: c.variant ?? null,
    created: c.created ?? null,
    entrypoint: cfg.Entrypoint ?? null,
    cmd: cfg.Cmd ?? null,
    workingDir: cfg.WorkingDir || null,
    user: cfg.User || null,
    envCount: Array.isArray(cfg.Env) ? cfg.Env.length : 0,
    labels: cfg.Labels ?? {},
  };
}

export function summaryOf(image, r) {
  return {
    image,
    reference: r.reference.normalized,
    digest: r.digest,
    mediaType: r.mediaType,
    size: r.size,
    index: r.index && {
      digest: r.index.digest,
      mediaType: r.index.mediaType,
      manifests: r.index.manifests.map((d) => ({
        platform: entryPlatform(d),
        digest: d.digest,
        mediaType: d.mediaType,
        size: d.size,
        chosen: d.digest === r.manifestDigest,
      })),
    },
    manifest: { digest: r.manifestDigest, mediaType: r.manifestMediaType, size: r.manifestBytes.length },
    platform: r.platform ? formatPlatform(r.platform, { all: true }) : null,
    config: configSummary(r),
    layers: r.layers.map((d) => ({ digest: d.digest, mediaType: d.mediaType, size: d.size })),
    totalSize: r.layers.reduce((n, d) => n + d.size, 0),
    explanation: r.explanation,
    rateLimit: r.rateLimit,
  };
}

// In the text output below, every value from the registry goes through `e` (escapeControl):
// platforms, media types, config fields and the explanation can hold control characters.
const json = (v) => (v === null || v === undefined ? "-" : e(JSON.stringify(v)));

export async function run(values, positionals, io) {
  const { image, resolution: r } = await resolveArgument(values, positionals);
  const s = summaryOf(image, r);
  if (values.json) {
    io.out(JSON.stringify(s, null, 2));
    return 0;
  }
  io.out(`image:     ${e(s.reference)}`);
  io.out(`digest:    ${e(s.digest)}  ${e(s.mediaType)}, ${s.size} B`);
  if (s.index) {
    io.out(`index:     ${s.index.manifests.length} entries`);
    const rows = s.index.manifests.map((m) => [m.chosen ? "*" : "", e(m.platform), e(m.digest), e(m.mediaType), bytes(m.size)]);
    io.out(table(["", "PLATFORM", "DIGEST", "MEDIA TYPE", "SIZE"], rows).replace(/^/gm, "  "));
  }
  io.out(`manifest:  ${e(s.manifest.digest)}  ${e(s.manifest.mediaType)}, ${s.manifest.size} B`);
  io.out(`platform:  ${e(s.platform ?? "unknown")}`);
  const c = s.config;
  io.out(`config:    ${e(c.digest)}`);
  io.out(`  os/arch:    ${e([c.os, c.architecture, c.variant].filter(Boolean).join("/") || "-")}`);
  io.out(`  created:    ${e(c.created ?? "-")}`);
  io.out(`  entrypoint: ${json(c.entrypoint)}`);
  io.out(`  cmd:        ${json(c.cmd)}`);
  io.out(`  env:        ${c.envCount} variable${c.envCount === 1 ? "" : "s"}`);
  io.out(`layers:    ${s.layers.length}, ${bytes(s.totalSize)}`);
  io.out(table(["#", "DIGEST", "MEDIA TYPE", "SIZE"], s.layers.map((l, i) => [String(i + 1), e(l.digest), e(l.mediaType), bytes(l.size)])).replace(/^/gm, "  "));
  io.out("explanation:");
  for (const line of s.explanation) io.out(`  - ${e(line)}`);
  return 0;
}
