// The registry client, the Node-only parts: blobs hashed with node:crypto (registered here, so
// only the Node entry gets it), and pulling into an OCI image layout on disk with atomic writes.
// Exported by node.js only. Types: node-registry.d.ts.
import { createHash, randomBytes } from "node:crypto";
import { open, mkdir, rename, rm, readFile, writeFile, stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { join } from "node:path";
import { PullspecError } from "./errors.js";
import { registerHasher } from "./runtime.js";
import { progressTracker, concurrencyOption } from "./registry.js";
import { invalid, optionsObject } from "./args.js";

const NODE_ALGORITHMS = new Set(["sha256", "sha384", "sha512"]);

// node:crypto hashes several times faster than sha2 compiled to wasm: the driver hashes blobs
// itself and hands the core the digest (Operation::on_body_bytes + on_body_done).
registerHasher((algorithm) => {
  if (!NODE_ALGORITHMS.has(algorithm)) return null;
  const h = createHash(algorithm);
  return {
    update: (chunk) => h.update(chunk),
    digest: () => `${algorithm}:${h.copy().digest("hex")}`,
  };
});

/** Idle keep-alive connections do not keep the process alive (the agents unref them). */
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** Response headers as the driver reads them (`forEach(value, name)`), from node's raw pairs. */
class RawHeaders {
  constructor(raw) {
    this.raw = raw;
  }
  forEach(fn) {
    for (let i = 0; i + 1 < this.raw.length; i += 2) fn(this.raw[i + 1], this.raw[i].toLowerCase(), this);
  }
  get(name) {
    const n = name.toLowerCase();
    const values = [];
    this.forEach((v, k) => k === n && values.push(v));
    return values.length ? values.join(", ") : null;
  }
}

/**
 * A transport for `RegistryClient` on node:http/https with keep-alive: the subset of `fetch`
 * the driver uses (`status`, `type`, `headers.forEach`/`get`, `body.getReader()` with `read`
 * and `cancel`), without undici's start-up cost and with node's native HTTP parser: large blobs
 * arrive markedly faster. Never follows redirects (the core does). The CLI uses it; the client's
 * default stays the global `fetch`.
 */
export function nodeFetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    let u;
    try {
      u = new URL(url);
    } catch (e) {
      return reject(new TypeError(`invalid URL: ${e.message}`));
    }
    const lib = u.protocol === "https:" ? https : u.protocol === "http:" ? http : null;
    if (!lib) return reject(new TypeError(`unsupported protocol ${u.protocol}`));
    const headers = {};
    for (const [name, value] of init.headers ?? []) {
      const k = name.toLowerCase();
      headers[k] = headers[k] === undefined ? value : `${headers[k]}, ${value}`;
    }
    const req = lib.request(u, { method: init.method ?? "GET", headers, agent: agents[u.protocol], signal: init.signal });
    req.on("error", reject);
    req.on("response", (res) => {
      const noBody = init.method === "HEAD" || res.statusCode === 204 || res.statusCode === 304;
      let iterator = null;
      const body = noBody
        ? (res.resume(), null)
        : {
            getReader() {
              iterator ??= res[Symbol.asyncIterator]();
              return {
                read: () => iterator.next(),
                cancel: async () => {
                  res.destroy();
                },
              };
            },
            cancel: async () => {
              res.destroy();
            },
          };
      resolve({ status: res.statusCode, type: "basic", ok: res.statusCode >= 200 && res.statusCode < 300, headers: new RawHeaders(res.rawHeaders), body });
    });
    req.end(init.body ? Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength) : undefined);
  });
}

const LAYOUT_FILE = JSON.stringify({ imageLayoutVersion: "1.0.0" });
const INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";

const tempName = (dir, what) => join(dir, `.tmp-${what}-${process.pid}-${randomBytes(6).toString("hex")}`);

/** Writes `bytes` to `path` atomically: a temp file in the same directory, then rename. */
async function writeAtomic(path, dir, bytes) {
  const tmp = tempName(dir, "write");
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Where a blob lives in a layout: `blobs/<algorithm>/<encoded>`. */
function blobPath(output, digest) {
  const [algorithm, encoded] = digest.split(":");
  if (!/^[a-z0-9]+$/.test(algorithm ?? "") || !/^[a-f0-9]+$/.test(encoded ?? "")) {
    throw new PullspecError(`not a digest usable as a file name: ${digest}`, { code: "DIGEST_INVALID_FORMAT" });
  }
  return { dir: join(output, "blobs", algorithm), path: join(output, "blobs", algorithm, encoded), algorithm };
}

/** Whether `path` already holds exactly the blob (size and digest re-checked). */
async function hasBlob(path, algorithm, digest, size) {
  try {
    if ((await stat(path)).size !== size) return false;
  } catch {
    return false;
  }
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(path)) h.update(chunk);
  return `${algorithm}:${h.digest("hex")}` === digest;
}

/** Chunks are gathered into writes of this size (fewer, larger `pwritev`s, no copying)... */
const BATCH = 1024 * 1024;
/** ...and this many are in flight before `write` waits (disk and network overlap). */
const MAX_WRITES = 8;

/**
 * A sink streaming into a temp file next to the blob's final path; renamed into place only on
 * commit (after the core verified digest and size), removed on abort. Chunks are gathered into
 * BATCH-sized positional vectored writes, up to MAX_WRITES of them in flight.
 */
