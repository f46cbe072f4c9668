// Internal, Node only: the one way the package reads a file that a user named or that a search
// path found (the CLI's inputs and configuration, the kubelet's credential files). Only regular
// files are read: a FIFO, a device, a socket or a directory is refused without being read (a
// FIFO without a writer used to hang the command forever, `/dev/zero` to exhaust memory), and
// the size limit is applied while reading (at most `limit + 1` bytes are ever read), not after
// the whole file is in memory. Failures are PullspecErrors with `path` and `reason` (the reason
// alone, for one-line reports such as `FILE: reason`).
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { PullspecError } from "./errors.js";
import { invalid } from "./args.js";

const MiB = 1024 * 1024;

/**
 * The largest file read, per kind of input. Each is far above what a valid input needs and low
 * enough that reading one cannot take a process down.
 */
export const FILE_LIMITS = Object.freeze({
  /** OCI and Docker image manifests and indexes: the core refuses bodies over 4 MiB anyway (MAX_MANIFEST_SIZE in src/manifest/). */
  manifest: 4 * MiB,
  /** Docker `config.json` and `.dockercfg`, pull Secrets, CredentialProviderConfigs: 4 MiB, a thousand times a large real one. */
  credentials: 4 * MiB,
  /** Kubernetes manifests (`check`, `images`), lists of references, `.pullspec.yaml`: 16 MiB (rendered charts run to a few MiB). */
  kubernetes: 16 * MiB,
});

/** `16 MiB`, `4 MiB`, or the byte count for a limit that is not a whole number of MiB. */
export function formatLimit(limit) {
  return limit % MiB === 0 ? `${limit / MiB} MiB` : `${limit} bytes`;
}

function kindOf(st) {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function failure(code, path, reason, extra = {}) {
  return new PullspecError(`${path}: ${reason}`, { code, path, reason, ...extra });
}

/**
 * The bytes of the regular file at `path`, at most `limit` of them. Throws a PullspecError:
 * `FILE_UNREADABLE` (with `errno`, e.g. `ENOENT`, `EACCES`), `FILE_NOT_REGULAR` (with `kind`:
 * a FIFO, a directory, a device; it is not opened) or `FILE_TOO_LARGE` (with `limit`).
 */
export function readFileLimited(path, limit) {
  if (typeof path !== "string" || path === "") {
    throw invalid("a file path must be a non-empty string");
  }
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw invalid("a file size limit must be a whole number of bytes");
  }
  const unreadable = (e) => failure("FILE_UNREADABLE", path, `cannot read: ${e?.code ?? e?.message ?? e}`, { errno: e?.code });
  const notRegular = (st) => failure("FILE_NOT_REGULAR", path, `${kindOf(st)}, not a regular file: not read`, { kind: kindOf(st) });
  const tooLarge = (size) =>
    failure("FILE_TOO_LARGE", path, `${size === undefined ? "" : `${size} bytes, `}over the ${formatLimit(limit)} limit: not read`, { limit });
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw unreadable(e);
  }
  // Refused without opening: opening a FIFO waits for a writer, opening a device can act on it.
  if (!st.isFile()) throw notRegular(st);
  if (st.size > limit) throw tooLarge(st.size);
  let fd;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
    const again = fstatSync(fd);
    if (!again.isFile()) throw notRegular(again);
    const chunks = [];
    let total = 0;
    for (;;) {
      // The stat's size (+1 to see the end) first, then 1 MiB at a time if the file grew; never
      // more than limit + 1 bytes in all.
      const want = Math.min(total === 0 ? again.size + 1 : MiB, limit + 1 - total);
      const buf = Buffer.allocUnsafe(Math.max(want, 1));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge();
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof PullspecError) throw e;
    throw unreadable(e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** {@link readFileLimited} decoded as UTF-8. */
export function readTextLimited(path, limit) {
  return readFileLimited(path, limit).toString("utf8");
}
