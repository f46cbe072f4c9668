// Writes pkg/examples/: real-looking manifests whose digests and sizes are those of real blobs
// made up here (tiny tar.gz layers and image configs), so every digest in the examples is the
// sha256 of actual bytes. Deterministic: running it again gives the same files.
//   node pkg/scripts/make-examples.mjs
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const out = join(dirname(dirname(fileURLToPath(import.meta.url))), "examples");
mkdirSync(out, { recursive: true });

const sha256 = (b) => "sha256:" + createHash("sha256").update(b).digest("hex");
const json = (v) => Buffer.from(JSON.stringify(v, null, 2) + "\n");
const desc = (mediaType, bytes, extra = {}) => ({ mediaType, digest: sha256(bytes), size: bytes.length, ...extra });

/** A one-file ustar archive (what a layer is, uncompressed). */
function tar(name, content) {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000755\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(body.length.toString(8).padStart(11, "0") + "\0", 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0" + "00", 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad, Buffer.alloc(1024)]);
}

function config(platform, diffIds) {
  const c = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    ...(platform["os.version"] ? { "os.version": platform["os.version"] } : {}),
    created: "2025-01-15T10:00:00Z",
    config: platform.os === "windows"
      ? { Cmd: ["cmd.exe", "/c", "echo hello"], WorkingDir: "C:\\app" }
      : { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/hello"], WorkingDir: "/" },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: [{ created: "2025-01-15T10:00:00Z", created_by: "COPY hello / # buildkit" }],
  };
  return json(c);
}

/** An image manifest for one platform: { bytes, platform }. */
function image(platform, { docker = false, foreign = false } = {}) {
  const arch = [platform.architecture, platform.variant].filter(Boolean).join("");
  const file = `hello-${platform.os}-${arch}`;
  const content = `#!/bin/sh\necho "hello from ${platform.os}/${platform.architecture}${platform.variant ? "/" + platform.variant : ""}"\n`;
  const archive = tar(file, content);
  const gz = gzipSync(archive, { level: 9 }); // mtime 0: deterministic
  const cfg = config(platform, [sha256(archive)]);
  const layers = [];
  if (foreign) {
    // Windows base layers are foreign: fetched from urls, not pushed to every registry.
    const base = Buffer.from(`windows base layer ${platform["os.version"]}`);
    layers.push(desc("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", base, {
      urls: [`https://mcr.microsoft.com/v2/windows/servercore/blobs/${sha256(base)}`],
    }));
  }
  layers.push(desc(docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : "application/vnd.oci.image.layer.v1.tar+gzip", gz));
  const m = docker
    ? {
        schemaVersion: 2,
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        config: desc("application/vnd.docker.container.image.v1+json", cfg),
        layers,
      }
    : {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: desc("application/vnd.oci.image.config.v1+json", cfg),
        layers,
        annotations: {
          "org.opencontainers.image.created": "2025-01-15T10:00:00Z",
          "org.opencontainers.image.source": "https://example.com/hello",
        },
      };
  return json(m);
}

/** BuildKit's attestation manifest for `subject` (an in-toto SBOM statement as its layer). */
function attestation(subjectDigest) {
  const statement = json({
    _type: "https://in-toto.io/Statement/v0.1",
    predicateType: "https://spdx.dev/Document",
    subject: [{ name: "pkg:docker/example.com/hello@1.0?platform=linux%2Famd64", digest: { sha256: subjectDigest.slice(7) } }],
    predicate: { spdxVersion: "SPDX-2.3", name: "hello", packages: [] },
  });
  const cfg = json({ architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [sha256(statement)] } });
  return json({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: desc("application/vnd.oci.image.config.v1+json", cfg),
    layers: [desc("application/vnd.in-toto+json", statement, { annotations: { "in-toto.io/predicate-type": "https://spdx.dev/Document" } })],
  });
}

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

// 1. OCI image index: linux/amd64, linux/arm64/v8, linux/arm/v7, and an attestation.
const amd64 = image({ os: "linux", architecture: "amd64" });
const arm64 = image({ os: "linux", architecture: "arm64", variant: "v8" });
const arm7 = image({ os: "linux", architecture: "arm", variant: "v7" });
const att = attestation(sha256(amd64));
writeFileSync(join(out, "oci-image-manifest.json"), amd64);
writeFileSync(join(out, "oci-index.json"), json({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    desc(OCI_MANIFEST, amd64, { platform: { architecture: "amd64", os: "linux" } }),
    desc(OCI_MANIFEST, arm64, { platform: { architecture: "arm64", os: "linux", variant: "v8" } }),
    desc(OCI_MANIFEST, arm7, { platform: { architecture: "arm", os: "linux", variant: "v7" } }),
    desc(OCI_MANIFEST, att, {
      annotations: {
        "vnd.docker.reference.digest": sha256(amd64),
        "vnd.docker.reference.type": "attestation-manifest",
      },
      platform: { architecture: "unknown", os: "unknown" },
    }),
  ],
  annotations: { "org.opencontainers.image.ref.name": "1.0" },
}));

// 2. Docker manifest list, as the official images publish them.
const dockerPlatforms = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm", variant: "v6" },
  { os: "linux", architecture: "arm", variant: "v7" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "linux", architecture: "386" },
  { os: "linux", architecture: "ppc64le" },
  { os: "linux", architecture: "s390x" },
];
writeFileSync(join(out, "docker-manifest-list.json"), json({
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
  manifests: dockerPlatforms.map((p) => desc(DOCKER_MANIFEST, image(p, { docker: true }), { platform: p })),
}));

// 3. Windows: one entry per Windows Server release (os.version decides), plus Linux.
const windows = [
  { architecture: "amd64", os: "windows", "os.version": "10.0.17763.6659" }, // ltsc2019
  { architecture: "amd64", os: "windows", "os.version": "10.0.20348.2966" }, // ltsc2022
  { architecture: "amd64", os: "windows", "os.version": "10.0.26100.2605" }, // ltsc2025
];
writeFileSync(join(out, "windows-index.json"), json({
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
  manifests: [
    desc(DOCKER_MANIFEST, image({ os: "linux", architecture: "amd64" }, { docker: true }), { platform: { architecture: "amd64", os: "linux" } }),
    ...windows.map((p) => desc(DOCKER_MANIFEST, image(p, { docker: true, foreign: true }), { platform: p })),
  ],
}));

// 4. An index with several problems (each reported by `pullspec manifest validate`).
const invalid = `{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": "sha256:${sha256(arm64).slice(7, 70)}",
      "size": ${arm64.length},
      "platform": { "architecture": "arm64", "os": "linux", "variant": "v8" }
    },
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": "${sha256(amd64)}",
      "size": -${amd64.length},
      "platform": { "os": "linux" }
    },
    {
      "mediaType": "oci manifest",
      "digest": "md5:d41d8cd98f00b204e9800998ecf8427e",
      "size": 1.5
    }
  ],
  "annotations": {
    "org.opencontainers.image.created": "2025-01-15T10:00:00Z",
    "org.opencontainers.image.revision": 42,
    "org.opencontainers.image.created": "2025-01-16T08:30:00Z"
  }
}
`;
writeFileSync(join(out, "invalid-manifest.json"), invalid);
console.error(`wrote ${out}`);
