import { UsageError } from "./format.js";
import { clientFrom, clientOptions, clientUsage } from "./client.js";

export const summary = "the tags of a repository, one per line (following pagination)";
export const usage = `REPOSITORY [--page-size N] [--json] ${clientUsage}`;
export const options = { "page-size": { type: "string" }, json: { type: "boolean" }, ...clientOptions };

export async function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one repository");
  let pageSize;
  if (values["page-size"] !== undefined) {
    pageSize = Number(values["page-size"]);
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new UsageError("--page-size must be a positive integer");
  }
  const client = clientFrom(values);
  if (values.json) {
    io.out(JSON.stringify(await client.tagsList(positionals[0], { pageSize }), null, 2));
    return 0;
  }
  for await (const tag of client.tags(positionals[0], { pageSize })) io.out(tag);
  return 0;
}
