// Local OCI registries for pullspec's Node and browser tests (no Docker engine needed).
//
//   import { startRegistries } from "./tests/registry/harness.mjs";
//   const r = await startRegistries({ modes: ["anonymous", "basic", "token"], seed: true, cors: true, faultProxy: false });
//   (refs: which images to seed, default SEED_REFS; add LAYERED_REFS for the many-layer images)
//   ... r.anonymous.url, r.basic.corsUrl, r.token.tokenUrl, r.fixtures.images["multiarch:1.0"].digest ...
//   await r.stop();
//
// CLI:
//   node tests/registry/harness.mjs up      start everything, print one JSON line (URLs + fixtures), stay up
//                                           until stdin closes or SIGTERM/SIGINT
//   node tests/registry/harness.mjs check   start everything, verify it end to end, print a summary, exit 0/1
//
// Generated files live in ${PULLSPEC_CACHE:-${TMPDIR:-/tmp}}/pullspec-registry/ (layout, certs, htpasswd);
// each start gets a fresh registry storage dir under it (removed by stop()).

import { spawn } from "node:child_process";
import { mkdir, writeFile, rm, mkdtemp, readFile, stat, readdir, rename } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import net from "node:net";
import { fileURLToPath } from "node:url";
import {
  ensureLayout, buildLayout, pushAll, pushImage, cacheDir, request, run, parseChallenge, RegistryClient,
  skopeoCopy, MANIFEST_ACCEPT, MT, LAYOUT_VERSION, SEED_REFS, LAYERED_REFS,
} from "./seed.mjs";
import { startTokenServer, DEFAULT_USERS } from "./token-server.mjs";
import { startCorsProxy, EXPOSE_HEADERS } from "./cors-proxy.mjs";
import { startFaultProxy } from "./fault-proxy.mjs";

const REGISTRY_BIN = process.env.PULLSPEC_REGISTRY_BIN || "docker-registry";
const HOST = "127.0.0.1";
const ISSUER = "pullspec-token-issuer";
const SERVICE = "pullspec-registry";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** bcrypt htpasswd file for the basic registry (generated once with `htpasswd -Bbc`). */
export async function ensureHtpasswd(dir, users = DEFAULT_USERS) {
  await mkdir(dir, { recursive: true });
  const stamp = createHash("sha256").update(JSON.stringify(users)).digest("hex").slice(0, 12);
  const file = join(dir, `htpasswd-${stamp}`);
  if (await exists(file)) return file;
  const tmp = `${file}.tmp-${process.pid}`;
  let first = true;
  for (const [u, p] of Object.entries(users)) {
    await run("htpasswd", [first ? "-Bbc" : "-Bb", tmp, u, p]);
    first = false;
  }
  await rename(tmp, file); // atomic
  return file;
}

const yamlList = (xs) => "[" + xs.map((x) => JSON.stringify(x)).join(", ") + "]";

export function registryConfig({ port, storage, auth }) {
  let y = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${JSON.stringify(storage)}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${HOST}:${port}
  secret: pullspec-test-secret
  headers:
    X-Content-Type-Options: [nosniff]
    Access-Control-Allow-Origin: ['*']
    Access-Control-Allow-Methods: ${yamlList(["HEAD", "GET", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])}
    Access-Control-Allow-Headers: ${yamlList(["Authorization", "Accept", "Range", "Content-Type"])}
    Access-Control-Expose-Headers: ${yamlList(EXPOSE_HEADERS.split(", "))}
`;
  if (auth?.htpasswd) {
    y += `auth:
  htpasswd:
    realm: pullspec-basic
    path: ${JSON.stringify(auth.htpasswd)}
`;
  }
  if (auth?.token) {
    y += `auth:
  token:
    realm: ${JSON.stringify(auth.token.realm)}
    service: ${JSON.stringify(auth.token.service)}
    issuer: ${JSON.stringify(auth.token.issuer)}
    rootcertbundle: ${JSON.stringify(auth.token.rootcertbundle)}
`;
  }
  return y;
}

/** Spawn one docker-registry; the child gets SIGKILL if this process dies (setpriv --pdeathsig). */
async function spawnRegistry(name, dir, storage, auth, { timeoutMs = 10000 } = {}) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const cfg = join(dir, `${name}.yml`);
    await writeFile(cfg, registryConfig({ port, storage: join(storage, name), auth }));
    const child = spawn("setpriv", ["--pdeathsig", "KILL", REGISTRY_BIN, "serve", cfg], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    let exited = null;
    child.on("exit", (code, sig) => (exited = { code, sig }));
    child.on("error", (e) => (exited = { error: e }));
    const url = `http://${HOST}:${port}`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await request(url + "/v2/", { timeoutMs: 1000 });
        if (r.status === 200 || r.status === 401) return { name, url, host: `${HOST}:${port}`, port, child, config: cfg };
      } catch {}
      await new Promise((r) => setTimeout(r, 30));
    }
    child.kill("SIGKILL");
    lastErr = new Error(
      `${REGISTRY_BIN} (${name}) did not become ready on ${url}: ${exited ? JSON.stringify(exited) : "timeout"}\n${stderr}`,
    );
    if (exited?.error) break; // binary missing: no point retrying
  }
  throw lastErr;
}

