// Shared helpers of the Node tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Loads a conformance vector file ($PULLSPEC_VECTORS, else tests/vectors/ in this repository). */
export function vectors(name) {
  const dir = process.env.PULLSPEC_VECTORS ?? join(root, "tests/vectors");
  return JSON.parse(readFileSync(join(dir, name), "utf8"));
}

/** Runs the CLI: { status, stdout, stderr }. */
export function cli(args, options = {}) {
  const r = spawnSync(process.execPath, [join(root, "pkg/cli.js"), ...args], { encoding: "utf8", ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
