// The manifest editor: CodeMirror 6 on YAML, pullspec's checks as lint marks, computed in a
// worker (check-worker.js) so typing never waits for them; hovers on images; fixes as actions.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, hoverTooltip,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, HighlightStyle, indentOnInput, bracketMatching } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
import { linter, lintGutter, lintKeymap, forEachDiagnostic, setDiagnostics } from "@codemirror/lint";
import { yaml } from "@codemirror/lang-yaml";
import { EXAMPLES } from "./examples.js";
import { $, el, digestEl } from "./util.js";

const worker = new Worker(new URL("./check-worker.js", import.meta.url), { type: "module" });
let version = 0;
const waiting = new Map(); // version -> resolve
let latest = { images: [], diagnostics: [] }; // the newest checked text's results (hovers, side panel)

worker.addEventListener("message", (e) => {
  const r = e.data;
  const resolve = waiting.get(r.version);
  waiting.delete(r.version);
  resolve?.(r);
});
worker.addEventListener("error", (e) => showStatus(`The checker failed to start: ${e.message ?? "worker error"}`, "error"));

function check(text) {
  const v = ++version;
  return new Promise((resolve) => {
    waiting.set(v, resolve);
    worker.postMessage({ version: v, text });
  });
}

/** LSP position (0-based line, UTF-16 character) -> document offset, clamped to the line. */
function offsetOf(doc, pos) {
  const lineNo = Math.min(Math.max(pos.line + 1, 1), doc.lines);
  const line = doc.line(lineNo);
  return Math.min(line.from + pos.character, line.to);
}

const SEVERITY = { error: "error", warning: "warning", information: "info", hint: "hint" };

function toCodeMirror(doc, d) {
  const from = offsetOf(doc, d.range.start);
  const to = Math.max(from, offsetOf(doc, d.range.end));
  return {
    from, to,
    severity: SEVERITY[d.severity] ?? "info",
    source: d.code,
    message: d.message,
    actions: (d.fixes ?? []).map((fix) => ({
      name: fix.title,
      apply(view) {
        // The fix's ranges are of the checked text, which is the current one (the linter drops stale results).
        const changes = fix.edits.map((edit) => ({ from: offsetOf(view.state.doc, edit.range.start), to: offsetOf(view.state.doc, edit.range.end), insert: edit.newText }));
        view.dispatch({ changes, userEvent: "input.fix" });
      },
    })),
  };
}

/** The last online check: { text, diagnostics } (offline + online checks of exactly that text). */
let online = null;
let full = null;
let onlineController = null;

async function onlineCheck(view) {
  const text = view.state.doc.toString();
  const platforms = $("#online-platforms").value.split(/[\s,]+/).filter(Boolean);
  const button = $("#online-go");
  const out = $("#online-status");
  onlineController?.abort();
  const controller = (onlineController = new AbortController());
  button.disabled = true;
  out.textContent = "Asking the registries…";
  try {
    const api = await (full ??= import("pullspec"));
    const client = new api.RegistryClient({ retry: { attempts: 2, maxDelayMs: 1000 }, timeoutMs: 20000 });
    const diagnostics = await api.checkManifests(text, { client, clusterPlatforms: platforms.length ? platforms : undefined, signal: controller.signal });
    if (controller.signal.aborted) return;
    const ONLINE = new Set(["IMAGE_NOT_FOUND", "PLATFORM_NOT_COVERED", "CREDENTIALS_MISSING", "REGISTRY_UNREACHABLE"]);
    const found = diagnostics.filter((d) => ONLINE.has(d.code));
    const pins = diagnostics.filter((d) => d.fixes?.some((f) => /digest/i.test(f.title))).length;
    online = { text, diagnostics };
    out.textContent = view.state.doc.toString() === text
      ? `Online: ${found.length} registry finding${found.length === 1 ? "" : "s"}, ${pins} image${pins === 1 ? "" : "s"} can be pinned to a digest (hover the mark).`
      : "The text changed during the check: run it again.";
    if (view.state.doc.toString() === text) {
      renderSide(view, { ...latest, diagnostics });
      view.dispatch(setDiagnostics(view.state, shownMarks(view.state.doc, diagnostics)));
    }
  } catch (e) {
    if (!controller.signal.aborted) out.textContent = `The online check failed: ${e.code ?? ""} ${e.message}`;
  } finally {
    if (onlineController === controller) button.disabled = false;
  }
}