/** Remove run-<pid>-* storage dirs (and other <name>-<pid>- temp dirs) left by processes killed hard. */
async function removeStaleRuns(cache) {
  let names = [];
  try {
    names = await readdir(cache);
  } catch {}
  for (const n of names) {
    const m = /^(?:run|rebuild|layout\.tmp|certs\.tmp)-(\d+)-/.exec(n);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = e.code === "EPERM";
      }
    }
    if (!alive) await rm(join(cache, n), { recursive: true, force: true });
  }
}

const live = new Set(); // running harness instances, for exit cleanup
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const h of live) h.killSync();
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(sig, async () => {
      await Promise.allSettled([...live].map((h) => h.stop()));
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

/**
 * Start local registries (+ token server, CORS proxies, fault proxy) and seed them.
 * Returns {
 *   anonymous?: { url, host },
 *   basic?:     { url, host, username, password, users, realm, corsUrl? },
 *   token?:     { url, host, corsUrl?, tokenUrl, realm, service, issuer, users, certPath,
 *                 tokenServer: { url, config, log, mint(sub, access, opts) } },
 *   faultProxy?: { url, host, control, otherUrl, upstream, addFault(rule), removeFault(id), clearFaults(),
 *                  log(), clearLog(), otherLog(), reset() },
 *   fixtures, cache, stop()
 * }
 */
export async function startRegistries({
  modes = ["anonymous", "basic", "token"],
  seed = true,
  cors = true,
  faultProxy = false,
  seedMethod = "http", // or "skopeo"
  refs = SEED_REFS, // the images every registry gets (LAYERED_REFS too: ~130 MiB more per registry)
  tokenExpiresIn = 300,
  users = DEFAULT_USERS,
} = {}) {
  const t0 = Date.now();
  installExitHooks();
  const cache = cacheDir();
  await mkdir(cache, { recursive: true });
  const want = new Set(modes);
  if (faultProxy) want.add("anonymous");
  const children = [];
  const closers = [];
  await removeStaleRuns(cache);
  const runDir = await mkdtemp(join(cache, `run-${process.pid}-`));
  const timings = {};
  let stopped = false;
  const handle = {
    killSync() {
      for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(handle);
      await Promise.allSettled(closers.map((c) => c()));
      await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              const t = setTimeout(() => {
                c.kill("SIGKILL");
              }, 2000);
              c.once("exit", () => (clearTimeout(t), resolve()));
              c.kill("SIGTERM");
            }),
        ),
      );
      await rm(runDir, { recursive: true, force: true });
    },
  };
  live.add(handle);

  try {
    const [fixtures, htpasswd] = await Promise.all([
      seed ? ensureLayout() : ensureLayout(),
      want.has("basic") ? ensureHtpasswd(join(cache, "auth"), users) : null,
    ]);
    timings.layoutMs = Date.now() - t0;
    const out = { fixtures, cache: runDir, timings, stop: () => handle.stop() };

    let tokenServer;
    if (want.has("token")) {
      tokenServer = await startTokenServer({
        certDir: join(cache, "certs"), issuer: ISSUER, service: SERVICE, users, expiresIn: tokenExpiresIn,
      });
      closers.push(tokenServer.close);
    }

    const storage = join(runDir, "storage");
    const starts = [];
    if (want.has("anonymous")) starts.push(spawnRegistry("anonymous", runDir, storage, null));
    if (want.has("basic")) starts.push(spawnRegistry("basic", runDir, storage, { htpasswd }));
    if (want.has("token"))
      starts.push(
        spawnRegistry("token", runDir, storage, {
          token: { realm: tokenServer.realm, service: SERVICE, issuer: ISSUER, rootcertbundle: tokenServer.certPath },
        }),
      );
    const settled = await Promise.allSettled(starts);
    for (const s of settled) if (s.status === "fulfilled") children.push(s.value.child);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const regs = Object.fromEntries(settled.map((s) => [s.value.name, s.value]));
    timings.registriesReadyMs = Date.now() - t0;

    const alice = { username: "alice", password: users.alice };
    if (seed) {
      const jobs = [];
      if (regs.anonymous) jobs.push(pushAll(regs.anonymous.url, undefined, { fixtures, refs, method: seedMethod }));
      if (regs.basic) jobs.push(pushAll(regs.basic.url, alice, { fixtures, refs, method: seedMethod }));
      if (regs.token) jobs.push(pushAll(regs.token.url, alice, { fixtures, refs, method: seedMethod }));
      await Promise.all(jobs);
      timings.seededMs = Date.now() - t0;
    }

    if (regs.anonymous) out.anonymous = { url: regs.anonymous.url, host: regs.anonymous.host };
    if (regs.basic) {
      out.basic = {
        url: regs.basic.url, host: regs.basic.host, username: alice.username, password: alice.password, users,
        realm: "pullspec-basic",
      };
      if (cors) {
        const p = await startCorsProxy({ upstream: regs.basic.url });
        closers.push(p.close);
        out.basic.corsUrl = p.url;
      }
    }
    if (regs.token) {
      out.token = {
        url: regs.token.url, host: regs.token.host, tokenUrl: tokenServer.realm, realm: tokenServer.realm,
        service: SERVICE, issuer: ISSUER, users, certPath: tokenServer.certPath,
        tokenServer: { url: tokenServer.url, config: tokenServer.config, log: tokenServer.log, mint: tokenServer.mint },
      };
      if (cors) {
        const p = await startCorsProxy({ upstream: regs.token.url, tokenUpstream: tokenServer.url });
        closers.push(p.close);
        out.token.corsUrl = p.url;
      }
    }
    if (faultProxy) {
      const fp = await startFaultProxy({ upstream: regs.anonymous.url });
      closers.push(fp.close);
      const { close, ...rest } = fp;
      out.faultProxy = { ...rest, upstream: regs.anonymous.url };
    }
    timings.totalMs = Date.now() - t0;
    return out;
  } catch (e) {
    await handle.stop();
    throw e;
  }
}

