import { parseReference } from "../node.js";
import { reportEach, UsageError } from "./format.js";
import { expandStdinLines } from "./files.js";

export const summary = "parse image references (Kubernetes semantics) and print their parts";
export const usage = "IMAGE...|- [--json]   (- reads one image a line from standard input)";
export const options = { json: { type: "boolean" } };

export async function run(values, args, io) {
  if (args.length === 0) throw new UsageError("give at least one image reference (or - to read them from standard input)");
  if (args.filter((a) => a === "-").length > 1) throw new UsageError("- (standard input) may be given once");
  const images = await expandStdinLines(args);
  return reportEach(images, (input) => ({ reference: parseReference(input) }), {
    json: values.json,
    header: ["INPUT", "REGISTRY", "REPOSITORY", "TAG", "DIGEST", "FAMILIAR"],
    row: ({ input, reference: r }) =>
      [input, r.registry, r.repository, r.tag ?? "-", r.digest ? r.digest.slice(0, 19) + "…" : "-", r.familiar],
  }, io);
}
