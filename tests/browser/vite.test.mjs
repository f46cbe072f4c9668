// The package through a bundler: a tiny Vite app that does `import ... from "pullspec"`, built
// with Vite's production build and run in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serveStatic } from "./static-server.mjs";
import { launch } from "./chromium.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");

test("a Vite production build of an app importing pullspec runs in Chromium", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pullspec-vite-"));
  const require = createRequire(join(root, "pkg/package.json"));
  const { build } = await import(pathToFileURL(require.resolve("vite")).href);
  let browser, server;
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(root, "pkg"), join(dir, "node_modules/pullspec"), "dir");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "vite-app", private: true, type: "module" }));
    writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><div id="out"></div><script type="module" src="/main.js"></script>`);
    writeFileSync(join(dir, "main.js"), `
      import { parseReference, parseReferences, PullspecError } from "pullspec";
      let code; try { parseReference("a b"); } catch (e) { code = e instanceof PullspecError ? e.code : "not a PullspecError"; }
      document.querySelector("#out").textContent = JSON.stringify({
        normalized: parseReference("ghcr.io/owner/app:1").normalized,
        batch: parseReferences(["redis"]).map((r) => r.familiar), code });`);
    await build({ root: dir, logLevel: "error", configFile: false, build: { outDir: join(dir, "dist") } });
    const assets = readdirSync(join(dir, "dist/assets"));
    assert.ok(assets.some((f) => f.endsWith(".wasm")), `the .wasm is emitted as an asset: ${assets}`);
    server = await serveStatic(join(dir, "dist"));
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
    rmSync(dir, { recursive: true, force: true });
  }
});
