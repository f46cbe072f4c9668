import { parsePlatform, normalizePlatform, formatPlatform } from "../node.js";
import { table, errorJson, caret, UsageError } from "./format.js";

export const summary = "parse and normalize platform specifiers (containerd semantics)";
export const usage = "SPEC... [--host PLATFORM] [--json]   (host default linux/amd64)";
export const options = { host: { type: "string" }, json: { type: "boolean" } };

export function run(values, specs, io) {
  if (specs.length === 0) throw new UsageError("give at least one platform specifier, e.g. linux/arm64");
  const host = values.host === undefined ? undefined : parsePlatform(values.host);
  const results = specs.map((input) => {
    try {
      const platform = parsePlatform(input, { host });
      const normalized = normalizePlatform(platform, { host });
      return {
        input,
        ok: true,
        platform,
        short: formatPlatform(platform),
        full: formatPlatform(platform, { all: true }),
        normalized,
        normalizedFull: formatPlatform(normalized, { all: true }),
      };
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
      io.out(table(["INPUT", "PLATFORM", "FULL", "NORMALIZED"], ok.map((r) => [r.input, r.short, r.full, r.normalizedFull])));
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
