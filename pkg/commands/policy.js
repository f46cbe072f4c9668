import { defaultPullPolicy, pullDecision, parseReference } from "../node.js";
import { UsageError } from "./format.js";

export const summary = "the effective imagePullPolicy of an image and what the kubelet does with it";
export const usage = "IMAGE [--policy Always|IfNotPresent|Never] [--present|--absent] [--always-pull-images] [--json]";
export const options = {
  policy: { type: "string" },
  present: { type: "boolean" },
  absent: { type: "boolean" },
  "always-pull-images": { type: "boolean" },
  json: { type: "boolean" },
};

export function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one image");
  if (values.present && values.absent) throw new UsageError("--present and --absent exclude each other");
  const [image] = positionals;
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
  if (values.json) {
    io.out(JSON.stringify({ image, validImage: valid, policy: effective.policy, defaulted: effective.defaulted, reason: effective.reason, decisions }, null, 2));
  } else {
    io.out(`image:   ${image}${valid ? "" : "  (does not parse: the kubelet will refuse it with InvalidImageName)"}`);
    io.out(`policy:  ${effective.policy}: ${effective.reason}`);
    for (const d of decisions) {
      const what = d.pull ? "pull" : d.error ? `error ${d.error}` : "use the local image";
      io.out(`${d.imagePresent ? "present" : "absent "}: ${what}: ${d.reason}`);
    }
  }
  return valid ? 0 : 1;
}
