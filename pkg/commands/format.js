// Shared helpers of the CLI commands: output (escaping, tables, error lines), usage errors and
// "did you mean". Reading inputs is in files.js.

/**
 * C0 controls (U+0000-U+001F), DEL and C1 controls (U+007F-U+009F): what a terminal may act on
 * instead of printing (ESC and CSI start sequences that move the cursor, erase lines, retitle the
 * window; CR and LF can fake a line of our own).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same but tab and newline, which our own multi-line output uses. */
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `\x1b` for a C0 control; `\u007f`, `\u009b` for DEL and C1 (also valid escapes inside JSON strings). */
function escapeChar(c) {
  const n = c.charCodeAt(0);
  const hex = n.toString(16).padStart(2, "0");
  return n < 0x20 ? `\\x${hex}` : `\\u00${hex}`;
}

/**
 * Text from outside (a registry's tags, error messages and manifest fields, file contents and
 * names, credential-provider output) made safe to print as part of one line: every control
 * character, newlines included, written as an escape (`\x1b`, `\x0a`, `\u009b`).
 */
export function escapeControl(text) {
  return String(text).replace(CONTROL, escapeChar);
}

/**
 * The last line of defence, applied to everything the CLI prints (cli.js): control characters
 * but tab and newline escaped as in escapeControl. JSON output is unchanged in meaning (raw C0
 * never occurs in it; DEL and C1 become `\u00XX`, the same string to a JSON parser).
 */
export function terminalSafe(text) {
  return String(text).replace(CONTROL_BUT_LAYOUT, escapeChar);
}

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

/** Points at `offset` under `input` (shown with control characters escaped), for error messages on a terminal. */
export function caret(input, offset) {
  if (offset === undefined || offset === null) return "";
  const at = escapeControl(input.slice(0, Math.min(offset, input.length))).length;
  return `  ${escapeControl(input)}\n  ${" ".repeat(at)}^`;
}

/**
 * `FILE[:LINE:COL]: CODE: message (path)`, the compiler-style line for a problem in a file; the
 * file name and the message (which may quote the file) with control characters escaped.
 */
export function located(file, d) {
  const e = escapeControl;
  const where = d.line === undefined ? e(file) : `${e(file)}:${d.line}:${d.column}`;
  return `${where}: ${e(d.code)}: ${e(d.message)}${d.path ? ` (${e(d.path)})` : ""}`;
}

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

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
    if (ok.length) io.out(table(header, ok.map((r) => row(r).map((cell) => escapeControl(cell ?? "")))));
  }
  for (const r of results.filter((r) => !r.ok)) {
    io.err(`invalid ${escapeControl(JSON.stringify(r.input))}: ${escapeControl(r.error.code)}: ${escapeControl(r.error.message)}`);
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
