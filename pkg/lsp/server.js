// The language server: pullspec's manifest checks in any editor that speaks the Language Server
// Protocol. Transport-agnostic: `lsp/node.js` runs it over stdio (`pullspec lsp`), `lsp/worker.js`
// in a Web Worker over postMessage. What it offers:
//   - diagnostics of Kubernetes manifests (YAML or JSON whose text has `apiVersion:`/`kind:`),
//     published after a short pause in typing and never for a version that has changed since;
//   - hover on an image: its parts, normalized form, effective pull policy and why;
//   - code actions for the certain fixes (trim whitespace, the intended pull policy, pin to digest);
//   - online checks when the client turns on `pullspec.online` (and the runtime can do them),
//     cancelled when the text changes, one message per registry that cannot be reached.
// Settings (initializationOptions.pullspec or workspace/didChangeConfiguration { pullspec }):
//   { rules?: { CODE: level }, allowRegistries?: string[], online?: boolean,
//     clusterPlatforms?: string[], debounceMs?: number }
import { TextDocuments, TextDocumentSyncKind, CodeActionKind, MarkupKind } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";

const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 };
const DEFAULT_DEBOUNCE_MS = 150;

/** Kubernetes objects rather than any YAML or JSON: a top-level `apiVersion`/`kind` somewhere. */
export function looksLikeKubernetes(text) {
  return /^\s*(-\s+)?(apiVersion|kind)\s*:/m.test(text) || /"(apiVersion|kind)"\s*:/.test(text);
}

/** Whether two ranges overlap (touching counts, as editors ask for actions at a cursor). */
function overlaps(a, b) {
  const before = (p, q) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function contains(range, p) {
  const le = (a, b) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(range.start, p) && le(p, range.end);
}

/** A pullspec diagnostic as an LSP one; the fixes travel in `data`. */
function toLsp(d) {
  return {
    range: d.range,
    severity: SEVERITY[d.severity] ?? 4,
    code: d.code,
    source: "pullspec",
    message: d.message,
    data: d.fixes ? { fixes: d.fixes } : undefined,
  };
}

/** Markdown for a hover on an image. */
function hoverText(use, api) {
  const lines = [`**${use.image}**`];
  const r = api.tryParseReference(use.image);
  if (r instanceof api.PullspecError) {
    lines.push("", `Not a valid image reference: ${r.message} (\`${r.code}\`)`);
  } else {
    lines.push("", `\`${r.normalized}\``, "", "| | |", "| --- | --- |", `| registry | \`${r.registry}\` |`, `| repository | \`${r.repository}\` |`);
    lines.push(`| tag | ${r.tag ? `\`${r.tag}\`` : "none (means `latest`)" } |`, `| digest | ${r.digest ? `\`${r.digest}\`` : "none" } |`);
  }
  lines.push("", `**Pull policy:** ${use.pullPolicy ?? "invalid"}: ${use.pullPolicyReason}`);
  if (use.container) lines.push("", `${use.kind}/${use.name}, container \`${use.container}\` (\`${use.field}\`)`);
  return lines.join("\n");
}

/**
 * Starts the server on `connection` (a vscode-languageserver connection, not yet listening).
 * `api` is the pullspec entry the runtime loaded (`validateManifests`, `listImages`,
 * `tryParseReference`, `PullspecError`; with `checkManifests` and `makeClient()` online checks
 * become possible). Returns `{ documents }`.
 */
export function startServer(connection, api, { makeClient = null } = {}) {
  const documents = new TextDocuments(TextDocument);
  let settings = {};
  /** Per document: the latest results, the pending timer, the running online check. */
  const state = new Map();
  const warnedRegistries = new Set();
  const entry = (uri) => {
    if (!state.has(uri)) state.set(uri, { version: -1, diagnostics: [], uses: null, timer: null, online: null });
    return state.get(uri);
  };

  const options = () => ({ rules: settings.rules, allowRegistries: settings.allowRegistries });

  function publish(doc, found) {
    const e = entry(doc.uri);
    e.version = doc.version;
    e.diagnostics = found;
    connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: found.map(toLsp) });
  }

  async function checkOnline(doc, e) {
    e.online?.abort();
    if (!settings.online || !makeClient || !api.checkManifests) return;
    const controller = new AbortController();
    e.online = controller;
    const version = doc.version;
    try {
      const found = await api.checkManifests(doc.getText(), {
        ...options(),
        client: await makeClient(settings),
        clusterPlatforms: settings.clusterPlatforms ?? [],
        signal: controller.signal,
      });
      const current = documents.get(doc.uri);
      if (controller.signal.aborted || !current || current.version !== version) return;
      publish(current, found);
      for (const d of found.filter((x) => x.code === "REGISTRY_UNREACHABLE")) {
        const registry = /registry (\S+) could not be reached/.exec(d.message)?.[1];
        if (registry && !warnedRegistries.has(registry)) {
          warnedRegistries.add(registry);
          connection.window.showWarningMessage(`pullspec: ${d.message}`);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) connection.console.error(`pullspec online check failed: ${error?.message ?? error}`);
    } finally {
      if (e.online === controller) e.online = null;
    }
  }

  function validateNow(uri) {
    const doc = documents.get(uri);
    if (!doc) return;
    const e = entry(uri);
    e.timer = null;
    const text = doc.getText();
    if (!looksLikeKubernetes(text)) {
      e.uses = [];
      publish(doc, []);
      return;
    }
    let found;
    try {
      found = api.validateManifests(text, options());
    } catch (error) {
      // Only bad settings throw (an unknown rule code): say so once, check with the defaults.
      connection.window.showErrorMessage(`pullspec: ${error.message}`);
      settings = { ...settings, rules: undefined, allowRegistries: undefined };
      found = api.validateManifests(text);
    }
    e.uses = null; // listed again on the next hover
    publish(doc, found);
    void checkOnline(doc, e);
  }

  function schedule(uri) {
    const e = entry(uri);
    clearTimeout(e.timer);
    e.online?.abort();
    const ms = Number.isInteger(settings.debounceMs) && settings.debounceMs >= 0 ? settings.debounceMs : DEFAULT_DEBOUNCE_MS;
    e.timer = setTimeout(() => validateNow(uri), ms);
  }

  connection.onInitialize((params) => {
    settings = params.initializationOptions?.pullspec ?? {};
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: "pullspec" },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    settings = change.settings?.pullspec ?? settings;
    for (const doc of documents.all()) schedule(doc.uri);
  });

  documents.onDidOpen((e) => validateNow(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const s = state.get(e.document.uri);
    if (s) {
      clearTimeout(s.timer);
      s.online?.abort();
    }
    state.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const e = entry(doc.uri);
    const text = doc.getText();
    if (!looksLikeKubernetes(text)) return null;
    if (!e.uses || e.usesVersion !== doc.version) {
      e.uses = api.listImages(text);
      e.usesVersion = doc.version;
    }
    const use = e.uses.find((u) => contains(u.range, params.position));
    if (!use) return null;
    return { contents: { kind: MarkupKind.Markdown, value: hoverText(use, api) }, range: use.range };
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const e = entry(doc.uri);
    if (e.version !== doc.version) validateNow(doc.uri); // a request can overtake the debounce
    const actions = [];
    for (const d of entry(doc.uri).diagnostics) {
      if (!d.fixes || !overlaps(d.range, params.range)) continue;
      for (const fix of d.fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [toLsp(d)],
          isPreferred: d.fixes.length === 1,
          edit: { changes: { [doc.uri]: fix.edits.map((x) => ({ range: x.range, newText: x.newText })) } },
        });
      }
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
  return { documents };
}
