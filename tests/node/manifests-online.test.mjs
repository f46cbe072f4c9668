// checkManifests against real local registries (tests/registry/harness.mjs): a missing tag, a
// platform the image lacks, credentials refused, a registry that cannot be reached (reported
// once), and a pin-to-digest fix whose digest is the one skopeo reports (`pullspec check
// --online`: cli-registry.test.mjs).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startRegistries } from "../registry/harness.mjs";
import { checkManifests, applyEdits, RegistryClient, Keyring, PullspecError } from "../../pkg/node.js";
import { run, pod } from "./registry-helpers.mjs";

let r;
let fx;
let deadPort;
before(async () => {
  r = await startRegistries({ modes: ["anonymous", "basic"], seed: true, faultProxy: true });
  fx = r.fixtures;
  // A port nothing listens on: bind, read the port, close.
  const s = net.createServer().listen(0, "127.0.0.1");
  await new Promise((res) => s.once("listening", res));
  deadPort = s.address().port;
  await new Promise((res) => s.close(res));
});
after(async () => r && (await r.stop()));

describe("checkManifests", () => {
  test("an image that exists passes; a missing tag is IMAGE_NOT_FOUND at its value", async () => {
    const host = r.anonymous.host;
    const text = pod(host, [`${host}/multiarch:1.0`, `${host}/multiarch:9.9`, `${host}/nothing-here:1.0`]);
    const out = await checkManifests(text, { client: new RegistryClient() });
    const missing = out.filter((d) => d.code === "IMAGE_NOT_FOUND").map((d) => [d.path, d.range.start.line]);
    assert.deepEqual(missing, [["spec.containers[1].image", 8], ["spec.containers[2].image", 10]]);
    assert.equal(out.filter((d) => d.severity === "error").length, 2);
  });

  test("platforms: the pod's node selector and the cluster's platforms must be covered", async () => {
    const host = r.anonymous.host;
    const single = pod(host, [`${host}/single:1.0`], "  nodeSelector: {kubernetes.io/arch: arm64}\n");
    let out = await checkManifests(single, { client: new RegistryClient() });
    const [d] = out.filter((x) => x.code === "PLATFORM_NOT_COVERED");
    assert.match(d.message, /linux\/arm64.*it has: linux\/amd64/);
    const multi = pod(host, [`${host}/multiarch:1.0`, `${host}/dockerlist:1.0`]);
    out = await checkManifests(multi, { client: new RegistryClient(), clusterPlatforms: ["linux/amd64", "linux/arm/v7", "linux/s390x"] });
    const uncovered = out.filter((x) => x.code === "PLATFORM_NOT_COVERED").map((x) => [x.path, x.message.match(/for (\S+),/)[1]]);
    assert.deepEqual(uncovered, [
      ["spec.containers[0].image", "linux/s390x"],
      ["spec.containers[1].image", "linux/arm/v7"],
      ["spec.containers[1].image", "linux/s390x"],
    ]);
  });

  test("a registry that wants credentials: CREDENTIALS_MISSING without, nothing with a keyring", async () => {
    const host = r.basic.host;
    const text = pod(host, [`${host}/multiarch:1.0`]);
    let out = await checkManifests(text, { client: new RegistryClient() });
    assert.deepEqual(out.filter((d) => d.code === "CREDENTIALS_MISSING").map((d) => d.path), ["spec.containers[0].image"]);
    const keyring = new Keyring();
    keyring.addDockerConfig(JSON.stringify({ auths: { [host]: { username: r.basic.username, password: r.basic.password } } }));
    out = await checkManifests(text, { client: new RegistryClient({ keyring }) });
    assert.equal(out.filter((d) => d.code === "CREDENTIALS_MISSING").length, 0);
  });

  test("a registry that cannot be reached is reported once, not once per image", async () => {
    const dead = `127.0.0.1:${deadPort}`;
    const text = pod(dead, [`${dead}/a:1`, `${dead}/b:1`, `${dead}/c:1`, `${dead}/a:1`]);
    const out = await checkManifests(text, { client: new RegistryClient({ retry: { attempts: 1 } }) });
    const unreachable = out.filter((d) => d.code === "REGISTRY_UNREACHABLE");
    assert.equal(unreachable.length, 1);
    assert.match(unreachable[0].message, /3 images on it were not checked/);
  });

  test("pin to digest: the fix writes the digest skopeo reports for the tag", async () => {
    const host = r.anonymous.host;
    const text = pod(host, [`"${host}/multiarch:1.0"`]);
    const out = await checkManifests(text, { client: new RegistryClient() });
    const fix = out.flatMap((d) => d.fixes ?? []).find((f) => f.title.startsWith("Pin to digest"));
    assert.ok(fix, JSON.stringify(out));
    const raw = await run("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${host}/multiarch:1.0`]);
    const { createHash } = await import("node:crypto");
    const skopeoDigest = "sha256:" + createHash("sha256").update(raw.stdoutBytes ?? Buffer.from(raw.stdout)).digest("hex");
    assert.equal(skopeoDigest, fx.images["multiarch:1.0"].digest);
    const pinned = applyEdits(text, fix.edits);
    assert.ok(pinned.includes(`image: "${host}/multiarch:1.0@${skopeoDigest}"`), pinned);
    const again = await checkManifests(pinned, { client: new RegistryClient() });
    assert.equal(again.filter((d) => d.severity === "error").length, 0);
  });

  test("bad options are PullspecErrors; an aborted signal rejects", async () => {
    await assert.rejects(() => checkManifests("kind: Pod", {}), (e) => e instanceof PullspecError && e.option === "options.client");
    await assert.rejects(() => checkManifests("kind: Pod", { client: new RegistryClient(), concurrency: 0 }), (e) => e.code === "INVALID_ARGUMENT");
    const host = r.anonymous.host;
    const c = new AbortController();
    c.abort();
    await assert.rejects(() => checkManifests(pod(host, [`${host}/multiarch:1.0`]), { client: new RegistryClient(), signal: c.signal }));
  });
});
