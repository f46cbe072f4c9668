// `pullspec demo`: the main job on the bundled examples, so a newcomer sees every capability:
// Kubernetes manifests checked at line and column, image references and pull policy, admission
// and the kubelet's decision, multi-architecture selection, manifest validation, and the order in
// which the kubelet tries credentials.
import { readFileSync } from "node:fs";
import * as api from "../node.js";
import { table } from "./format.js";

export const summary = "run every capability on the bundled examples (pkg/examples/)";
export const usage = "[--json]";
export const options = { json: { type: "boolean" } };

const example = (name) => new URL(`../examples/${name}`, import.meta.url);
const read = (name) => readFileSync(example(name), "utf8");

/** The manifests section: `pullspec check` and `pullspec images` on two bundled manifests. */
function manifests(io) {
  const out = {};
  for (const file of ["manifests/bad-images.yaml", "manifests/install.yaml"]) {
    io.out(`\n== Kubernetes manifests: pullspec check examples/${file}`);
    const found = api.validateManifests(read(file)).filter((d) => d.severity !== "hint");
    for (const d of found) {
      io.out(`examples/${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`);
    }
    out[file] = found.map((d) => ({ code: d.code, line: d.range.start.line + 1, column: d.range.start.character + 1 }));
  }
  io.out("\n== Image inventory: pullspec images examples/manifests/install.yaml");
  const images = api.listImages(read("manifests/install.yaml"));
  io.out(table(["LINE:COL", "KIND/NAME", "CONTAINER", "IMAGE", "PULL POLICY"], images.map((u) =>
    [`${u.range.start.line + 1}:${u.range.start.character + 1}`, `${u.kind}/${u.name}`, u.container ?? "", u.image, u.pullPolicy ?? "invalid"])));
  out.images = images.map((u) => u.image);
  return out;
}

/** Image references and pull policy of the containers of a Pod, admission, kubelet decisions. */
function referencesAndPolicy(io) {
  const pod = JSON.parse(read("pod.json"));
  const containers = ["initContainers", "containers"].flatMap((list) => (pod.spec[list] ?? []).map((c) => ({ list, ...c })));
  io.out("\n== Image references and pull policy (examples/pod.json)");
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
  io.out("\n== AlwaysPullImages admission");
  const admitted = api.applyAlwaysPullImages(pod);
  io.out(admitted.spec.containers.map((c) => `${c.name}: ${c.imagePullPolicy}`).join(", "));
  io.out("\n== Kubelet decisions for nginx:1.25 with policy Never");
  for (const present of [true, false]) io.out(`  ${present ? "present" : "absent "}: ${api.pullDecision("Never", present).reason}`);
  return rows;
}

/** Which entry of a multi-arch index a node pulls, and a manifest with problems. */
function multiarch(io) {
  const index = read("oci-index.json");
  io.out(`\n== Multi-architecture selection (examples/oci-index.json: ${api.indexPlatforms(index).join(", ")})`);
  const chosen = {};
  for (const platform of ["linux/arm64", "linux/arm/v8", "linux/s390x"]) {
    const choice = api.selectManifest(index, platform);
    chosen[platform] = choice ? choice.descriptor.digest : null;
    io.out(`  ${platform.padEnd(13)} ${choice ? `${choice.reason}` : "no matching manifest: a node of this platform cannot run the image"}`);
  }
  io.out("\n== Manifest validation (examples/invalid-manifest.json)");
  const problems = api.validateManifest(read("invalid-manifest.json"));
  for (const d of problems) io.out(`  ${d.line ?? "?"}:${d.column ?? "?"} ${d.severity} ${d.code} ${d.message}`);
  return { chosen, problems: problems.map((d) => d.code) };
}

/** The order in which the kubelet tries credentials for an image (secrets redacted). */
function credentials(io) {
  const keyring = new api.Keyring();
  const auth = (u, p) => Buffer.from(`${u}:${p}`).toString("base64");
  keyring.addPullSecret(JSON.stringify({
    apiVersion: "v1", kind: "Secret", metadata: { name: "team-pull" }, type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: { "*.registry.example.com": { auth: auth("team", "s3cret") } } })).toString("base64") },
  }));
  keyring.addDockerConfig(JSON.stringify({ auths: {
    "registry.example.com/team": { auth: auth("robot", "t0ken") },
    "eu.registry.example.com": { auth: auth("node", "n0de") },
  } }), { source: "node config.json" });
  const image = "eu.registry.example.com/team/app:1.0";
  io.out(`\n== Credentials the kubelet tries for ${image}, in order (secrets redacted)`);
  const e = keyring.explain(image);
  e.credentials.forEach((c, i) => io.out(`  ${i + 1}. ${c.username} from ${c.source ?? c.key}`));
  return e.credentials.map((c) => c.username);
}

export async function run(values, _positionals, io) {
  const report = {
    manifests: manifests(io),
    references: referencesAndPolicy(io),
    multiarch: multiarch(io),
    credentials: credentials(io),
  };
  if (values.json) io.out(JSON.stringify(report, null, 2));
  return 0;
}
