// Deterministic OCI image layout for the pullspec registry tests, and seeding of a running registry.
//
//   buildLayout(dir)            -> fixtures (also written to <dir>/fixtures.json)
//   ensureLayout(dir?)          -> fixtures; builds into the cache dir only when missing / stale
//   pushAll(url, auth, opts)    -> seeds a running distribution registry over its HTTP API
//                                  (or with `skopeo copy --all` when opts.method === "skopeo")
//   cacheDir()                  -> ${PULLSPEC_CACHE:-${TMPDIR:-/tmp}}/pullspec-registry
//
// Same bytes every run: tar entries with fixed mtime/uid/gid/mode, gzip from node:zlib (its header has
// mtime 0, no name, OS byte 3), JSON serialised with fixed key order, incompressible data from AES-128-CTR
// over zeros with a fixed key. (node:zlib is deterministic on one machine/Node build; fixtures.json is
// regenerated per machine, so tests must read digests from it rather than hard-coding them.)
//
// CLI: node seed.mjs [DIR]   builds (or reuses) the layout and prints fixtures.json.

import { createHash, createCipheriv } from "node:crypto";
import { gzipSync } from "node:zlib";
import { mkdir, writeFile, readFile, rm, rename, stat, mkdtemp } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import http from "node:http";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const LAYOUT_VERSION = "pullspec-layout-v2";

export const MT = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerTar: "application/vnd.oci.image.layer.v1.tar",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  inToto: "application/vnd.in-toto+json",
};

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest].join(", ");

export const LARGE_LAYER_BYTES = 64 * 1024 * 1024;
const KiB = 1024;
const MiB = 1024 * KiB;
/**
 * The layers of `layers8:1.0`, in manifest order (a base layer first, as images are built): gzip
 * layers hold that many random bytes (the blob is a little larger), uncompressed ones are exactly
 * that size. `shared-a:1.0` and `shared-b:1.0` are the same ladder: the first 6 are these very
 * blobs, the last 2 (4 MiB, 1 MiB) their own.
 */
export const LAYERS8 = [
  { bytes: 32 * MiB }, { bytes: 16 * MiB }, { bytes: 1 * KiB, gzip: true }, { bytes: 8 * MiB },
  { bytes: 16 * KiB, gzip: true }, { bytes: 256 * KiB, gzip: true }, { bytes: 4 * MiB }, { bytes: 1 * MiB },
];
export const SHARED_LAYERS = 6;
const FIXED_MTIME = 946684800; // 2000-01-01T00:00:00Z
const CREATED = "2000-01-01T00:00:00Z";

export function cacheDir() {
  return join(process.env.PULLSPEC_CACHE || process.env.TMPDIR || tmpdir(), "pullspec-registry");
}
export function defaultLayoutDir() {
  return join(cacheDir(), "layout");
}

const sha256 = (buf) => "sha256:" + createHash("sha256").update(buf).digest("hex");

