// The language server in a Web Worker (`pullspec/lsp-worker`): the same server as `pullspec lsp`,
// speaking LSP over postMessage, on `pullspec/core` (offline checks; no process, no registry).
// In a page: new Worker(new URL("pullspec/lsp-worker", import.meta.url), { type: "module" }) (with
// Vite: import LspWorker from "pullspec/lsp-worker?worker"), then connect an LSP client
// (monaco-languageclient, a CodeMirror LSP client) to the worker.
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from "vscode-languageserver/browser";
import { startServer } from "./server.js";

// A client posts `initialize` as soon as it has the worker, while this module still waits for the
// WebAssembly module: messages that arrive before the server listens are kept and replayed, or a
// dedicated worker would drop them.
const early = [];
const hold = (e) => early.push(e.data);
self.addEventListener("message", hold);
const api = await import("../core-browser.js");
const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
startServer(connection, api);
self.removeEventListener("message", hold);
for (const data of early) self.dispatchEvent(new MessageEvent("message", { data }));