// Hints are hovers, except those carrying a fix (the online "Pin to digest").
const shownMarks = (doc, diagnostics) => diagnostics.filter((d) => d.severity !== "hint" || d.fixes?.length).map((d) => toCodeMirror(doc, d));

const pullspecLint = linter(async (view) => {
  const doc = view.state.doc;
  showStatus("checking…", "busy");
  const r = await check(doc.toString());
  if (r.stale) return [];
  if (r.failure) { showStatus(`The checks failed: ${r.failure}`, "error"); return []; }
  latest = r;
  // Online results stand while the text is the one they were computed for.
  const onlineNow = online && online.text === doc.toString() ? online : null;
  if (online && !onlineNow) { online = null; $("#online-status").textContent = "Online results cleared: the text changed."; }
  const diagnostics = onlineNow ? onlineNow.diagnostics : r.diagnostics;
  renderSide(view, { ...r, diagnostics });
  return shownMarks(doc, diagnostics);
}, { delay: 150 });

/** Hover on an image: its parts, the effective pull policy and why. */
const imageHover = hoverTooltip((view, pos) => {
  const doc = view.state.doc;
  const use = latest.images.find((u) => offsetOf(doc, u.range.start) <= pos && pos <= offsetOf(doc, u.range.end));
  if (!use) return null;
  return {
    pos: offsetOf(doc, use.range.start),
    end: offsetOf(doc, use.range.end),
    above: true,
    create() {
      const dom = el("div", { className: "image-hover" });
      dom.append(el("strong", { textContent: use.image.trim() || "(empty)" }));
      if (use.parts) {
        const p = use.parts;
        dom.append(el("dl", {},
          el("dt", { textContent: "registry" }), el("dd", { textContent: p.registry }),
          el("dt", { textContent: "repository" }), el("dd", { textContent: p.repository }),
          el("dt", { textContent: "tag" }), el("dd", { textContent: p.tag ?? (p.digest ? "— (digest)" : "— (latest implied)") }),
          el("dt", { textContent: "digest" }), el("dd", {}, digestEl(p.digest)),
          el("dt", { textContent: "normalized" }), el("dd", { textContent: p.normalized })));
      } else if (use.error) {
        dom.append(el("p", { className: "bad", textContent: `${use.error.code}: ${use.error.message}` }));
      }
      dom.append(el("p", { className: "policy-line" }, el("b", { textContent: "pull policy: " }), el("code", { textContent: use.pullPolicy ?? "invalid" }),
        el("br"), el("span", { className: "muted", textContent: use.pullPolicyReason })));
      return { dom };
    },
  };
}, { hoverTime: 250 });

// Colours from CSS variables, so light and dark both read well.
const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "var(--syn-key)" },
  { tag: [t.string, t.special(t.string), t.content], color: "var(--syn-string)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--syn-atom)" },
  { tag: [t.comment, t.lineComment, t.meta], color: "var(--syn-comment)", fontStyle: "italic" },
  { tag: [t.keyword, t.typeName, t.labelName, t.tagName], color: "var(--syn-keyword)" },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: "var(--muted)" },
]);

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "13px", color: "var(--fg)", backgroundColor: "var(--panel)" },
  ".cm-content": { caretColor: "var(--fg)", fontFamily: "var(--mono)" },
  ".cm-gutters": { backgroundColor: "var(--panel)", color: "var(--muted)", borderRight: "1px solid var(--line)" },
  ".cm-activeLine": { backgroundColor: "var(--active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--active-line)" },
  "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "-2px" },
  ".cm-tooltip": { backgroundColor: "var(--bg)", color: "var(--fg)", border: "1px solid var(--line)", borderRadius: "6px", maxWidth: "min(36rem, 90vw)" },
  ".cm-diagnostic": { whiteSpace: "pre-wrap" },
  ".cm-diagnosticAction": { backgroundColor: "var(--accent)", color: "var(--on-accent)", borderRadius: "4px" },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground": { backgroundColor: "var(--selection) !important" },
});

