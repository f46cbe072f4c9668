import { parseReference } from "../node.js";
import { reportEach, UsageError } from "./format.js";

export const summary = "parse image references (Kubernetes semantics) and print their parts";
export const usage = "IMAGE... [--json]";
export const options = { json: { type: "boolean" } };

export function run(values, images, io) {
  if (images.length === 0) throw new UsageError("give at least one image reference");
  return reportEach(images, (input) => ({ reference: parseReference(input) }), {
    json: values.json,
    header: ["INPUT", "REGISTRY", "REPOSITORY", "TAG", "DIGEST", "FAMILIAR"],
    row: ({ input, reference: r }) =>
      [input, r.registry, r.repository, r.tag ?? "-", r.digest ? r.digest.slice(0, 19) + "…" : "-", r.familiar],
  }, io);
}
