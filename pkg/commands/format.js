// Shared output helpers of the CLI commands.

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
