// element.html: a plain dashboard table of workloads, each image a <pullspec-image> card.
// ?registry=HOST:PORT resolves the local registry's images online (it must send CORS headers);
// the public names always render offline (parts, pinned digest, pull policy), since public
// registries do not answer pages without CORS.
import "./pullspec-image.js";
import { $, el } from "./util.js";

const registry = new URLSearchParams(location.search).get("registry");
const platform = new URLSearchParams(location.search).get("platform") || "linux/amd64";

const ONLINE = registry ? [
  { workload: "Deployment/web", image: `${registry}/multiarch:1.0` },
  { workload: "Deployment/web-arm", image: `${registry}/multiarch:1.0`, platform: "linux/arm64" },
  { workload: "DaemonSet/agent", image: `${registry}/multiarch:latest`, policy: "IfNotPresent" },
  { workload: "Job/migrate", image: `${registry}/single:1.0` },
  { workload: "CronJob/hello", image: `${registry}/public/hello:1.0`, policy: "Always" },
  { workload: "StatefulSet/db", image: `${registry}/dockerlist:1.0`, platform: "linux/arm64" },
  { workload: "Deployment/batch", image: `${registry}/large:1.0` },
  { workload: "Pod/missing", image: `${registry}/missing:1.0` },
] : [];
const OFFLINE = [
  { workload: "Deployment/frontend", image: "nginx:1.25.3" },
  { workload: "Deployment/cache", image: "redis" },
  { workload: "StatefulSet/prometheus", image: "quay.io/prometheus/prometheus:v2.53.0" },
  { workload: "DaemonSet/pause", image: "registry.k8s.io/pause:3.9", policy: "Never" },
  { workload: "Deployment/api", image: "ghcr.io/example/api:2.1@sha256:2b5b6a5b3c1e1d2e8f0b8a3c6d1a5f0e9b4c7d2a1e0f9b8c7d6e5f4a3b2c1d0e" },
  { workload: "Job/report", image: "busybox:latest" },
  { workload: "Pod/typo", image: "Nginx:1.0" },
].slice(0, registry ? 4 : 12);

$("#dashboard-mode").textContent = registry
  ? `Resolving ${ONLINE.length} images on ${registry} (${platform} unless a row says otherwise) and rendering ${OFFLINE.length} public names offline.`
  : "Offline: every card shows the reference, a pinned digest when written, and the effective pull policy, computed in this page. Open with ?registry=HOST:PORT to resolve a registry's images (platforms, digest, size).";

const counts = { resolved: 0, error: 0 };
const summary = $("#dashboard-summary");
const rows = [...ONLINE.map((r) => ({ ...r, online: true })), ...OFFLINE];
const updateSummary = () => { summary.textContent = `${counts.resolved} resolved, ${counts.error} with errors, ${rows.length - counts.resolved - counts.error} pending`; };
$("#dashboard tbody").replaceChildren(...rows.map((r) => {
  const card = el("pullspec-image");
  card.setAttribute("image", r.image);
  card.setAttribute("platform", r.platform ?? platform);
  if (r.policy) card.setAttribute("policy", r.policy);
  if (r.online) card.setAttribute("online", "");
  const state = el("td", { className: "state", textContent: "…" });
  card.addEventListener("resolved", (e) => { counts.resolved++; state.textContent = "ok"; state.className = "state ok"; state.title = e.detail.policyReason; updateSummary(); });
  card.addEventListener("error", (e) => { counts.error++; state.textContent = e.detail.code; state.className = "state bad"; state.title = e.detail.message; updateSummary(); });
  return el("tr", {}, el("td", { textContent: r.workload }), el("td", { className: "mono small", textContent: r.online ? "registry" : "offline" }), el("td", {}, card), state);
}));
updateSummary();
