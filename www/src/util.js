// Small DOM helpers shared by the pages.
export const $ = (sel, root = document) => root.querySelector(sel);

/** el("td", { className: "x", title: "..." }, child, "text", ...) */
export function el(tag, props = {}, ...children) {
  const { dataset = {}, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  Object.assign(node.dataset, dataset);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** 1234567 -> "1.2 MB" (decimal units, as registries and docker show sizes). */
export function formatBytes(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return "—";
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let i = -1;
  do { v /= 1000; i++; } while (v >= 1000 && i < units.length - 1);
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** A digest shortened for display (`sha256:0123456789ab…`); the full text is the title. */
export function digestEl(digest, tag = "code") {
  if (!digest) return el("span", { className: "muted", textContent: "—" });
  const [alg, hex = ""] = digest.split(":");
  return el(tag, { className: "digest", title: digest, textContent: `${alg}:${hex.slice(0, 12)}…`, dataset: { full: digest } });
}

/** A button that copies `text` and says so. */
export function copyButton(text, label = "Copy") {
  const b = el("button", { type: "button", className: "copy", textContent: label, title: `Copy ${text}` });
  b.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = "Copied";
    } catch {
      // No clipboard permission (http, iframe): select the text instead so Ctrl+C works.
      const range = document.createRange();
      const target = b.previousElementSibling ?? b;
      range.selectNodeContents(target);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      b.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => { b.textContent = label; }, 1500);
  });
  return b;
}
