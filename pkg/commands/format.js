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

/**
 * The shape of the commands that take several inputs and parse each: `parse(input)` returns the
 * fields of a valid result or throws a PullspecError; valid ones print as a table (or all as
 * --json), each invalid one on stderr with a caret under its offset. Returns the exit code.
 */
export function reportEach(inputs, parse, { json, header, row }, io) {
  const results = inputs.map((input) => {
    try {
      return { input, ok: true, ...parse(input) };
    } catch (e) {
      if (e?.name !== "PullspecError") throw e;
      return { input, ok: false, error: e };
    }
  });
  if (json) {
    io.out(JSON.stringify(results.map((r) => (r.ok ? r : { ...r, error: errorJson(r.error) })), null, 2));
  } else {
    const ok = results.filter((r) => r.ok);
    if (ok.length) io.out(table(header, ok.map(row)));
  }
  for (const r of results.filter((r) => !r.ok)) {
    io.err(`invalid ${JSON.stringify(r.input)}: ${r.error.code}: ${r.error.message}`);
    if (!json) {
      const c = caret(r.input, r.error.offset);
      if (c) io.err(c);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

/** Levenshtein distance of two strings, compared case-insensitively. */
function distance(a, b) {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate `word` is a likely typo or abbreviation of: the first that starts with it (for 3
 * characters or more), else the closest by edit distance when that is at most 1, 2 or 3 (by the
 * word's length; none for 2 characters or fewer; ties go to the earlier candidate); null when
 * none is close.
 */
export function closest(word, candidates) {
  if (word.length >= 3) {
    const prefixed = candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase()));
    if (prefixed !== undefined) return prefixed;
  }
  const limit = word.length > 8 ? 3 : word.length > 3 ? 2 : word.length > 2 ? 1 : 0;
  let best = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** `; did you mean X?` for a likely typo of one of `candidates`, else "". */
export function didYouMean(word, candidates, show = (c) => c) {
  const c = closest(word, candidates);
  return c === null ? "" : `; did you mean ${show(c)}?`;
}

/** One of `allowed` for an option's value, or a UsageError with "did you mean". */
export function choice(value, allowed, option) {
  if (allowed.includes(value)) return value;
  throw new UsageError(`${option} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}${didYouMean(value, allowed)}`);
}
