// The package through a bundler: tiny Vite apps that import from "pullspec" and from
// "pullspec/core", built with Vite's production build and run in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveStatic } from "./static-server.mjs";
import { launch } from "./chromium.mjs";
import { buildViteApp } from "./vite-app.mjs";

/** Serves an app's dist/ and returns what its page wrote into #out. */
async function runApp(app) {
  const server = await serveStatic(app.dist);
  const browser = await launch();
  try {
    const page = await browser.page();
    await page.goto(server.url + "/");
    await page.waitForFunction(() => document.querySelector("#out").textContent !== "", null, { timeout: 10000 });
    assert.equal(page.lastError, undefined);
    return JSON.parse(await page.textContent("#out"));
  } finally {
    await browser.close();
    await server.close();
  }
}

test("a Vite production build of an editor page on pullspec/core loads only the core module", async () => {
  const app = await buildViteApp(`
    import { parseReference, validateManifests, PullspecError } from "pullspec/core";
    let code; try { parseReference("a b"); } catch (e) { code = e instanceof PullspecError ? e.code : "not a PullspecError"; }
    const found = validateManifests("apiVersion: v1\\nkind: Pod\\nspec:\\n  containers:\\n  - {name: a, image: Nginx}\\n");
    document.querySelector("#out").textContent = JSON.stringify({ normalized: parseReference("redis").normalized, code,
      invalid: found.filter((d) => d.code === "IMAGE_INVALID").map((d) => [d.range.start.line, d.range.start.character]) });`);
  try {
    const wasm = app.assets.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `one module: ${wasm}`);
    assert.match(wasm[0], /pullspec_core_bg/);
    // `  - {name: a, image: ` is 21 UTF-16 characters: the invalid image starts at line 4, character 21.
    assert.deepEqual(await runApp(app), { normalized: "docker.io/library/redis", code: "INVALID_REFERENCE_FORMAT", invalid: [[4, 21]] });
  } finally {
    app.remove();
  }
});

test("a Vite production build of an app importing pullspec runs in Chromium", async () => {
  const app = await buildViteApp(`
      import { parseReference, parseReferences, PullspecError } from "pullspec";
      let code; try { parseReference("a b"); } catch (e) { code = e instanceof PullspecError ? e.code : "not a PullspecError"; }
      document.querySelector("#out").textContent = JSON.stringify({
        normalized: parseReference("ghcr.io/owner/app:1").normalized,
        batch: parseReferences(["redis"]).map((r) => r.familiar), code });`);
  let browser, server;
  const dir = app.dir;
  try {
    const assets = app.assets.map((f) => f.replace("assets/", ""));
    assert.ok(assets.some((f) => f.endsWith(".wasm")), `the .wasm is emitted as an asset: ${assets}`);
    server = await serveStatic(app.dist);
    browser = await launch();
    const page = await browser.page();
    await page.goto(server.url + "/");
    await page.waitForFunction(() => document.querySelector("#out").textContent !== "", null, { timeout: 10000 });
    assert.deepEqual(JSON.parse(await page.textContent("#out")), {
      normalized: "ghcr.io/owner/app:1", batch: ["redis"], code: "INVALID_REFERENCE_FORMAT",
    });
    assert.equal(page.lastError, undefined);
  } finally {
    await browser?.close();
    await server?.close();
    app.remove();
    void dir;
  }
});
