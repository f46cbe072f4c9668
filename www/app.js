// The page: every section reads its inputs, asks pullspec, and renders. No data leaves the page.
import {
  parseReference, defaultPullPolicy, PullspecError, validateManifest, parseManifest, selectManifest, formatPlatform,
} from "pullspec";

const $ = (sel) => document.querySelector(sel);
const el = (tag, { dataset = {}, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

/** Runs `fn` at most once per animation frame while the user types. */
function live(input, fn) {
  let pending = false;
  const run = () => { pending = false; fn(); };
  input.addEventListener("input", () => { if (!pending) { pending = true; requestAnimationFrame(run); } });
  fn();
}

// --- Image references ---------------------------------------------------------------------
function renderReferences() {
  const lines = $("#ref-input").value.split("\n");
  const diagnostics = $("#ref-diagnostics");
  const rows = $("#ref-table tbody");
  diagnostics.replaceChildren();
  rows.replaceChildren();
  let valid = 0;
  lines.forEach((raw, i) => {
    const input = raw.trim();
    if (input === "") return;
    const column = raw.indexOf(input) + 1;
    try {
      const r = parseReference(input);
      const p = defaultPullPolicy(input);
      valid++;
      rows.append(el("tr", {},
        el("td", { textContent: String(i + 1) }),
        el("td", { textContent: r.registry }),
        el("td", { textContent: r.repository }),
        el("td", { textContent: r.tag ?? "—" }),
        el("td", { textContent: r.digest ? r.digest.slice(0, 19) + "…" : "—", title: r.digest ?? "" }),
        el("td", { textContent: r.familiar }),
        el("td", { className: "reason", textContent: `${p.policy}: ${p.reason}` })));
    } catch (e) {
      if (!(e instanceof PullspecError)) throw e;
      const col = column + (e.offset ?? 0);
      diagnostics.append(el("li", { dataset: { line: String(i + 1), code: e.code } },
        `${i + 1}:${col} `, el("span", { className: "code", textContent: e.code }), ` ${e.message}\n${raw}\n${" ".repeat(col - 1)}^`));
    }
  });
  if (diagnostics.childElementCount === 0) {
    diagnostics.append(el("li", { className: "ok", textContent: `${valid} valid reference${valid === 1 ? "" : "s"}` }));
  }
}

live($("#ref-input"), renderReferences);

// --- Manifests and selection ----------------------------------------------------------------
function renderManifest() {
  const text = $("#manifest-input").value;
  const list = $("#manifest-diagnostics");
  const out = $("#selection");
  list.replaceChildren();
  out.textContent = "";
  const diagnostics = validateManifest(text);
  for (const d of diagnostics) {
    const where = d.line ? `${d.line}:${d.column} ` : "";
    list.append(el("li", { dataset: { code: d.code, line: String(d.line ?? "") } },
      where, el("span", { className: "code", textContent: d.code }), ` ${d.message}`));
  }
  if (diagnostics.some((d) => d.severity === "error")) return;
  const manifest = parseManifest(text);
  list.append(el("li", { className: "ok", textContent: `valid ${manifest.kind === "index" ? "index" : "image manifest"} (${manifest.mediaType ?? "no mediaType"})` }));
  if (manifest.kind !== "index") return;
  try {
    const wanted = $("#platform-input").value.trim();
    const choice = selectManifest(text, wanted, { mode: $("#mode-input").value, throwIfNone: true });
    out.textContent = `${choice.reason}\n\nentry ${choice.index}: ${choice.descriptor.digest}\n` +
      `platform: ${choice.platform ? formatPlatform(choice.platform, { all: true }) : "none"}`;
    out.dataset.chosen = String(choice.index);
  } catch (e) {
    if (!(e instanceof PullspecError)) throw e;
    out.textContent = `${e.code}: ${e.message}`;
    out.dataset.chosen = "";
  }
}

const exampleIndex = await fetch(new URL("../pkg/examples/oci-index.json", import.meta.url)).then((r) => r.text());
$("#manifest-input").value = exampleIndex;
for (const id of ["#manifest-input", "#platform-input", "#mode-input"]) {
  $(id).addEventListener(id === "#mode-input" ? "change" : "input", () => requestAnimationFrame(renderManifest));
}
renderManifest();
$("#status").textContent = "ready";
document.documentElement.dataset.ready = "true";
