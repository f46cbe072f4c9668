import { escapeControl } from "./format.js";
import { resolveArgument, clientOptions, clientUsage } from "./client.js";

export const summary =
  "the digest an image resolves to: what its tag points to, or with --platform the manifest chosen for that platform";
export const usage = `IMAGE [--platform P] [--json] ${clientUsage}`;
export const options = { platform: { type: "string" }, json: { type: "boolean" }, ...clientOptions };

export async function run(values, positionals, io) {
  const { image, resolution: r } = await resolveArgument(values, positionals);
  if (values.json) {
    io.out(JSON.stringify({
      image,
      reference: r.reference.normalized,
      digest: r.digest,
      mediaType: r.mediaType,
      manifestDigest: r.manifestDigest,
      manifestMediaType: r.manifestMediaType,
      platform: r.platform,
      pinned: `${r.reference.name}@${values.platform === undefined ? r.digest : r.manifestDigest}`,
      explanation: r.explanation,
    }, null, 2));
    return 0;
  }
  io.out(escapeControl(values.platform === undefined ? r.digest : r.manifestDigest));
  return 0;
}
