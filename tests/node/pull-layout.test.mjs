// Pulling into an OCI layout through the API (pullOciLayout, client.pull, blob) against the real
// local registry (through the harness's fault proxy, whose log counts the requests):
//  - an AbortSignal mid-transfer leaves nothing; a failing pull keeps the blobs another running
//    pull, or index.json, needs; a path the CLI cannot express (a NUL) is OUTPUT_INVALID;
//  - declared sizes are not trusted for allocation: blob()/pull() refuse a blob over the
//    in-memory cap (BLOB_TOO_LARGE) before requesting it, pullOciLayout streams to disk.
// `pullspec pull` under interruptions, failures and concurrent writers: cli-pull.test.mjs.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RegistryClient, PullspecError, pullOciLayout, MAX_MEMORY_BLOB_SIZE } from "../../pkg/node.js";
import { sha256 } from "./registry-helpers.mjs";
import { useLayoutRegistry, MiB, F, fx, tmp, image, fresh, waitForTemp, throttleLarge, assertComplete, assertNoLeftovers } from "./pull-layout-fixture.mjs";

useLayoutRegistry();

// =============================================================================================
describe("an interrupted or failed pull leaves nothing new", () => {
  test("an AbortSignal mid-transfer: ABORTED, nothing left", { timeout: 60_000 }, async () => {
    throttleLarge();
    const out = fresh("abort-api");
    const controller = new AbortController();
    const pulling = pullOciLayout(new RegistryClient(), image("large:1.0"), { output: out, platform: "linux/amd64", signal: controller.signal });
    const failed = pulling.then(() => null, (e) => e);
    await waitForTemp(join(out, "blobs/sha256"), MiB);
    controller.abort();
    const e = await failed;
    assert.ok(e instanceof PullspecError, String(e?.stack ?? e));
    assert.equal(e.code, "ABORTED");
    assert.ok(!existsSync(out));
  });
});

// =============================================================================================
describe("index.json: checked before the first request, never losing an entry", () => {
  // A failing pull removes the blobs it created, except those another pull needs.
  for (const when of ["while the other pull runs (its lease)", "after the other pull finished (index.json)"]) {
    test(`a failing pull keeps the blobs it shares with another pull into the same layout, ${when}`, { timeout: 60_000 }, async () => {
      const S = fx["single:1.0"];
      const [L1, L2] = S.layers;
      const out = fresh("shared");
      const signals = {};
      const gate = (name) => {
        let open;
        signals[name] = new Promise((resolve) => (open = resolve));
        return open;
      };
      const aAtL2 = gate("aAtL2");
      const bAtL2 = gate("bAtL2");
      const bDone = gate("bDone");
      const aDone = gate("aDone");
      const waitsFor = when.startsWith("while") ? "bAtL2" : "bDone";
      // A pulls single:1.0 one layer at a time; at L2 it waits for B, then gets a corrupted L2.
      const fetchA = async (url, init) => {
        if (String(url).endsWith(`/blobs/${L2.digest}`) && init.method !== "HEAD") {
          aAtL2();
          await signals[waitsFor];
          init = { ...init, headers: [...init.headers, ["x-pullspec-fault", JSON.stringify({ type: "corrupt" })]] };
        }
        return fetch(url, init);
      };
      // B pulls public/hello:1.0 (the same blobs); in the first case it waits at L2 until A failed.
      const fetchB = async (url, init) => {
        if (String(url).endsWith(`/blobs/${L2.digest}`) && init.method !== "HEAD" && waitsFor === "bAtL2") {
          bAtL2();
          await signals.aDone;
        }
        return fetch(url, init);
      };
      const a = pullOciLayout(new RegistryClient({ fetch: fetchA }), image("single:1.0"), { output: out, concurrency: 1 })
        .then(() => null, (e) => e)
        .finally(aDone);
      await signals.aAtL2;
      assert.ok(existsSync(join(out, "blobs/sha256", L1.digest.slice(7))), "A wrote L1");
      const b = pullOciLayout(new RegistryClient({ fetch: fetchB }), image("public/hello:1.0"), { output: out }).finally(bDone);
      const [ea, rb] = await Promise.all([a, b]);
      assert.equal(ea?.code, "DIGEST_MISMATCH");
      assert.equal(rb.descriptor.digest, S.digest);
      assert.equal(rb.layers.find((l) => l.digest === L1.digest).reused, true, "B reused A's L1");
      const index = await assertComplete(out);
      assert.equal(index.manifests.length, 1);
      await assertNoLeftovers(out);
    });
  }
});

