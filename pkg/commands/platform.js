import { parsePlatform, normalizePlatform, formatPlatform } from "../node.js";
import { reportEach, UsageError } from "./format.js";

export const summary = "parse and normalize platform specifiers (containerd semantics)";
export const usage = "SPEC... [--host PLATFORM] [--json]   (host default linux/amd64)";
export const options = { host: { type: "string" }, json: { type: "boolean" } };

export function run(values, specs, io) {
  if (specs.length === 0) throw new UsageError("give at least one platform specifier, e.g. linux/arm64");
  const host = values.host === undefined ? undefined : parsePlatform(values.host);
  return reportEach(specs, (input) => {
    const platform = parsePlatform(input, { host });
    const normalized = normalizePlatform(platform, { host });
    return {
      platform,
      short: formatPlatform(platform),
      full: formatPlatform(platform, { all: true }),
      normalized,
      normalizedFull: formatPlatform(normalized, { all: true }),
    };
  }, {
    json: values.json,
    header: ["INPUT", "PLATFORM", "FULL", "NORMALIZED"],
    row: (r) => [r.input, r.short, r.full, r.normalizedFull],
  }, io);
}
