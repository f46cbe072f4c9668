// The language server's Web Worker entry (`pullspec/lsp-worker`) in headless Chromium: a Vite
// build of a page that starts the worker and talks LSP to it over postMessage with
// vscode-languageserver-protocol's browser client, as Monaco or CodeMirror LSP clients do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./static-server.mjs";
import { launch } from "./chromium.mjs";
import { buildViteApp } from "./vite-app.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");

test("the worker server publishes diagnostics, answers hovers and code actions in Chromium", async () => {
  const text = readFileSync(join(root, "pkg/examples/manifests/bad-images.yaml"), "utf8");
  const expected = JSON.parse(readFileSync(join(root, "pkg/examples/manifests/expected.json"), "utf8"))["bad-images.yaml"];
  const app = await buildViteApp(`
    import LspWorker from "pullspec/lsp-worker?worker";
    import * as P from "vscode-languageserver-protocol/browser";
    const worker = new LspWorker();
    const conn = P.createProtocolConnection(new P.BrowserMessageReader(worker), new P.BrowserMessageWriter(worker));
    const uri = "inmemory://model/bad-images.yaml";
    const published = new Promise((resolve) => conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => { if (p.uri === uri) resolve(p); }));
    conn.listen();
    const init = await conn.sendRequest(P.InitializeRequest.type, { processId: null, rootUri: null, capabilities: {} });
    conn.sendNotification(P.InitializedNotification.type, {});
    conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version: 1, text: ${JSON.stringify(text)} } });
    const p = await published;
    const hover = await conn.sendRequest(P.HoverRequest.type, { textDocument: { uri }, position: { line: 10, character: 15 } });
    const ws = p.diagnostics.find((d) => d.code === "IMAGE_WHITESPACE");
    const actions = await conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri }, range: ws.range, context: { diagnostics: [ws] } });
    document.querySelector("#out").textContent = JSON.stringify({
      sync: init.capabilities.textDocumentSync,
      diagnostics: p.diagnostics.map((d) => ({ code: d.code, range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character] })),
      hover: hover.contents.value,
      fix: actions.map((a) => a.edit.changes[uri][0].newText),
    });`, { link: ["vscode-languageserver-protocol", "vscode-jsonrpc", "vscode-languageserver-types"] });
  const server = await serveStatic(app.dist);
  const browser = await launch();
  try {
    const page = await browser.page();
    await page.goto(server.url + "/");
    await page.waitForFunction(() => document.querySelector("#out").textContent !== "", null, { timeout: 15000 });
    assert.equal(page.lastError, undefined);
    const out = JSON.parse(await page.textContent("#out"));
    assert.equal(out.sync, 2);
    assert.deepEqual(out.diagnostics, expected.map((d) => ({ code: d.code, range: d.range })));
    assert.match(out.hover, /\| registry \| `localhost:5000` \|/);
    assert.deepEqual(out.fix, ['"busybox:1.36"']);
    // The worker runs on the core module: the page shipped that one, not the full one.
    assert.ok(app.assets.some((f) => /pullspec_core_bg.*\.wasm$/.test(f)), app.assets.join(", "));
    assert.ok(!app.assets.some((f) => /pullspec_bg.*\.wasm$/.test(f)), app.assets.join(", "));
  } finally {
    await browser.close();
    await server.close();
    app.remove();
  }
});
