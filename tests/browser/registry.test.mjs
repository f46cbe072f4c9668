// The registry client in headless Chromium: the page on one origin, the registries on others.
// The anonymous registry sends CORS headers itself; the basic and token registries are reached
// through the harness's CORS proxies (a browser cannot preflight an authenticated registry).
// Credentials reach the page as docker config text in a Keyring. A registry without CORS
// headers is CORS_LIKELY.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { serveStatic } from "./static-server.mjs";
import { launch } from "./chromium.mjs";
import { startRegistries } from "../registry/harness.mjs";
import { startBareProxy } from "../registry/bare-proxy.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");
let server, browser, r, bare;

before(async () => {
  [server, browser, r] = await Promise.all([
    serveStatic(root),
    launch(),
    startRegistries({ modes: ["anonymous", "basic", "token"], cors: true, faultProxy: true }),
  ]);
  bare = await startBareProxy(r.anonymous.url);
});
after(async () => {
  await browser?.close();
  await server?.close();
  await bare?.close();
  await r?.stop();
});

/** Pulls `image` for `platform` in the page; returns what the page saw (hashes by WebCrypto). */
async function pullInPage(page, { image, platform, config }) {
  return page.evaluate(
    async ({ image, platform, config }) => {
      const m = await import("/pkg/browser.js");
      const hex = async (bytes) =>
        "sha256:" + [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
      const keyring = new m.Keyring();
      if (config) keyring.addDockerConfig(config);
      const events = [];
      const client = new m.RegistryClient({ keyring, onEvent: (e) => events.push(e), retry: { maxDelayMs: 50 } });
      try {
        const out = await client.pull(image, { platform });
        return {
          ok: true,
          digest: out.resolution.digest,
          manifestDigest: out.resolution.manifestDigest,
          architecture: out.config.architecture,
          layers: await Promise.all(out.layers.map(async (l) => ({ digest: l.digest, hash: await hex(l.bytes), size: l.bytes.length }))),
          events,
        };
      } catch (e) {
        return { ok: false, isClass: e instanceof m.PullspecError, code: e.code, message: e.message, events };
      }
    },
    { image, platform, config },
  );
}

const dockerConfig = (host) =>
  JSON.stringify({ auths: { [host]: { auth: btoa("alice:wonderland") } } });

test("pulls and verifies the multi-arch image in a page under all three auth modes", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/tests/browser/smoke.html`);
  const M = r.fixtures.images["multiarch:1.0"];
  const entry = M.manifests.find((e) => e.platformString === "linux/arm64/v8");
  const cases = [
    { mode: "anonymous", host: r.anonymous.host, config: null },
    { mode: "basic", host: new URL(r.basic.corsUrl).host },
    { mode: "token", host: new URL(r.token.corsUrl).host },
  ];
  for (const c of cases) {
    const config = c.config === null ? null : dockerConfig(c.host);
    const got = await pullInPage(page, { image: `${c.host}/multiarch:1.0`, platform: "linux/arm64/v8", config });
    assert.equal(got.ok, true, `${c.mode}: ${got.code} ${got.message}`);
    assert.equal(got.digest, M.digest, c.mode);
    assert.equal(got.manifestDigest, entry.digest, c.mode);
    assert.equal(got.architecture, "arm64");
    assert.deepEqual(got.layers.map((l) => l.digest), entry.layers.map((l) => l.digest));
    for (const l of got.layers) assert.equal(l.hash, l.digest, `${c.mode}: layer verified in the page`);
    assert.ok(!JSON.stringify(got.events).includes("wonderland"));
  }
  // without credentials the authenticated registry refuses, as a typed error
  const anon = await pullInPage(page, { image: `${new URL(r.basic.corsUrl).host}/multiarch:1.0`, platform: "linux/amd64", config: null });
  assert.deepEqual([anon.ok, anon.isClass, anon.code], [false, true, "UNAUTHORIZED"]);
  assert.equal(page.lastError, undefined);
});

test("a registry without CORS headers is CORS_LIKELY; redirects are left to the browser", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/tests/browser/smoke.html`);
  const cors = await pullInPage(page, { image: `${bare.host}/multiarch:1.0`, platform: "linux/amd64", config: null });
  assert.deepEqual([cors.ok, cors.isClass, cors.code], [false, true, "CORS_LIKELY"]);
  assert.match(cors.message, /Access-Control-Expose-Headers/);

  // `redirect: "manual"` is opaque in a browser: the driver lets fetch follow (it drops
  // Authorization when leaving the origin) and the blob is still verified.
  // The registry first asks for Basic (so the page sends credentials), then redirects blobs.
  const F = r.faultProxy;
  F.reset();
  F.addFault({ match: { method: "HEAD", pathRegex: "/manifests/" }, action: { type: "status", status: 401, headers: { "WWW-Authenticate": 'Basic realm="faults"' } } });
  F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "redirect" }, times: -1 });
  const redirected = await pullInPage(page, { image: `${F.host}/multiarch:1.0`, platform: "linux/arm/v7", config: dockerConfig(F.host) });
  assert.equal(redirected.ok, true, `${redirected.code} ${redirected.message}`);
  for (const l of redirected.layers) assert.equal(l.hash, l.digest);
  const redirectedBlobs = F.log().filter((e) => e.path.includes("/blobs/") && e.status === 307);
  assert.ok(redirectedBlobs.length >= 2 && redirectedBlobs.every((e) => e.auth === "basic"), JSON.stringify(F.log()));
  const other = F.otherLog().filter((e) => e.path.startsWith("/redirected/") && e.method === "GET");
  assert.ok(other.length >= 2);
  assert.ok(other.every((e) => e.authorization === null), "the browser dropped Authorization crossing origins");
  F.reset();
});

test("blobStream in a page: chunks as they arrive, closed only after verification", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/tests/browser/smoke.html`);
  const L = r.fixtures.images["large:1.0"].layers[0];
  const got = await page.evaluate(
    async ({ image, digest, size }) => {
      const m = await import("/pkg/browser.js");
      const client = new m.RegistryClient();
      let bytes = 0;
      let chunks = 0;
      const t0 = performance.now();
      for await (const chunk of client.blobStream(image, { digest, size })) {
        bytes += chunk.length;
        chunks++;
      }
      const blob = await client.blob(image, digest);
      return { bytes, chunks, ms: performance.now() - t0, blobLength: blob.length };
    },
    { image: `${r.anonymous.host}/large:1.0`, digest: L.digest, size: L.size },
  );
  assert.equal(got.bytes, L.size);
  assert.equal(got.blobLength, L.size);
  assert.ok(got.chunks > 1);
});
