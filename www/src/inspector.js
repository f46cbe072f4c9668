// The image inspector: RegistryClient.resolve (the full `pullspec` entry, loaded on first use)
// against the registry the person names. Credentials live in this module's memory for one
// request: never stored, logged, or put in the URL.
import { $, el, formatBytes, digestEl, copyButton } from "./util.js";
import { describeRegistryError } from "./registry-errors.js";

let full = null; // the full module, loaded once on first use
const loadFull = () => (full ??= import("pullspec"));
let controller = null;

const form = $("#inspect-form");
const out = $("#inspect-result");

// ?image=...&platform=... fill the form (never credentials).
const params = new URLSearchParams(location.search);
if (params.get("image")) $("#inspect-image").value = params.get("image");
if (params.get("platform")) $("#inspect-platform").value = params.get("platform");

// Fetch the full module as soon as the person shows intent, not when they press Inspect.
form.addEventListener("focusin", () => loadFull().catch(() => {}), { once: true });

form.addEventListener("submit", (e) => {
  e.preventDefault();
  inspect();
});

const platformString = (p) => (p ? [p.os, p.architecture, p.variant].filter(Boolean).join("/") + (p.osVersion ? ` (${p.osVersion})` : "") : "—");
const isAttestation = (d) => d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" || (d.platform?.os === "unknown" && d.platform?.architecture === "unknown");

async function inspect() {
  const image = $("#inspect-image").value.trim();
  const platform = $("#inspect-platform").value.trim() || "linux/amd64";
  const username = $("#inspect-user").value;
  const password = $("#inspect-password").value;
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  out.dataset.state = "loading";
  out.replaceChildren(el("p", { className: "loading", role: "status" }, el("span", { className: "spinner", ariaHidden: "true" }), ` Resolving ${image} for ${platform}…`));
  $("#inspect-go").disabled = true;
  try {
    const api = await loadFull();
    const ref = api.parseReference(image);
    const keyring = new api.Keyring();
    if (username || password) {
      keyring.addDockerConfig(JSON.stringify({ auths: { [ref.registry]: { auth: btoa(`${username}:${password}`) } } }), { source: "typed in the page" });
    }
    const client = new api.RegistryClient({ keyring, retry: { attempts: 2, maxDelayMs: 1000 }, timeoutMs: 20000 });
    const r = await client.resolve(image, { platform, signal });
    if (signal.aborted) return;
    render(api, ref, r, platform);
    out.dataset.state = "done";
  } catch (e) {
    if (signal.aborted) return;
    const m = describeRegistryError(e, image);
    out.dataset.state = "error";
    out.replaceChildren(el("div", { className: "error-box", role: "alert", dataset: { code: m.code } },
      el("strong", { textContent: m.title }), el("p", { textContent: m.text }), el("p", { className: "muted" }, "code ", el("code", { textContent: m.code }))));
  } finally {
    if (!signal.aborted) $("#inspect-go").disabled = false;
  }
}

