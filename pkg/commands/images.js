// `pullspec images`: the inventory of every container image in Kubernetes manifests (init,
// regular and ephemeral containers, image volumes), with its place, normalized form and the pull
// policy it runs with.
import { listImages } from "../node.js";
import { UsageError, choice, table, escapeControl } from "./format.js";
import { collectInputs, textOrProblem, STDIN_LABEL } from "./files.js";

export const summary = "list every container image of Kubernetes manifests with its place, normalized form and pull policy";
export const usage = "PATH...|- [--format text|json] [--stdin-filename NAME]";
export const options = {
  format: { type: "string", short: "f" },
  "stdin-filename": { type: "string" },
};

export function details() {
  return [
    "PATH is a file, a directory (searched for *.yaml, *.yml, *.json; node_modules and names starting",
    "with a dot are skipped) or - for standard input.",
    "",
    "--format json prints an array of {file, line, column, image, normalized, pullPolicy,",
    "pullPolicyReason, kind, name, container, field}: line and column (1-based, UTF-16) of the image",
    "value; normalized is null when the image does not parse, pullPolicy null when the written one is",
    "invalid. Exit status: 0, or 2 when an input cannot be read.",
  ].join("\n");
}

/** An image as a table cell: quoted when it is empty or has whitespace or control characters. */
const shown = (image) => (image === "" || /[\s\p{Cc}]/u.test(image) ? JSON.stringify(image) : image);

export async function run(values, positionals, io) {
  const format = choice(values.format ?? "text", ["text", "json"], "--format");
  if (positionals.length === 0) throw new UsageError("give at least one file or directory (or - for standard input)");
  const { inputs, problems } = collectInputs(positionals, { stdinLabel: values["stdin-filename"] ?? STDIN_LABEL });
  const found = [];
  for (const input of inputs) {
    const text = await textOrProblem(input, problems);
    if (text === null) continue;
    for (const u of listImages(text)) {
      found.push({
        file: input.file,
        line: u.range.start.line + 1,
        column: u.range.start.character + 1,
        image: u.image,
        normalized: u.normalized,
        pullPolicy: u.pullPolicy,
        pullPolicyReason: u.pullPolicyReason,
        kind: u.kind,
        name: u.name,
        container: u.container,
        field: u.field,
      });
    }
  }
  for (const p of problems) io.err(`pullspec images: ${escapeControl(p)}`);
  if (format === "json") {
    io.out(JSON.stringify(found, null, 2));
  } else if (found.length > 0) {
    io.out(table(
      ["FILE:LINE:COL", "KIND/NAME", "CONTAINER", "IMAGE", "PULL POLICY"],
      // Every cell but the numbers comes from the files: escaped.
      found.map((f) => [
        `${f.file}:${f.line}:${f.column}`,
        `${f.kind || "-"}/${f.name || "-"}`,
        f.container ?? "-",
        shown(f.image),
        f.pullPolicy ?? "(invalid)",
      ].map(escapeControl)),
    ));
  } else {
    io.err("no container images found");
  }
  return problems.length > 0 ? 2 : 0;
}
