import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { serveStatic } from "./static-server.mjs";
import { launch } from "./chromium.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");
let server, browser;

before(async () => {
  server = await serveStatic(root);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the package imports in a page without a bundler and parses references", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/tests/browser/smoke.html`);
  const result = await page.evaluate(async () => {
    const m = await import("/pkg/browser.js");
    let error;
    try { m.parseReference("Bad/Name"); } catch (e) { error = { isClass: e instanceof m.PullspecError, code: e.code, offset: e.offset }; }
    return {
      normalized: m.parseReference("nginx:1.25").normalized,
      batch: m.parseReferences(["busybox", "x.io/y"]).map((r) => r.name),
      policy: m.defaultPullPolicy("nginx").policy,
      error,
    };
  });
  assert.deepEqual(result, {
    normalized: "docker.io/library/nginx:1.25",
    batch: ["docker.io/library/busybox", "x.io/y"],
    policy: "Always",
    error: { isClass: true, code: "NAME_CONTAINS_UPPERCASE", offset: 4 },
  });
  assert.equal(page.lastError, undefined);
});

test("the page shows live diagnostics with positions while typing", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/www/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 10000 });
  // The bundled examples: two invalid lines among valid ones.
  const codes = await page.$$eval("#ref-diagnostics li", (lis) => lis.map((li) => li.dataset.code));
  assert.deepEqual(codes, ["NAME_CONTAINS_UPPERCASE", "INVALID_REFERENCE_FORMAT"]);
  const rows = await page.$$eval("#ref-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[0].slice(0, 6), ["1", "docker.io", "library/nginx", "—", "—", "nginx"]);
  assert.match(rows[0][6], /^Always: defaults to Always/);
  // Typing replaces the content; diagnostics follow.
  await page.fill("#ref-input", "quay.io/Org/app:v1\nghcr.io/owner/tool:2.0");
  await page.waitForFunction(() => document.querySelector("#ref-diagnostics li")?.dataset.code === "NAME_CONTAINS_UPPERCASE");
  const text = await page.textContent("#ref-diagnostics li");
  assert.match(text, /^1:9 NAME_CONTAINS_UPPERCASE/);
  assert.equal(await page.$$eval("#ref-table tbody tr", (t) => t.length), 1);
  await page.fill("#ref-input", "ghcr.io/owner/tool:2.0");
  await page.waitForFunction(() => document.querySelector("#ref-diagnostics li.ok"));
  assert.equal(page.lastError, undefined);
});

test("the manifest editor validates with positions and selects a platform", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/www/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 10000 });
  // The bundled example index is valid; linux/arm64 picks the arm64/v8 entry.
  assert.match(await page.textContent("#manifest-diagnostics li.ok"), /^valid index/);
  assert.match(await page.textContent("#selection"), /linux\/arm64\/v8 chosen/);
  // Fallback: linux/arm/v8 can run arm/v7 (the index has no arm/v8 entry).
  await page.fill("#platform-input", "linux/arm/v8");
  await page.waitForFunction(() => /arm\/v7/.test(document.querySelector("#selection").textContent));
  await page.fill("#platform-input", "linux/s390x");
  await page.waitForFunction(() => /NO_MATCHING_PLATFORM/.test(document.querySelector("#selection").textContent));
  // Breaking the JSON: a syntax error with its line and column.
  await page.fill("#manifest-input", '{\n  "schemaVersion": 2,\n  "manifests": [\n');
  await page.waitForFunction(() => document.querySelector("#manifest-diagnostics li")?.dataset.code === "MANIFEST_INVALID_JSON");
  assert.match(await page.textContent("#manifest-diagnostics li"), /^\d+:\d+ MANIFEST_INVALID_JSON/);
  assert.equal(page.lastError, undefined);
});
