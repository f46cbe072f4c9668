// The registry client: verified pulls over fetch(), in Node, browsers and workers. The protocol
// (challenges, tokens, credentials, retries and backoff, redirects, resume, digest and size
// checks) is the sans-IO core in Rust (src/registry/, bound in src/js/registry.rs), driven by
// registry-driver.js; this file is the API around it: credentials from a Keyring, options,
// results, sinks per method. Types: registry.d.ts.
import { PullspecError } from "./errors.js";
import { invalid, requireString, integerOption, timeoutOption, optionsObject, optionalString, signalOption } from "./args.js";
import { gen, hashing } from "./runtime.js";
import { drive, linked, MemorySink, StreamSink, wasmHasher, checkMemoryBlob, MAX_MEMORY_BLOB_SIZE } from "./registry-driver.js";

export { MAX_MEMORY_BLOB_SIZE };

/** A request that yields neither headers nor body bytes for this long fails (`timeout`, retried). */
const DEFAULT_TIMEOUT_MS = 60_000;

/** Most layers downloaded at once by `pull` (and `pullOciLayout`); the default is 3. */
export const MAX_CONCURRENCY = 64;
const DEFAULT_CONCURRENCY = 3;

/** A blob size option: a whole number of bytes (absent: asked of the registry with HEAD). */
const sizeOption = (value, name) => integerOption(value, name, { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: undefined });

/** `options.concurrency` of a pull: 1 to MAX_CONCURRENCY layers at a time (internal: not re-exported). */
export const concurrencyOption = (value) =>
  integerOption(value, "options.concurrency", { min: 1, max: MAX_CONCURRENCY, fallback: DEFAULT_CONCURRENCY });

/** The options every operation takes, checked: an object, an AbortSignal, a matcher mode name. */
function operationOptions(options) {
  const o = optionsObject(options);
  signalOption(o.signal);
  optionalString(o.mode, "options.mode");
  return o;
}

/** A sink of `blobInto`: null, or an object with the four methods. */
function sinkOption(sink) {
  if (sink === null || sink === undefined) return null;
  const methods = ["reset", "write", "commit", "abort"];
  if (typeof sink !== "object" || methods.some((m) => typeof sink[m] !== "function")) {
    throw invalid(`sink must have the methods ${methods.join(", ")}`, "sink");
  }
  return sink;
}

function descriptorOf(digest, options, what = "digest") {
  if (digest !== null && typeof digest === "object") {
    requireString(digest.digest, `${what}.digest`);
    const size = sizeOption(digest.size, `${what}.size`) ?? sizeOption(options?.size, "options.size");
    return { digest: digest.digest, size, mediaType: digest.mediaType };
  }
  requireString(digest, what);
  return { digest, size: sizeOption(options?.size, "options.size"), mediaType: undefined };
}

/** The client's `retry` options, each checked (the core would read NaN as "absent"). */
function retryOptions(retry) {
  const r = optionsObject(retry, "options.retry");
  const delay = (v, name) => integerOption(v, `options.retry.${name}`, { min: 0, max: 2 ** 31 - 1, fallback: undefined });
  return {
    ...r,
    attempts: integerOption(r.attempts, "options.retry.attempts", { min: 1, max: 100, fallback: undefined }),
    baseDelayMs: delay(r.baseDelayMs, "baseDelayMs"),
    maxDelayMs: delay(r.maxDelayMs, "maxDelayMs"),
    retryAfterCapMs: delay(r.retryAfterCapMs, "retryAfterCapMs"),
  };
}

/** `pageSize` and `maxPages` of the tag listings. */
function pageOptions(options) {
  const page = (v, name) => integerOption(v, `options.${name}`, { min: 1, max: 2 ** 31 - 1, fallback: undefined });
  return [page(options.pageSize, "pageSize"), page(options.maxPages, "maxPages")];
}

function platformSpec(platform) {
  if (platform === undefined || platform === null) return "linux/amd64";
  if (typeof platform === "string") return platform;
  if (typeof platform === "object" && !Array.isArray(platform)) return gen.formatPlatform(platform, true);
  throw invalid(`platform must be a string (os/arch[/variant]) or a platform object, got ${typeof platform}`);
}

/**
 * Runs `fn` over `items` with at most `limit` (a whole number >= 1) at a time; the first failure
 * aborts the rest. Resolves only when every item has its result.
 */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  let failed = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.e;
  if (next < items.length) throw new PullspecError("a download queue stopped early", { code: "INTERNAL" });
  return out;
}

/**
 * A registry client. One per set of credentials and options: it remembers what each registry's
 * challenge taught it and caches tokens. See registry.d.ts.
 */
export class RegistryClient {
  #core;
  #keyring;
  #fetch;
  #timeoutMs;
  #onEvent;
  #redirect = { mode: "manual" };
  /** Credential lookups done (per `registry/repository`), as promises. */
  #looked = new Map();
  /** The last `RateLimit-*` headers a registry sent. */
  rateLimit = null;

