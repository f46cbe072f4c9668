import { UsageError, escapeControl } from "./format.js";
import { clientFrom, clientOptions, clientUsage } from "./client.js";

export const summary = "the tags of a repository, one per line (following pagination)";
export const usage = `REPOSITORY [--page-size N] [--json] ${clientUsage}`;
export const options = { "page-size": { type: "string" }, json: { type: "boolean" }, ...clientOptions };

/** The tag grammar of distribution/reference: `[\w][\w.-]{0,127}`. */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Whether a tag from the registry may be printed: one that breaks the grammar (control
 * characters, spaces, 200 characters, ...) is no tag a reference can name; it is skipped with a
 * warning on stderr that shows it escaped.
 */
function acceptable(tag, io) {
  if (typeof tag === "string" && TAG.test(tag)) return true;
  const shown = escapeControl(typeof tag === "string" ? JSON.stringify(tag) : String(tag));
  io.err(`pullspec tags: warning: skipped a tag the registry listed that is not a valid tag name: ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}`);
  return false;
}

export async function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one repository");
  let pageSize;
  if (values["page-size"] !== undefined) {
    pageSize = Number(values["page-size"]);
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new UsageError("--page-size must be a positive integer");
  }
  const client = await clientFrom(values);
  if (values.json) {
    const tags = await client.tagsList(positionals[0], { pageSize });
    io.out(JSON.stringify(tags.filter((t) => acceptable(t, io)), null, 2));
    return 0;
  }
  for await (const tag of client.tags(positionals[0], { pageSize })) if (acceptable(tag, io)) io.out(tag);
  return 0;
}
