// `pullspec pull` into an OCI layout under every interruption, every failure and concurrent
// writers, against the real local registry (through the harness's fault proxy, whose log counts
// the requests), in real CLI processes:
//  - a pull stopped by SIGINT or SIGTERM, or failing (digest mismatch, disk full), leaves nothing
//    new: a directory it created is gone, an existing layout is exactly as it was; a later pull
//    removes the temporaries, leases and locks of processes that are gone (SIGKILL);
//  - an existing layout is checked before the first request (LAYOUT_INVALID, never replaced);
//    concurrent pulls into one layout keep every entry of index.json;
//  - filesystem failures are one line and exit 1 (OUTPUT_INVALID, NO_SPACE), never a stack
//    trace. ENOSPC and a read-only directory use tmpfs mounts (root only; else skipped).
// The same guarantees through the API: pull-layout.test.mjs.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { rm, readFile, readdir, writeFile, mkdir, utimes } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RegistryClient, PullspecError, pullOciLayout } from "../../pkg/node.js";
import { cliAsync as cli, startCli } from "./helpers.mjs";
import {
  useLayoutRegistry, MiB, r, F, fx, tmp, image, large, fresh, sleep,
  snapshot, existingLayout, waitForTemp, throttleLarge, assertComplete, assertNoLeftovers,
} from "./pull-layout-fixture.mjs";

useLayoutRegistry();

/** The one line the CLI printed on stderr, checked to be one line without a stack trace. */
function oneLine(stderr) {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
  return lines[0];
}

/**
 * A proxy in front of `upstream` that holds every GET whose path `gated(path)` accepts until
 * `count` of them arrived, then forwards them all at once (`reset()` for the next round). If
 * they do not all arrive within 10 s, it forwards what it holds.
 */