// =============================================================================================
describe("declared sizes are not trusted for allocation", () => {
  let server, host, requests;
  const layerBytes = Buffer.alloc(MiB, 0x5a);
  const layerDigest = sha256(layerBytes);
  const HUGE = 8 * 1024 ** 3;
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layerDigest] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: HUGE }],
    }),
  );

  before(async () => {
    // A registry that declares an 8 GiB layer (manifest and HEAD) but has 1 MiB of it, sent chunked.
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}${req.headers.range ? ` ${req.headers.range}` : ""}`);
      const u = req.url;
      if (u === "/v2/") return res.writeHead(200, { "content-type": "application/json" }).end("{}");
      if (u === "/v2/huge/manifests/1.0" || u === `/v2/huge/manifests/${sha256(manifest)}`) {
        res.writeHead(200, {
          "content-type": "application/vnd.oci.image.manifest.v1+json",
          "docker-content-digest": sha256(manifest),
          "content-length": String(manifest.length),
        });
        return res.end(req.method === "HEAD" ? undefined : manifest);
      }
      if (u === `/v2/huge/blobs/${sha256(config)}`) return res.writeHead(200, { "content-length": String(config.length) }).end(config);
      if (u === `/v2/huge/blobs/${layerDigest}`) {
        if (req.method === "HEAD") return res.writeHead(200, { "content-length": String(HUGE), "docker-content-digest": layerDigest }).end();
        if (req.headers.range) return res.writeHead(416, { "content-length": "0" }).end();
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(layerBytes);
      }
      res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"NOT_FOUND"}]}');
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  beforeEach(() => (requests = []));

  const client = () => new RegistryClient({ retry: { attempts: 2, maxDelayMs: 10 } });
  const tooLarge = (size) => (e) => {
    assert.ok(e instanceof PullspecError, `a PullspecError, got ${e?.stack ?? e}`);
    assert.equal(e.code, "BLOB_TOO_LARGE", e.message);
    assert.equal(e.limit, MAX_MEMORY_BLOB_SIZE);
    assert.equal(e.size, size);
    return true;
  };

  test("the in-memory cap is 1 GiB", () => {
    assert.equal(MAX_MEMORY_BLOB_SIZE, 2 ** 30);
  });

  test("blob() with a size of 1e12 (or 8 GiB, or the cap + 1): BLOB_TOO_LARGE before any request, no RangeError", async () => {
    for (const size of [1e12, HUGE, MAX_MEMORY_BLOB_SIZE + 1]) {
      await assert.rejects(() => client().blob(`${host}/huge`, layerDigest, { size }), tooLarge(size));
      await assert.rejects(() => client().blob(`${host}/huge`, { digest: layerDigest, size }), tooLarge(size));
    }
    assert.deepEqual(requests, []);
  });

  test("blob() without a size: the HEAD's 8 GiB is refused before the GET", async () => {
    await assert.rejects(() => client().blob(`${host}/huge`, layerDigest), tooLarge(HUGE));
    assert.deepEqual(requests.filter((q) => q.startsWith("GET /v2/huge/blobs")), []);
  });

  test("client.pull of a manifest declaring an 8 GiB layer: BLOB_TOO_LARGE before any layer request", async () => {
    await assert.rejects(() => client().pull(`${host}/huge:1.0`), tooLarge(HUGE));
    assert.deepEqual(requests.filter((q) => q.includes(layerDigest)), []);
  });

  test("pullOciLayout streams the layer to disk whatever it declares, then fails the size check, leaving nothing", async () => {
    const out = fresh("huge");
    const rss = process.memoryUsage().rss;
    const e = await pullOciLayout(client(), `${host}/huge:1.0`, { output: out, platform: "linux/amd64" }).then(
      () => assert.fail("the pull succeeded"),
      (e) => e,
    );
    assert.ok(e instanceof PullspecError, `a PullspecError, got ${e?.stack ?? e}`);
    // the 1 MiB that came was streamed to a file; then the body ended 8 GiB short of its size
    assert.equal(e.code, "NETWORK", e.message);
    assert.match(e.message, new RegExp(`the body ended after ${MiB} of ${HUGE} bytes`));
    assert.ok(requests.some((q) => q === `GET /v2/huge/blobs/${layerDigest}`), "the layer was requested");
    assert.ok(process.memoryUsage().rss - rss < 512 * MiB, "nothing near the declared size was allocated");
    assert.ok(!existsSync(out), "nothing left");
  });
});

// =============================================================================================
describe("filesystem failures are one line and exit 1, nothing left behind", () => {
  test("a NUL in the output path (the API: a command line cannot hold one): OUTPUT_INVALID", async () => {
    await assert.rejects(
      () => pullOciLayout(new RegistryClient(), image("single:1.0"), { output: join(tmp, "a\0b") }),
      (e) => e instanceof PullspecError && e.code === "OUTPUT_INVALID" && /NUL/.test(e.message),
    );
    assert.deepEqual(F.log(), []);
  });
});
