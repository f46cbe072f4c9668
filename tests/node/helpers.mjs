// Shared helpers of the Node tests.
import { before, after } from "node:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { spawn, spawnSync } from "node:child_process";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Loads a conformance vector file ($PULLSPEC_VECTORS, else tests/vectors/ in this repository). */
export function vectors(name) {
  const dir = process.env.PULLSPEC_VECTORS ?? join(root, "tests/vectors");
  return JSON.parse(readFileSync(join(dir, name), "utf8"));
}

/**
 * A temporary folder for the test file that calls this (at its top level: made before its tests,
 * removed after them); returns `dir(name)`, which makes a fresh folder in it for each call.
 * `onTop(path)` gets the folder itself once it exists.
 */
export function scratch(prefix, onTop = () => {}) {
  let top;
  let made = 0;
  before(() => {
    top = mkdtempSync(join(tmpdir(), prefix));
    onTop(top);
  });
  after(() => {
    rmSync(top, { recursive: true, force: true });
  });
  return (name) => {
    const d = join(top, `${++made}-${name}`);
    mkdirSync(d, { recursive: true });
    return d;
  };
}

/** The command line every CLI test runs: pkg/cli.js (`pullspec`). */
export const CLI = join(root, "pkg/cli.js");

/**
 * Runs the CLI and waits (spawnSync options: input, env, cwd, timeout, stdio): { status, stdout,
 * stderr }. Within 30 s unless `timeout` says otherwise, so a hang fails the test instead of
 * stalling the run; up to 64 MiB of output.
 */
export function cli(args, options = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000, maxBuffer: 64 << 20, ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts the CLI without blocking this process (a registry proxy, token server or fake
 * registry of the test answers from it): `{ child, exited }`, `exited` resolving to
 * `{ code, signal, stdout, stderr }` when it has ended. `input` is written to its standard
 * input; without it standard input is empty.
 */
export function startCli(args, { input, ...options } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { ...options, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const exited = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  if (input !== undefined) child.stdin.end(input);
  return { child, exited };
}

/** {@link startCli}, awaited: { status, stdout, stderr }; after `timeout` ms it is killed (SIGKILL). */
export async function cliAsync(args, { timeout, ...options } = {}) {
  const { child, exited } = startCli(args, options);
  const timer = timeout === undefined ? null : setTimeout(() => child.kill("SIGKILL"), timeout);
  try {
    const { code, stdout, stderr } = await exited;
    return { status: code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `dir` (made if missing) holding a FIFO, a link to /dev/zero, a file over 4 MiB and a directory,
 * each named *.json: `{ dir, fifo, zero, big, folder }`.
 */
export function specialFiles(dir) {
  mkdirSync(dir, { recursive: true });
  const fifo = join(dir, "fifo.json");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo");
  const zero = join(dir, "zero.json");
  symlinkSync("/dev/zero", zero);
  const big = join(dir, "big.json");
  writeFileSync(big, "");
  truncateSync(big, 4 * 1024 * 1024 + 1);
  const folder = join(dir, "folder.json");
  mkdirSync(folder);
  return { dir, fifo, zero, big, folder };
}
