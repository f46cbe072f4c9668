// <pullspec-image image="nginx:1.25" platform="linux/arm64" policy="IfNotPresent" online>
// A compact card for one container image; no framework, shadow DOM, themable with CSS custom
// properties. See www/README.md for the attributes, events and properties.
//
// Offline (no `online` attribute): the reference's parts, a pinned digest if the reference has
// one, and the effective pull policy: all computed in the page by pullspec/core.
// Online: also resolves through RegistryClient (the registry must send CORS headers): the index's
// platforms, the digest to pin, the chosen platform's size (config + layers, compressed).

const STYLE = `
:host { display: inline-block; box-sizing: border-box; font: var(--pullspec-font, 13px/1.4 system-ui, sans-serif); color: var(--pullspec-fg, #1b1f24);
  --_bg: var(--pullspec-bg, #fff); --_line: var(--pullspec-border, #d0d7de); --_muted: var(--pullspec-muted, #57606a);
  --_accent: var(--pullspec-accent, #0969da); --_error: var(--pullspec-error, #cf222e); --_warn: var(--pullspec-warning, #9a6700);
  max-width: 100%; }
.card { box-sizing: border-box; background: var(--_bg); border: 1px solid var(--_line); border-radius: var(--pullspec-radius, 8px); padding: .5rem .7rem; min-width: min(14rem, 100%); max-width: 34rem; }
.name { font-family: var(--pullspec-mono, ui-monospace, SFMono-Regular, Menlo, monospace); font-weight: 600; overflow-wrap: anywhere; }
.row { display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: baseline; margin-top: .3rem; }
.k { color: var(--_muted); font-size: .85em; }
code { font-family: var(--pullspec-mono, ui-monospace, SFMono-Regular, Menlo, monospace); font-size: .95em; }
.chip { display: inline-block; border: 1px solid var(--_line); border-radius: 999px; padding: 0 .45rem; font-size: .85em; }
.chip.chosen { border-color: var(--_accent); color: var(--_accent); font-weight: 600; }
.policy-Always { color: var(--_warn); }
.policy-IfNotPresent, .policy-Never { color: var(--_accent); }
.error { color: var(--_error); }
.muted { color: var(--_muted); }
.skeleton { display: inline-block; height: .8em; width: 10rem; border-radius: 4px; background: linear-gradient(90deg, var(--_line), transparent, var(--_line)); background-size: 200% 100%; animation: shimmer 1.2s linear infinite; }
@keyframes shimmer { to { background-position: -200% 0; } }
@media (prefers-reduced-motion: reduce) { .skeleton { animation: none; } }
`;

const modules = {};
/** pullspec/core offline, the full module online; each loaded once per page. */
function api(online) {
  if (online) return (modules.full ??= import("pullspec"));
  return modules.full ?? (modules.core ??= import("pullspec/core"));
}
let client = null;