function render(api, ref, r, platform) {
  const cfg = r.config ?? {};
  const c = cfg.config ?? {};
  const pin = `${ref.name}@${r.digest}`;
  const layersTotal = r.layers.reduce((t, l) => t + (l.size ?? 0), 0);
  const policy = api.defaultPullPolicy(image(ref));

  const sections = [];
  sections.push(el("div", { className: "pin" },
    el("div", {}, el("span", { className: "label", textContent: "Pin to digest" }),
      el("code", { className: "pin-text", title: pin, textContent: pin }), copyButton(pin)),
    el("p", { className: "muted", textContent: r.index
      ? `The index digest: every platform pulls its own manifest from it. ${platformString(r.platform)} nodes get ${r.manifestDigest}.`
      : "A single-platform image: its manifest digest." })));

  sections.push(el("section", { className: "card" }, el("h3", { textContent: "How it was resolved" }),
    el("ol", { className: "explanation" }, r.explanation.map((s) => el("li", { textContent: s })))));

  if (r.index) {
    const rows = r.index.manifests.map((d) => {
      const chosen = d.digest === r.manifestDigest;
      return el("tr", { className: chosen ? "chosen" : isAttestation(d) ? "attestation" : "", dataset: { platform: platformString(d.platform) } },
        el("td", {}, platformString(d.platform), chosen ? el("span", { className: "badge", textContent: "chosen" }) : null,
          isAttestation(d) ? el("span", { className: "badge muted-badge", textContent: "attestation" }) : null),
        el("td", {}, digestEl(d.digest)),
        el("td", { className: "num", textContent: formatBytes(d.size) }),
        el("td", { className: "mono small", textContent: d.mediaType?.replace(/^application\//, "") ?? "" }));
    });
    sections.push(el("section", { className: "card" }, el("h3", { textContent: `Platforms (${r.index.manifests.length} entries in the index)` }),
      el("div", { className: "table-wrap" }, el("table", { id: "platforms" },
        el("thead", {}, el("tr", {}, ["platform", "digest", "size", "media type"].map((h) => el("th", { textContent: h })))),
        el("tbody", {}, rows)))));
  }

  const labels = Object.entries(c.Labels ?? {});
  const envNames = (c.Env ?? []).map((e) => String(e).split("=")[0]);
  const kv = (k, v) => [el("dt", { textContent: k }), el("dd", {}, v)];
  const code = (v) => (v === undefined || v === null || (Array.isArray(v) && v.length === 0) ? el("span", { className: "muted", textContent: "—" }) : el("code", { textContent: Array.isArray(v) ? JSON.stringify(v) : String(v) }));
  sections.push(el("section", { className: "card" }, el("h3", { textContent: `Chosen manifest: ${platformString(r.platform)}` }),
    el("dl", { className: "kv" },
      kv("requested", code(platform)),
      kv("manifest", digestEl(r.manifestDigest)),
      kv("media type", code(r.manifestMediaType)),
      kv("config", digestEl(r.configDigest)),
      kv("created", code(cfg.created ? new Date(cfg.created).toISOString().replace(".000Z", "Z") : null)),
      kv("entrypoint", code(c.Entrypoint)),
      kv("cmd", code(c.Cmd)),
      kv("user", code(c.User || null)),
      kv("env (names only)", envNames.length ? el("span", {}, envNames.map((n) => el("code", { className: "chip", textContent: n }))) : code(null)),
      kv("labels", labels.length ? el("ul", { className: "labels" }, labels.map(([k, v]) => el("li", {}, el("code", { textContent: k }), " = ", el("span", { textContent: String(v) })))) : code(null)),
      kv("pull policy", el("span", {}, el("code", { textContent: policy.policy }), el("span", { className: "muted", textContent: ` ${policy.reason}` }))))));

  sections.push(el("section", { className: "card" }, el("h3", { textContent: `Layers (${r.layers.length}, ${formatBytes(layersTotal)} compressed)` }),
    el("div", { className: "table-wrap" }, el("table", { id: "layers" },
      el("thead", {}, el("tr", {}, ["#", "digest", "size", "media type"].map((h) => el("th", { textContent: h })))),
      el("tbody", {}, r.layers.map((l, i) => el("tr", {},
        el("td", { className: "num", textContent: String(i + 1) }), el("td", {}, digestEl(l.digest)),
        el("td", { className: "num", textContent: formatBytes(l.size) }),
        el("td", { className: "mono small", textContent: l.mediaType?.replace(/^application\//, "") ?? "" }))))))));

  out.replaceChildren(...sections);
}

/** The reference as the person wrote it, for the policy (the tag decides it). */
function image(ref) {
  return ref.digest ? `${ref.name}${ref.tag ? `:${ref.tag}` : ""}@${ref.digest}` : `${ref.name}:${ref.tag ?? "latest"}`;
}
