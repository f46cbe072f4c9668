// The registry client, the Node-only parts: blobs hashed with node:crypto (registered here, so
// only the Node entry gets it), and pulling into an OCI image layout on disk (the directory's
// checks, lock, atomic writes and clean-up are node-layout.js). Exported by node.js only.
// Types: node-registry.d.ts.
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { resolve as resolvePath } from "node:path";
import { PullspecError } from "./errors.js";
import { registerHasher } from "./runtime.js";
import { progressTracker, concurrencyOption } from "./registry.js";
import { invalid, optionsObject } from "./args.js";
import { Layout, checkOutput } from "./node-layout.js";

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

const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";

/** A platform object in the OCI spelling (`os.version`, `os.features`). */
function ociPlatform(p) {
  if (!p) return undefined;
  const out = { architecture: p.architecture, os: p.os };
  if (p.osVersion) out["os.version"] = p.osVersion;
  if (p.osFeatures?.length) out["os.features"] = p.osFeatures;
  if (p.variant) out.variant = p.variant;
  return out;
}

/**
 * Pulls an image for a platform into an OCI image layout at `output` (created if needed; an
 * existing layout gets the image added, replacing an entry with the same ref name). The layout
 * is checked before the first request (`LAYOUT_INVALID`, `OUTPUT_INVALID`). Layers stream into
 * temp files inside the layout and are renamed to `blobs/<alg>/<hex>` only after they verified;
 * `index.json` is changed under the layout's lock. A failed or aborted pull leaves nothing new
 * (node-layout.js says exactly what). Blobs already present are re-hashed and kept when they match.
 */
export async function pullOciLayout(client, image, options = {}) {
  if (client === null || typeof client !== "object" || typeof client.resolve !== "function" || typeof client.blobInto !== "function") {
    throw invalid("pullOciLayout needs a RegistryClient as its first argument");
  }
  const { platform, output, onProgress, signal } = optionsObject(options);
  if (typeof output !== "string" || output === "") {
    throw invalid("pullOciLayout needs options.output (a directory)", "options.output");
  }
  if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
    throw invalid("options.signal must be an AbortSignal", "options.signal");
  }
  const concurrency = concurrencyOption(options.concurrency);
  const dir = resolvePath(output);
  await checkOutput(dir);
  if (signal?.aborted) throw new PullspecError("aborted", { code: "ABORTED" });
  const layout = new Layout(dir);
  try {
    await layout.open(signal);
    const resolution = await client.resolve(image, { platform, signal });
    const ref = resolution.reference;
    const layers = resolution.layers;
    await layout.use([resolution.manifestDigest, resolution.configDigest, ...layers.map((d) => d.digest)], signal);
    await layout.writeBlob(resolution.manifestDigest, resolution.manifestBytes);
    await layout.writeBlob(resolution.configDigest, resolution.configBytes);

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
          const blob = await layout.blob(d.digest, d.size);
          const reused = blob.state === "present";
          if (!reused) {
            await client.blobInto(image, d, layout.sink(d.digest, blob), { signal: controller.signal, onProgress: progress });
          }
          progress?.({ digest: d.digest, bytes: d.size, total: d.size, verified: true });
          written.push({ digest: d.digest, size: d.size, reused });
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
    if (signal?.aborted) throw new PullspecError("aborted", { code: "ABORTED" });

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
    await layout.commit(descriptor, REF_NAME, signal);
    return { resolution, output, descriptor, layers: written };
  } catch (e) {
    await layout.discard();
    throw e;
  }
}
