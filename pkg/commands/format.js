// Shared helpers of the CLI commands: output, and reading input files.
import { readFileSync } from "node:fs";
import { PullspecError } from "../errors.js";

/** Renders rows (arrays of strings) as an aligned text table with a header. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? "").length)));
  const line = (r) => r.map((c, i) => String(c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** A PullspecError as a plain object for --json output. */
export function errorJson(e) {
  const out = { code: e.code, message: e.message };
  if (e.offset !== undefined) out.offset = e.offset;
  if (e.path !== undefined) out.path = e.path;
  return out;
}

/** Points at `offset` under `input`, for error messages on a terminal. */
export function caret(input, offset) {
  if (offset === undefined || offset === null) return "";
  return `  ${input}\n  ${" ".repeat(Math.min(offset, input.length))}^`;
}

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

/** Reads a file named on the command line; a PullspecError FILE_UNREADABLE when it cannot. */
export function readInput(path, what) {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new PullspecError(`cannot read ${what} ${path}: ${e.code ?? e.message}`, { code: "FILE_UNREADABLE", path });
  }
}

/** Runs `fn`, prefixing the message of a PullspecError it throws with the file's path. */
export function withFile(path, fn) {
  try {
    return fn();
  } catch (e) {
    if (e?.name === "PullspecError" && !String(e.message).startsWith(path)) e.message = `${path}: ${e.message}`;
    throw e;
  }
}
