// `pullspec demo`: the main job on the bundled examples, so a newcomer sees every capability.
import { readFileSync, existsSync } from "node:fs";
import * as api from "../node.js";
import { table } from "./format.js";

export const summary = "run every capability on the bundled examples (pkg/examples/)";
export const usage = "[--json]";
export const options = { json: { type: "boolean" } };

const example = (name) => new URL(`../examples/${name}`, import.meta.url);

export async function run(values, _positionals, io) {
  const report = {};
  const pod = JSON.parse(readFileSync(example("pod.json"), "utf8"));
  const containers = ["initContainers", "containers"].flatMap((list) =>
    (pod.spec[list] ?? []).map((c) => ({ list, ...c })));

  io.out("== Image references and pull policy (examples/pod.json)");
  const rows = containers.map((c) => {
    try {
      const r = api.parseReference(c.image);
      const p = api.defaultPullPolicy(c.image, c.imagePullPolicy ?? null);
      const arch = api.splitArchSuffix(c.image);
      return [c.name, r.normalized, p.policy, p.reason + (arch ? ` (legacy -${arch.arch} name of ${arch.image})` : "")];
    } catch (e) {
      return [c.name, `${e.code} at ${e.offset}`, "IfNotPresent", e.message];
    }
  });
  io.out(table(["CONTAINER", "NORMALIZED", "POLICY", "WHY"], rows));
  report.references = rows;

  io.out("\n== AlwaysPullImages admission");
  const admitted = api.applyAlwaysPullImages(pod);
  io.out(admitted.spec.containers.map((c) => `${c.name}: ${c.imagePullPolicy}`).join(", "));

  io.out("\n== Kubelet decisions for nginx:1.25 with policy Never");
  for (const present of [true, false]) io.out(`  ${present ? "present" : "absent "}: ${api.pullDecision("Never", present).reason}`);

  for (const extra of ["demo-multiarch.js", "demo-creds.js"]) {
    if (existsSync(new URL(extra, import.meta.url))) {
      const mod = await import(`./${extra}`);
      report[extra] = await mod.run(io, example);
    }
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  return 0;
}
