// The manifest checks off the main thread: validateManifests + listImages from pullspec/core.
// Requests are { version, text }; only the newest pending request is checked, older ones are
// answered { version, stale: true } at once, so typing never queues up work.
let pending = null;
let scheduled = false;
// Handler first, module second: the wasm loads (top-level await) while messages are already kept.
const core = import("pullspec/core");

self.addEventListener("message", (e) => {
  if (pending) self.postMessage({ version: pending.version, stale: true });
  pending = e.data;
  if (!scheduled) {
    scheduled = true;
    setTimeout(run, 0); // let queued messages arrive first: only the last one is checked
  }
});

async function run() {
  let api;
  try {
    api = await core;
  } catch (err) {
    // The WebAssembly module did not load: say so instead of staying silent.
    scheduled = false;
    const req = pending;
    pending = null;
    if (req) self.postMessage({ version: req.version, failure: `the checker could not load (${err?.message ?? err})` });
    return;
  }
  scheduled = false;
  const req = pending;
  pending = null;
  if (!req) return;
  const t0 = performance.now();
  try {
    const diagnostics = api.validateManifests(req.text);
    const images = api.listImages(req.text).map((u) => {
      let parts = null;
      let error = null;
      try {
        const r = api.parseReference(u.image.trim()); // whitespace has its own diagnostic
        parts = { registry: r.registry, repository: r.repository, tag: r.tag, digest: r.digest, normalized: r.normalized, familiar: r.familiar };
      } catch (err) {
        error = { code: err.code ?? "ERROR", message: err.message };
      }
      return { ...u, parts, error };
    });
    self.postMessage({ version: req.version, diagnostics, images, ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ version: req.version, failure: String(err?.message ?? err) });
  }
}