// ---------------------------------------------------------------- tar (ustar), deterministic
function tarHeader(name, size, type /* "0" file, "5" dir */) {
  const h = Buffer.alloc(512, 0);
  const put = (str, off, len) => h.write(str, off, Math.min(len, Buffer.byteLength(str)), "utf8");
  const oct = (n, len) => n.toString(8).padStart(len - 1, "0") + "\0";
  if (Buffer.byteLength(name) > 100) throw new Error("tar name too long: " + name);
  put(name, 0, 100);
  put(oct(type === "5" ? 0o755 : 0o644, 8), 100, 8);
  put(oct(0, 8), 108, 8); // uid
  put(oct(0, 8), 116, 8); // gid
  put(oct(size, 12), 124, 12);
  put(oct(FIXED_MTIME, 12), 136, 12);
  h.fill(0x20, 148, 156); // checksum placeholder: spaces
  put(type, 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  put("root", 265, 32);
  put("root", 297, 32);
  put(oct(0, 8), 329, 8);
  put(oct(0, 8), 337, 8);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return h;
}

/** entries: [{name, data?: Buffer, dir?: true}] -> Buffer (tar, ends with two zero blocks) */
export function makeTar(entries) {
  const parts = [];
  for (const e of entries) {
    if (e.dir) {
      parts.push(tarHeader(e.name.endsWith("/") ? e.name : e.name + "/", 0, "5"));
      continue;
    }
    parts.push(tarHeader(e.name, e.data.length, "0"), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

export function gzip(buf) {
  return gzipSync(buf, { level: 9 }); // header: 1f8b 08 00 00000000 02 03 (mtime 0, no name)
}

/** n incompressible, deterministic bytes (AES-128-CTR keystream of a fixed key/iv) */
export function prngBytes(n, seed = "pullspec") {
  const key = createHash("sha256").update("key:" + seed).digest().subarray(0, 16);
  const iv = createHash("sha256").update("iv:" + seed).digest().subarray(0, 16);
  const c = createCipheriv("aes-128-ctr", key, iv);
  return Buffer.concat([c.update(Buffer.alloc(n, 0)), c.final()]);
}

const json = (obj) => Buffer.from(JSON.stringify(obj, null, 2) + "\n"); // key order = insertion order

// ---------------------------------------------------------------- layout builder
class Layout {
  constructor(dir) {
    this.dir = dir;
    this.blobs = new Map(); // digest -> Buffer (written at the end)
    this.refs = []; // {ref.name, descriptor}
  }
  blob(buf, mediaType) {
    const digest = sha256(buf);
    if (!this.blobs.has(digest)) this.blobs.set(digest, buf);
    return { mediaType, digest, size: buf.length };
  }
  tag(ref, desc) {
    this.refs.push({ ...desc, annotations: { "org.opencontainers.image.ref.name": ref } });
  }
  async write() {
    await mkdir(join(this.dir, "blobs", "sha256"), { recursive: true });
    for (const [digest, buf] of this.blobs) {
      await writeFile(join(this.dir, "blobs", "sha256", digest.slice(7)), buf);
    }
    await writeFile(join(this.dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await writeFile(
      join(this.dir, "index.json"),
      json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: this.refs }),
    );
  }
}

const platStr = (p) => [p.os, p.architecture, p.variant].filter(Boolean).join("/");

/** One image manifest (OCI or Docker schema2) for a platform; returns fixture info + descriptor. */
function makeImage(L, { platform, docker = false, layers: layerSpecs, label }) {
  const layers = [];
  const diffIds = [];
  for (const spec of layerSpecs) {
    const tar = spec.tar;
    const diffId = sha256(tar);
    let desc;
    if (spec.compress === false) desc = L.blob(tar, docker ? "application/vnd.docker.image.rootfs.diff.tar" : MT.ociLayerTar);
    else desc = L.blob(gzip(tar), docker ? MT.dockerLayerGzip : MT.ociLayerGzip);
    layers.push(desc);
    diffIds.push(diffId);
  }
  const config = {
    created: CREATED,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      Cmd: ["/bin/sh"],
      Labels: { "org.pullspec.fixture": label, "org.pullspec.platform": platStr(platform) },
    },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: CREATED, created_by: `pullspec fixture ${label} layer ${i}` })),
  };
  const configDesc = L.blob(json(config), docker ? MT.dockerConfig : MT.ociConfig);
  const manifest = docker
    ? { schemaVersion: 2, mediaType: MT.dockerManifest, config: configDesc, layers }
    : { schemaVersion: 2, mediaType: MT.ociManifest, config: configDesc, layers };
  const mdesc = L.blob(json(manifest), docker ? MT.dockerManifest : MT.ociManifest);
  return {
    descriptor: { ...mdesc, platform },
    fixture: {
      platform,
      platformString: platStr(platform),
      mediaType: mdesc.mediaType,
      digest: mdesc.digest,
      size: mdesc.size,
      config: configDesc,
      layers: layers.map((l, i) => ({ ...l, diffId: diffIds[i] })),
    },
  };
}

function archLayer(label, platform) {
  const text = Buffer.from(`${platStr(platform)}\n`);
  return makeTar([
    { name: "etc", dir: true },
    { name: "etc/pullspec-arch", data: text },
    { name: "etc/pullspec-image", data: Buffer.from(label + "\n") },
  ]);
}

const PLATFORMS = {
  amd64: { architecture: "amd64", os: "linux" },
  arm64: { architecture: "arm64", os: "linux", variant: "v8" },
  armv7: { architecture: "arm", os: "linux", variant: "v7" },
};

