// The page: every section reads its inputs, asks pullspec, and renders. No data leaves the page.
import {
  parseReference, defaultPullPolicy, PullspecError, validateManifest, parseManifest, selectManifest, formatPlatform,
  validateManifests, listImages,
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

/** Kubernetes objects (YAML or JSON) rather than a list of images: a line `apiVersion:`/`kind:`. */
const looksLikeManifest = (text) => /^\s*(-\s+)?(apiVersion|kind)\s*:/m.test(text) || /"(apiVersion|kind)"\s*:/.test(text);

/** One table row per image reference: where, its parts, and its pull policy. */
function referenceRow(where, r, policy, reason) {
  return el("tr", {},
    el("td", { textContent: where }),
    el("td", { textContent: r.registry }),
    el("td", { textContent: r.repository }),
    el("td", { textContent: r.tag ?? "—" }),
    el("td", { textContent: r.digest ? r.digest.slice(0, 19) + "…" : "—", title: r.digest ?? "" }),
    el("td", { textContent: r.familiar }),
    el("td", { className: "reason", textContent: `${policy}: ${reason}` }));
}

/** A pasted manifest: every image at its line and column, the checks' diagnostics (notes hidden). */
function renderManifestText(text, diagnostics, rows) {
  const found = validateManifests(text).filter((d) => d.severity !== "hint");
  for (const d of found) {
    const at = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
    diagnostics.append(el("li", { className: d.severity, dataset: { line: String(d.range.start.line + 1), code: d.code } },
      `${at} ${d.severity} `, el("span", { className: "code", textContent: d.code }), ` ${d.message}`));
  }
  const images = listImages(text);
  for (const u of images) {
    const where = `${u.range.start.line + 1}:${u.range.start.character + 1}`;
    let r = null;
    try { r = parseReference(u.image); } catch (e) { if (!(e instanceof PullspecError)) throw e; }
    rows.append(r ? referenceRow(where, r, u.pullPolicy ?? "invalid", u.pullPolicyReason)
      : el("tr", {}, el("td", { textContent: where }), el("td", { colSpan: 6, textContent: `${u.image} (invalid)` })));
  }
  if (!found.some((d) => d.severity === "error" || d.severity === "warning")) {
    diagnostics.append(el("li", { className: "ok", textContent: `manifest: ${images.length} image${images.length === 1 ? "" : "s"}, no problems` }));
  }
}

function renderReferences() {
  const text = $("#ref-input").value;
  if (looksLikeManifest(text)) {
    $("#ref-diagnostics").replaceChildren();
    $("#ref-table tbody").replaceChildren();
    renderManifestText(text, $("#ref-diagnostics"), $("#ref-table tbody"));
    return;
  }
  const lines = text.split("\n");
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
      rows.append(referenceRow(String(i + 1), r, p.policy, p.reason));
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
$("#ref-example").addEventListener("click", async () => {
  const text = await fetch(new URL("../../pkg/examples/manifests/bad-images.yaml", import.meta.url)).then((r) => r.text());
  $("#ref-input").value = text;
  renderReferences();
});

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

const exampleIndex = await fetch(new URL("../../pkg/examples/oci-index.json", import.meta.url)).then((r) => r.text());
$("#manifest-input").value = exampleIndex;
for (const id of ["#manifest-input", "#platform-input", "#mode-input"]) {
  $(id).addEventListener(id === "#mode-input" ? "change" : "input", () => requestAnimationFrame(renderManifest));
}
renderManifest();
$("#status").textContent = "ready";
document.documentElement.dataset.ready = "true";
