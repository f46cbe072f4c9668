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
  await page.goto(`${server.url}/www/classic/`);
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
  // The old text had such an error too (line 7): wait for the one of the new text, at 1:9.
  await page.waitForFunction(() => /^1:9 NAME_CONTAINS_UPPERCASE/.test(document.querySelector("#ref-diagnostics li")?.textContent ?? ""));
  const text = await page.textContent("#ref-diagnostics li");
  assert.match(text, /^1:9 NAME_CONTAINS_UPPERCASE/);
  assert.equal(await page.$$eval("#ref-table tbody tr", (t) => t.length), 1);
  await page.fill("#ref-input", "ghcr.io/owner/tool:2.0");
  await page.waitForFunction(() => document.querySelector("#ref-diagnostics li.ok"));
  assert.equal(page.lastError, undefined);
});

test("the manifest editor validates with positions and selects a platform", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/www/classic/`);
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

test("validateManifests in the browser gives exactly the bundled examples' expected diagnostics", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/tests/browser/smoke.html`);
  const results = await page.evaluate(async () => {
    const m = await import("/pkg/browser.js");
    const expected = await fetch("/pkg/examples/manifests/expected.json").then((r) => r.json());
    const out = {};
    for (const file of Object.keys(expected)) {
      const text = await fetch(`/pkg/examples/manifests/${file}`).then((r) => r.text());
      out[file] = m.validateManifests(text).map((d) => {
        const r = d.range;
        const o = { code: d.code, document: d.document, path: d.path, range: [r.start.line, r.start.character, r.end.line, r.end.character], severity: d.severity };
        if (d.fixes) o.fixes = d.fixes.flatMap((f) => f.edits.map((e) => e.newText));
        return o;
      });
    }
    return { out, expected };
  });
  assert.deepEqual(results.out, results.expected);
  assert.equal(page.lastError, undefined);
});

test("the reference box accepts a pasted manifest: images at their line and column, checked", async () => {
  const page = await browser.page();
  await page.goto(`${server.url}/www/classic/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 10000 });
  await page.click("#ref-example");
  await page.waitForFunction(() => document.querySelector("#ref-diagnostics li")?.dataset.code === "IMAGE_INVALID");
  const items = await page.$$eval("#ref-diagnostics li", (lis) => lis.map((li) => li.textContent));
  assert.match(items[0], /^9:12 error IMAGE_INVALID container "uppercase"/);
  assert.ok(items.some((t) => /^19:22 error PULL_POLICY_INVALID/.test(t)), items.join("\n"));
  // Eight containers with an image written: every one is a row, at its line:col.
  const rows = await page.$$eval("#ref-table tbody tr", (trs) => trs.map((tr) => tr.children[0].textContent));
  assert.deepEqual(rows, ["9:12", "11:12", "13:12", "15:12", "18:12", "21:12", "23:12"]);
  // A Deployment that is fine: no meaningless errors, one row per image.
  await page.fill("#ref-input", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25.3\n");
  await page.waitForFunction(() => document.querySelector("#ref-diagnostics li.ok"));
  assert.match(await page.textContent("#ref-diagnostics li.ok"), /1 image, no problems/);
  assert.equal(page.lastError, undefined);
});
