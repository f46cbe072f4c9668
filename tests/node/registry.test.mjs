// The registry client against real registries (Debian's docker-registry, distribution 2.8) under
// the three auth modes: anonymous, htpasswd Basic, and token auth with the harness's token server.
// Every digest comes from the harness fixtures; skopeo (and umoci when installed) read what
// pullOciLayout wrote. The CLI's registry commands: cli-registry.test.mjs.
import { test, after, describe } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { RegistryClient, Keyring, PullspecError, pullOciLayout } from "../../pkg/node.js";
import { sha256, dockerConfig, run, startTagPaginator, putArmOnly, useRegistries } from "./registry-helpers.mjs";

const MiB = 1024 * 1024;
let r, fx, tmp;
const paginators = {};
const MODES = ["anonymous", "basic", "token"];

useRegistries({ modes: MODES, faultProxy: false }, { tmp: "pullspec-registry-test-" }, async (s) => {
  ({ r, fx, tmp } = s);
  for (const mode of MODES) paginators[mode] = await startTagPaginator(r[mode].url);
  // An index without arm64 (amd64 + arm/v7), to see arm64 fall back to arm/v7 as containerd does.
  fx.armonly = await putArmOnly(r, MODES);
});

after(async () => {
  await Promise.all(Object.values(paginators).map((p) => p.close()));
});

/** A client for a mode: alice's credentials in a Keyring for basic and token. */
function client(mode, extra = {}) {
  const keyring = new Keyring();
  if (mode !== "anonymous") {
    keyring.addDockerConfig(dockerConfig({ [r[mode].host]: ["alice", "wonderland"], [paginators[mode].host]: ["alice", "wonderland"] }));
  }
  return new RegistryClient({ keyring, retry: { maxDelayMs: 50 }, ...extra });
}

/** Everything a client reported, as text, for the "no secret anywhere" checks. */
function recorder() {
  const events = [];
  return { events, onEvent: (e) => events.push(e), text: () => JSON.stringify(events) };
}

const byPlatform = (image, p) => fx[image].manifests.find((m) => m.platformString === p);

