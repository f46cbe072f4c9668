// Shared by the commands that read manifests or lists (check, images, ref, policy): the PATH
// arguments (files, directories walked for manifests, `-` for standard input) and reading them
// safely: only regular files, at most MAX_INPUT_BYTES, so a FIFO, /dev/zero or a huge file can
// neither hang the command nor exhaust its memory.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** The largest input read, from a file or from standard input: 16 MiB. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** What names standard input among the PATH arguments. */
export const STDIN = "-";

/** The label of standard input in messages and reports, unless `--stdin-filename` names it. */
export const STDIN_LABEL = "<stdin>";

/** File names a directory walk picks up. */
export const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** An input that cannot be read; `message` is the one line printed for it (no stack trace). */
export class InputError extends Error {
  constructor(file, reason) {
    super(`${file}: ${reason}`);
    this.name = "InputError";
    this.file = file;
  }
}

const limitText = `${MAX_INPUT_BYTES / 1024 / 1024} MiB`;

function kindOf(st) {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function why(e) {
  return `cannot read: ${e?.code ?? e?.message ?? e}`;
}

/**
 * Reads a regular file as UTF-8, refusing anything else (FIFOs, devices, sockets, directories)
 * without opening it, and files over `limit` bytes. Throws InputError.
 */
export function readRegularFile(path, label = path, limit = MAX_INPUT_BYTES) {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError(label, why(e));
  }
  if (!st.isFile()) throw new InputError(label, `${kindOf(st)}, not a regular file: not read`);
  if (st.size > limit) throw new InputError(label, `${st.size} bytes, over the ${limitText} limit: not read`);
  let fd;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const again = fstatSync(fd);
    if (!again.isFile()) throw new InputError(label, `${kindOf(again)}, not a regular file: not read`);
    const chunks = [];
    let total = 0;
    for (;;) {
      // The stat's size (+1 to see the end) first, then 1 MiB at a time if the file grew.
      const buf = Buffer.allocUnsafe(total === 0 ? Math.min(again.size + 1, limit + 1) : 1 << 20);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw new InputError(label, `over the ${limitText} limit: not read`);
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(label, why(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads standard input to its end as UTF-8, at most `limit` bytes. Throws InputError. */
export async function readStdin(label = STDIN_LABEL, limit = MAX_INPUT_BYTES) {
  const chunks = [];
  let total = 0;
  try {
    for await (const chunk of process.stdin) {
      total += chunk.length;
      if (total > limit) {
        process.stdin.destroy();
        throw new InputError(label, `standard input is over the ${limitText} limit: not read`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(label, why(e));
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

/**
 * Expands PATH arguments into the inputs to check, in order, each once:
 * `{ file, path }` (file: the label printed; path: what to read, null for standard input).
 * A directory is walked recursively for `*.yaml`, `*.yml` and `*.json` (sorted, skipping
 * `node_modules` and every name starting with a dot; symbolic links followed, loops cut); a file
 * named explicitly is read whatever its name. Unreadable arguments become `problems` (one line
 * each) and the others are still returned.
 */
export function collectInputs(args, { stdinLabel = STDIN_LABEL } = {}) {
  const inputs = [];
  const problems = [];
  const seen = new Set();
  const add = (file, path) => {
    const key = path === null ? "\0stdin" : realOrResolved(path);
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push({ file, path });
  };
  for (const arg of args) {
    if (arg === STDIN) {
      add(stdinLabel, null);
      continue;
    }
    let st;
    try {
      st = statSync(arg);
    } catch (e) {
      problems.push(`${arg}: ${why(e)}`);
      continue;
    }
    if (!st.isDirectory()) {
      add(arg, arg); // regular or not: readRegularFile says why it is refused
      continue;
    }
    const found = [];
    const before = problems.length;
    walk(arg, found, problems, new Set());
    if (found.length === 0 && problems.length === before) {
      problems.push(`${arg}: no .yaml, .yml or .json files in this directory (node_modules and names starting with a dot are skipped)`);
    }
    for (const f of found) add(f, f);
  }
  return { inputs, problems };
}

function realOrResolved(path) {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function walk(dir, found, problems, visited) {
  let real;
  try {
    real = realpathSync(dir);
  } catch (e) {
    problems.push(`${dir}: ${why(e)}`);
    return;
  }
  if (visited.has(real)) return; // a symbolic link loop
  visited.add(real);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    problems.push(`${dir}: ${why(e)}`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const st = statSync(path);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // a dangling link
      }
    }
    if (isDir) {
      if (entry.name !== "node_modules") walk(path, found, problems, visited);
    } else if (isFile && MANIFEST_FILE.test(entry.name)) {
      found.push(path);
    }
    // FIFOs, sockets and devices in a walked tree are skipped: only regular files are manifests.
  }
  visited.delete(real); // only the directories above cut loops; a file seen twice is deduplicated
}

/** The text of an input from collectInputs. Rejects with InputError. */
export async function readInputText(input) {
  return input.path === null ? readStdin(input.file) : readRegularFile(input.path, input.file);
}

/** The text of an input, or null after adding why it could not be read to `problems`. */
export async function textOrProblem(input, problems) {
  try {
    return await readInputText(input);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    problems.push(e.message);
    return null;
  }
}

/**
 * Arguments of commands that take a list (`ref`, `policy`): each argument as is, except `-`,
 * which stands for the lines of standard input (one item a line; surrounding whitespace and
 * blank lines dropped). Throws InputError when standard input cannot be read.
 */
export async function expandStdinLines(args) {
  if (!args.includes(STDIN)) return args;
  const text = await readStdin();
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  return args.flatMap((a) => (a === STDIN ? lines : [a]));
}
