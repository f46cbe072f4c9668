// `pullspec lsp`: the real server as a child process, driven over stdio by an LSP client
// (vscode-languageserver-protocol), the way editors run it: diagnostics at the exact ranges of the
// bundled examples, incremental edits, hover, a quick fix applied, settings, a client that dies.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { root, CLI } from "./helpers.mjs";
import { applyEdits } from "../../pkg/node.js";

const require = createRequire(join(root, "pkg/package.json"));
const P = require("vscode-languageserver-protocol/node");

const examples = join(root, "pkg/examples/manifests");
const expected = JSON.parse(readFileSync(join(examples, "expected.json"), "utf8"));
const uriOf = (name) => `file:///work/${name}`;

/** Starts `pullspec lsp --stdio` and an LSP client connected to it. */
async function startServer(initializationOptions = {}) {
  const child = spawn(process.execPath, [CLI, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const conn = P.createProtocolConnection(new P.StreamMessageReader(child.stdout), new P.StreamMessageWriter(child.stdin));
  const published = new Map();
  const waiters = [];
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    published.set(p.uri, p);
    for (const w of [...waiters]) if (w.match(p)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(p); }
  });
  conn.onNotification("window/showMessage", () => {});
  conn.onRequest("window/showMessageRequest", () => null);
  conn.listen();
  const init = await conn.sendRequest(P.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
  conn.sendNotification(P.InitializedNotification.type, {});
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child, conn, init, exited, stderr: () => stderr,
    /** The next diagnostics for `uri` (at `version` when given). */
    diagnostics(uri, version) {
      const have = published.get(uri);
      if (have && (version === undefined || have.version === version)) return Promise.resolve(have);
      return new Promise((resolve) => waiters.push({ match: (p) => p.uri === uri && (version === undefined || p.version === version), resolve }));
    },
    open(name, text, version = 1) {
      published.delete(uriOf(name));
      conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(name), languageId: name.endsWith(".json") ? "json" : "yaml", version, text } });
    },
    async stop() {
      await conn.sendRequest(P.ShutdownRequest.type);
      conn.sendNotification(P.ExitNotification.type);
      return exited;
    },
  };
}

/** An LSP diagnostic in the shape of expected.json. */
const SEVERITY = ["", "error", "warning", "information", "hint"];
function shape(d) {
  const r = d.range;
  const out = { code: d.code, document: undefined, path: undefined, range: [r.start.line, r.start.character, r.end.line, r.end.character], severity: SEVERITY[d.severity] };
  return out;
}

