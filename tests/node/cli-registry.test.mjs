// The registry commands (pull, inspect, resolve, tags, check --online) as a user runs them,
// against real registries (Debian's docker-registry through tests/registry/harness.mjs:
// anonymous, and htpasswd Basic for credentials; the fault proxy logs what check --online asks).
// Every digest comes from the harness fixtures; skopeo (and umoci when installed) read what
// `pull` wrote. The CLI runs asynchronously: the harness's proxies answer from this process.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256, dockerConfig, run, startTagPaginator, putArmOnly, pod, useRegistries } from "./registry-helpers.mjs";
import { cliAsync as cli, cliAsync } from "./helpers.mjs"; // the names of the files the tests came from

let r, fx, tmp;
const paginators = {};

useRegistries({ modes: ["anonymous", "basic"], faultProxy: true }, { tmp: "pullspec-cli-registry-" }, async (s) => {
  ({ r, fx, tmp } = s);
  paginators.anonymous = await startTagPaginator(r.anonymous.url);
  fx.armonly = await putArmOnly(r, ["anonymous"]); // so that tags lists 1.0, armonly, latest
});

after(async () => {
  await Promise.all(Object.values(paginators).map((p) => p.close()));
});

const byPlatform = (image, p) => fx[image].manifests.find((m) => m.platformString === p);

describe("pull, inspect, resolve and tags", () => {
  const A = () => r.anonymous.host;

  test("pullspec pull writes an OCI layout that skopeo (and umoci) read", async () => {
    const out = join(tmp, "layout-cli");
    const entry = byPlatform("multiarch:1.0", "linux/arm/v7");
    const p = await cli(["pull", `${A()}/multiarch:1.0`, "--platform", "linux/arm/v7", "--output", out]);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`pulled ${A()}/multiarch:1.0 \\(linux/arm/v7\\) ${entry.digest}`));
    assert.match(p.stdout, /every byte verified/);
    assert.match(p.stderr, /layer sha256:[0-9a-f]{12} .* verified/);
    const sk = await run("skopeo", ["inspect", `oci:${out}:1.0`]);
    assert.equal(sk.status, 0, sk.stderr);
    const info = JSON.parse(sk.stdout);
    assert.equal(info.Architecture, "arm");
    assert.equal(info.Labels?.["org.pullspec.platform"], "linux/arm/v7"); // skopeo 1.9 prints no Variant
    assert.deepEqual(info.Layers, entry.layers.map((l) => l.digest));
    const raw = await run("skopeo", ["inspect", "--raw", `oci:${out}`]);
    assert.equal(sha256(raw.stdout), entry.digest);
    const umoci = await run("umoci", ["ls", "--layout", out]);
    if (umoci.status !== null) {
      assert.equal(umoci.status, 0, umoci.stderr);
      assert.match(umoci.stdout, /^1\.0$/m);
    }
    const usage = await cli(["pull", `${A()}/multiarch:1.0`]);
    assert.equal(usage.status, 2);
  });

  test("pullspec inspect --json, resolve and tags", async () => {
    const M = fx["multiarch:1.0"];
    const entry = byPlatform("multiarch:1.0", "linux/arm64/v8");
    const ins = await cli(["inspect", `${A()}/multiarch:1.0`, "--platform", "linux/arm64", "--json"]);
    assert.equal(ins.status, 0, ins.stderr);
    const j = JSON.parse(ins.stdout);
    assert.equal(j.digest, M.digest);
    assert.equal(j.manifest.digest, entry.digest);
    assert.equal(j.platform, "linux/arm64/v8");
    assert.deepEqual(j.index.manifests.filter((m) => m.chosen).map((m) => m.digest), [entry.digest]);
    assert.ok(j.index.manifests.some((m) => m.platform === "(attestation)" || m.platform === "unknown/unknown"));
    assert.equal(j.config.architecture, "arm64");
    assert.equal(typeof j.config.envCount, "number");
    assert.deepEqual(j.layers.map((l) => l.digest), entry.layers.map((l) => l.digest));
    assert.ok(j.explanation.length >= 4);
    const text = await cli(["inspect", `${A()}/multiarch:1.0`, "--platform", "linux/arm64"]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^platform:\s+linux\/arm64\/v8$/m);
    assert.match(text.stdout, /^\s+\*\s+linux\/arm64\/v8\s+sha256:/m);
    assert.match(text.stdout, /explanation:/);

    const top = await cli(["resolve", `${A()}/multiarch:1.0`]);
    assert.equal(top.status, 0, top.stderr);
    assert.equal(top.stdout.trim(), M.digest);
    const plat = await cli(["resolve", `${A()}/multiarch:1.0`, "--platform", "linux/arm/v7"]);
    assert.equal(plat.stdout.trim(), byPlatform("multiarch:1.0", "linux/arm/v7").digest);

    const tags = await cli(["tags", `${paginators.anonymous.host}/multiarch`, "--page-size", "1"]);
    assert.equal(tags.status, 0, tags.stderr);
    assert.deepEqual(tags.stdout.trim().split("\n"), ["1.0", "armonly", "latest"]);

    const missing = await cli(["resolve", `${A()}/nope:1.0`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /MANIFEST_UNKNOWN/);
  });

  test("the CLI finds credentials: --config, --kubelet-root; none is UNAUTHORIZED", async () => {
    const B = r.basic.host;
    const config = join(tmp, "config.json");
    await writeFile(config, dockerConfig({ [B]: ["alice", "wonderland"] }));
    const withConfig = await cli(["resolve", `${B}/single:1.0`, "--config", config]);
    assert.equal(withConfig.status, 0, withConfig.stderr);
    assert.equal(withConfig.stdout.trim(), fx["single:1.0"].digest);
    const root = join(tmp, "kubelet");
    await mkdir(root, { recursive: true });
    await writeFile(join(root, "config.json"), dockerConfig({ [B]: ["alice", "wonderland"] }));
    const home = join(tmp, "home");
    await mkdir(home, { recursive: true });
    const env = { ...process.env, HOME: home };
    const kubelet = await cli(["tags", `${B}/single`, "--kubelet-root", root], { env, cwd: home });
    assert.equal(kubelet.status, 0, kubelet.stderr);
    assert.equal(kubelet.stdout.trim(), "1.0");
    const none = await cli(["resolve", `${B}/single:1.0`, "--kubelet-root", join(tmp, "empty")], { env, cwd: home });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /UNAUTHORIZED/);
    assert.ok(!none.stderr.includes("wonderland"));
  });
});

