// The driver of the registry core (src/registry/, bound in src/js/registry.rs): the loop in the
// module doc of src/registry/mod.rs, with fetch() as the transport. It sends what the core says,
// hands back what came, sleeps when told, reports events, and writes blob bytes to a sink that
// commits only after the core has verified them. No protocol decision is made here.
import { PullspecError } from "./errors.js";
import { gen, hashing } from "./runtime.js";

const EMPTY = new Uint8Array(0);

/** An AbortController that also aborts when `signal` does; `dispose()` unhooks it. */
export function linked(signal) {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  controller.dispose = () => signal?.removeEventListener("abort", onAbort);
  return controller;
}

/** Sleeps `ms`, waking early (without throwing) when `signal` aborts: the core then decides. */
function sleep(ms, signal) {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** One request on the wire: its abort controller (caller's signal + timeout) and idle timer. */
class Transfer {
  constructor(signal, timeoutMs) {
    this.signal = signal;
    this.timeoutMs = timeoutMs;
    this.timedOut = false;
    this.controller = linked(signal);
    this.timer = null;
    this.arm();
  }
  /** (Re)starts the inactivity timer: no headers or no body bytes for `timeoutMs` aborts. */
  arm() {
    if (!(this.timeoutMs > 0 && Number.isFinite(this.timeoutMs))) return;
    if (typeof this.timer?.refresh === "function") {
      this.timer.refresh(); // Node: no new timer per chunk
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`no data for ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }
  close() {
    clearTimeout(this.timer);
    this.controller.dispose();
  }
  /** The core's transport error kind for a failure of this request (`url` null: after the headers). */
  kind(error, url) {
    if (this.timedOut) return "timeout";
    if (this.signal?.aborted) return "aborted";
    // A browser's fetch rejects a cross-origin request whose answer CORS hides with a bare
    // TypeError: there is no other way to tell, and it is almost always CORS.
    const page = globalThis.location?.origin;
    if (url !== null && error instanceof TypeError && typeof page === "string" && page !== "null") {
      try {
        if (new URL(url).origin !== page) return "corsLikely";
      } catch {}
    }
    return "network";
  }
}

/** A transport failure's description (never headers: fetch errors do not carry them). */
function describe(error, transfer) {
  if (transfer.timedOut) return `no data for ${transfer.timeoutMs} ms`;
  if (transfer.signal?.aborted) return "aborted by the caller";
  // The error's name and code, never its message: fetch implementations quote a header value they
  // refused (undici: `Headers.append: "Bearer <token>" is an invalid header value`). The core
  // sanitizes what it is handed too; this keeps the text out of the boundary altogether.
  const code = [error?.cause?.code, error?.code].find((c) => typeof c === "string" && /^[A-Z][A-Z0-9_]*$/.test(c));
  const base = error?.message === "fetch failed" ? "fetch failed" : String(error?.name ?? "Error");
  return code ? `${base} (${code})` : base;
}

/** Reads at most `limit` bytes of a body; more means overflow (the reader is cancelled). */
async function readLimited(body, limit, transfer) {
  if (!body) return { bytes: EMPTY, overflow: false };
  const reader = body.getReader();
  const parts = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    transfer.arm();
    if (length + value.length > limit) {
      parts.push(value.subarray(0, limit - length));
      length = limit;
      reader.cancel().catch(() => {});
      return { bytes: concat(parts, length), overflow: true };
    }
    parts.push(value);
    length += value.length;
  }
  return { bytes: concat(parts, length), overflow: false };
}

function concat(parts, length) {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function flatHeaders(headers) {
  const out = [];
  headers.forEach((value, name) => out.push(name, value));
  return out;
}

/** The hasher of a blob hashed in wasm when no faster one is registered (blobStream needs one). */
export function wasmHasher(algorithm) {
  const h = new gen.WasmHasher(algorithm);
  return {
    update: (chunk) => h.update(chunk),
    digest: () => {
      const d = h.finish();
      h.free();
      return d;
    },
  };
}

/**
 * Runs one core operation to its end with fetch(): the driver loop of src/registry/mod.rs.
 * `ctx`: { fetch, signal, timeoutMs, redirect: { mode }, sink?, onEvent?, onProgress?, hasher? }.
 * Resolves with the operation's value (the sink committed), or rejects with its PullspecError
 * (the sink aborted).
 */
export async function drive(op, ctx) {
  let pending = null; // { body, transfer } of a 2xx stream response whose body is unread
  const blob = { hasher: undefined }; // the driver's hasher of the blob, kept across resumes
  const drop = () => {
    if (pending) {
      pending.body?.cancel().catch(() => {});
      pending.transfer.controller.abort();
      pending.transfer.close();
      pending = null;
    }
  };
  try {
    for (;;) {
      const step = op.next(Date.now());
      if (step.type !== "event" && step.type !== "read") drop();
      switch (step.type) {
        case "send":
          pending = await send(op, step, ctx);
          break;
        case "read": {
          const body = pending;
          pending = null;
          await read(op, step, body, ctx, blob);
          break;
        }
        case "wait":
          await sleep(step.ms, ctx.signal);
          break;
        case "event":
          ctx.onEvent?.(step.event);
          break;
        case "done":
          await ctx.sink?.commit();
          return step.value;
        default:
          throw new PullspecError(`unknown driver step ${JSON.stringify(step.type)}`, { code: "INVALID_STATE" });
      }
    }
  } catch (e) {
    drop();
    await ctx.sink?.abort(e);
    throw e;
  } finally {
    op.free();
  }
}

/** Sends a request; returns the pending stream body of a 2xx stream response, else null. */
async function send(op, step, ctx) {
  const transfer = new Transfer(ctx.signal, ctx.timeoutMs);
  if (ctx.signal?.aborted) {
    transfer.close();
    op.onTransportError("aborted", "aborted by the caller", Date.now());
    return null;
  }
  const init = { method: step.method, headers: step.headers, redirect: ctx.redirect.mode, signal: transfer.controller.signal };
  if (step.body) init.body = step.body;
  let res;
  try {
    res = await ctx.fetch(step.url, init);
  } catch (e) {
    op.onTransportError(transfer.kind(e, step.url), describe(e, transfer), Date.now());
    transfer.close();
    return null;
  }
  if (res.type === "opaqueredirect") {
    // A browser: `redirect: "manual"` hides the Location. Let fetch follow redirects itself from
    // now on (it drops Authorization when a redirect leaves the origin) and send this again.
    transfer.close();
    ctx.redirect.mode = "follow";
    return send(op, step, ctx);
  }
  const headers = flatHeaders(res.headers);
  const limit = op.readLimit(res.status);
  if (limit < 0) {
    op.onResponse(res.status, headers, EMPTY, false, Date.now());
    return { body: res.body, transfer };
  }
  let body;
  try {
    body = await readLimited(res.body, limit, transfer);
  } catch (e) {
    // The headers came: whatever broke the body, it was not CORS.
    op.onTransportError(transfer.kind(e, null), describe(e, transfer), Date.now());
    transfer.close();
    return null;
  }
  transfer.close();
  op.onResponse(res.status, headers, body.bytes, body.overflow, Date.now());
  return null;
}

/** Reads the pending stream body into the sink as the core's `read` step says. */
async function read(op, plan, pending, ctx, blob) {
  const { sink } = ctx;
  if (!pending) {
    throw new PullspecError("a read step without a pending body", { code: "INVALID_STATE" });
  }
  const { transfer } = pending;
  const algorithm = plan.digest.slice(0, plan.digest.indexOf(":"));
  if (plan.start === 0 || blob.hasher === undefined) {
    // Starting (over): a fresh hasher. The old one knows the digest of what the sink was given.
    const old = blob.hasher;
    await sink?.reset(plan.start, old ? () => old.digest() : null);
    blob.hasher = (ctx.hasher ?? hashing.factory)?.(algorithm) ?? null;
  } else {
    await sink?.reset(plan.start, null);
  }
  const hasher = blob.hasher;
  let held = plan.start;
  const reader = pending.body?.getReader();
  try {
    for (;;) {
      let chunk;
      try {
        if (!reader) break;
        const r = await reader.read();
        if (r.done) break;
        chunk = r.value;
      } catch (e) {
        op.onBodyError(transfer.kind(e, null), describe(e, transfer), Date.now());
        return;
      }
      transfer.arm();
      if (chunk.length === 0) continue;
      if (hasher) {
        hasher.update(chunk);
        held = op.onBodyBytes(chunk.length);
      } else {
        held = op.onBodyChunk(chunk);
      }
      if (held < 0) {
        reader.cancel().catch(() => {});
        return;
      }
      if (sink) await sink.write(chunk);
      ctx.onProgress?.({ digest: plan.digest, bytes: held, total: plan.total });
    }
    // The digest only of a whole blob: a short body is a broken transfer the core resumes.
    op.onBodyDone(hasher && held === plan.total ? hasher.digest() : null, Date.now());
  } catch (e) {
    // The sink failed (a disk error, re-sent bytes that differ): stop the transfer.
    reader?.cancel().catch(() => {});
    transfer.controller.abort();
    throw e;
  } finally {
    transfer.close();
  }
}

/**
 * The largest blob `blob()` and `pull()` hold in memory: 1 GiB. A declared size above it is
 * refused with `BLOB_TOO_LARGE` before the blob is requested (stream such blobs: `blobStream`,
 * `blobInto`, or `pullOciLayout`, which writes to disk).
 */
export const MAX_MEMORY_BLOB_SIZE = 2 ** 30;

/** `BLOB_TOO_LARGE` unless a blob of `size` bytes may be held in memory. */
export function checkMemoryBlob(digest, size) {
  if (size > MAX_MEMORY_BLOB_SIZE) {
    throw new PullspecError(
      `blob ${digest} of ${size} bytes is over the ${MAX_MEMORY_BLOB_SIZE}-byte limit of a blob held in memory; ` +
        "stream it (blobStream, blobInto, pullOciLayout)",
      { code: "BLOB_TOO_LARGE", limit: MAX_MEMORY_BLOB_SIZE, size, digest },
    );
  }
}

/**
 * Bytes collected in memory as they arrive (nothing is allocated for the declared size up
 * front); joined and handed out only by commit (after verification). Never holds more than the
 * declared size, which must be at most MAX_MEMORY_BLOB_SIZE.
 */
export class MemorySink {
  constructor(size, digest = "blob") {
    checkMemoryBlob(digest, size);
    this.size = size;
    this.chunks = [];
    this.position = 0;
    this.result = null;
  }
  reset(start) {
    if (start >= this.position) return;
    let keep = start;
    const kept = [];
    for (const c of this.chunks) {
      if (keep <= 0) break;
      kept.push(c.length > keep ? c.subarray(0, keep) : c);
      keep -= Math.min(keep, c.length);
    }
    this.chunks = kept;
    this.position = start;
  }
  write(chunk) {
    const room = this.size - this.position;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.position += part.length;
  }
  commit() {
    const out = new Uint8Array(this.position);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    this.result = out;
  }
  abort() {
    this.chunks = [];
  }
}

/**
 * Chunks handed to a ReadableStream as they arrive (unverified until the stream closes without
 * error). Bytes once enqueued cannot be taken back: when a broken transfer has to start over,
 * the re-sent bytes are hashed and compared with what was delivered before any new byte is.
 */
export class StreamSink {
  constructor(controller, algorithm) {
    this.controller = controller;
    this.algorithm = algorithm;
    this.position = 0;
    this.delivered = 0;
    this.check = null; // { hasher, expected } while re-sent bytes are compared
    this.resume = null;
  }
  reset(start, digestOfDelivered) {
    if (start === this.position) return;
    if (start !== 0 || this.delivered === 0) {
      this.position = start;
      return;
    }
    this.check = { hasher: (hashing.factory ?? wasmHasher)(this.algorithm) ?? wasmHasher(this.algorithm), expected: digestOfDelivered?.() };
    this.position = 0;
  }
  async write(chunk) {
    let c = chunk;
    if (this.position < this.delivered) {
      const n = Math.min(c.length, this.delivered - this.position);
      this.check.hasher.update(c.subarray(0, n));
      this.position += n;
      c = c.subarray(n);
      if (this.position === this.delivered) {
        const actual = this.check.hasher.digest();
        const expected = this.check.expected;
        this.check = null;
        if (actual !== expected) {
          throw new PullspecError(
            `the blob had to be downloaded again and its first ${this.delivered} bytes differ from those already delivered`,
            { code: "DIGEST_MISMATCH", expected: String(expected), actual },
          );
        }
      }
    }
    if (c.length === 0) return;
    this.controller.enqueue(c);
    this.position += c.length;
    this.delivered = this.position;
    if (this.controller.desiredSize <= 0) await new Promise((resolve) => (this.resume = resolve));
  }
  pulled() {
    this.resume?.();
    this.resume = null;
  }
  commit() {
    try {
      this.controller.close();
    } catch {} // cancelled by the consumer
  }
  abort(error) {
    try {
      this.controller.error(error);
    } catch {}
  }
}