describe("pullspec lsp over stdio", () => {
  let s;
  before(async () => {
    s = await startServer({ pullspec: { debounceMs: 20 } });
  });
  after(async () => {
    if (s && s.child.exitCode === null) await s.stop();
  });

  test("initialize announces incremental sync, hovers and quick fixes", () => {
    const c = s.init.capabilities;
    assert.equal(c.textDocumentSync, 2);
    assert.equal(c.hoverProvider, true);
    assert.deepEqual(c.codeActionProvider.codeActionKinds, ["quickfix"]);
    assert.equal(s.init.serverInfo.name, "pullspec");
  });

  test("opening each bundled example publishes its expected diagnostics at the exact ranges", async () => {
    for (const [file, want] of Object.entries(expected)) {
      s.open(file, readFileSync(join(examples, file), "utf8"));
      const got = await s.diagnostics(uriOf(file), 1);
      assert.deepEqual(
        got.diagnostics.map((d) => ({ code: d.code, range: shape(d).range, severity: shape(d).severity })),
        want.map((d) => ({ code: d.code, range: d.range, severity: d.severity })),
        file,
      );
      assert.ok(got.diagnostics.every((d) => d.source === "pullspec"));
    }
  });

  test("an incremental edit updates the diagnostics, for the new version only", async () => {
    const uri = uriOf("bad-images.yaml");
    // Line 9 (zero-based 8) is `    image: Nginx:1.0`: fix the uppercase N in place.
    s.conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 8, character: 11 }, end: { line: 8, character: 12 } }, text: "n" }],
    });
    const got = await s.diagnostics(uri, 2);
    const invalid = got.diagnostics.filter((d) => d.code === "IMAGE_INVALID").map((d) => d.range.start.line);
    assert.deepEqual(invalid, [20]); // only the escaped one is left
  });

  test("hover on an image: its parts, normalized form and pull policy", async () => {
    const h = await s.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: uriOf("bad-images.yaml") }, position: { line: 10, character: 15 } });
    assert.equal(h.contents.kind, "markdown");
    assert.match(h.contents.value, /\*\*localhost:5000\/app\*\*/);
    assert.match(h.contents.value, /\| registry \| `localhost:5000` \|/);
    assert.match(h.contents.value, /none \(means `latest`\)/);
    assert.match(h.contents.value, /\*\*Pull policy:\*\* Always: defaults to Always/);
    assert.deepEqual(h.range, { start: { line: 10, character: 11 }, end: { line: 10, character: 29 } });
    const none = await s.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: uriOf("bad-images.yaml") }, position: { line: 0, character: 3 } });
    assert.equal(none, null);
  });

  test("a quick fix, applied as the client would, makes its diagnostic go away", async () => {
    const uri = uriOf("bad-images.yaml");
    const text = readFileSync(join(examples, "bad-images.yaml"), "utf8").replace("image: Nginx:1.0", "image: nginx:1.0");
    const current = await s.diagnostics(uri, 2);
    const ws = current.diagnostics.find((d) => d.code === "IMAGE_WHITESPACE");
    const actions = await s.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri }, range: ws.range, context: { diagnostics: [ws] } });
    const fix = actions.find((a) => a.title === "Remove the surrounding whitespace");
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.kind, "quickfix");
    const fixed = applyEdits(text, fix.edit.changes[uri]);
    assert.match(fixed.split("\n")[14], /^ {4}image: "busybox:1\.36"$/);
    s.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: fixed }] });
    const after = await s.diagnostics(uri, 3);
    assert.equal(after.diagnostics.filter((d) => d.code === "IMAGE_WHITESPACE").length, 0);
  });

  test("settings: rules from the client change what is reported", async () => {
    s.conn.sendNotification(P.DidChangeConfigurationNotification.type, { settings: { pullspec: { debounceMs: 20, rules: { IMAGE_LATEST_TAG: "off", IMAGE_NOT_PINNED: "warning" } } } });
    const uri = uriOf("ignored.yaml");
    const got = await new Promise((resolve) => {
      const poll = async () => {
        const p = await s.diagnostics(uri);
        if (p.diagnostics.some((d) => d.code === "IMAGE_NOT_PINNED")) resolve(p);
        else setTimeout(poll, 20);
      };
      poll();
    });
    assert.equal(got.diagnostics.filter((d) => d.code === "IMAGE_LATEST_TAG").length, 0);
  });

  test("text that is not a Kubernetes manifest gets no diagnostics", async () => {
    s.open("values.yaml", "replicaCount: 2\nimage:\n  repository: Nginx\n");
    const got = await s.diagnostics(uriOf("values.yaml"), 1);
    assert.deepEqual(got.diagnostics, []);
  });

  test("a 10,000-line document: time from open to diagnostics (printed; compare validateManifests)", async () => {
    const pod = readFileSync(join(examples, "good-deployment.yaml"), "utf8");
    const big = Array.from({ length: Math.ceil(10000 / pod.split("\n").length) }, () => pod).join("---\n");
    const t0 = performance.now();
    s.open("big.yaml", big);
    const got = await s.diagnostics(uriOf("big.yaml"), 1);
    const ms = performance.now() - t0;
    const { validateManifests } = await import("../../pkg/node.js");
    const t1 = performance.now();
    // The server runs with the rules the previous test set.
    const direct = validateManifests(big, { rules: { IMAGE_LATEST_TAG: "off", IMAGE_NOT_PINNED: "warning" } });
    const direct_ms = performance.now() - t1;
    assert.equal(got.diagnostics.length, direct.length);
    console.log(`# lsp: ${big.split("\n").length} lines -> ${got.diagnostics.length} diagnostics in ${ms.toFixed(0)} ms (validateManifests alone: ${direct_ms.toFixed(0)} ms)`);
  });
});

test("a client that dies mid-request: the server exits at once, cleanly (code 1, as LSP prescribes without shutdown)", async () => {
  const s = await startServer();
  s.open("pod.json", readFileSync(join(examples, "pod.json"), "utf8"));
  await s.diagnostics(uriOf("pod.json"), 1);
  // A request in flight, then the client's end of the pipe closes.
  void s.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: uriOf("pod.json") }, position: { line: 6, character: 40 } }).catch(() => {});
  s.child.stdin.end();
  const { code, signal } = await s.exited;
  // LSP: a server that exits without a prior shutdown request exits with code 1. No crash, no stack.
  assert.equal(signal, null);
  assert.equal(code, 1, s.stderr());
  assert.doesNotMatch(s.stderr(), /Error|\n\s+at /);
});