// ====================================================================== CLI: check

async function check() {
  const results = [];
  const ok = (name, cond, detail = "") => {
    results.push({ name, ok: !!cond, detail });
    return !!cond;
  };
  const attempt = async (name, fn) => {
    try {
      const r = await fn();
      ok(name, r !== false, typeof r === "string" ? r : "");
    } catch (e) {
      ok(name, false, String(e.message || e).split("\n")[0].slice(0, 300));
    }
  };
  const cacheFx = join(cacheDir(), "layout", "fixtures.json");
  const hadCache = await exists(cacheFx);
  const t0 = Date.now();
  const r = await startRegistries({ faultProxy: true });
  const startMs = Date.now() - t0;
  const fx = r.fixtures;
  const M = fx.images["multiarch:1.0"];
  const S = fx.images["single:1.0"];
  const D = fx.images["dockerlist:1.0"];
  const Lg = fx.images["large:1.0"];
  const basicAuth = "Basic " + Buffer.from("alice:wonderland").toString("base64");
  const sha = (b) => "sha256:" + createHash("sha256").update(b).digest("hex");
  const acceptAll = { accept: MANIFEST_ACCEPT };

  try {
    // -- determinism: rebuild into a temp dir and compare with the cached fixtures
    await attempt("layout deterministic (rebuild == cached fixtures.json)", async () => {
      const dir = await mkdtemp(join(cacheDir(), `rebuild-${process.pid}-`));
      try {
        const a = await buildLayout(dir);
        const strip = ({ layout, buildMs, ...x }) => JSON.stringify(x);
        const b = JSON.parse(await readFile(cacheFx, "utf8"));
        return strip(a) === strip(b) && b.version === LAYOUT_VERSION;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    // -- skopeo reads every registry
    const skopeoInspect = (host, ref, args = []) =>
      run("skopeo", ["inspect", "--tls-verify=false", ...args, `docker://${host}/${ref}`], { timeoutMs: 30000 });
    const creds = { anonymous: [], basic: ["--creds", "alice:wonderland"], token: ["--creds", "alice:wonderland"] };
    for (const mode of ["anonymous", "basic", "token"]) {
      const { host } = r[mode];
      await attempt(`${mode}: skopeo inspect --raw multiarch:1.0 == fixture index`, async () =>
        sha(await skopeoInspect(host, "multiarch:1.0", ["--raw", ...creds[mode]])) === M.digest);
      await attempt(`${mode}: skopeo --override-arch arm64 picks linux/arm64/v8`, async () => {
        const j = JSON.parse(
          await skopeoInspect(host, "multiarch:1.0", ["--override-arch", "arm64", "--override-variant", "v8", ...creds[mode]]),
        );
        // skopeo 1.9 reports the index digest as Digest; the chosen manifest shows in Layers/Labels
        const m = M.byPlatform["linux/arm64/v8"];
        return j.Architecture === "arm64" && j.Layers?.[0] === m.layers[0].digest &&
          j.Labels?.["org.pullspec.platform"] === "linux/arm64/v8";
      });
      await attempt(`${mode}: dockerlist:1.0 is a Docker manifest list`, async () => {
        const raw = await skopeoInspect(host, "dockerlist:1.0", ["--raw", ...creds[mode]]);
        return JSON.parse(raw).mediaType === MT.dockerList && sha(raw) === D.digest;
      });
      await attempt(`${mode}: large:1.0 / single:1.0 / public/hello:1.0 digests`, async () => {
        for (const [ref, f] of [["large:1.0", Lg], ["single:1.0", S], ["public/hello:1.0", fx.images["public/hello:1.0"]]]) {
          if (sha(await skopeoInspect(host, ref, ["--raw", ...creds[mode]])) !== f.digest) return false;
        }
        return true;
      });
    }

    // -- anonymous registry over plain HTTP
    const A = r.anonymous.url;
    await attempt("anonymous: GET /v2/ 200", async () => (await request(A + "/v2/")).status === 200);
    await attempt("anonymous: manifest GET with Accept -> digest header + CORS headers", async () => {
      const res = await request(`${A}/v2/multiarch/manifests/1.0`, { headers: { ...acceptAll, origin: "http://example.test" } });
      return res.status === 200 && res.headers["docker-content-digest"] === M.digest && sha(res.body) === M.digest &&
        res.headers["access-control-allow-origin"] === "*" && /Docker-Content-Digest/.test(res.headers["access-control-expose-headers"]);
    });
    await attempt("anonymous: OCI index without OCI Accept -> 404", async () =>
      (await request(`${A}/v2/multiarch/manifests/1.0`, { headers: { accept: MT.dockerManifest } })).status === 404);
    await attempt("anonymous: OPTIONS preflight status (informational)", async () => {
      const res = await request(`${A}/v2/multiarch/manifests/1.0`, {
        method: "OPTIONS",
        headers: { origin: "http://example.test", "access-control-request-method": "GET", "access-control-request-headers": "accept,range" },
      });
      return `status ${res.status}, allow-origin ${res.headers["access-control-allow-origin"]}`;
    });
    await attempt("anonymous: blob Range request -> 206", async () => {
      const l = Lg.layers[0];
      const res = await request(`${A}/v2/large/blobs/${l.digest}`, { headers: { range: "bytes=100-199" } });
      return res.status === 206 && res.body.length === 100;
    });
    await attempt("anonymous: 64 MiB blob GET, sha256 matches", async () => {
      const l = Lg.layers[0];
      const t = Date.now();
      const res = await request(`${A}/v2/large/blobs/${l.digest}`);
      const ms = Date.now() - t;
      return res.status === 200 && sha(res.body) === l.digest ? `${ms} ms` : false;
    });

    await attempt("anonymous: layers8, shared-a, shared-b seeded on demand; 8 layers each, the pair shares 6", async () => {
      const t = Date.now();
      await pushAll(A, undefined, { fixtures: fx, refs: LAYERED_REFS });
      const ms = Date.now() - t;
      for (const ref of LAYERED_REFS) {
        const f = fx.images[ref];
        if (sha(await skopeoInspect(r.anonymous.host, ref, ["--raw"])) !== f.digest || f.layers.length !== 8) return false;
      }
      const a = fx.images["shared-a:1.0"].layers.map((l) => l.digest);
      const shared = fx.images["shared-b:1.0"].layers.filter((l) => a.includes(l.digest));
      const sizes = fx.images["layers8:1.0"].layers.map((l) => l.size);
      const got = await request(`${A}/v2/shared-b/blobs/${shared[0].digest}`, { method: "HEAD" });
      return shared.length === 6 && Math.min(...sizes) < 2048 && Math.max(...sizes) === 32 << 20 && got.status === 200
        ? `seeded in ${ms} ms` : false;
    });

    // -- basic
    const B = r.basic.url;
    await attempt("basic: GET /v2/ without creds -> 401 Basic", async () => {
      const res = await request(B + "/v2/");
      return res.status === 401 && parseChallenge(res.headers["www-authenticate"])?.scheme === "basic";
    });
    await attempt("basic: wrong password -> 401", async () =>
      (await request(B + "/v2/", { headers: { authorization: "Basic " + Buffer.from("alice:nope").toString("base64") } })).status === 401);
    await attempt("basic: alice manifest GET -> 200", async () => {
      const res = await request(`${B}/v2/single/manifests/1.0`, { headers: { ...acceptAll, authorization: basicAuth } });
      return res.status === 200 && res.headers["docker-content-digest"] === S.digest;
    });

    // -- token
    const T = r.token.url;
    const getToken = async (wwwAuth, basic) => {
      const ch = parseChallenge(wwwAuth);
      const u = new URL(ch.params.realm);
      u.searchParams.set("service", ch.params.service);
      if (ch.params.scope) u.searchParams.set("scope", ch.params.scope);
      const res = await request(u.href, { headers: basic ? { authorization: basic } : {} });
      return { status: res.status, json: res.status === 200 ? JSON.parse(res.body) : null };
    };
    await attempt("token: 401 Bearer challenge -> token (alice) -> 200", async () => {
      const url = `${T}/v2/multiarch/manifests/1.0`;
      const r1 = await request(url, { headers: acceptAll });
      const ch = parseChallenge(r1.headers["www-authenticate"]);
      if (r1.status !== 401 || ch?.scheme !== "bearer" || ch.params.realm !== r.token.tokenUrl) return false;
      if (ch.params.scope !== "repository:multiarch:pull") return false;
      const t = await getToken(r1.headers["www-authenticate"], basicAuth);
      const r2 = await request(url, { headers: { ...acceptAll, authorization: "Bearer " + t.json.token } });
      return r2.status === 200 && r2.headers["docker-content-digest"] === M.digest;
    });
    await attempt("token: anonymous token pulls public/hello, not multiarch", async () => {
      const u1 = `${T}/v2/public/hello/manifests/1.0`;
      const c1 = await request(u1, { headers: acceptAll });
      const t1 = await getToken(c1.headers["www-authenticate"], null);
      const ok1 = (await request(u1, { headers: { ...acceptAll, authorization: "Bearer " + t1.json.token } })).status === 200;
      const u2 = `${T}/v2/multiarch/manifests/1.0`;
      const c2 = await request(u2, { headers: acceptAll });
      const t2 = await getToken(c2.headers["www-authenticate"], null);
      const r2 = await request(u2, { headers: { ...acceptAll, authorization: "Bearer " + t2.json.token } });
      return ok1 && r2.status === 401 && /insufficient_scope/.test(r2.headers["www-authenticate"] || "");
    });
    await attempt("token: bob can pull multiarch, not single, cannot push", async () => {
      const bob = "Basic " + Buffer.from("bob:builder").toString("base64");
      const cm = new RegistryClient(T, { username: "bob", password: "builder" });
      const a = await cm.req("/v2/multiarch/manifests/1.0", { headers: acceptAll }, "repository:multiarch:pull");
      const b = await cm.req("/v2/single/manifests/1.0", { headers: acceptAll }, "repository:single:pull");
      const c = await cm.req("/v2/multiarch/blobs/uploads/", { method: "POST" }, "repository:multiarch:pull,push");
      const bad = await request(`${r.token.tokenUrl}?service=${SERVICE}&scope=repository:multiarch:pull`, {
        headers: { authorization: "Basic " + Buffer.from("bob:wrong").toString("base64") },
      });
      return a.status === 200 && b.status === 401 && c.status === 401 && bad.status === 401 && bob;
    });
    await attempt("token: POST /token password+offline -> refresh_token -> refresh grant -> 200", async () => {
      const form = (o) => Buffer.from(new URLSearchParams(o).toString());
      const hdr = { "content-type": "application/x-www-form-urlencoded" };
      const p1 = await request(r.token.tokenUrl, {
        method: "POST", headers: hdr,
        body: form({ grant_type: "password", username: "alice", password: "wonderland", service: SERVICE, scope: "repository:single:pull", client_id: "pullspec", access_type: "offline" }),
      });
      const j1 = JSON.parse(p1.body);
      const p2 = await request(r.token.tokenUrl, {
        method: "POST", headers: hdr,
        body: form({ grant_type: "refresh_token", refresh_token: j1.refresh_token, service: SERVICE, scope: "repository:single:pull", client_id: "pullspec" }),
      });
      const j2 = JSON.parse(p2.body);
      const r3 = await request(`${T}/v2/single/manifests/1.0`, { headers: { ...acceptAll, authorization: "Bearer " + j2.access_token } });
      return p1.status === 200 && !!j1.refresh_token && j1.expires_in === 300 && p2.status === 200 && r3.status === 200;
    });
    await attempt("token: token with exp 61+ s in the past is rejected (registry leeway 60 s)", async () => {
      const tok = r.token.tokenServer.mint("alice", [{ type: "repository", name: "single", actions: ["pull"] }], { expires_in: -62 });
      const tok2 = r.token.tokenServer.mint("alice", [{ type: "repository", name: "single", actions: ["pull"] }], { expires_in: -30 });
      const a = await request(`${T}/v2/single/manifests/1.0`, { headers: { ...acceptAll, authorization: "Bearer " + tok } });
      const b = await request(`${T}/v2/single/manifests/1.0`, { headers: { ...acceptAll, authorization: "Bearer " + tok2 } });
      return a.status === 401 ? `exp-62s -> ${a.status}, exp-30s -> ${b.status}` : false;
    });
    await attempt("token: skopeo does the token dance (copy --all to a new repo, inspect as bob fails)", async () => {
      await skopeoCopy(fx.layout, "multiarch:1.0", `docker://${r.token.host}/skopeo-copy/multiarch:1.0`, { username: "alice", password: "wonderland" });
      const raw = await skopeoInspect(r.token.host, "skopeo-copy/multiarch:1.0", ["--raw", "--creds", "alice:wonderland"]);
      let bobDenied = false;
      try {
        await skopeoInspect(r.token.host, "skopeo-copy/multiarch:1.0", ["--raw", "--creds", "bob:builder"]);
      } catch {
        bobDenied = true;
      }
      const anonPublic = await skopeoInspect(r.token.host, "public/hello:1.0", ["--raw", "--no-creds"]);
      return sha(raw) === M.digest && bobDenied && sha(anonPublic) === S.digest;
    });

    // -- CORS proxies
    for (const mode of ["basic", "token"]) {
      const P = r[mode].corsUrl;
      await attempt(`${mode}: CORS proxy answers OPTIONS with 204`, async () => {
        const res = await request(`${P}/v2/multiarch/manifests/1.0`, {
          method: "OPTIONS",
          headers: { origin: "http://example.test", "access-control-request-method": "GET", "access-control-request-headers": "authorization,accept,range" },
        });
        const ah = (res.headers["access-control-allow-headers"] || "").toLowerCase();
        return res.status === 204 && res.headers["access-control-allow-origin"] === "http://example.test" &&
          ah.includes("authorization") && ah.includes("range") && ah.includes("accept");
      });
    }
    await attempt("basic: GET through CORS proxy with creds -> 200 + expose headers", async () => {
      const res = await request(`${r.basic.corsUrl}/v2/multiarch/manifests/1.0`, {
        headers: { ...acceptAll, authorization: basicAuth, origin: "http://example.test" },
      });
      return res.status === 200 && res.headers["docker-content-digest"] === M.digest &&
        res.headers["access-control-expose-headers"] === EXPOSE_HEADERS;
    });
    await attempt("token: realm rewritten to the CORS proxy; token via proxy -> 200", async () => {
      const P = r.token.corsUrl;
      const r1 = await request(`${P}/v2/multiarch/manifests/1.0`, { headers: { ...acceptAll, origin: "http://example.test" } });
      const ch = parseChallenge(r1.headers["www-authenticate"]);
      if (r1.status !== 401 || !ch.params.realm.startsWith(P + "/token")) return false;
      if (!/WWW-Authenticate/.test(r1.headers["access-control-expose-headers"])) return false;
      const t = await getToken(r1.headers["www-authenticate"], basicAuth);
      const r2 = await request(`${P}/v2/multiarch/manifests/1.0`, {
        headers: { ...acceptAll, origin: "http://example.test", authorization: "Bearer " + t.json.token },
      });
      return r2.status === 200 && r2.headers["docker-content-digest"] === M.digest;
    });

    // -- fault proxy
    const F = r.faultProxy;
    const fpost = (rule) => request(F.control, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(rule)) });
    const layer = S.layers[0];
    const blobPath = `/v2/single/blobs/${layer.digest}`;
    await attempt("fault: 429 with Retry-After once, then pass-through", async () => {
      await fpost({ match: { pathRegex: "/manifests/" }, action: { type: "status", status: 429, headers: { "Retry-After": "1" } }, times: 1 });
      const a = await request(`${F.url}/v2/single/manifests/1.0`, { headers: acceptAll });
      const b = await request(`${F.url}/v2/single/manifests/1.0`, { headers: acceptAll });
      return a.status === 429 && a.headers["retry-after"] === "1" && b.status === 200;
    });
    await attempt("fault: 503 x2 then 200", async () => {
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "status", status: 503 }, times: 2 });
      const s = [];
      for (let i = 0; i < 3; i++) s.push((await request(F.url + blobPath)).status);
      return s.join() === "503,503,200";
    });
    await attempt("fault: corrupt one byte -> sha256 mismatch, same length", async () => {
      F.addFault({ match: { pathRegex: "/blobs/" }, action: { type: "corrupt" } });
      const res = await request(F.url + `/v2/large/blobs/${Lg.layers[0].digest}`);
      return res.status === 200 && res.body.length === Lg.layers[0].size && sha(res.body) !== Lg.layers[0].digest;
    });
    await attempt("fault: wrong Docker-Content-Digest on manifest", async () => {
      F.addFault({ match: { pathRegex: "/manifests/" }, action: { type: "digest" } });
      const res = await request(`${F.url}/v2/single/manifests/1.0`, { headers: acceptAll });
      return res.status === 200 && res.headers["docker-content-digest"] !== S.digest && sha(res.body) === S.digest;
    });
    await attempt("fault: reset after 1 MiB of the large blob -> client error", async () => {
      F.addFault({ match: { pathRegex: "/blobs/" }, action: { type: "reset", afterBytes: 1 << 20 } });
      try {
        await request(F.url + `/v2/large/blobs/${Lg.layers[0].digest}`);
        return false;
      } catch (e) {
        return true;
      }
    });
    await attempt("fault: truncated body (Content-Length larger than sent) -> client error", async () => {
      F.addFault({ match: { pathRegex: "/blobs/" }, action: { type: "truncate", afterBytes: 50 } });
      try {
        const res = await request(F.url + blobPath);
        return `no error?! got ${res.body.length}`.length < 0;
      } catch {
        return true;
      }
    });
    await attempt("fault: noRange -> 200 full body instead of 206", async () => {
      F.addFault({ match: { pathRegex: "/blobs/" }, action: { type: "noRange" } });
      const a = await request(F.url + blobPath, { headers: { range: "bytes=10-" } });
      const b = await request(F.url + blobPath, { headers: { range: "bytes=10-" } });
      return a.status === 200 && a.body.length === layer.size && b.status === 206 && b.body.length === layer.size - 10;
    });
    await attempt("fault: drip (bounded) delivers the full body slowly", async () => {
      F.addFault({ match: { pathRegex: "/blobs/" }, action: { type: "drip", chunkSize: 16, delayMs: 5 } });
      const t = Date.now();
      const res = await request(F.url + blobPath);
      return sha(res.body) === layer.digest && Date.now() - t >= 40;
    });
    await attempt("fault: 307 to other origin; Authorization not forwarded by client is recorded", async () => {
      F.addFault({ match: { pathRegex: "/blobs/" }, action: { type: "redirect" } });
      const res = await fetch(F.url + blobPath, { headers: { authorization: "Bearer secret-token" } });
      const body = Buffer.from(await res.arrayBuffer());
      const rec = F.otherLog().at(-1);
      // Node's fetch (undici) drops Authorization on a cross-origin redirect
      return res.status === 200 && sha(body) === layer.digest && rec.path.startsWith("/redirected/") && rec.authorization === null
        ? `other origin saw authorization=${rec.authorization}` : false;
    });
    await attempt("fault: bearer realm on another port", async () => {
      const id = F.addFault({ match: { pathRegex: "^/v2/.+" }, action: { type: "bearer" }, times: -1 });
      const c = new RegistryClient(F.url, { username: "x", password: "y" });
      const res = await c.req(`/v2/single/manifests/1.0`, { headers: acceptAll }, "repository:single:pull");
      F.removeFault(id);
      const tokReq = F.otherLog().find((e) => e.path.startsWith("/token"));
      return res.status === 200 && !!tokReq && new URL(F.otherUrl).port !== new URL(F.url).port;
    });
    await attempt("fault: oversized manifest (> 4 MiB)", async () => {
      F.addFault({ match: { pathRegex: "/manifests/" }, action: { type: "oversize" } });
      const res = await request(`${F.url}/v2/single/manifests/1.0`, { headers: acceptAll });
      return res.status === 200 && res.body.length > 4 * 1024 * 1024 && JSON.parse(res.body).schemaVersion === 2;
    });
    await attempt("fault: X-Pullspec-Fault header, log records it", async () => {
      const res = await request(`${F.url}/v2/single/manifests/1.0`, { headers: { ...acceptAll, "x-pullspec-fault": '{"type":"status","status":502}' } });
      const log = JSON.parse((await request(F.url + "/__log")).body);
      return res.status === 502 && log.at(-1).rule === "header" && F.rules().every((x) => x.remaining === 0);
    });
  } finally {
    const tStop = Date.now();
    await r.stop();
    const stopMs = Date.now() - tStop;
    const failed = results.filter((x) => !x.ok);
    for (const x of results) console.log(`${x.ok ? "ok  " : "FAIL"} ${x.name}${x.detail ? "  (" + x.detail + ")" : ""}`);
    console.log(
      `# ${results.length - failed.length}/${results.length} passed; start+seed ${startMs} ms (${hadCache ? "warm" : "cold: layout built"}; ` +
        `${JSON.stringify(r.timings)}), stop ${stopMs} ms`,
    );
    process.exitCode = failed.length ? 1 : 0;
  }
}

// ====================================================================== CLI: up

async function up() {
  const r = await startRegistries({ faultProxy: true });
  const { fixtures, ...urls } = r; // URLs first, fixtures last, functions/logs dropped
  const json = JSON.stringify({ ...urls, fixtures }, (k, v) => (typeof v === "function" || k === "log" ? undefined : v));
  process.stdout.write(json + "\n");
  let shutting = null;
  const shutdown = () => (shutting ||= r.stop().then(() => process.exit(0)));
  process.stdin.on("end", shutdown);
  process.stdin.on("close", shutdown);
  process.stdin.resume();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cmd = process.argv[2];
  if (cmd === "up") await up();
  else if (cmd === "check") await check();
  else {
    console.error("usage: node harness.mjs up|check");
    process.exit(2);
  }
}