const status = $("#editor-status");
function showStatus(text, kind = "") {
  status.textContent = text;
  status.dataset.kind = kind;
}

/** The side panel: every problem (click to go there) and every image. */
function renderSide(view, r) {
  const shown = r.diagnostics.filter((d) => d.severity !== "hint");
  const counts = { error: 0, warning: 0, information: 0 };
  for (const d of shown) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
  const plural = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
  showStatus(shown.length === 0
    ? `no problems, ${plural(r.images.length, "image")} (checked in ${r.ms.toFixed(1)} ms)`
    : `${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${plural(r.images.length, "image")} (checked in ${r.ms.toFixed(1)} ms)`,
  counts.error ? "error" : counts.warning ? "warning" : "ok");
  const list = $("#problems");
  list.replaceChildren(...shown.map((d) => {
    const b = el("button", { type: "button", className: `problem ${d.severity}`, dataset: { code: d.code } },
      el("span", { className: "where", textContent: `${d.range.start.line + 1}:${d.range.start.character + 1}` }),
      el("span", { className: "sev", textContent: d.severity }),
      el("span", { className: "code", textContent: d.code }),
      el("span", { className: "msg", textContent: d.message }));
    b.addEventListener("click", () => {
      const pos = offsetOf(view.state.doc, d.range.start);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    });
    return el("li", {}, b);
  }));
  if (shown.length === 0) list.append(el("li", { className: "none", textContent: "No problems." }));
  $("#images tbody").replaceChildren(...r.images.map((u) => el("tr", {},
    el("td", { className: "mono", textContent: `${u.range.start.line + 1}:${u.range.start.character + 1}` }),
    el("td", { textContent: `${u.kind}/${u.name}` }),
    el("td", { className: "mono image-cell", title: u.image },
      el("span", { textContent: u.image }),
      u.parts ? el("button", { type: "button", className: "link", textContent: "inspect", title: `Inspect ${u.image} in the image inspector`,
        onclick: () => inspectImage(u.image.trim()) }) : null),
    el("td", { textContent: u.pullPolicy ?? "invalid", title: u.pullPolicyReason }))));
}

function inspectImage(image) {
  const input = $("#inspect-image");
  input.value = image;
  input.scrollIntoView({ behavior: "smooth", block: "center" });
  input.focus();
}

const view = new EditorView({
  parent: $("#editor"),
  state: EditorState.create({
    doc: EXAMPLES[1].text,
    extensions: [
      lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
      indentOnInput(), bracketMatching(), syntaxHighlighting(highlight),
      yaml(), lintGutter(), pullspecLint, imageHover, theme,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": "Kubernetes manifests (YAML)" }),
      keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap, indentWithTab]),
    ],
  }),
});

const buttons = $("#examples");
for (const ex of EXAMPLES) {
  buttons.append(el("button", {
    type: "button", textContent: ex.label, dataset: { example: ex.id },
    onclick: () => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: ex.text }, selection: { anchor: 0 } }),
  }));
}

$("#online-go").addEventListener("click", () => onlineCheck(view));

// For tests and the console: the view, and the lint marks CodeMirror holds.
window.pullspecEditor = {
  view,
  diagnostics() {
    const out = [];
    forEachDiagnostic(view.state, (d, from, to) => out.push({ from, to, severity: d.severity, code: d.source, message: d.message, actions: (d.actions ?? []).map((a) => a.name) }));
    return out;
  },
};