export async function buildLayout(dir) {
  const t0 = Date.now();
  const L = new Layout(dir);
  const images = {};
  const addIndexFixture = (ref, mediaType, idesc, manifests, extra = {}) => {
    const [repo, tag] = ref.split(/:(?=[^:]+$)/);
    const fx = { ref, repo, tag, mediaType, digest: idesc.digest, size: idesc.size, manifests, ...extra };
    fx.byPlatform = Object.fromEntries(manifests.map((m) => [m.platformString, m]));
    images[ref] = fx;
  };
  const addSingleFixture = (ref, img) => {
    const [repo, tag] = ref.split(/:(?=[^:]+$)/);
    images[ref] = { ref, repo, tag, ...img.fixture };
  };

  // -- multiarch:1.0 / latest: OCI index, 3 platforms + an attestation manifest for amd64
  {
    const imgs = Object.values(PLATFORMS).map((p) =>
      makeImage(L, { platform: p, layers: [{ tar: archLayer("multiarch", p) }], label: "multiarch" }),
    );
    const amd = imgs[0].fixture;
    const statement = {
      _type: "https://in-toto.io/Statement/v0.1",
      predicateType: "https://spdx.dev/Document",
      subject: [{ name: "pkg:docker/multiarch@1.0?platform=linux%2Famd64", digest: { sha256: amd.digest.slice(7) } }],
      predicate: { spdxVersion: "SPDX-2.3", name: "pullspec-fixture", packages: [] },
    };
    const stmt = json(statement);
    const stmtDesc = L.blob(stmt, MT.inToto);
    const attLayer = { ...stmtDesc, annotations: { "in-toto.io/predicate-type": "https://spdx.dev/Document" } };
    const attConfig = L.blob(
      json({ architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [stmtDesc.digest] } }),
      MT.ociConfig,
    );
    const attManifest = L.blob(
      json({ schemaVersion: 2, mediaType: MT.ociManifest, config: attConfig, layers: [attLayer] }),
      MT.ociManifest,
    );
    const attAnn = { "vnd.docker.reference.digest": amd.digest, "vnd.docker.reference.type": "attestation-manifest" };
    const attPlatform = { architecture: "unknown", os: "unknown" };
    const index = {
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [
        ...imgs.map((i) => i.descriptor),
        { ...attManifest, annotations: attAnn, platform: attPlatform },
      ],
    };
    const idesc = L.blob(json(index), MT.ociIndex);
    L.tag("multiarch:1.0", idesc);
    L.tag("multiarch:latest", idesc);
    const attestation = {
      platform: attPlatform,
      annotations: attAnn,
      mediaType: MT.ociManifest,
      digest: attManifest.digest,
      size: attManifest.size,
      config: attConfig,
      layers: [attLayer],
    };
    const ms = imgs.map((i) => i.fixture);
    addIndexFixture("multiarch:1.0", MT.ociIndex, idesc, ms, { attestation });
    addIndexFixture("multiarch:latest", MT.ociIndex, idesc, ms, { attestation });
  }

  // -- single:1.0 (and public/hello:1.0, the same image)
  {
    const img = makeImage(L, {
      platform: PLATFORMS.amd64,
      layers: [
        { tar: archLayer("single", PLATFORMS.amd64) },
        { tar: makeTar([{ name: "hello.txt", data: Buffer.from("hello from pullspec\n") }]) },
      ],
      label: "single",
    });
    const { platform, ...desc } = img.descriptor;
    L.tag("single:1.0", desc);
    L.tag("public/hello:1.0", desc);
    addSingleFixture("single:1.0", img);
    addSingleFixture("public/hello:1.0", img);
  }

  // -- large:1.0: one 64 MiB incompressible uncompressed tar layer (+ a 64 MiB random file inside)
  {
    const data = prngBytes(LARGE_LAYER_BYTES - 1536, "large-layer");
    const tar = makeTar([{ name: "large.bin", data }]); // exactly 64 MiB: 512 header + data + 1024 end blocks
    const img = makeImage(L, {
      platform: PLATFORMS.amd64,
      layers: [{ tar, compress: false }],
      label: "large",
    });
    const { platform, ...desc } = img.descriptor;
    L.tag("large:1.0", desc);
    addSingleFixture("large:1.0", img);
  }

  // -- layers8:1.0: 8 incompressible layers from ~1 KB to 32 MiB; shared-a:1.0 and shared-b:1.0: the
  // same ladder, sharing the first 6 blobs (those of layers8) and each with 2 of its own
  {
    const layer = (spec, seed) => {
      const name = `layers/${seed}.bin`;
      if (spec.gzip) return { tar: makeTar([{ name, data: prngBytes(spec.bytes, seed) }]) };
      // uncompressed, exactly spec.bytes: 512 header + data + 1024 end blocks
      return { tar: makeTar([{ name, data: prngBytes(spec.bytes - 1536, seed) }]), compress: false };
    };
    const size = (b) => (b >= MiB ? `${b / MiB}MiB` : `${b / KiB}KiB`);
    const base = LAYERS8.map((spec, i) => layer(spec, `layers8-${i}-${size(spec.bytes)}`));
    const images8 = [["layers8:1.0", base]];
    for (const who of ["shared-a", "shared-b"]) {
      const own = LAYERS8.slice(SHARED_LAYERS).map((spec, i) => layer(spec, `${who}-${SHARED_LAYERS + i}-${size(spec.bytes)}`));
      images8.push([`${who}:1.0`, [...base.slice(0, SHARED_LAYERS), ...own]]);
    }
    for (const [ref, layers] of images8) {
      const img = makeImage(L, { platform: PLATFORMS.amd64, layers, label: ref.split(":")[0] });
      const { platform, ...desc } = img.descriptor;
      L.tag(ref, desc);
      addSingleFixture(ref, img);
    }
  }

  // -- dockerlist:1.0: Docker v2 manifest list -> schema2 manifests (amd64, arm64/v8)
  {
    const imgs = [PLATFORMS.amd64, PLATFORMS.arm64].map((p) =>
      makeImage(L, { platform: p, docker: true, layers: [{ tar: archLayer("dockerlist", p) }], label: "dockerlist" }),
    );
    const list = { schemaVersion: 2, mediaType: MT.dockerList, manifests: imgs.map((i) => i.descriptor) };
    const ldesc = L.blob(json(list), MT.dockerList);
    L.tag("dockerlist:1.0", ldesc);
    addIndexFixture("dockerlist:1.0", MT.dockerList, ldesc, imgs.map((i) => i.fixture));
  }

  await L.write();
  const fixtures = { version: LAYOUT_VERSION, layout: dir, images };
  await writeFile(join(dir, "fixtures.json"), JSON.stringify(fixtures, null, 2) + "\n");
  fixtures.buildMs = Date.now() - t0;
  return fixtures;
}

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Build into `dir` (default: cache) unless a fixtures.json with the current version stamp is there. */
export async function ensureLayout(dir = defaultLayoutDir()) {
  try {
    const fx = JSON.parse(await readFile(join(dir, "fixtures.json"), "utf8"));
    if (fx.version === LAYOUT_VERSION && fx.layout === dir) {
      const big = fx.images["large:1.0"].layers[0];
      const st = await stat(blobPath(dir, big.digest));
      if (st.size === big.size) return fx;
    }
  } catch {}
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-${process.pid}-`);
  // build in a temp dir, then rename into place (fixtures.layout must name the final dir). Parallel
  // builders (node --test runs files in parallel) produce identical bytes: the first rename wins.
  const fx = await buildLayout(tmp);
  fx.layout = dir;
  const { buildMs, ...stored } = fx;
  await writeFile(join(tmp, "fixtures.json"), JSON.stringify(stored, null, 2) + "\n");
  try {
    await rename(tmp, dir);
  } catch (e) {
    if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
    let current = null;
    try {
      current = JSON.parse(await readFile(join(dir, "fixtures.json"), "utf8"));
    } catch {}
    if (current?.version === LAYOUT_VERSION) {
      await rm(tmp, { recursive: true, force: true }); // someone else just built the same thing
      return fx;
    }
    await rm(dir, { recursive: true, force: true }); // stale version
    await rename(tmp, dir);
  }
  return fx;
}

export const blobPath = (dir, digest) => join(dir, "blobs", "sha256", digest.replace(/^sha256:/, ""));

// ---------------------------------------------------------------- seeding a registry over HTTP

/** Minimal HTTP client: returns {status, headers, body: Buffer}. body may be a Buffer or {file, size}. */
export function request(url, { method = "GET", headers = {}, body, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const h = { ...headers };
    if (Buffer.isBuffer(body)) h["content-length"] = String(body.length);
    else if (body && body.file) h["content-length"] = String(body.size);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, agent: false },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout ${method} ${url}`)));
    req.on("error", reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else if (body && body.file) createReadStream(body.file).pipe(req);
    else req.end();
  });
}