const POLICIES = ["Always", "IfNotPresent", "Never"];
const platformString = (p) => (p ? [p.os, p.architecture, p.variant].filter(Boolean).join("/") : "?");
const isAttestation = (d) => d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" || (d.platform?.os === "unknown" && d.platform?.architecture === "unknown");
const short = (digest) => { const [a, h = ""] = digest.split(":"); return `${a}:${h.slice(0, 12)}…`; };
function formatBytes(n) {
  if (n < 1000) return `${n} B`;
  const u = ["kB", "MB", "GB", "TB"]; let v = n; let i = -1;
  do { v /= 1000; i++; } while (v >= 1000 && i < u.length - 1);
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${u[i]}`;
}
const h = (tag, props = {}, ...children) => {
  const n = Object.assign(document.createElement(tag), props);
  n.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return n;
};

export class PullspecImage extends HTMLElement {
  static observedAttributes = ["image", "platform", "policy", "online"];

  #root;
  #run = 0;
  #controller = null;
  #scheduled = false;
  /** The last result (`resolved` event detail), or null. */
  result = null;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.append(h("style", { textContent: STYLE }), h("div", { className: "card", part: "card" }));
  }

  connectedCallback() { this.#schedule(); }
  disconnectedCallback() { this.#controller?.abort(); }
  attributeChangedCallback() { if (this.isConnected) this.#schedule(); }

  get image() { return this.getAttribute("image") ?? ""; }
  set image(v) { this.setAttribute("image", v); }
  get platform() { return this.getAttribute("platform") || "linux/amd64"; }
  set platform(v) { this.setAttribute("platform", v); }

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => { this.#scheduled = false; this.#render(); });
  }

  get #card() { return this.#root.querySelector(".card"); }

  async #render() {
    const run = ++this.#run;
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    const image = this.image.trim();
    const online = this.hasAttribute("online");
    const platform = this.platform;
    const policyAttr = this.getAttribute("policy");
    this.setAttribute("aria-busy", "true");
    this.#card.replaceChildren(h("div", { className: "name", textContent: image || "(no image)" }),
      h("div", { className: "row" }, h("span", { className: "skeleton" })));
    try {
      if (!image) throw Object.assign(new Error("the image attribute is empty"), { code: "IMAGE_MISSING" });
      if (policyAttr !== null && !POLICIES.includes(policyAttr)) {
        throw Object.assign(new Error(`policy "${policyAttr}" is not Always, IfNotPresent or Never; the API server refuses it`), { code: "PULL_POLICY_INVALID" });
      }
      const m = await api(online);
      const ref = m.parseReference(image);
      const defaulted = m.defaultPullPolicy(image);
      const policy = policyAttr ? { policy: policyAttr, reason: `set to ${policyAttr} in the pod spec` } : defaulted;
      const detail = { image, normalized: ref.normalized, familiar: ref.familiar, policy: policy.policy, policyReason: policy.reason, digest: ref.digest, online, platform };
      if (online) {
        client ??= new m.RegistryClient({ retry: { attempts: 2, maxDelayMs: 1000 }, timeoutMs: 20000 });
        const r = await client.resolve(image, { platform, signal: controller.signal });
        Object.assign(detail, {
          digest: r.digest,
          manifestDigest: r.manifestDigest,
          platforms: r.index ? r.index.manifests.filter((d) => !isAttestation(d)).map((d) => platformString(d.platform)) : [platformString(r.platform)],
          chosen: platformString(r.platform),
          size: (r.manifest?.config?.size ?? 0) + r.layers.reduce((t, l) => t + (l.size ?? 0), 0),
        });
      }
      if (run !== this.#run) return;
      this.result = detail;
      this.#show(detail);
      this.dispatchEvent(new CustomEvent("resolved", { detail, bubbles: true, composed: true }));
    } catch (e) {
      if (run !== this.#run || controller.signal.aborted) return;
      const detail = { image, code: e.code ?? "ERROR", message: e.message ?? String(e) };
      this.result = null;
      this.#card.replaceChildren(h("div", { className: "name", textContent: image || "(no image)" }),
        h("div", { className: "row error", role: "alert" }, h("code", { textContent: detail.code }), h("span", { textContent: shortMessage(detail) })));
      this.#card.title = detail.message;
      this.dispatchEvent(new CustomEvent("error", { detail }));
    } finally {
      if (run === this.#run) this.removeAttribute("aria-busy");
    }
  }

  #show(d) {
    const card = this.#card;
    card.title = "";
    const rows = [];
    if (d.platforms) {
      rows.push(h("div", { className: "row" }, h("span", { className: "k", textContent: "platforms" }),
        d.platforms.map((p) => h("span", { className: `chip${p === d.chosen ? " chosen" : ""}`, textContent: p, title: p === d.chosen ? `chosen for ${d.platform}` : "" }))));
    }
    rows.push(h("div", { className: "row" },
      h("span", { className: "k", textContent: "digest" }),
      d.digest ? h("code", { textContent: short(d.digest), title: d.digest }) : h("span", { className: "muted", textContent: d.online ? "—" : "not pinned (offline)" }),
      d.size !== undefined ? [h("span", { className: "k", textContent: "size" }), h("span", { textContent: formatBytes(d.size), title: `${d.size} bytes compressed for ${d.chosen}` })] : null));
    rows.push(h("div", { className: "row" }, h("span", { className: "k", textContent: "pull" }),
      h("span", { className: `policy-${d.policy}`, textContent: d.policy, title: d.policyReason })));
    card.replaceChildren(h("div", { className: "name", textContent: d.familiar.split("@")[0], title: d.normalized }), ...rows);
  }
}

function shortMessage(d) {
  if (d.code === "CORS_LIKELY") return "registry sends no CORS headers";
  if (d.code === "NETWORK") return "registry unreachable";
  if (d.code === "UNAUTHORIZED") return "needs credentials";
  if (["NAME_UNKNOWN", "MANIFEST_UNKNOWN", "NOT_FOUND"].includes(d.code)) return "not found in the registry";
  return d.message.length > 90 ? d.message.slice(0, 88) + "…" : d.message;
}

if (!customElements.get("pullspec-image")) customElements.define("pullspec-image", PullspecImage);
