import { defaultPullPolicy, pullDecision, parseReference } from "../node.js";
import { UsageError, escapeControl as e } from "./format.js";
import { expandStdinLines } from "./files.js";

export const summary = "the effective imagePullPolicy of an image and what the kubelet does with it";
export const usage = "IMAGE...|- [--policy Always|IfNotPresent|Never] [--present|--absent] [--always-pull-images] [--json]";
export const options = {
  policy: { type: "string" },
  present: { type: "boolean" },
  absent: { type: "boolean" },
  "always-pull-images": { type: "boolean" },
  json: { type: "boolean" },
};

export function details() {
  return [
    "- reads one image a line from standard input. --json prints an object for one IMAGE argument",
    "and an array for several (or for -). Exit status 1 when an image does not parse.",
  ].join("\n");
}

/** The policy, decisions and validity of one image. */
function evaluate(image, values) {
  let effective = defaultPullPolicy(image, values.policy ?? null);
  if (values["always-pull-images"]) {
    effective = {
      ...effective,
      policy: "Always",
      reason: `Always because the AlwaysPullImages admission controller overrides it (without it: ${effective.policy}, ${effective.reason})`,
    };
  }
  let valid = true;
  try {
    parseReference(image);
  } catch {
    valid = false;
  }
  const cases = values.present ? [true] : values.absent ? [false] : [true, false];
  const decisions = cases.map((present) => ({ imagePresent: present, ...pullDecision(effective.policy, present) }));
  return { image, validImage: valid, policy: effective.policy, defaulted: effective.defaulted, reason: effective.reason, decisions };
}

export async function run(values, args, io) {
  if (args.length === 0) throw new UsageError("give at least one image (or - to read them from standard input)");
  if (args.filter((a) => a === "-").length > 1) throw new UsageError("- (standard input) may be given once");
  if (values.present && values.absent) throw new UsageError("--present and --absent exclude each other");
  const images = await expandStdinLines(args);
  const results = images.map((image) => evaluate(image, values));
  if (values.json) {
    const single = args.length === 1 && args[0] !== "-";
    io.out(JSON.stringify(single ? results[0] : results, null, 2));
  } else {
    results.forEach((r, i) => {
      if (i > 0) io.out("");
      io.out(`image:   ${e(r.image)}${r.validImage ? "" : "  (does not parse: the kubelet will refuse it with InvalidImageName)"}`);
      io.out(`policy:  ${r.policy}: ${e(r.reason)}`);
      for (const d of r.decisions) {
        const what = d.pull ? "pull" : d.error ? `error ${d.error}` : "use the local image";
        io.out(`${d.imagePresent ? "present" : "absent "}: ${what}: ${e(d.reason)}`);
      }
    });
  }
  return results.every((r) => r.validImage) ? 0 : 1;
}