async function startBarrier(upstream, gated, count) {
  const target = new URL(upstream);
  let waiting = [];
  let open = false;
  let timer = null;
  const release = () => {
    clearTimeout(timer);
    const all = waiting;
    waiting = [];
    for (const go of all) go();
  };
  const server = http.createServer((req, res) => {
    const forward = () => {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (ur) => {
          res.writeHead(ur.statusCode, ur.headers);
          ur.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.pipe(up);
    };
    if (req.method !== "GET" || !gated(req.url) || open) return forward();
    waiting.push(forward);
    if (waiting.length >= count) {
      open = true;
      release();
    } else {
      clearTimeout(timer);
      timer = setTimeout(release, 10_000);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${server.address().port}`,
    reset: () => {
      open = false;
      waiting = [];
    },
    released: () => open,
    close: () => new Promise((resolve) => (clearTimeout(timer), server.closeAllConnections(), server.close(resolve))),
  };
}

/** A pid that is surely not running: a process that has exited. */
function deadPid() {
  const p = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(p.stdout.trim());
}

// =============================================================================================
describe("an interrupted or failed pull leaves nothing new", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    test(`pullspec pull stopped by ${signal} mid-transfer of the 64 MiB layer: exit ${code}, a new directory is gone`, { timeout: 60_000 }, async () => {
      throttleLarge();
      const out = fresh(`new-${signal}`);
      const p = startCli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", out]);
      const temp = await waitForTemp(join(out, "blobs/sha256"), MiB);
      p.child.kill(signal);
      const res = await p.exited;
      assert.equal(res.code, code, res.stderr);
      assert.match(oneLine(res.stderr), new RegExp(`^pullspec pull: interrupted by ${signal}`));
      assert.equal(res.stdout, "");
      assert.ok(temp.startsWith(`.tmp-blob-${p.child.pid}-`), `the temporary names its process: ${temp}`);
      assert.ok(!existsSync(out), `the directory it created is gone: ${JSON.stringify(existsSync(out) ? await snapshot(out) : {})}`);
    });

    test(`pullspec pull stopped by ${signal} into an existing layout: exit ${code}, the layout exactly as it was`, { timeout: 60_000 }, async () => {
      const out = await existingLayout(`existing-${signal}`);
      const before = await snapshot(out);
      throttleLarge();
      const p = startCli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", out]);
      await waitForTemp(join(out, "blobs/sha256"), MiB);
      p.child.kill(signal);
      const res = await p.exited;
      assert.equal(res.code, code, res.stderr);
      oneLine(res.stderr);
      assert.deepEqual(await snapshot(out), before);
    });
  }

  test("a wrong byte in the layer (DIGEST_MISMATCH): one line, exit 1, nothing new (new and existing layout)", { timeout: 60_000 }, async () => {
    const corrupt = () => F.addFault({ match: { method: "GET", pathRegex: `/blobs/${large().digest}` }, action: { type: "corrupt" } });
    corrupt();
    const out = fresh("corrupt-new");
    const res = await cli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", out]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: DIGEST_MISMATCH: /);
    assert.ok(!existsSync(out), `nothing left: ${JSON.stringify(existsSync(out) ? await snapshot(out) : {})}`);

    const existing = await existingLayout("corrupt-existing");
    const before = await snapshot(existing);
    corrupt();
    const again = await cli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", existing]);
    assert.equal(again.status, 1, again.stderr);
    assert.deepEqual(await snapshot(existing), before);

    // a new directory several levels deep: every level it created is gone, the parent stays
    corrupt();
    const parent = fresh("corrupt-deep");
    await mkdir(parent);
    const deep = await cli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", join(parent, "a/b/c")]);
    assert.equal(deep.status, 1, deep.stderr);
    assert.deepEqual(await readdir(parent), []);
  });

  test("an image that does not exist: nothing left (the checks and writes before the first request are undone)", async () => {
    const out = fresh("unknown");
    const res = await cli(["pull", image("single:no-such-tag"), "--output", out]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /MANIFEST_UNKNOWN|NOT_FOUND/);
    assert.ok(!existsSync(out));
  });

  test("a pull killed with SIGKILL leaves a temporary; the next pull removes it and other stale files, keeps live ones", { timeout: 60_000 }, async () => {
    const out = await existingLayout("stale");
    throttleLarge();
    const p = startCli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", out]);
    const killedTemp = await waitForTemp(join(out, "blobs/sha256"), MiB);
    p.child.kill("SIGKILL");
    await p.exited;
    const blobs = join(out, "blobs/sha256");
    assert.ok(existsSync(join(blobs, killedTemp)), "SIGKILL cannot be handled: the temporary is there");
    const leases = (await readdir(out)).filter((n) => n.startsWith(".pullspec-lease-"));
    assert.equal(leases.length, 1, "and the killed pull's lease");

    // planted: temporaries of a process that is gone (names with and without the host), one a day
    // old of a live process, fresh ones of a live process and of another host (kept), a stale lock
    const dead = deadPid();
    const live = process.pid;
    const { hostname } = await import("node:os");
    const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 6);
    const otherHost = host === "abcdef" ? "fedcba" : "abcdef";
    const planted = {
      deadNew: join(blobs, `.tmp-blob-${dead}-${host}-0123456789ab`),
      otherHost: join(blobs, `.tmp-blob-${dead}-${otherHost}-0123456789ab`),
      deadOld: join(blobs, `.tmp-blob-${dead}-0123456789ab`),
      deadWrite: join(out, `.tmp-write-${dead}-0123456789ab`),
      oldLive: join(blobs, `.tmp-blob-${live}-0123456789ac`),
      freshLive: join(blobs, `.tmp-blob-${live}-0123456789ad`),
    };
    for (const path of Object.values(planted)) await writeFile(path, "x".repeat(1000));
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    await utimes(planted.oldLive, dayAgo, dayAgo);
    await writeFile(join(out, ".pullspec-lock"), `${dead} ${host}\n`);

    const res = await cli(["pull", image("multiarch:latest"), "--platform", "linux/arm64", "--output", out]);
    assert.equal(res.status, 0, res.stderr);
    assert.ok(!existsSync(join(blobs, killedTemp)), "the killed pull's temporary is gone");
    for (const name of ["deadNew", "deadOld", "deadWrite", "oldLive"]) assert.ok(!existsSync(planted[name]), `${name} removed`);
    assert.ok(existsSync(planted.freshLive), "a fresh temporary of a live process stays");
    assert.ok(existsSync(planted.otherHost), "a fresh temporary of another host's process stays (its pid means nothing here)");
    assert.deepEqual((await readdir(out)).filter((n) => n.startsWith(".pullspec-")), [], "no lease or lock left");
    const index = await assertComplete(out);
    assert.deepEqual(index.manifests.map((m) => m.annotations["org.opencontainers.image.ref.name"]).sort(), ["1.0", "latest"]);
  });
});

// =============================================================================================
describe("index.json: checked before the first request, never losing an entry", () => {
  const BAD = {
    "index.json: not JSON": ["index.json", "{\"schemaVersion\":2,\"manifests\":["],
    "index.json: manifests is an object": ["index.json", "{\"schemaVersion\":2,\"manifests\":{}}"],
    "index.json: manifests missing": ["index.json", "{\"schemaVersion\":2}"],
    "index.json: an array": ["index.json", "[]"],
    "index.json: empty": ["index.json", ""],
    "oci-layout: not JSON": ["oci-layout", "{"],
    "oci-layout: another version": ["oci-layout", "{\"imageLayoutVersion\":\"9.0.0\"}"],
  };
  for (const [what, [file, text]] of Object.entries(BAD)) {
    test(`${what}: LAYOUT_INVALID before any request, the layout untouched`, async () => {
      const out = await existingLayout("bad");
      await writeFile(join(out, file), text);
      const before = await snapshot(out);
      F.clearLog();
      const res = await cli(["pull", image("multiarch:latest"), "--platform", "linux/arm64", "--output", out]);
      assert.equal(res.status, 1, res.stderr);
      assert.match(oneLine(res.stderr), new RegExp(`^pullspec pull: LAYOUT_INVALID: .*${file}`));
      assert.deepEqual(F.log(), [], "no request reached the registry");
      assert.deepEqual(await snapshot(out), before);
      // the API, too
      await assert.rejects(
        () => pullOciLayout(new RegistryClient(), image("multiarch:latest"), { output: out, platform: "linux/arm64" }),
        (e) => e instanceof PullspecError && e.code === "LAYOUT_INVALID",
      );
      assert.deepEqual(F.log(), []);
    });
  }

  test("index.json a directory: LAYOUT_INVALID before any request", async () => {
    const out = fresh("index-dir");
    await mkdir(join(out, "index.json"), { recursive: true });
    const res = await cli(["pull", image("single:1.0"), "--output", out]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: LAYOUT_INVALID: /);
    assert.deepEqual(F.log(), []);
  });

  test("two concurrent CLI pulls of different images into one layout keep both entries (20 rounds)", { timeout: 300_000 }, async () => {
    const M = fx["multiarch:latest"].manifests.find((m) => m.platformString === "linux/arm64/v8");
    // Both pulls get their layers at the same moment (a barrier in front of the registry holds
    // each layer request until both arrived), so they write index.json at the same time. Without
    // the lock about one round in four lost an entry.
    const D = fx["dockerlist:1.0"].manifests.find((m) => m.platformString === "linux/amd64");
    const layers = new Set([...M.layers, ...D.layers].map((l) => l.digest));
    const barrier = await startBarrier(r.anonymous.url, (path) => layers.has(path.slice(path.lastIndexOf("/") + 1)), layers.size);
    try {
      for (let round = 0; round < 20; round++) {
        barrier.reset();
        const out = fresh(`concurrent-${round}`);
        const [a, b] = await Promise.all([
          cli(["pull", `${barrier.host}/multiarch:latest`, "--platform", "linux/arm64", "--output", out, "--quiet"]),
          cli(["pull", `${barrier.host}/dockerlist:1.0`, "--platform", "linux/amd64", "--output", out, "--quiet"]),
        ]);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(b.status, 0, b.stderr);
        assert.equal(barrier.released(), true, "the barrier opened");
        const index = await assertComplete(out);
        const entries = index.manifests.map((m) => `${m.annotations["org.opencontainers.image.ref.name"]} ${m.digest}`).sort();
        assert.deepEqual(entries, [`1.0 ${D.digest}`, `latest ${M.digest}`], `round ${round}`);
        await assertNoLeftovers(out);
      }
    } finally {
      await barrier.close();
    }
  });

  test("a lock held by a live process is waited for; one of a process that is gone is broken", { timeout: 60_000 }, async () => {
    const { hostname } = await import("node:os");
    const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 6);
    const out = await existingLayout("locked");
    const lock = join(out, ".pullspec-lock");
    await writeFile(lock, `${process.pid} ${host}\n`);
    const t0 = Date.now();
    const pulling = cli(["pull", image("multiarch:latest"), "--platform", "linux/arm64", "--output", out, "--quiet"]);
    await sleep(1500);
    assert.ok(existsSync(lock), "still held");
    await rm(lock);
    const res = await pulling;
    assert.equal(res.status, 0, res.stderr);
    assert.ok(Date.now() - t0 >= 1500, "it waited");
    assert.equal((await assertComplete(out)).manifests.length, 2);

    await writeFile(lock, `${deadPid()} ${host}\n`);
    const again = await cli(["pull", image("dockerlist:1.0"), "--platform", "linux/amd64", "--output", out, "--quiet"]);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(!existsSync(lock));
  });
});

// =============================================================================================
describe("filesystem failures are one line and exit 1, nothing left behind", () => {
  const root0 = process.getuid?.() === 0;
  const mounts = [];
  /** A tmpfs mounted at a new directory (root only): the directory, or null when mounting fails. */
  function tmpfs(options) {
    if (!root0) return null;
    const dir = fresh("mnt");
    spawnSync("mkdir", ["-p", dir]);
    const m = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
    if (m.status !== 0) return null;
    mounts.push(dir);
    return dir;
  }
  after(() => {
    for (const dir of mounts) spawnSync("umount", [dir]);
  });

  test("--output an existing regular file: OUTPUT_INVALID, nothing requested, the file untouched", async () => {
    const file = join(tmp, "a-file");
    await writeFile(file, "keep me");
    const res = await cli(["pull", image("single:1.0"), "--output", file]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: OUTPUT_INVALID: .*a-file.* not a directory/);
    assert.equal(await readFile(file, "utf8"), "keep me");
    assert.deepEqual(F.log(), []);
  });

  test("--output under a regular file (ENOTDIR): OUTPUT_INVALID", async () => {
    const file = join(tmp, "another-file");
    await writeFile(file, "keep me");
    const res = await cli(["pull", image("single:1.0"), "--output", join(file, "x")]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: OUTPUT_INVALID: .*ENOTDIR/);
    assert.deepEqual(F.log(), []);
  });

  test("a layer path that is a directory (EISDIR): one line, exit 1, the rest removed", async () => {
    const out = fresh("eisdir");
    const L = fx["single:1.0"].layers[1];
    await mkdir(join(out, "blobs/sha256", L.digest.slice(7)), { recursive: true });
    const before = await snapshot(out);
    const res = await cli(["pull", image("single:1.0"), "--output", out, "--quiet"]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: (OUTPUT_INVALID|IO_ERROR): .*EISDIR/);
    assert.deepEqual(await snapshot(out), before);
  });

  test("a directory without write permission: OUTPUT_INVALID before any request", async (t) => {
    let dir;
    if (root0) {
      dir = tmpfs("ro,size=1m");
      if (!dir) return t.skip("root cannot mount a read-only tmpfs here");
    } else {
      dir = fresh("readonly");
      await mkdir(dir);
      spawnSync("chmod", ["0555", dir]);
    }
    const res = await cli(["pull", image("single:1.0"), "--output", join(dir, "layout")]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: OUTPUT_INVALID: .*(EROFS|EACCES)/);
    assert.deepEqual(F.log(), []);
    assert.deepEqual(await readdir(dir), []);
  });

  test("a full disk (ENOSPC, a 1 MiB tmpfs): NO_SPACE, one line, exit 1, nothing left", { timeout: 60_000 }, async (t) => {
    const dir = tmpfs("size=1m");
    if (!dir) return t.skip("mounting a tmpfs needs root");
    const res = await cli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", join(dir, "layout")]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(oneLine(res.stderr), /^pullspec pull: NO_SPACE: .*ENOSPC/);
    assert.deepEqual(await readdir(dir), []);
    // into an existing layout on the full disk: the layout as it was
    const out = join(dir, "small");
    const ok = await cli(["pull", image("single:1.0"), "--output", out, "--quiet"]);
    assert.equal(ok.status, 0, ok.stderr);
    const before = await snapshot(out);
    const full = await cli(["pull", image("large:1.0"), "--platform", "linux/amd64", "--output", out]);
    assert.equal(full.status, 1, full.stderr);
    assert.match(oneLine(full.stderr), /^pullspec pull: NO_SPACE: /);
    assert.deepEqual(await snapshot(out), before);
  });
});