for (const mode of MODES) {
  describe(`${mode} registry`, () => {
    const host = () => r[mode].host;

    test("resolves the multi-arch index for each platform, arm64 without variant and arm64 falling back to arm/v7", async () => {
      const rec = recorder();
      const c = client(mode, { onEvent: rec.onEvent });
      const M = fx["multiarch:1.0"];
      for (const [asked, want] of [
        ["linux/amd64", "linux/amd64"],
        ["linux/arm64/v8", "linux/arm64/v8"],
        ["linux/arm/v7", "linux/arm/v7"],
        ["linux/arm64", "linux/arm64/v8"],
        [{ os: "linux", architecture: "arm", variant: "v7" }, "linux/arm/v7"],
      ]) {
        const res = await c.resolve(`${host()}/multiarch:1.0`, { platform: asked });
        const entry = byPlatform("multiarch:1.0", want);
        assert.equal(res.digest, M.digest, "the tag's digest");
        assert.equal(res.mediaType, M.mediaType);
        assert.equal(res.index.digest, M.digest);
        assert.equal(res.index.manifests.length, M.manifests.length + (M.attestation ? 1 : 0));
        assert.equal(res.manifestDigest, entry.digest, `${JSON.stringify(asked)} chooses ${want}`);
        assert.equal(sha256(res.manifestBytes), entry.digest);
        assert.equal(res.configDigest, entry.config.digest);
        assert.equal(sha256(res.configBytes), entry.config.digest);
        assert.deepEqual(res.layers.map((l) => l.digest), entry.layers.map((l) => l.digest));
        assert.equal(res.manifest.kind, "image");
        assert.equal(`${res.platform.os}/${res.platform.architecture}${res.platform.variant ? "/" + res.platform.variant : ""}`, want);
        assert.equal(res.reference.normalized, `${host()}/multiarch:1.0`);
        assert.ok(res.explanation.length >= 4, res.explanation.join("\n"));
        assert.match(res.explanation.join("\n"), /HEAD 1\.0 -> sha256:/);
      }
      const fallback = await c.resolve(`${host()}/multiarch:armonly`, { platform: "linux/arm64" });
      assert.equal(fallback.digest, fx.armonly.digest);
      assert.equal(fallback.manifestDigest, fx.armonly.arm.digest);
      assert.equal(fallback.platform.architecture, "arm");
      const none = await c.resolve(`${host()}/multiarch:armonly`, { platform: "linux/s390x" }).catch((e) => e);
      assert.ok(none instanceof PullspecError);
      assert.equal(none.code, "NO_MATCHING_PLATFORM");
      assert.deepEqual(none.available, ["linux/amd64", "linux/arm/v7"]);
      assert.ok(!rec.text().includes("wonderland"));
    });

    test("pulls the multi-arch image: every layer verified, config parsed", async () => {
      const c = client(mode);
      for (const p of ["linux/amd64", "linux/arm/v7"]) {
        const entry = byPlatform("multiarch:1.0", p);
        const seen = [];
        const out = await c.pull(`${host()}/multiarch:1.0`, { platform: p, onProgress: (x) => seen.push(x) });
        assert.equal(out.resolution.manifestDigest, entry.digest);
        assert.equal(out.config.architecture, p.split("/")[1]);
        assert.equal(out.layers.length, entry.layers.length);
        for (const [i, l] of out.layers.entries()) {
          assert.equal(l.digest, entry.layers[i].digest);
          assert.equal(l.bytes.length, entry.layers[i].size);
          assert.equal(sha256(l.bytes), l.digest);
        }
        const last = seen.at(-1);
        assert.equal(last.overall.bytes, last.overall.total);
      }
    });

    test("the Docker manifest list and the single-arch image", async () => {
      const c = client(mode);
      const D = fx["dockerlist:1.0"];
      const list = await c.resolve(`${host()}/dockerlist:1.0`, { platform: "linux/arm64" });
      assert.equal(list.digest, D.digest);
      assert.equal(list.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json");
      assert.equal(list.manifestDigest, byPlatform("dockerlist:1.0", "linux/arm64/v8").digest);
      assert.equal(list.manifestMediaType, "application/vnd.docker.distribution.manifest.v2+json");
      const pulled = await c.pull(`${host()}/dockerlist:1.0`, { platform: "linux/amd64" });
      for (const l of pulled.layers) assert.equal(sha256(l.bytes), l.digest);

      const S = fx["single:1.0"];
      const single = await c.resolve(`${host()}/single:1.0`);
      assert.equal(single.digest, S.digest);
      assert.equal(single.manifestDigest, S.digest);
      assert.equal(single.index, null);
      assert.deepEqual(single.platform, { os: "linux", architecture: "amd64" });
      const other = await c.resolve(`${host()}/single:1.0`, { platform: "linux/arm64" });
      assert.match(other.explanation.at(-1), /does NOT match linux\/arm64/);
      const m = await c.manifest(`${host()}/single:1.0`);
      assert.equal(m.digest, S.digest);
      assert.equal(sha256(m.bytes), S.digest);
      assert.equal(m.manifest.layers.length, S.layers.length);
      const byDigest = await c.manifest(`${host()}/single@${S.digest}`);
      assert.equal(byDigest.digest, S.digest);
      const blob = await c.blob(`${host()}/single:1.0`, S.layers[1].digest);
      assert.equal(sha256(blob), S.layers[1].digest);
    });

    test("lists tags page by page (pageSize 1)", async () => {
      const rec = recorder();
      const c = client(mode, { onEvent: rec.onEvent });
      const repo = `${paginators[mode].host}/multiarch`;
      const streamed = [];
      for await (const t of c.tags(repo, { pageSize: 1 })) streamed.push(t);
      assert.deepEqual(streamed, ["1.0", "armonly", "latest"]);
      const pages = rec.events.filter((e) => e.type === "tagsPage");
      assert.deepEqual(pages.map((p) => p.tags), [["1.0"], ["armonly"], ["latest"]]);
      assert.deepEqual(await c.tagsList(repo, { pageSize: 1 }), ["1.0", "armonly", "latest"]);
      // the registry itself, unpaginated
      assert.deepEqual((await c.tagsList(`${host()}/multiarch`)).sort(), ["1.0", "armonly", "latest"]);
      // stopping early stops the listing
      for await (const t of c.tags(repo, { pageSize: 1 })) {
        assert.equal(t, "1.0");
        break;
      }
    });

    test("the 64 MiB layer: blob() with progress, verified", async () => {
      const c = client(mode);
      const L = fx["large:1.0"].layers[0];
      const seen = [];
      const bytes = await c.blob(`${host()}/large:1.0`, L.digest, { onProgress: (p) => seen.push(p) });
      assert.equal(bytes.length, 64 * MiB);
      assert.equal(sha256(bytes), L.digest);
      assert.ok(seen.length > 10);
      assert.ok(seen.every((p, i) => p.total === L.size && p.digest === L.digest && (i === 0 || p.bytes >= seen[i - 1].bytes)));
      assert.equal(seen.at(-1).bytes, L.size);
    });

    test("ping reports the API version and the auth scheme", async () => {
      const p = await client(mode).ping(host());
      assert.equal(p.apiVersion, "registry/2.0");
      if (mode === "anonymous") assert.equal(p.auth, null);
      if (mode === "basic") assert.equal(p.auth.scheme, "basic");
      if (mode === "token") {
        assert.equal(p.auth.scheme, "bearer");
        assert.equal(p.auth.realm, r.token.realm);
        assert.equal(p.auth.service, r.token.service);
      }
    });
  });
}

describe("authentication failures", () => {
  test("no credentials and wrong credentials are UNAUTHORIZED, with no secret in the error", async () => {
    for (const mode of ["basic", "token"]) {
      const anon = await new RegistryClient().resolve(`${r[mode].host}/multiarch:1.0`).catch((e) => e);
      assert.equal(anon.code, "UNAUTHORIZED", `${mode}: ${anon.message}`);
      assert.equal(anon.status, 401);
      const keyring = new Keyring();
      keyring.addDockerConfig(dockerConfig({ [r[mode].host]: ["alice", "not-the-password"] }));
      const wrong = await new RegistryClient({ keyring }).resolve(`${r[mode].host}/multiarch:1.0`).catch((e) => e);
      assert.ok(wrong instanceof PullspecError);
      assert.equal(wrong.code, "UNAUTHORIZED", `${mode}: ${wrong.message}`);
      assert.match(wrong.message, /tried 1 credential/);
      assert.ok(!JSON.stringify({ ...wrong, message: wrong.message }).includes("not-the-password"));
    }
  });

  test("token auth: public/ anonymously, bob denied what he may not pull, credentials tried in order", async () => {
    const T = r.token.host;
    const S = fx["single:1.0"];
    const pub = await new RegistryClient().resolve(`${T}/public/hello:1.0`);
    assert.equal(pub.digest, fx["public/hello:1.0"].digest);
    const bobKeyring = new Keyring();
    bobKeyring.addDockerConfig(dockerConfig({ [T]: ["bob", "builder"] }));
    const bob = new RegistryClient({ keyring: bobKeyring });
    assert.equal((await bob.resolve(`${T}/multiarch:1.0`)).digest, fx["multiarch:1.0"].digest);
    const denied = await bob.resolve(`${T}/single:1.0`).catch((e) => e);
    assert.ok(["UNAUTHORIZED", "DENIED"].includes(denied.code), denied.message);
    assert.ok(!denied.message.includes("builder"));
    // a pull secret with bob first and alice second: bob is refused, alice works
    const both = new Keyring();
    both.addPullSecret({
      apiVersion: "v1", kind: "Secret", type: "kubernetes.io/dockerconfigjson", metadata: { name: "pull" },
      data: { ".dockerconfigjson": Buffer.from(dockerConfig({ [`${T}/single`]: ["bob", "builder"] })).toString("base64") },
    });
    both.addDockerConfig(dockerConfig({ [T]: ["alice", "wonderland"] }));
    const lookup = both.lookup(`${T}/single`);
    assert.deepEqual(lookup.map((c) => c.username), ["bob", "alice"]);
    const res = await new RegistryClient({ keyring: both }).resolve(`${T}/single:1.0`);
    assert.equal(res.digest, S.digest);
  });
});

describe("pullOciLayout", () => {
  const A = () => r.anonymous.host;

  test("pullOciLayout writes a layout skopeo reads; a second pull reuses the blobs", async () => {
    const out = join(tmp, "layout-api");
    const c = client("anonymous");
    const entry = byPlatform("multiarch:1.0", "linux/arm64/v8");
    const res = await pullOciLayout(c, `${A()}/multiarch:1.0`, { platform: "linux/arm64/v8", output: out });
    assert.equal(res.descriptor.digest, entry.digest);
    assert.deepEqual(JSON.parse(await readFile(join(out, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(await readFile(join(out, "index.json"), "utf8"));
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "1.0");
    assert.deepEqual(index.manifests[0].platform, { architecture: "arm64", os: "linux", variant: "v8" });
    const blobs = await readdir(join(out, "blobs/sha256"));
    for (const d of [entry.digest, entry.config.digest, ...entry.layers.map((l) => l.digest)]) {
      assert.ok(blobs.includes(d.slice(7)), `${d} in the layout`);
      assert.equal(sha256(await readFile(join(out, "blobs/sha256", d.slice(7)))), d);
    }
    assert.ok(!blobs.some((b) => b.startsWith(".tmp")), "no temp files");
    const again = await pullOciLayout(c, `${A()}/multiarch:1.0`, { platform: "linux/arm64/v8", output: out });
    assert.ok(again.layers.every((l) => l.reused));
    const sk = await run("skopeo", ["inspect", `oci:${out}`]);
    assert.equal(sk.status, 0, sk.stderr);
    const info = JSON.parse(sk.stdout);
    assert.equal(info.Architecture, "arm64");
    assert.deepEqual(info.Layers, entry.layers.map((l) => l.digest));
  });

});

describe("transport", () => {
  test("plain http only for loopback and insecureRegistries; User-Agent and Accept sent", async () => {
    const seen = [];
    const fakeFetch = async (url, init) => {
      seen.push({ url, headers: Object.fromEntries(init.headers) });
      return new Response(null, { status: 404 });
    };
    const c = new RegistryClient({ fetch: fakeFetch, insecureRegistries: ["reg.lan:5000"], userAgent: "test-agent/1" });
    for (const image of ["reg.lan:5000/app:1", "reg.example:5000/app:1", "localhost:5000/app:1"]) {
      const e = await c.manifest(image).catch((e) => e);
      assert.equal(e.code, "MANIFEST_UNKNOWN");
    }
    assert.deepEqual(seen.map((s) => s.url), [
      "http://reg.lan:5000/v2/app/manifests/1",
      "https://reg.example:5000/v2/app/manifests/1",
      "http://localhost:5000/v2/app/manifests/1",
    ]);
    assert.ok(seen.every((s) => s.headers["User-Agent"] === "test-agent/1"));
    assert.ok(seen.every((s) => s.headers.Accept.includes("application/vnd.oci.image.index.v1+json")));
    const bad = await new RegistryClient({ fetch: fakeFetch }).resolve("not a reference").catch((e) => e);
    assert.ok(bad instanceof PullspecError);
    assert.equal(bad.code, "INVALID_REFERENCE_FORMAT");
    assert.throws(() => new RegistryClient({ retry: { attempt: 3 } }), (e) => e.code === "INVALID_ARGUMENT");
  });
});
