// Helpers of the registry client tests (tests/node/registry*.test.mjs).
import http from "node:http";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { PullspecError } from "../../pkg/node.js";

export const sha256 = (bytes) => "sha256:" + createHash("sha256").update(bytes).digest("hex");

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

/** PUTs a manifest into a registry: `auth` is an Authorization header value or undefined. */
export async function putManifest(url, repo, tag, body, mediaType, auth) {
  const res = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": mediaType, ...(auth ? { authorization: auth } : {}) },
    body,
  });
  if (res.status !== 201) throw new Error(`PUT ${repo}:${tag}: ${res.status} ${await res.text()}`);
}

/** Awaits a promise that must reject with a PullspecError; returns the error. */
export async function rejects(promise) {
  const e = await promise.then(
    () => assert.fail("expected a rejection"),
    (e) => e,
  );
  assert.ok(e instanceof PullspecError, `a PullspecError, got ${e?.stack ?? e}`);
  return e;
}