describe("pullspec check --online", () => {
  let fx; // here the harness's whole fixtures, as in manifests-online.test.mjs
  before(() => (fx = r.fixtures));

  test("two files naming the same images: each image asked once per run; exit 1 on a missing tag; the pin fix in JSON", async () => {
    const host = r.faultProxy.host; // in front of the anonymous registry, logging every request
    const dir = mkdtempSync(join(tmpdir(), "pullspec-online-"));
    try {
      const text = pod(host, [`${host}/multiarch:1.0`, `${host}/multiarch:nope`], "  nodeSelector: {kubernetes.io/arch: s390x}\n");
      writeFileSync(join(dir, "a.yaml"), text);
      writeFileSync(join(dir, "b.yaml"), text);
      r.faultProxy.clearLog();
      // The pin fix rides on IMAGE_NOT_PINNED when on, else a tag warning, else the effective-policy hint.
      const out = await cliAsync(["check", "--online", "--format", "json", "--severity", "hint", dir]);
      assert.equal(out.status, 1, out.stderr);
      const found = JSON.parse(out.stdout).diagnostics;
      const codes = (file) => found.filter((d) => d.file.endsWith(file)).map((d) => d.code).filter((c) => ["IMAGE_NOT_FOUND", "PLATFORM_NOT_COVERED"].includes(c));
      assert.deepEqual(codes("a.yaml"), ["PLATFORM_NOT_COVERED", "IMAGE_NOT_FOUND"]);
      assert.deepEqual(codes("b.yaml"), ["PLATFORM_NOT_COVERED", "IMAGE_NOT_FOUND"]);
      const pin = found.find((d) => d.file.endsWith("a.yaml") && (d.fixes ?? []).some((f) => f.title.startsWith("Pin to digest")));
      assert.ok(pin, out.stdout);
      assert.match(pin.fixes.find((f) => f.title.startsWith("Pin")).edits[0].newText, new RegExp(`@${fx.images["multiarch:1.0"].digest}$`));
      // Manifest requests per tag: the same count as for one file (each image asked once per run).
      const log = await r.faultProxy.log();
      const manifestGets = (tag) => log.filter((e) => e.path?.endsWith(`/manifests/${tag}`)).length;
      assert.ok(manifestGets("1.0") >= 1);
      const single = mkdtempSync(join(tmpdir(), "pullspec-online-"));
      writeFileSync(join(single, "a.yaml"), text);
      const before = { ok: manifestGets("1.0"), missing: manifestGets("nope") };
      r.faultProxy.clearLog();
      await cliAsync(["check", "--online", "--format", "json", single]);
      const after = await r.faultProxy.log();
      const once = (tag) => after.filter((e) => e.path?.endsWith(`/manifests/${tag}`)).length;
      assert.deepEqual(before, { ok: once("1.0"), missing: once("nope") });
      rmSync(single, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
