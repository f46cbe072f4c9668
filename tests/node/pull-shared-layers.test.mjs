// Images that share layers, pulled into one OCI layout: every blob is fetched once. The harness's
// `shared-a:1.0` and `shared-b:1.0` (8 layers each, 6 the same blobs) and `layers8:1.0` (whose
// first 6 layers are those blobs too), pulled through the fault proxy, whose log has every request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { LAYERED_REFS } from "../registry/seed.mjs";
import { RegistryClient, pullOciLayout } from "../../pkg/node.js";
import { sha256, run, useRegistries } from "./registry-helpers.mjs";
import { cliAsync as cli } from "./helpers.mjs";

let r, F, fx, tmp;

useRegistries(
  { modes: ["anonymous"], refs: LAYERED_REFS, cors: false, faultProxy: true },
  { tmp: "pullspec-shared-" },
  (s) => ({ r, F, fx, tmp } = s),
);

/** GETs of each blob in the proxy's log, over every repository: digest -> count. */
function blobGets() {
  const gets = new Map();
  for (const e of F.log()) {
    const m = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/.exec(e.path);
    if (m && e.method === "GET") gets.set(m[1], (gets.get(m[1]) ?? 0) + 1);
  }
  return gets;
}

const digests = (image) => image.layers.map((l) => l.digest);

test("shared-a then shared-b into one layout: each shared blob fetched once, both images in index.json, skopeo reads both", async () => {
  const A = fx["shared-a:1.0"];
  const B = fx["shared-b:1.0"];
  const shared = digests(B).filter((d) => digests(A).includes(d));
  const own = [...digests(A), ...digests(B)].filter((d) => !shared.includes(d));
  assert.equal(shared.length, 6);
  assert.equal(own.length, 4);
  const out = join(tmp, "pair");
  const c = new RegistryClient({ retry: { maxDelayMs: 50 } });
  F.clearLog();
  // By digest: a layout entry is named by the tag, and both tags are 1.0 (by tag, the second
  // pull would replace the first entry; skopeo's oci:DIR:1.0 does the same).
  const a = await pullOciLayout(c, `${F.host}/shared-a@${A.digest}`, { platform: "linux/amd64", output: out });
  assert.deepEqual(a.layers.map((l) => [l.digest, l.reused]).sort(), digests(A).map((d) => [d, false]).sort());
  const b = await pullOciLayout(c, `${F.host}/shared-b@${B.digest}`, { platform: "linux/amd64", output: out });
  assert.deepEqual(
    b.layers.map((l) => [l.digest, l.reused]).sort(),
    digests(B).map((d) => [d, shared.includes(d)]).sort(),
  );

  const gets = blobGets();
  for (const d of shared) assert.equal(gets.get(d), 1, `shared blob ${d} fetched once`);
  for (const d of own) assert.equal(gets.get(d), 1, `blob ${d} fetched once`);
  assert.equal(F.log().filter((e) => e.method === "GET" && e.path.startsWith("/v2/shared-b/blobs/") && shared.some((d) => e.path.endsWith(d))).length, 0);

  const index = JSON.parse(await readFile(join(out, "index.json"), "utf8"));
  assert.deepEqual(index.manifests.map((m) => m.digest).sort(), [A.digest, B.digest].sort());
  for (const [image, name] of [[A, "shared-a"], [B, "shared-b"]]) {
    const entry = index.manifests.find((m) => m.digest === image.digest);
    assert.equal(entry.annotations["io.containerd.image.name"], `${F.host}/${name}@${image.digest}`);
    assert.equal(entry.annotations["org.opencontainers.image.ref.name"], image.digest);
    const sk = await run("skopeo", ["inspect", `oci:${out}:${image.digest}`]);
    assert.equal(sk.status, 0, sk.stderr);
    const info = JSON.parse(sk.stdout);
    assert.deepEqual(info.Layers, digests(image));
    assert.equal(info.Labels?.["org.pullspec.fixture"], name);
    const raw = await run("skopeo", ["inspect", "--raw", `oci:${out}:${image.digest}`]);
    assert.equal(sha256(raw.stdout), image.digest);
  }
  const blobs = await readdir(join(out, "blobs/sha256"));
  assert.equal(blobs.length, 2 * 2 + shared.length + own.length, "2 manifests, 2 configs, 10 layers, nothing else");
  for (const d of [...shared, ...own]) assert.equal(sha256(await readFile(join(out, "blobs/sha256", d.slice(7)))), d);

  // A third image by tag through the CLI: only its 2 layers not in the layout are fetched.
  const L = fx["layers8:1.0"];
  F.clearLog();
  const p = await cli(["pull", `${F.host}/layers8:1.0`, "--platform", "linux/amd64", "--output", out]);
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /\(6 already present\)/);
  const fetched = [...blobGets().keys()].filter((d) => digests(L).includes(d));
  assert.deepEqual(fetched.sort(), digests(L).filter((d) => !shared.includes(d)).sort());
  const third = JSON.parse(await readFile(join(out, "index.json"), "utf8"));
  assert.equal(third.manifests.length, 3);
  const sk = await run("skopeo", ["inspect", `oci:${out}:1.0`]);
  assert.equal(sk.status, 0, sk.stderr);
  assert.deepEqual(JSON.parse(sk.stdout).Layers, digests(L));
});
