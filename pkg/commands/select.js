import { readFileSync } from "node:fs";
import { platformMatcher, selectManifest, rankManifests, indexPlatforms, formatPlatform, parsePlatform } from "../node.js";
import { UsageError, errorJson } from "./format.js";

export const summary = "choose the manifest of an index (or manifest list) for a platform, as containerd does";
export const usage =
  "INDEX.json|- [--platform P]... [--host P] [--mode only|strict|exact|os|ordered|any|all|windows_host] [--json]";
export const options = {
  platform: { type: "string", multiple: true },
  host: { type: "string" },
  mode: { type: "string" },
  json: { type: "boolean" },
};

/** Reads a file argument (`-` is stdin); null (after printing why) when it cannot be read. */
export function readInput(file, io) {
  try {
    return readFileSync(file === "-" ? 0 : file);
  } catch (e) {
    io.err(`${file}: cannot read: ${e.code ?? e.message}`);
    return null;
  }
}

/** `FILE[:LINE:COL]: CODE: message (path)`, the compiler-style line for a problem in a file. */
export function located(file, d) {
  const where = d.line === undefined ? file : `${file}:${d.line}:${d.column}`;
  return `${where}: ${d.code}: ${d.message}${d.path ? ` (${d.path})` : ""}`;
}

const MODES = ["only", "strict", "exact", "os", "ordered", "any", "all", "windows_host", "matcher", "only_strict", "only_os"];

export function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one index file (or - for stdin)");
  if (values.mode !== undefined && !MODES.includes(values.mode)) {
    throw new UsageError(`unknown --mode ${JSON.stringify(values.mode)} (${MODES.slice(0, 8).join(", ")})`);
  }
  const [file] = positionals;
  const host = values.host === undefined ? undefined : parsePlatform(values.host);
  const wanted = values.platform?.length ? values.platform : [host ?? "linux/amd64"];
  const bytes = readInput(file, io);
  if (bytes === null) return 1;
  const matcher = platformMatcher(wanted.length === 1 ? wanted[0] : wanted, { host, mode: values.mode });
  try {
    let selection, ranked, available;
    try {
      selection = selectManifest(bytes, matcher);
      ranked = rankManifests(bytes, matcher);
      available = indexPlatforms(bytes);
    } catch (e) {
      if (e?.name !== "PullspecError") throw e;
      if (values.json) io.out(JSON.stringify({ file, error: errorJson(e) }, null, 2));
      io.err(located(file, e));
      return 1;
    }
    const requested = String(matcher);
    if (values.json) {
      io.out(JSON.stringify({ file, requested, mode: matcher.mode, selection, candidates: ranked, available }, null, 2));
    }
    if (selection === null) {
      const list = available.length ? available.join(", ") : "none declared";
      io.err(`${file}: NO_MATCHING_PLATFORM: no manifest for ${requested} (mode ${matcher.mode}); available: ${list}`);
      return 1;
    }
    if (!values.json) {
      const d = selection.descriptor;
      io.out(`chosen:     entry ${selection.index}, ${selection.platform ? formatPlatform(selection.platform, { all: true }) : "(no platform)"}`);
      io.out(`digest:     ${d.digest}`);
      io.out(`mediaType:  ${d.mediaType}`);
      io.out(`size:       ${d.size}`);
      io.out(`reason:     ${selection.reason}`);
      io.out(`preference: ${ranked.map((r) => `${r.index} ${r.platform ? formatPlatform(r.platform, { all: true }) : "(no platform)"}`).join(", ")}`);
    }
    return 0;
  } finally {
    matcher.free();
  }
}
