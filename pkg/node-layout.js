// Internal (Node): an OCI image layout on disk as pullOciLayout writes it, used by
// node-registry.js only. What a pull guarantees about the directory:
//
//  - An existing layout is checked before anything is requested or written: `oci-layout` and
//    `index.json`, when present, must be valid (`LAYOUT_INVALID` otherwise; never replaced).
//  - Blobs are written to temporaries in their own directory and renamed into place after they
//    verified. Temporaries are named `.tmp-<what>-<pid>-<host>-<random>`, so a later pull can tell
//    that one is stale (its process is gone, or it is a day old) and remove it.
//  - `index.json` is read, changed and replaced (temp file + rename) only while holding the
//    layout's lock, `.pullspec-lock` (created with O_EXCL; a lock whose process is gone, or
//    older than ten minutes, is stale and broken), so concurrent pulls never lose an entry.
//  - A failed or interrupted pull leaves nothing new: files that existed before stay; what it
//    created is removed (temporaries, blobs, `oci-layout`, the `blobs` directories, the output
//    directory itself). Blobs still needed by another pull running in the same layout, or named
//    by `index.json`, stay: each pull lists the digests it uses in a lease file,
//    `.pullspec-lease-<pid>-<host>-<random>`, removed when it ends.
//  - Filesystem failures are PullspecErrors: `OUTPUT_INVALID` (the output cannot be used: not a
//    directory, no permission, read-only, a NUL in the path), `NO_SPACE` (ENOSPC, EDQUOT),
//    `IO_ERROR` (any other), each with `path` and `systemCode` (e.g. `EACCES`).
import { createHash, randomBytes } from "node:crypto";
import { open, mkdir, rename, rm, rmdir, readFile, readdir, stat, link } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { hostname } from "node:os";
import { join, dirname, sep } from "node:path";
import { PullspecError } from "./errors.js";

const LAYOUT_VERSION = "1.0.0";
const LAYOUT_FILE = JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION });
const INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
const LOCK = ".pullspec-lock";
const LEASE = ".pullspec-lease-";
/** A temporary or a lease this old is stale whatever its process (a pid may have been reused). */
const STALE_MS = 24 * 3600 * 1000;
/** A lock is held for milliseconds (a read-modify-write of index.json): this old, it is stale. */
const STALE_LOCK_MS = 10 * 60 * 1000;
/** How long a pull waits for a lock held by a live process before `LAYOUT_LOCKED`. */
const LOCK_WAIT_MS = 30_000;
/** Manifests larger than this are not read when looking for the blobs index.json names. */
const MAX_MANIFEST = 4 * 1024 * 1024;

/** This host, short: pids of another host (or container) are not judged by `kill(pid, 0)`. */
const HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 6);
const TEMP_RE = /^\.tmp-(?:blob|write|lock)-(\d+)-(?:([0-9a-f]{6})-)?[0-9a-f]{12}$/;
const LEASE_RE = /^\.pullspec-lease-(\d+)-([0-9a-f]{6})-[0-9a-f]{12}$/;

const random = () => randomBytes(6).toString("hex");
const tempName = (dir, what) => join(dir, `.tmp-${what}-${process.pid}-${HOST}-${random()}`);
/** A path in a message: as is, or quoted when it holds control characters (a NUL). */
const show = (path) => (/[\x00-\x1f]/.test(path) ? JSON.stringify(path) : path);

// ---- errors ----------------------------------------------------------------------------------

/** System error codes that say the output path cannot be used as a layout directory. */
const OUTPUT_CODES = new Set([
  "EEXIST", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS", "ENAMETOOLONG", "ELOOP",
  "ERR_INVALID_ARG_VALUE", "ERR_INVALID_ARG_TYPE",
]);

/**
 * A filesystem failure as a PullspecError (`NO_SPACE`, `OUTPUT_INVALID` or `IO_ERROR`, with
 * `path` and `systemCode`); anything that is not a system error is returned as it is.
 */
export function fsError(e, path, doing) {
  if (e instanceof PullspecError || typeof e?.code !== "string") return e;
  const systemCode = e.code;
  const reason = /^(E[A-Z0-9]+: [^,]+)/.exec(String(e.message))?.[1] ?? systemCode;
  const message = `${doing} ${show(path)}: ${reason}`;
  if (systemCode === "ENOSPC" || systemCode === "EDQUOT") {
    return new PullspecError(message, { code: "NO_SPACE", path, systemCode });
  }
  return new PullspecError(message, { code: OUTPUT_CODES.has(systemCode) ? "OUTPUT_INVALID" : "IO_ERROR", path, systemCode });
}

