import { UsageError, escapeControl } from "./format.js";
import { clientFrom, clientOptions, clientUsage, hostPlatform } from "./client.js";

export const summary =
  "the digest an image resolves to: what its tag points to, or with --platform the manifest chosen for that platform";
export const usage = `IMAGE [--platform P] [--json] ${clientUsage}`;
export const options = { platform: { type: "string" }, json: { type: "boolean" }, ...clientOptions };

export async function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one image");
  const [image] = positionals;
  const client = clientFrom(values);
  const r = await client.resolve(image, { platform: values.platform ?? hostPlatform() });
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
