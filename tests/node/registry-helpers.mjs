// Helpers of the tests that run against registries (the harness of tests/registry/ or a fake of
// the test): registry*, manifests-online, pull-*, cli-registry, cli-pull.
import http from "node:http";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { before, after, beforeEach } from "node:test";
import { PullspecError } from "../../pkg/node.js";
import { startRegistries } from "../registry/harness.mjs";

export const sha256 = (bytes) => "sha256:" + createHash("sha256").update(bytes).digest("hex");

/**
 * Starts the harness's registries (`startRegistries(options)`) before the calling test file's
 * tests and stops them after, with a temporary folder named `tmp` + random (removed after).
 * `set` receives `{ r, F, fx, tmp }` once they run (`F` the fault proxy, `fx` the fixtures'
 * images) and may do more set-up (it is awaited: Node 20 does not order a file's top-level
 * `before` hooks); with `resetFaults` the fault proxy is reset before each test.
 */
export function useRegistries(options, { tmp: prefix, resetFaults = false }, set) {
  let state = {};
  before(async () => {
    const r = await startRegistries(options);
    state = { r, F: r.faultProxy, fx: r.fixtures.images, tmp: await mkdtemp(join(tmpdir(), prefix)) };
    await set(state);
  });
  after(async () => {
    await state.r?.stop();
    if (state.tmp) await rm(state.tmp, { recursive: true, force: true });
  });
  if (resetFaults) beforeEach(() => state.F.reset());
}

/** A docker config.json text with `auth` entries for `{ host: [user, password] }`. */
export function dockerConfig(entries) {
  const auths = {};
  for (const [host, [user, password]] of Object.entries(entries)) {
    auths[host] = { auth: Buffer.from(`${user}:${password}`).toString("base64") };
  }
  return JSON.stringify({ auths });
}

/** Runs a program: { status, stdout, stderr } (status null when it could not start). */
export function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      return resolve({ status: null, stdout: "", stderr: String(e) });
    }
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", (e) => resolve({ status: null, stdout, stderr: String(e) }));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The distribution spec's tag pagination (`?n=` and `Link: <...>; rel="next"`, tags in lexical
 * order), which the Debian registry (distribution 2.8) ignores for tag lists. Everything else is
 * forwarded unchanged (Authorization included, so challenges and tokens work through it).
 */
export async function startTagPaginator(upstream) {
  const target = new URL(upstream);
  const forward = (req, path) =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path, headers }, resolve);
      up.on("error", reject);
      req.pipe(up);
    });
  const server = http.createServer(async (req, res) => {
    try {
      const u = new URL(req.url, "http://x");
      const m = /^\/v2\/(.+)\/tags\/list$/.exec(u.pathname);
      const n = Number(u.searchParams.get("n"));
      if (req.method !== "GET" || !m || !n) {
        const up = await forward(req, req.url);
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
        return;
      }
      const up = await forward(req, u.pathname);
      const chunks = [];
      for await (const c of up) chunks.push(c);
      const body = Buffer.concat(chunks);
      if (up.statusCode !== 200) {
        res.writeHead(up.statusCode, up.headers);
        return res.end(body);
      }
      const all = (JSON.parse(body).tags ?? []).sort();
      const last = u.searchParams.get("last");
      const rest = last === null ? all : all.filter((t) => t > last);
      const page = rest.slice(0, n);
      const headers = { "content-type": "application/json" };
      if (rest.length > n) {
        headers.link = `</v2/${m[1]}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1))}>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify({ name: m[1], tags: page }));
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${server.address().port}`;
  return {
    url: `http://${host}`,
    host,
    close: () => new Promise((resolve) => (server.closeAllConnections?.(), server.close(() => resolve()))),
  };
}

/**
 * Pushes multiarch:armonly, the harness's multiarch:1.0 index without arm64 (amd64 + arm/v7),
 * to the registries of `modes` (as alice where they want credentials): `{ digest, arm }`, its
 * digest and its arm/v7 entry.
 */
export async function putArmOnly(r, modes) {
  const M = r.fixtures.images["multiarch:1.0"];
  const keep = M.manifests.filter((m) => ["linux/amd64", "linux/arm/v7"].includes(m.platformString));
  const armonly = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: keep.map(({ mediaType, digest, size, platform }) => ({ mediaType, digest, size, platform })),
  });
  const push = [{ type: "repository", name: "multiarch", actions: ["pull", "push"] }];
  const auth = {
    anonymous: () => undefined,
    basic: () => "Basic " + Buffer.from("alice:wonderland").toString("base64"),
    token: () => "Bearer " + r.token.tokenServer.mint("alice", push),
  };
  for (const mode of modes) {
    await putManifest(r[mode].url, "multiarch", "armonly", armonly, "application/vnd.oci.image.index.v1+json", auth[mode]());
  }
  return { digest: sha256(armonly), arm: keep.find((m) => m.platformString === "linux/arm/v7") };
}

/** PUTs a manifest into a registry: `auth` is an Authorization header value or undefined. */
export async function putManifest(url, repo, tag, body, mediaType, auth) {
  const res = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": mediaType, ...(auth ? { authorization: auth } : {}) },
    body,
  });
  if (res.status !== 201) throw new Error(`PUT ${repo}:${tag}: ${res.status} ${await res.text()}`);
}

/** A Pod manifest (YAML) whose containers c0, c1, ... run `images`; `extra` adds lines to its spec. */
export const pod = (host, images, extra = "") => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
${extra}  containers:
${images.map((img, i) => `  - name: c${i}\n    image: ${img}`).join("\n")}
`;

/** Awaits a promise that must reject with a PullspecError; returns the error. */
export async function rejects(promise) {
  const e = await promise.then(
    () => assert.fail("expected a rejection"),
    (e) => e,
  );
  assert.ok(e instanceof PullspecError, `a PullspecError, got ${e?.stack ?? e}`);
  return e;
}