const aborted = () => new PullspecError("aborted", { code: "ABORTED" });

// ---- files -----------------------------------------------------------------------------------

/** Writes `bytes` to `path` atomically: a temp file in the same directory, then rename. */
export async function writeAtomic(path, dir, bytes) {
  const tmp = tempName(dir, "write");
  try {
    await writeFileExclusive(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw fsError(e, path, "cannot write");
  }
}

async function writeFileExclusive(path, bytes) {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}

/** Where a blob lives in a layout: `blobs/<algorithm>/<encoded>`. */
export function blobPath(output, digest) {
  const [algorithm, encoded] = String(digest).split(":");
  if (!/^[a-z0-9]+$/.test(algorithm ?? "") || !/^[a-f0-9]+$/.test(encoded ?? "")) {
    throw new PullspecError(`not a digest usable as a file name: ${digest}`, { code: "DIGEST_INVALID_FORMAT" });
  }
  return { dir: join(output, "blobs", algorithm), path: join(output, "blobs", algorithm, encoded), algorithm };
}

/**
 * What `path` holds of a blob: `"present"` (size and digest re-checked), `"absent"`, or
 * `"differs"` (something else is there: it will be replaced, but it is not this pull's file).
 */
async function blobState(path, algorithm, digest, size) {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    return e?.code === "ENOENT" ? "absent" : "differs";
  }
  if (!st.isFile() || st.size !== size) return "differs";
  try {
    const h = createHash(algorithm);
    for await (const chunk of createReadStream(path)) h.update(chunk);
    return `${algorithm}:${h.digest("hex")}` === digest ? "present" : "differs";
  } catch {
    return "differs";
  }
}

/** Chunks are gathered into writes of this size (fewer, larger `pwritev`s, no copying)... */
const BATCH = 1024 * 1024;
/** ...and this many are in flight before `write` waits (disk and network overlap). */
const MAX_WRITES = 8;

/**
 * A sink streaming into a temp file next to the blob's final path; renamed into place only on
 * commit (after the core verified digest and size), removed on abort. Chunks are gathered into
 * BATCH-sized positional vectored writes, up to MAX_WRITES of them in flight. Nothing is
 * allocated for the declared size: a blob streams to disk whatever it claims to be.
 */
class FileSink {
  constructor(dir, path, onCommit) {
    this.dir = dir;
    this.path = path;
    this.onCommit = onCommit;
    this.tmp = tempName(dir, "blob");
    this.handle = null;
    this.position = 0; // file offset of the batch being gathered
    this.batch = [];
    this.batched = 0;
    this.writes = [];
  }
  #flush() {
    if (this.batched === 0) return;
    const done = writeAll(this.handle, this.batch, this.position).catch((e) => {
      throw fsError(e, this.tmp, "cannot write");
    });
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
    try {
      this.handle ??= await open(this.tmp, "wx");
    } catch (e) {
      throw fsError(e, this.tmp, "cannot create");
    }
    await this.#settle();
    try {
      if (start !== this.position) await this.handle.truncate(start);
    } catch (e) {
      throw fsError(e, this.tmp, "cannot truncate");
    }
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
    try {
      await this.handle?.close();
      this.handle = null;
      await rename(this.tmp, this.path);
    } catch (e) {
      throw fsError(e, this.path, "cannot write");
    }
    this.onCommit?.();
  }
  async abort() {
    this.batch = [];
    this.batched = 0;
    await Promise.allSettled(this.writes);
    this.writes = [];
    await this.handle?.close().catch(() => {});
    this.handle = null;
    await rm(this.tmp, { force: true }).catch(() => {});
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

// ---- the layout files ------------------------------------------------------------------------

async function readJson(path, what) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e?.code === "ENOENT") return undefined;
    if (e?.code === "EISDIR") throw new PullspecError(`${show(path)} is a directory, not ${what}`, { code: "LAYOUT_INVALID", path });
    throw fsError(e, path, "cannot read");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PullspecError(`${show(path)} exists but is not ${what}: ${e.message}`, { code: "LAYOUT_INVALID", path });
  }
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** The layout's `oci-layout`: null when absent; `LAYOUT_INVALID` unless it says version 1.0.0. */
async function readLayoutFile(output) {
  const path = join(output, "oci-layout");
  const doc = await readJson(path, "an OCI layout file");
  if (doc === undefined) return null;
  if (!isObject(doc) || doc.imageLayoutVersion !== LAYOUT_VERSION) {
    throw new PullspecError(
      `${show(path)} exists but is not an OCI layout file of version ${LAYOUT_VERSION}: ${JSON.stringify(doc).slice(0, 100)}`,
      { code: "LAYOUT_INVALID", path },
    );
  }
  return doc;
}

