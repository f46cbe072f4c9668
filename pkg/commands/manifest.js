import { validateManifest, parseManifest, digest } from "../node.js";
import { UsageError, located, escapeControl as e } from "./format.js";
import { manifestBytes } from "./files.js";

export const summary = "validate image manifests and indexes (every problem, with line and column), or digest them";
export const usage = "validate FILE...|- [--json]  |  digest FILE...|- [--algorithm sha256|sha384|sha512]";
export const options = { json: { type: "boolean" }, algorithm: { type: "string" } };

async function validate(values, files, io) {
  const results = [];
  for (const file of files) {
    const bytes = await manifestBytes(file, io);
    if (bytes === null) {
      results.push({ file, readable: false, valid: false, diagnostics: [] });
      continue;
    }
    const diagnostics = validateManifest(bytes);
    const result = { file, readable: true, valid: diagnostics.length === 0, diagnostics };
    if (result.valid) {
      const m = parseManifest(bytes);
      result.kind = m.kind;
      result.mediaType = m.mediaType;
      result.digest = digest(bytes);
    }
    results.push(result);
    if (!values.json) {
      for (const d of diagnostics) io.out(located(file, d));
      if (result.valid) io.out(`${e(file)}: ok: ${result.kind === "index" ? "index" : "image manifest"} ${e(result.mediaType)}, ${result.digest}`);
    }
  }
  if (values.json) io.out(JSON.stringify(results, null, 2));
  const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === "error").length, 0);
  const unreadable = results.filter((r) => !r.readable).length;
  if (!values.json && (errors || unreadable) && files.length > 0) {
    io.err(`${errors} error${errors === 1 ? "" : "s"} in ${results.filter((r) => !r.valid && r.readable).length} of ${files.length} file${files.length === 1 ? "" : "s"}${unreadable ? `, ${unreadable} unreadable` : ""}`);
  }
  return errors || unreadable ? 1 : 0;
}

async function digests(values, files, io) {
  let status = 0;
  for (const file of files) {
    const bytes = await manifestBytes(file, io);
    if (bytes === null) {
      status = 1;
      continue;
    }
    io.out(`${digest(bytes, values.algorithm ?? "sha256")}  ${e(file)}`);
  }
  return status;
}

export function run(values, positionals, io) {
  const [sub, ...files] = positionals;
  if (!sub) throw new UsageError("give a subcommand: validate or digest");
  if (files.length === 0) throw new UsageError(`give at least one file to ${sub} (or - for stdin)`);
  if (sub === "validate") {
    if (values.algorithm !== undefined) throw new UsageError("--algorithm is an option of digest");
    return validate(values, files, io);
  }
  if (sub === "digest") {
    if (values.json) throw new UsageError("--json is an option of validate");
    return digests(values, files, io);
  }
  throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (validate, digest)`);
}