  constructor(options = {}) {
    const { keyring, fetch, insecureRegistries, userAgent, retry, onEvent, timeoutMs, endpoints, seed } =
      optionsObject(options);
    if (fetch !== undefined && typeof fetch !== "function") throw invalid("fetch must be a function");
    if (keyring !== undefined && keyring !== null && typeof keyring.lookupAsync !== "function") {
      throw invalid("keyring must be a Keyring");
    }
    this.#keyring = keyring ?? null;
    this.#fetch = fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = timeoutOption(timeoutMs, "options.timeoutMs", DEFAULT_TIMEOUT_MS);
    this.#onEvent = typeof onEvent === "function" ? onEvent : null;
    this.#core = new gen.RegistryClient({
      userAgent,
      insecure: insecureRegistries ?? [],
      endpoints: Object.entries(optionsObject(endpoints, "options.endpoints")).map(([k, v]) => {
        requireString(v, `options.endpoints[${JSON.stringify(k)}]`);
        return [k, v];
      }),
      retry: retryOptions(retry),
      seed: integerOption(seed, "options.seed", { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: undefined }) ??
        Math.floor(Math.random() * 2 ** 32),
    });
  }

  /** Hands the core the keyring's credentials for the image's repository (once). */
  async #prepare(image) {
    requireString(image, "image");
    const ref = gen.parse_reference(image, "normalized");
    if (!this.#keyring) return ref;
    const key = `${ref.registry}/${ref.repository}`;
    let lookup = this.#looked.get(key);
    if (!lookup) {
      lookup = this.#keyring.lookupAsync(key).then((credentials) => {
        if (credentials.length > 0) this.#core.setCredentials(key, credentials);
      });
      this.#looked.set(key, lookup);
      lookup.catch(() => this.#looked.delete(key));
    }
    await lookup;
    return ref;
  }

  #context(options, extra = {}) {
    const onEvent = options?.onEvent;
    return {
      fetch: this.#fetch,
      signal: options?.signal,
      timeoutMs: this.#timeoutMs,
      redirect: this.#redirect,
      onEvent: (e) => {
        if (e.type === "rateLimit") {
          const { type, ...rateLimit } = e;
          this.rateLimit = rateLimit;
        }
        this.#onEvent?.(e);
        if (typeof onEvent === "function") onEvent(e);
      },
      ...extra,
    };
  }

  /** `GET /v2/`: the API version and how the registry wants to be authenticated. */
  async ping(registry, options = {}) {
    options = operationOptions(options);
    requireString(registry, "registry");
    return drive(this.#core.ping(registry), this.#context(options));
  }

  /** The verified manifest (or index) an image reference names. */
  async manifest(image, options = {}) {
    options = operationOptions(options);
    await this.#prepare(image);
    return drive(this.#core.manifest(image), this.#context(options));
  }

  /** Resolves an image for a platform the way containerd does; every step in `explanation`. */
  async resolve(image, options = {}) {
    options = operationOptions(options);
    await this.#prepare(image);
    const op = this.#core.resolve(image, platformSpec(options.platform), options.mode ?? undefined);
    return drive(op, this.#context(options));
  }

  /** `HEAD` of a blob: `{ digest, size, mediaType }`. */
  async blobHead(image, digest, options = {}) {
    options = operationOptions(options);
    await this.#prepare(image);
    requireString(digest, "digest");
    return drive(this.#core.blobHead(image, digest), this.#context(options));
  }

  async #size(image, d, options) {
    if (d.size !== undefined && d.size !== null) return d.size;
    return (await this.blobHead(image, d.digest, options)).size;
  }

  /**
   * Downloads a blob into `sink` (`{ reset(start, digestOfDelivered), write(chunk), commit(), abort(error) }`,
   * each may return a Promise): `commit` is called only after the digest and size check out.
   * Resolves with `{ digest, size, resumes, restarts }`.
   */
  async blobInto(image, digest, sink, options = {}) {
    sink = sinkOption(sink);
    options = operationOptions(options);
    await this.#prepare(image);
    const d = descriptorOf(digest, options);
    const size = await this.#size(image, d, options);
    const op = this.#core.blob(image, d.digest, size);
    return drive(op, this.#context(options, { sink, onProgress: options.onProgress, hasher: options.hasher }));
  }

  /**
   * A blob's bytes, verified (digest and size) before they are returned. A size over
   * MAX_MEMORY_BLOB_SIZE is refused (`BLOB_TOO_LARGE`) before the blob is requested.
   */
  async blob(image, digest, options = {}) {
    options = operationOptions(options);
    await this.#prepare(image);
    const d = descriptorOf(digest, options);
    if (d.size !== undefined) checkMemoryBlob(d.digest, d.size);
    const size = await this.#size(image, d, options);
    const sink = new MemorySink(size, d.digest);
    await this.blobInto(image, { digest: d.digest, size }, sink, options);
    return sink.result;
  }

  /**
   * A blob as a stream of chunks as they arrive. The bytes are UNVERIFIED until the stream
   * closes: on a digest or size mismatch it errors at the end instead of closing.
   */
  blobStream(image, digest, options = {}) {
    options = operationOptions(options);
    const d = descriptorOf(digest, options);
    const controller = linked(options.signal);
    let sink;
    return new ReadableStream(
      {
        start: (c) => {
          const algorithm = d.digest.slice(0, d.digest.indexOf(":"));
          sink = new StreamSink(c, algorithm);
          const opts = {
            ...options,
            signal: controller.signal,
            hasher: (a) => hashing.factory?.(a) ?? wasmHasher(a),
          };
          this.blobInto(image, d, sink, opts)
            .catch((e) => sink.abort(e))
            .finally(() => controller.dispose());
        },
        pull: () => sink.pulled(),
        cancel: (reason) => controller.abort(reason),
      },
      { highWaterMark: 8 },
    );
  }

  /** The tags of a repository, page by page as they arrive. */
  async *tags(repository, options = {}) {
    options = operationOptions(options);
    const [pageSize, maxPages] = pageOptions(options);
    await this.#prepare(repository);
    const op = this.#core.tags(repository, pageSize, maxPages, false);
    const controller = linked(options.signal);
    const queue = [];
    let wake = null;
    let finished = false;
    let error = null;
    const ctx = this.#context({ ...options, signal: controller.signal });
    const onEvent = ctx.onEvent;
    ctx.onEvent = (e) => {
      if (e.type === "tagsPage") {
        queue.push(...e.tags);
        wake?.();
      }
      onEvent(e);
    };
    const running = drive(op, ctx).then(
      () => (finished = true),
      (e) => ((error = e), (finished = true)),
    ).finally(() => wake?.());
    try {
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift();
          continue;
        }
        if (error) throw error;
        if (finished) return;
        await new Promise((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      if (!finished) {
        controller.abort();
        await running;
      }
      controller.dispose();
    }
  }

  /** Every tag of a repository, in an array. */
  async tagsList(repository, options = {}) {
    options = operationOptions(options);
    const [pageSize, maxPages] = pageOptions(options);
    await this.#prepare(repository);
    const op = this.#core.tags(repository, pageSize, maxPages, false);
    return (await drive(op, this.#context(options))).tags;
  }

  /**
   * Resolves an image for a platform and downloads its layers (verified; at most
   * `concurrency` at a time, 3 by default). Nothing is returned unless everything verified. A
   * layer over MAX_MEMORY_BLOB_SIZE is refused (`BLOB_TOO_LARGE`) before any layer is requested.
   */
  async pull(image, options = {}) {
    options = operationOptions(options);
    const concurrency = concurrencyOption(options.concurrency);
    const controller = linked(options.signal);
    try {
      const opts = { ...options, signal: controller.signal };
      const resolution = await this.resolve(image, opts);
      const layers = resolution.layers;
      for (const d of layers) checkMemoryBlob(d.digest, d.size);
      const progress = progressTracker(layers, options.onProgress);
      const bytes = await mapLimit(layers, concurrency, (d) =>
        this.blob(image, d, { ...opts, onProgress: progress }).catch((e) => {
          controller.abort(e);
          throw e;
        }),
      );
      // The promise above: every layer arrived and verified. Checked again here, because a pull
      // that resolves must never be missing a layer, whatever happens above.
      if (bytes.length !== layers.length || bytes.some((b) => !(b instanceof Uint8Array))) {
        throw new PullspecError(`pull of ${image} finished without all of its ${layers.length} layers`, {
          code: "INTERNAL",
        });
      }
      return {
        resolution,
        config: resolution.config,
        layers: layers.map((d, i) => ({ digest: d.digest, size: d.size, mediaType: d.mediaType, bytes: bytes[i] })),
      };
    } finally {
      controller.dispose();
    }
  }
}

/**
 * Progress over several blobs: each call gets the blob's `{ digest, bytes, total }` plus
 * `overall: { bytes, total }` across all of them.
 */
export function progressTracker(descriptors, onProgress) {
  if (!Array.isArray(descriptors) || descriptors.some((d) => typeof d?.size !== "number")) {
    throw invalid("progressTracker takes an array of descriptors with a numeric size", "descriptors");
  }
  if (typeof onProgress !== "function") return undefined;
  const total = descriptors.reduce((n, d) => n + d.size, 0);
  const held = new Map();
  let sum = 0;
  return (p) => {
    sum += p.bytes - (held.get(p.digest) ?? 0);
    held.set(p.digest, p.bytes);
    onProgress({ ...p, overall: { bytes: sum, total } });
  };
}