export function parseChallenge(h) {
  if (!h) return null;
  const m = /^(\w+)\s*(.*)$/s.exec(h.trim());
  if (!m) return null;
  const params = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2];
  return { scheme: m[1].toLowerCase(), params };
}

/**
 * A registry client that does Basic or the Bearer token dance (GET realm with Basic creds).
 * auth: undefined | {username, password} | {token}  (a fixed bearer token)
 */
export class RegistryClient {
  constructor(base, auth) {
    this.base = base.replace(/\/$/, "");
    this.auth = auth;
    this.tokens = new Map(); // scope -> token
  }
  basic() {
    const { username, password } = this.auth || {};
    return username ? "Basic " + Buffer.from(`${username}:${password}`).toString("base64") : null;
  }
  async authHeader(scope) {
    if (!this.auth) return null;
    if (this.auth.token) return "Bearer " + this.auth.token;
    if (this.tokens.has(scope)) return this.tokens.get(scope);
    if (this.mode === "basic") return this.basic();
    return null;
  }
  async req(path, opts = {}, scope = "") {
    const url = path.startsWith("http") ? path : this.base + path;
    for (let attempt = 0; attempt < 2; attempt++) {
      const a = await this.authHeader(scope);
      const headers = { ...(opts.headers || {}) };
      if (a) headers.authorization = a;
      const res = await request(url, { ...opts, headers });
      if (res.status !== 401 || attempt === 1 || !this.auth) return res;
      const ch = parseChallenge(res.headers["www-authenticate"]);
      if (!ch) return res;
      if (ch.scheme === "basic") {
        this.mode = "basic";
      } else if (ch.scheme === "bearer") {
        const t = new URL(ch.params.realm);
        if (ch.params.service) t.searchParams.set("service", ch.params.service);
        t.searchParams.set("scope", scope || ch.params.scope || "");
        const b = this.basic();
        const tr = await request(t.href, { headers: b ? { authorization: b } : {} });
        if (tr.status !== 200) throw new Error(`token endpoint ${tr.status}: ${tr.body}`);
        const tj = JSON.parse(tr.body);
        this.tokens.set(scope, "Bearer " + (tj.token || tj.access_token));
      }
      // retry the request (body must be re-sendable: Buffer or {file})
    }
  }
}

