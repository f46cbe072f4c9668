import { parseReference } from "../node.js";
import { table, errorJson, caret } from "./format.js";
import { UsageError } from "./format.js";

export const summary = "parse image references (Kubernetes semantics) and print their parts";
export const usage = "IMAGE... [--json]";
export const options = { json: { type: "boolean" } };

export function run(values, images, io) {
  if (images.length === 0) throw new UsageError("give at least one image reference");
  const results = images.map((input) => {
    try {
      return { input, ok: true, reference: parseReference(input) };
    } catch (e) {
      if (e?.name !== "PullspecError") throw e;
      return { input, ok: false, error: e };
    }
  });
  if (values.json) {
    io.out(JSON.stringify(results.map((r) => (r.ok ? r : { ...r, error: errorJson(r.error) })), null, 2));
  } else {
    const ok = results.filter((r) => r.ok);
    if (ok.length) {
      io.out(table(
        ["INPUT", "REGISTRY", "REPOSITORY", "TAG", "DIGEST", "FAMILIAR"],
        ok.map(({ input, reference: r }) => [input, r.registry, r.repository, r.tag ?? "-", r.digest ? r.digest.slice(0, 19) + "…" : "-", r.familiar]),
      ));
    }
  }
  for (const r of results.filter((r) => !r.ok)) {
    io.err(`invalid ${JSON.stringify(r.input)}: ${r.error.code}: ${r.error.message}`);
    if (!values.json) {
      const c = caret(r.input, r.error.offset);
      if (c) io.err(c);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
