import { platformMatcher, selectManifest, rankManifests, indexPlatforms, formatPlatform, parsePlatform } from "../node.js";
import { UsageError, errorJson, located, escapeControl as e } from "./format.js";
import { manifestBytes } from "./files.js";

export const summary = "choose the manifest of an index (or manifest list) for a platform, as containerd does";
export const usage =
  "INDEX.json|- [--platform P]... [--host P] [--mode only|strict|exact|os|ordered|any|all|windows_host] [--json]";
export const options = {
  platform: { type: "string", multiple: true },
  host: { type: "string" },
  mode: { type: "string" },
  json: { type: "boolean" },
};

const MODES = ["only", "strict", "exact", "os", "ordered", "any", "all", "windows_host", "matcher", "only_strict", "only_os"];

export async function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one index file (or - for stdin)");
  if (values.mode !== undefined && !MODES.includes(values.mode)) {
    throw new UsageError(`unknown --mode ${JSON.stringify(values.mode)} (${MODES.slice(0, 8).join(", ")})`);
  }
  const [file] = positionals;
  const host = values.host === undefined ? undefined : parsePlatform(values.host);
  const wanted = values.platform?.length ? values.platform : [host ?? "linux/amd64"];
  const bytes = await manifestBytes(file, io);
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
      io.err(`${e(file)}: NO_MATCHING_PLATFORM: no manifest for ${e(requested)} (mode ${matcher.mode}); available: ${e(list)}`);
      return 1;
    }
    if (!values.json) {
      const d = selection.descriptor;
      // Everything but the entry numbers comes from the file: escaped.
      io.out(`chosen:     entry ${selection.index}, ${selection.platform ? e(formatPlatform(selection.platform, { all: true })) : "(no platform)"}`);
      io.out(`digest:     ${e(d.digest)}`);
      io.out(`mediaType:  ${e(d.mediaType)}`);
      io.out(`size:       ${e(d.size)}`);
      io.out(`reason:     ${e(selection.reason)}`);
      io.out(`preference: ${ranked.map((r) => `${r.index} ${r.platform ? e(formatPlatform(r.platform, { all: true })) : "(no platform)"}`).join(", ")}`);
    }
    return 0;
  } finally {
    matcher.free();
  }
}