/**
 * Pushes a blob to `repo`. A blob pushed to several repos of one registry (c.uploads, shared by
 * the clients of one pushAll) is uploaded once and mounted (`?mount=&from=`) into the others.
 */
async function pushBlob(c, layout, repo, desc) {
  const prior = c.uploads?.get(desc.digest);
  if (!prior) {
    const done = uploadBlob(c, layout, repo, desc);
    c.uploads?.set(desc.digest, { repo, done });
    return done;
  }
  await prior.done.catch(() => {});
  if (prior.repo !== repo) {
    const mount = await c.req(
      `/v2/${repo}/blobs/uploads/?mount=${desc.digest}&from=${prior.repo}`,
      { method: "POST", headers: { "content-length": "0" } },
      `repository:${repo}:pull,push`,
    );
    if (mount.status === 201) return;
  }
  return uploadBlob(c, layout, repo, desc); // not mounted (e.g. no pull on the other repo): upload
}

async function uploadBlob(c, layout, repo, desc) {
  const scope = `repository:${repo}:pull,push`;
  const head = await c.req(`/v2/${repo}/blobs/${desc.digest}`, { method: "HEAD" }, scope);
  if (head.status === 200) return;
  const start = await c.req(`/v2/${repo}/blobs/uploads/`, { method: "POST", headers: { "content-length": "0" } }, scope);
  if (start.status !== 202) throw new Error(`POST upload ${repo}: ${start.status} ${start.body}`);
  const loc = new URL(start.headers.location, c.base + "/");
  loc.searchParams.set("digest", desc.digest);
  const file = blobPath(layout, desc.digest);
  const put = await c.req(
    loc.href,
    { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: { file, size: desc.size } },
    scope,
  );
  if (put.status !== 201) throw new Error(`PUT blob ${repo}@${desc.digest}: ${put.status} ${put.body}`);
}

async function pushManifest(c, layout, repo, ref, desc) {
  const scope = `repository:${repo}:pull,push`;
  const body = await readFile(blobPath(layout, desc.digest));
  const res = await c.req(
    `/v2/${repo}/manifests/${ref}`,
    { method: "PUT", headers: { "content-type": desc.mediaType }, body },
    scope,
  );
  if (res.status !== 201) throw new Error(`PUT manifest ${repo}:${ref}: ${res.status} ${res.body}`);
  const got = res.headers["docker-content-digest"];
  if (got !== desc.digest) throw new Error(`PUT manifest ${repo}:${ref}: digest ${got} != ${desc.digest}`);
}

