// Every input a command reads comes through here: the PATH arguments of check and images (files,
// directories walked for manifests, `-` for standard input), the lists of ref and policy, the
// manifests of select and manifest, the credential files of creds and the registry commands.
// One rule for all: `-` is standard input, anything else a regular file read through
// pkg/node-files.js (FIFOs, devices and directories refused without being opened), the size
// limit of the kind of input applied while reading (FILE_LIMITS: Kubernetes manifests and lists
// 16 MiB, image manifests 4 MiB, credential files 4 MiB), so a FIFO, /dev/zero or a huge file
// can neither hang a command nor exhaust its memory; what cannot be read is an InputError whose
// message is the one line printed for it.
import { readdirSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { FILE_LIMITS, formatLimit, readFileLimited } from "../node-files.js";

/** The largest Kubernetes manifest or list read, from a file or from standard input: 16 MiB. */
export const MAX_INPUT_BYTES = FILE_LIMITS.kubernetes;

/** The limits per kind of input (manifest: 4 MiB, credentials: 4 MiB, kubernetes: 16 MiB). */
export { FILE_LIMITS };

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

function why(e) {
  return `cannot read: ${e?.code ?? e?.message ?? e}`;
}

/** How an input argument is named in messages: `<stdin>` for `-`, else the path as given. */
export function inputName(arg) {
  return arg === STDIN ? STDIN_LABEL : arg;
}

/**
 * Reads an input argument as UTF-8 text: `-` is standard input, anything else a regular file; at
 * most `limit` bytes either way. Rejects with InputError labelled `label`, by default the input's
 * name (inputName) after `what` when given (`docker config /etc/x.json`).
 */
export async function readText(arg, { what, label, limit = MAX_INPUT_BYTES } = {}) {
  return (await readBytes(arg, { what, label, limit })).toString("utf8");
}

/** {@link readText} as bytes (for manifests, whose digest is of the bytes). */
export async function readBytes(arg, { what, label, limit = MAX_INPUT_BYTES } = {}) {
  label ??= what === undefined ? inputName(arg) : `${what} ${inputName(arg)}`;
  return arg === STDIN ? readStdinBytes(label, limit) : readRegularBytes(arg, label, limit);
}

/**
 * What `reading` (a read of this module) resolves to, or null after `report(message)` says in
 * one line why the input cannot be read: for commands that go on with their other inputs.
 */
export async function unlessUnreadable(reading, report) {
  try {
    return await reading;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    report(e.message);
    return null;
  }
}

/**
 * A manifest or index argument of select and manifest as bytes: at most 4 MiB (what the core
 * accepts), or null after printing why it cannot be read.
 */
export function manifestBytes(arg, io) {
  return unlessUnreadable(readBytes(arg, { limit: FILE_LIMITS.manifest }), io.err);
}

/**
 * A credential file named on the command line (docker config, pull Secret, credential provider
 * config, `what` says which) as text: at most 4 MiB. Rejects with InputError naming what it is.
 */
export function readCredentialFile(arg, what) {
  return readText(arg, { what, limit: FILE_LIMITS.credentials });
}

/**
 * Reads a regular file as UTF-8 at once (for a configuration found on a search path, never
 * standard input): {@link readRegularBytes} as text.
 */
export function readRegularFile(path, label = path, limit = MAX_INPUT_BYTES) {
  return readRegularBytes(path, label, limit).toString("utf8");
}

/**
 * The bytes of a regular file, refusing anything else (FIFOs, devices, sockets, directories)
 * without opening it, and files over `limit` bytes (applied while reading: at most limit + 1
 * bytes are read). Throws InputError.
 */
function readRegularBytes(path, label, limit) {
  try {
    return readFileLimited(path, limit);
  } catch (e) {
    if (e?.name === "PullspecError" && typeof e.reason === "string") throw new InputError(label, e.reason);
    throw e;
  }
}

/** Standard input to its end, at most `limit` bytes. Rejects with InputError. */
/** What standard input was read as, once it was: a second read would only see its end. */
let stdinReadAs = null;

async function readStdinBytes(label, limit) {
  if (stdinReadAs !== null) {
    throw new InputError(label, `standard input was already read as ${stdinReadAs}: give \`-\` once`);
  }
  stdinReadAs = label;
  const chunks = [];
  let total = 0;
  try {
    for await (const chunk of process.stdin) {
      total += chunk.length;
      if (total > limit) {
        process.stdin.destroy();
        throw new InputError(label, `standard input is over the ${formatLimit(limit)} limit: not read`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(label, why(e));
  }
  return Buffer.concat(chunks, total);
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
export function readInputText(input) {
  return readText(input.path ?? STDIN, { label: input.file });
}

/** The text of an input, or null after adding why it could not be read to `problems`. */
export function textOrProblem(input, problems) {
  return unlessUnreadable(readInputText(input), (message) => problems.push(message));
}

/**
 * Arguments of commands that take a list (`ref`, `policy`): each argument as is, except `-`,
 * which stands for the lines of standard input (one item a line; surrounding whitespace and
 * blank lines dropped). Throws InputError when standard input cannot be read.
 */
export async function expandStdinLines(args) {
  if (!args.includes(STDIN)) return args;
  const text = await readText(STDIN);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  return args.flatMap((a) => (a === STDIN ? lines : [a]));
}