/** The layout's `index.json`: null when absent; `LAYOUT_INVALID` unless its `manifests` is an array. */
async function readIndex(output) {
  const path = join(output, "index.json");
  const doc = await readJson(path, "an OCI image index");
  if (doc === undefined) return null;
  if (!isObject(doc)) {
    throw new PullspecError(`${show(path)} exists but is not an OCI image index: not a JSON object`, { code: "LAYOUT_INVALID", path });
  }
  if (!Array.isArray(doc.manifests)) {
    throw new PullspecError(`${show(path)} exists but is not an OCI image index: its manifests is not an array`, {
      code: "LAYOUT_INVALID",
      path,
    });
  }
  return doc;
}

/**
 * Checks `output` before anything is requested or written: a path without NUL, and when it
 * exists a directory whose `oci-layout` and `index.json` (when present) are valid.
 */
export async function checkOutput(output) {
  if (output.includes("\0")) {
    throw new PullspecError(`the output path ${show(output)} contains a NUL character`, { code: "OUTPUT_INVALID", path: output });
  }
  let st;
  try {
    st = await stat(output);
  } catch (e) {
    if (e?.code === "ENOENT") return;
    throw fsError(e, output, "cannot use the output directory");
  }
  if (!st.isDirectory()) {
    throw new PullspecError(`the output ${show(output)} exists and is not a directory`, { code: "OUTPUT_INVALID", path: output, systemCode: "ENOTDIR" });
  }
  await readLayoutFile(output);
  await readIndex(output);
}

// ---- processes -------------------------------------------------------------------------------

/** Whether process `pid` of this host exists (a pid that cannot be one: no). */
function alive(pid) {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid > 2 ** 31 - 1) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e?.code === "EPERM";
  }
}

/** Whether a file named for process `pid` on `host` (null: this one) last touched at `mtimeMs` is stale. */
function stale(pid, host, mtimeMs, maxAge) {
  if (Date.now() - mtimeMs > maxAge) return true;
  if ((host ?? HOST) !== HOST) return false;
  return pid !== process.pid && !alive(pid);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Who holds the lock at `path`: `{ pid, ino, stale }`, or null when it is gone. */
async function lockHolder(path) {
  let st;
  let text;
  try {
    st = await stat(path);
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e?.code === "ENOENT") return null;
    throw fsError(e, path, "cannot read the lock file");
  }
  const m = /^(\d+) ([0-9a-f]{6})\n$/.exec(text);
  // A lock without its pid yet was created a moment ago (or by a process that died right then).
  const isStale = m ? stale(Number(m[1]), m[2], st.mtimeMs, STALE_LOCK_MS) : Date.now() - st.mtimeMs > 10_000;
  return { pid: m ? Number(m[1]) : null, ino: st.ino, stale: isStale };
}

/**
 * Removes a stale lock: renamed aside first, and put back if what was renamed is not the stale
 * lock (another process broke it too and took a new one in between).
 */
async function breakLock(path, holder) {
  const aside = tempName(dirname(path), "lock");
  try {
    await rename(path, aside);
  } catch (e) {
    if (e?.code === "ENOENT") return;
    throw fsError(e, path, "cannot remove the stale lock file");
  }
  try {
    if ((await stat(aside)).ino !== holder.ino) await link(aside, path).catch(() => {});
  } catch {}
  await rm(aside, { force: true }).catch(() => {});
}

// ---- one pull's writes -----------------------------------------------------------------------

/**
 * One pull's view of a layout: what it created (removed again by `discard`), its lease, the lock.
 * `output` must be an absolute path.
 */
export class Layout {
  constructor(output) {
    this.output = output;
    /** Directories this pull created, parents first. */
    this.dirs = [];
    /** Blob files this pull created: `{ path, digest }`. */
    this.blobs = [];
    this.createdLayoutFile = false;
    this.lease = null;
    this.lockIno = null;
    this.committed = false;
  }

  /**
   * `mkdir -p dir`, one level at a time (Node's recursive mkdir reports EROFS as ENOENT),
   * remembering the directories it created.
   */
  async mkdir(dir) {
    const missing = [];
    for (let d = dir; ; d = dirname(d)) {
      let st;
      try {
        st = await stat(d);
      } catch (e) {
        if (e?.code !== "ENOENT") throw fsError(e, d, "cannot create the directory");
        missing.push(d);
        if (dirname(d) === d) break;
        continue;
      }
      if (!st.isDirectory()) {
        throw new PullspecError(`cannot create the directory ${show(dir)}: ${show(d)} is not a directory`, {
          code: "OUTPUT_INVALID",
          path: d,
          systemCode: "ENOTDIR",
        });
      }
      break;
    }
    for (const d of missing.reverse()) {
      try {
        await mkdir(d);
        this.dirs.push(d);
      } catch (e) {
        if (e?.code !== "EEXIST") throw fsError(e, d, "cannot create the directory");
      }
    }
  }