async function pushImageManifest(c, layout, repo, m) {
  await Promise.all([m.config, ...m.layers].map((d) => pushBlob(c, layout, repo, d)));
  await pushManifest(c, layout, repo, m.digest, m);
}

/** Push one fixture image (index or single) to `repo:tag` over the HTTP API. */
export async function pushImage(c, fixtures, fx, repo = fx.repo, tag = fx.tag) {
  const layout = fixtures.layout;
  if (fx.manifests) {
    const all = [...fx.manifests, ...(fx.attestation ? [fx.attestation] : [])];
    await Promise.all(all.map((m) => pushImageManifest(c, layout, repo, m)));
    await pushManifest(c, layout, repo, tag, fx);
  } else {
    await pushImageManifest(c, layout, repo, fx);
    await pushManifest(c, layout, repo, tag, fx);
  }
}

/** The refs every harness registry gets. */
export const SEED_REFS = ["multiarch:1.0", "multiarch:latest", "single:1.0", "large:1.0", "dockerlist:1.0", "public/hello:1.0"];
/** Many-layer images (~130 MiB to push): only where asked, `startRegistries({ refs: [...SEED_REFS, ...LAYERED_REFS] })`. */
export const LAYERED_REFS = ["layers8:1.0", "shared-a:1.0", "shared-b:1.0"];

/**
 * Seed a running registry with every fixture image.
 * auth: undefined (anonymous) | {username, password} (Basic, or Basic to the token realm) | {token}
 * opts.method: "http" (default) | "skopeo"
 */
export async function pushAll(registryUrl, auth, { fixtures, refs = SEED_REFS, method = "http" } = {}) {
  fixtures ||= await ensureLayout();
  if (method === "skopeo") {
    // skopeo 1.9 cannot read a Docker manifest list out of an OCI layout ("no descriptor found for
    // reference"): those go over HTTP.
    const host = new URL(registryUrl).host;
    const viaSkopeo = refs.filter((r) => fixtures.images[r].mediaType !== MT.dockerList);
    const viaHttp = refs.filter((r) => fixtures.images[r].mediaType === MT.dockerList);
    await Promise.all([
      ...viaSkopeo.map((ref) => skopeoCopy(fixtures.layout, ref, `docker://${host}/${ref}`, auth)),
      pushAll(registryUrl, auth, { fixtures, refs: viaHttp, method: "http" }),
    ]);
    return;
  }
  // one client per repo, so token caching stays per-scope and repos push in parallel
  const byRepo = new Map();
  for (const ref of refs) {
    const fx = fixtures.images[ref];
    if (!fx) throw new Error("unknown fixture " + ref);
    if (!byRepo.has(fx.repo)) byRepo.set(fx.repo, []);
    byRepo.get(fx.repo).push(fx);
  }
  const uploads = new Map(); // digest -> { repo, done }: each blob uploaded once, then mounted
  await Promise.all(
    [...byRepo.values()].map(async (list) => {
      const c = new RegistryClient(registryUrl, auth);
      c.uploads = uploads;
      for (const fx of list) await pushImage(c, fixtures, fx);
    }),
  );
}

export function run(cmd, args, { timeoutMs = 60000, input } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const t = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", (e) => (clearTimeout(t), reject(e)));
    p.on("close", (code) => {
      clearTimeout(t);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} -> exit ${code}: ${err.trim()}`));
    });
    p.stdin.end(input ?? "");
  });
}

export function skopeoCopy(layout, ref, dest, auth, extra = []) {
  const args = ["copy", "--all", "--quiet", "--dest-tls-verify=false", "--preserve-digests"];
  if (auth?.username) args.push("--dest-creds", `${auth.username}:${auth.password}`);
  if (auth?.token) args.push("--dest-registry-token", auth.token);
  return run("skopeo", [...args, ...extra, `oci:${layout}:${ref}`, dest]);
}

// ---------------------------------------------------------------- CLI
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] || defaultLayoutDir();
  const t0 = Date.now();
  const fx = await ensureLayout(dir);
  process.stderr.write(`layout ${fx.layout} ready in ${Date.now() - t0} ms\n`);
  process.stdout.write(JSON.stringify(fx) + "\n");
}