class FileSink {
  constructor(dir, path) {
    this.dir = dir;
    this.path = path;
    this.tmp = tempName(dir, "blob");
    this.handle = null;
    this.position = 0; // file offset of the batch being gathered
    this.batch = [];
    this.batched = 0;
    this.writes = [];
  }
  #flush() {
    if (this.batched === 0) return;
    const done = writeAll(this.handle, this.batch, this.position);
    done.catch(() => {}); // awaited in #settle or write
    this.writes.push(done);
    this.position += this.batched;
    this.batch = [];
    this.batched = 0;
  }
  async #settle() {
    this.#flush();
    const writes = this.writes;
    this.writes = [];
    await Promise.all(writes);
  }
  async reset(start) {
    this.handle ??= await open(this.tmp, "w");
    await this.#settle();
    if (start !== this.position) await this.handle.truncate(start);
    this.position = start;
  }
  async write(chunk) {
    this.batch.push(chunk);
    this.batched += chunk.length;
    if (this.batched < BATCH) return;
    this.#flush();
    if (this.writes.length >= MAX_WRITES) await this.writes.shift();
  }
  async commit() {
    await this.#settle();
    await this.handle?.close();
    this.handle = null;
    await rename(this.tmp, this.path);
  }
  async abort() {
    this.batch = [];
    this.batched = 0;
    await Promise.allSettled(this.writes);
    this.writes = [];
    await this.handle?.close().catch(() => {});
    this.handle = null;
    await rm(this.tmp, { force: true });
  }
}

/** `pwritev` of the buffers at `position` (short writes continued). */
async function writeAll(handle, buffers, position) {
  let rest = buffers;
  let at = position;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest, at);
    at += bytesWritten;
    while (rest.length > 0 && bytesWritten >= rest[0].length) {
      bytesWritten -= rest[0].length;
      rest = rest.slice(1);
    }
    if (bytesWritten > 0) rest = [rest[0].subarray(bytesWritten), ...rest.slice(1)];
  }
}

/** A platform object in the OCI spelling (`os.version`, `os.features`). */
function ociPlatform(p) {
  if (!p) return undefined;
  const out = { architecture: p.architecture, os: p.os };
  if (p.osVersion) out["os.version"] = p.osVersion;
  if (p.osFeatures?.length) out["os.features"] = p.osFeatures;
  if (p.variant) out.variant = p.variant;
  return out;
}

async function readIndex(path) {
  try {
    const index = JSON.parse(await readFile(path, "utf8"));
    return Array.isArray(index?.manifests) ? index : null;
  } catch (e) {
    if (e?.code === "ENOENT") return null;
    throw new PullspecError(`${path} exists but is not an OCI index: ${e.message}`, { code: "LAYOUT_INVALID", path });
  }
}

/**
 * Pulls an image for a platform into an OCI image layout at `output` (created if needed; an
 * existing layout gets the image added, replacing an entry with the same ref name). Layers
 * stream into temp files inside the layout and are renamed to `blobs/<alg>/<hex>` only after
 * they verified; a failed pull leaves no partial blob. Blobs already present are re-hashed and
 * kept when they match.
 */
export async function pullOciLayout(client, image, options = {}) {
  const { platform, output, onProgress, signal } = optionsObject(options);
  if (typeof output !== "string" || output === "") {
    throw invalid("pullOciLayout needs options.output (a directory)", "options.output");
  }
  const concurrency = concurrencyOption(options.concurrency);
  const resolution = await client.resolve(image, { platform, signal });
  const ref = resolution.reference;
  await mkdir(output, { recursive: true });
  await writeAtomic(join(output, "oci-layout"), output, LAYOUT_FILE);

  const small = [
    { digest: resolution.manifestDigest, bytes: resolution.manifestBytes },
    { digest: resolution.configDigest, bytes: resolution.configBytes },
  ];
  for (const { digest, bytes } of small) {
    const { dir, path } = blobPath(output, digest);
    await mkdir(dir, { recursive: true });
    await writeAtomic(path, dir, bytes);
  }

  const layers = resolution.layers;
  const progress = progressTracker(layers, onProgress);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) controller.abort(signal.reason);
  const written = [];
  let failure = null;
  let next = 0;
  const worker = async () => {
    while (failure === null && next < layers.length) {
      const d = layers[next++];
      try {
        const { dir, path, algorithm } = blobPath(output, d.digest);
        await mkdir(dir, { recursive: true });
        if (await hasBlob(path, algorithm, d.digest, d.size)) {
          progress?.({ digest: d.digest, bytes: d.size, total: d.size });
          written.push({ digest: d.digest, size: d.size, reused: true });
          continue;
        }
        await client.blobInto(image, d, new FileSink(dir, path), { signal: controller.signal, onProgress: progress });
        written.push({ digest: d.digest, size: d.size, reused: false });
      } catch (e) {
        failure ??= { e };
        controller.abort(e);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, layers.length)) }, worker));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (failure) throw failure.e;
  // index.json names the layers: it is written only when every one of them is in the layout.
  if (written.length !== layers.length) {
    throw new PullspecError(`pull of ${image} finished with ${written.length} of ${layers.length} layers`, { code: "INTERNAL" });
  }

  const annotations = { [CONTAINERD_NAME]: ref.normalized };
  annotations[REF_NAME] = ref.tag ?? ref.digest ?? "latest";
  const descriptor = {
    mediaType: resolution.manifestMediaType,
    digest: resolution.manifestDigest,
    size: resolution.manifestBytes.length,
    annotations,
  };
  const platformField = ociPlatform(resolution.platform);
  if (platformField) descriptor.platform = platformField;
  const indexPath = join(output, "index.json");
  const index = (await readIndex(indexPath)) ?? { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] };
  index.manifests = index.manifests.filter((m) => m?.annotations?.[REF_NAME] !== annotations[REF_NAME]);
  index.manifests.push(descriptor);
  await writeAtomic(indexPath, output, JSON.stringify(index));
  return { resolution, output, descriptor, layers: written };
}