  /** Takes the layout's lock: waits while a live process holds it, breaks a stale one. */
  async lock(signal) {
    const path = join(this.output, LOCK);
    const deadline = Date.now() + LOCK_WAIT_MS;
    let delay = 2;
    for (;;) {
      let handle = null;
      try {
        handle = await open(path, "wx");
      } catch (e) {
        if (e?.code === "ENOENT") {
          // a failed pull removed the directory it had created: it is made again
          await this.mkdir(this.output);
          continue;
        }
        if (e?.code !== "EEXIST") throw fsError(e, path, "cannot create the lock file");
      }
      if (handle) {
        try {
          // On a full disk the lock stays empty: still a lock (one without its pid is live for
          // 10 s, longer than a clean-up holds it), so a pull can still clean up there.
          await handle.writeFile(`${process.pid} ${HOST}\n`).catch((e) => {
            if (e?.code !== "ENOSPC" && e?.code !== "EDQUOT") throw e;
          });
          this.lockIno = (await handle.stat()).ino;
          await handle.close();
        } catch (e) {
          await handle.close().catch(() => {});
          await rm(path, { force: true }).catch(() => {});
          throw fsError(e, path, "cannot write the lock file");
        }
        return;
      }
      const holder = await lockHolder(path);
      if (holder === null) continue; // released meanwhile
      if (holder.stale) {
        await breakLock(path, holder);
        continue;
      }
      if (signal?.aborted) throw aborted();
      if (Date.now() >= deadline) {
        throw new PullspecError(
          `the layout ${show(this.output)} is locked by process ${holder.pid ?? "(unknown)"}; if no pullspec is writing it, remove ${show(path)}`,
          { code: "LAYOUT_LOCKED", path },
        );
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  }

  /** Releases the lock (only if the file is still the one this pull created). */
  async unlock() {
    const path = join(this.output, LOCK);
    const ino = this.lockIno;
    this.lockIno = null;
    try {
      if ((await stat(path)).ino === ino) await rm(path, { force: true });
    } catch {}
  }

  /** Runs `fn` holding the lock. */
  async locked(signal, fn) {
    await this.lock(signal);
    try {
      return await fn();
    } finally {
      await this.unlock();
    }
  }

  /**
   * Before the first request: the output directory, `oci-layout` (checked again under the lock,
   * written when absent), an empty lease, and stale temporaries and leases removed.
   */
  async open(signal) {
    await this.mkdir(this.output);
    await this.locked(signal, async () => {
      if ((await readLayoutFile(this.output)) === null) {
        await writeAtomic(join(this.output, "oci-layout"), this.output, LAYOUT_FILE);
        this.createdLayoutFile = true;
      }
      await readIndex(this.output);
      await this.#writeLease([]);
      await this.#otherLeases(); // removes stale ones
    });
    await this.#removeStaleTemporaries();
  }

  /** Records the digests this pull will use: from now on a failing concurrent pull keeps them. */
  async use(digests, signal) {
    await this.locked(signal, () => this.#writeLease(digests));
  }

  async #writeLease(digests) {
    this.lease ??= join(this.output, `${LEASE}${process.pid}-${HOST}-${random()}`);
    await writeAtomic(this.lease, this.output, digests.map((d) => `${d}\n`).join(""));
  }

  async #dropLease() {
    if (this.lease) await rm(this.lease, { force: true }).catch(() => {});
    this.lease = null;
  }

  /** The live leases of other pulls (stale ones are removed): `{ count, digests }`. Under the lock. */
  async #otherLeases() {
    const digests = new Set();
    let count = 0;
    for (const name of await readdir(this.output).catch(() => [])) {
      const m = LEASE_RE.exec(name);
      const path = join(this.output, name);
      if (!m || path === this.lease) continue;
      let st;
      try {
        st = await stat(path);
      } catch {
        continue;
      }
      if (stale(Number(m[1]), m[2], st.mtimeMs, STALE_MS)) {
        await rm(path, { force: true }).catch(() => {});
        continue;
      }
      count++;
      const text = await readFile(path, "utf8").catch(() => "");
      for (const d of text.split("\n")) if (d) digests.add(d);
    }
    return { count, digests };
  }

