// The page: every section reads its inputs, asks pullspec, and renders. No data leaves the page.
import { parseReference, defaultPullPolicy, PullspecError } from "pullspec";

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
$("#status").textContent = "ready";
document.documentElement.dataset.ready = "true";