  /** Removes temporaries (`.tmp-*`) of processes that are gone, or a day old. */
  async #removeStaleTemporaries() {
    const dirs = [this.output];
    const blobs = join(this.output, "blobs");
    for (const entry of await readdir(blobs, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory()) dirs.push(join(blobs, entry.name));
    }
    for (const dir of dirs) {
      for (const name of await readdir(dir).catch(() => [])) {
        const m = TEMP_RE.exec(name);
        if (!m) continue;
        const path = join(dir, name);
        try {
          const st = await stat(path);
          if (st.isFile() && stale(Number(m[1]), m[2] ?? null, st.mtimeMs, STALE_MS)) await rm(path, { force: true });
        } catch {}
      }
    }
  }

  /** The state of a blob in the layout, its directory created: `{ dir, path, state }`. */
  async blob(digest, size) {
    const { dir, path, algorithm } = blobPath(this.output, digest);
    await this.mkdir(dir);
    return { dir, path, state: await blobState(path, algorithm, digest, size) };
  }

  /** Writes a small verified blob (manifest, config) unless the layout already holds it. */
  async writeBlob(digest, bytes) {
    const { dir, path, state } = await this.blob(digest, bytes.length);
    if (state === "present") return;
    await writeAtomic(path, dir, bytes);
    if (state === "absent") this.blobs.push({ path, digest });
  }

  /** A sink for a blob's bytes, renamed to `path` once verified. */
  sink(digest, { dir, path, state }) {
    return new FileSink(dir, path, () => {
      if (state === "absent") this.blobs.push({ path, digest });
    });
  }

  /** Adds `descriptor` to index.json (replacing an entry with the same annotation `key`), under the lock. */
  async commit(descriptor, key, signal) {
    await this.locked(signal, async () => {
      const index = (await readIndex(this.output)) ?? { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] };
      index.manifests = index.manifests.filter((m) => m?.annotations?.[key] !== descriptor.annotations[key]);
      index.manifests.push(descriptor);
      await writeAtomic(join(this.output, "index.json"), this.output, JSON.stringify(index));
      this.committed = true;
      await this.#dropLease();
    });
  }

  /** The digests index.json names, with the config, layers and manifests of those manifests. */
  async #referenced() {
    const out = new Set();
    const index = await readIndex(this.output).catch(() => null);
    const queue = (index?.manifests ?? []).map((m) => m?.digest).filter((d) => typeof d === "string");
    while (queue.length > 0 && out.size < 100_000) {
      const digest = queue.pop();
      if (out.has(digest)) continue;
      out.add(digest);
      let doc;
      try {
        const { path } = blobPath(this.output, digest);
        if ((await stat(path)).size > MAX_MANIFEST) continue;
        doc = JSON.parse(await readFile(path, "utf8"));
      } catch {
        continue;
      }
      if (typeof doc?.config?.digest === "string") out.add(doc.config.digest);
      for (const l of Array.isArray(doc?.layers) ? doc.layers : []) if (typeof l?.digest === "string") out.add(l.digest);
      for (const m of Array.isArray(doc?.manifests) ? doc.manifests : []) if (typeof m?.digest === "string") queue.push(m.digest);
    }
    return out;
  }

  /**
   * After a failure: removes what this pull created, except what another running pull or
   * index.json still needs. Never throws. (Temporaries were removed by their sinks.)
   */
  async discard() {
    if (this.committed) return;
    const inner = this.dirs.filter((d) => d.startsWith(this.output + sep));
    const outer = this.dirs.filter((d) => !d.startsWith(this.output + sep));
    const wrote = this.lease !== null || this.blobs.length > 0 || this.createdLayoutFile || inner.length > 0;
    let locked = false;
    try {
      if (wrote) {
        await this.lock(null);
        locked = true;
      }
    } catch {}
    try {
      await this.#dropLease();
      if (locked) {
        const others = await this.#otherLeases();
        if (this.blobs.length > 0) {
          const keep = others.digests;
          for (const d of await this.#referenced()) keep.add(d);
          for (const { path, digest } of this.blobs) if (!keep.has(digest)) await rm(path, { force: true }).catch(() => {});
        }
        if (others.count === 0) {
          if (this.createdLayoutFile && (await readIndex(this.output).catch(() => true)) === null) {
            await rm(join(this.output, "oci-layout"), { force: true }).catch(() => {});
          }
          for (const dir of inner.reverse()) await rmdir(dir).catch(() => {});
        }
      }
    } catch {
    } finally {
      if (locked) await this.unlock();
    }
    // the output directory and the parents this pull created, when nothing else is in them now
    for (const dir of outer.reverse()) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }
}
