// Fault-injecting reverse proxy in front of the anonymous registry.
//
// startFaultProxy({ upstream, host?, otherHost? }) -> { url, host, control, otherUrl, addFault(rule) -> id,
//   removeFault(id), clearFaults(), log(), clearLog(), otherLog(), reset(), close() }
// Everything not under /__ is forwarded to `upstream` (Host header kept) unless a rule matches.
// A second listener ("other origin", another port; otherHost may be "localhost" to differ by host too)
// serves redirect targets and a foreign token realm, and records every request it gets.
//
// Control API (JSON, on the proxy's own port):
//   POST   /__fault        body: rule            -> 201 { id }
//   GET    /__fault        -> [rule + { id, remaining, hits }]
//   DELETE /__fault        -> clear all rules      DELETE /__fault/<id> -> remove one
//   GET    /__log          -> [{ seq, method, path, range, auth: "none"|"basic"|"bearer", rule, action, status }]
//   DELETE /__log         -> clear
//   GET    /__other-log    -> [{ seq, method, path, host, authorization (full header value or null), origin }]
//   POST   /__reset        -> clear rules and both logs
//   Per request, a header `X-Pullspec-Fault: <action JSON>` applies that action once, no rule needed.
//
// rule = { match: { method?: "GET", pathRegex?: "/blobs/sha256:", headers?: { name: regex } },
//          action: { type, ... }, times?: N (default 1; -1 = unlimited) }
// Rules are tried in insertion order; the first matching rule with remaining > 0 fires and is decremented.
// Actions (all bounded):
//   { type: "status", status: 429|500|502|503|..., headers?: { "Retry-After": "1" }, body?: string }
//   { type: "reset", afterBytes: K, rst?: false }  forward, send K body bytes then destroy the socket
//                                           (rst: true sends a TCP RST, which may drop bytes still in
//                                           flight; afterBytes omitted/-1: reset before any response)
//   { type: "truncate", afterBytes: K }     forward headers (full Content-Length), K bytes, then close (FIN)
//   { type: "corrupt", offset?: N, xor?: 1 } flip one body byte (default: the middle byte)
//   { type: "digest", value?: "sha256:..." } replace Docker-Content-Digest with a wrong digest
//   { type: "drip", chunkSize?: 1024, delayMs?: 20, maxMs?: 10000 }  slow body; after maxMs the rest at once
//   { type: "delay", ms: 1000 }             wait (max 30 s) then forward normally
//   { type: "redirect", status?: 307 }      Location: <otherUrl>/redirected<path>?sig=test; the other
//                                           listener serves the upstream content (no auth forwarded) and
//                                           records the Authorization header it received (GET /__other-log)
//   { type: "bearer", service?: "fault-proxy" }  require "Authorization: Bearer <token from other listener>";
//                                           otherwise 401 Bearer realm="<otherUrl>/token",service,scope.
//                                           A valid token passes through without consuming the rule, so use
//                                           times: -1. The other listener's GET /token returns {token,...}.
//   { type: "oversize", bytes?: 4 MiB + 4096, chunked?: false }  200 with a valid-JSON manifest of that size
//                                           (Docker-Content-Digest correct; chunked: no Content-Length)
//   { type: "noRange" }                     drop the Range header (upstream answers 200 with everything)
//                                           and Accept-Ranges from the response

import http from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { corsHeaders, preflight } from "./cors-proxy.mjs";

const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);
const MAX_LOG = 20000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function errorBody(status) {
  const code = { 429: "TOOMANYREQUESTS", 401: "UNAUTHORIZED", 404: "NOT_FOUND" }[status] || "UNKNOWN";
  return JSON.stringify({ errors: [{ code, message: `injected fault ${status}`, detail: null }] });
}

function listen(server, host, port = 0) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
}

function upstreamRequest(upstream, req, { dropRange = false, dropAuth = false, path = req.url } = {}) {
  const t = new URL(upstream);
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (HOP.has(k)) continue;
    if (dropRange && (k === "range" || k === "if-range")) continue;
    if (dropAuth && k === "authorization") continue;
    headers[k] = v;
  }
  return http.request({ host: t.hostname, port: t.port, method: req.method, path, headers, agent: false });
}

export async function startFaultProxy({ upstream, host = "127.0.0.1", otherHost = "127.0.0.1", port = 0 } = {}) {
  let rules = [];
  let nextId = 1;
  let seq = 0;
  const log = [];
  const otherLog = [];
  const tokens = new Set();
  let other; // other listener url

  function addFault(rule) {
    const r = {
      id: String(nextId++),
      match: rule.match || {},
      action: rule.action || { type: "status", status: 500 },
      remaining: rule.times === undefined ? 1 : rule.times < 0 ? Infinity : rule.times,
      hits: 0,
    };
    r._re = r.match.pathRegex ? new RegExp(r.match.pathRegex) : null;
    r._hdr = Object.entries(r.match.headers || {}).map(([k, v]) => [k.toLowerCase(), new RegExp(v)]);
    rules.push(r);
    return r.id;
  }
  function matches(r, req) {
    if (r.remaining <= 0) return false;
    if (r.match.method && r.match.method.toUpperCase() !== req.method) return false;
    if (r._re && !r._re.test(req.url)) return false;
    for (const [k, re] of r._hdr) if (!re.test(String(req.headers[k] ?? ""))) return false;
    return true;
  }
  const publicRules = () =>
    rules.map(({ _re, _hdr, remaining, ...r }) => ({ ...r, remaining: remaining === Infinity ? -1 : remaining }));

  async function control(req, res, u) {
    let body = "";
    for await (const c of req) {
      body += c;
      if (body.length > 1 << 20) break;
    }
    const send = (status, obj) => {
      res.writeHead(status, { "content-type": "application/json", ...corsHeaders(req) });
      res.end(JSON.stringify(obj));
    };
    const p = u.pathname;
    if (p === "/__fault" && req.method === "POST") return send(201, { id: addFault(JSON.parse(body || "{}")) });
    if (p === "/__fault" && req.method === "GET") return send(200, publicRules());
    if (p === "/__fault" && req.method === "DELETE") return (rules = []), send(200, {});
    if (p.startsWith("/__fault/") && req.method === "DELETE") {
      const id = p.slice(9);
      rules = rules.filter((r) => r.id !== id);
      return send(200, {});
    }
    if (p === "/__log") {
      if (req.method === "DELETE") log.length = 0;
      return send(200, log);
    }
    if (p === "/__other-log") {
      if (req.method === "DELETE") otherLog.length = 0;
      return send(200, otherLog);
    }
    if (p === "/__reset") {
      rules = [];
      log.length = 0;
      otherLog.length = 0;
      return send(200, {});
    }
    return send(404, { error: "unknown control path" });
  }

  /** Pipe an upstream response to res applying a body action. */
  function relay(req, res, ur, action, entry) {
    const h = {};
    for (const [k, v] of Object.entries(ur.headers)) if (!HOP.has(k)) h[k] = v;
    Object.assign(h, corsHeaders(req));
    const type = action?.type;
    if (type === "digest" && h["docker-content-digest"]) {
      h["docker-content-digest"] = action.value || "sha256:" + createHash("sha256").update("wrong").digest("hex");
    }
    if (type === "noRange") delete h["accept-ranges"];
    entry.status = ur.statusCode;
    res.writeHead(ur.statusCode, h);
    const total = Number(h["content-length"] ?? -1);
    let sent = 0;
    if (req.method === "HEAD" || !["reset", "truncate", "corrupt", "drip"].includes(type)) {
      ur.pipe(res);
      return;
    }
    if (type === "reset" || type === "truncate") {
      const limit = Math.max(0, action.afterBytes ?? 0);
      const cut = () => {
        ur.destroy();
        if (type === "truncate") res.socket?.end();
        else if (action.rst) res.socket?.resetAndDestroy?.() ?? res.destroy();
        else res.socket?.destroy();
      };
      if (limit === 0) {
        res.flushHeaders();
        return setImmediate(cut);
      }
      ur.on("data", (chunk) => {
        const room = limit - sent;
        if (room <= 0) return;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        sent += part.length;
        if (sent >= limit) res.write(part, cut);
        else res.write(part);
      });
      ur.on("end", () => sent < limit && res.end());
      return;
    }
    if (type === "corrupt") {
      const offset = action.offset ?? (total > 0 ? Math.floor(total / 2) : 0);
      const xor = action.xor ?? 1;
      ur.on("data", (chunk) => {
        if (offset >= sent && offset < sent + chunk.length) {
          chunk = Buffer.from(chunk);
          chunk[offset - sent] ^= xor;
          entry.corruptedOffset = offset;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      ur.on("end", () => res.end());
      return;
    }
    if (type === "drip") {
      const size = Math.max(1, action.chunkSize ?? 1024);
      const delay = Math.min(Math.max(0, action.delayMs ?? 20), 5000);
      const deadline = Date.now() + Math.min(action.maxMs ?? 10000, 60000);
      const queue = [];
      let ended = false;
      let pumping = false;
      ur.on("data", (c) => {
        queue.push(c);
        pump();
      });
      ur.on("end", () => {
        ended = true;
        pump();
      });
      const pump = async () => {
        if (pumping) return;
        pumping = true;
        try {
          while (queue.length && !res.destroyed) {
            ur.pause();
            let buf = queue.shift();
            while (buf.length && !res.destroyed) {
              if (Date.now() > deadline) {
                res.write(buf);
                break;
              }
              res.write(buf.subarray(0, size));
              buf = buf.subarray(size);
              await sleep(delay);
            }
            ur.resume();
          }
          if (ended && !queue.length) res.end();
        } finally {
          pumping = false;
        }
      };
    }
  }

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, "http://x");
    if (u.pathname.startsWith("/__")) return control(req, res, u);
    if (req.method === "OPTIONS") return preflight(req, res);
    const ah = req.headers.authorization || "";
    const entry = {
      seq: ++seq,
      method: req.method,
      path: req.url,
      range: req.headers.range || null,
      auth: ah ? ah.split(" ")[0].toLowerCase() : "none",
      rule: null,
      action: null,
      status: 0,
    };
    if (log.length < MAX_LOG) log.push(entry);

    let action = null;
    const hdr = req.headers["x-pullspec-fault"];
    if (hdr) {
      try {
        action = JSON.parse(hdr);
        entry.rule = "header";
      } catch {}
    } else {
      for (const r of rules) {
        if (!matches(r, req)) continue;
        if (r.action.type === "bearer") {
          const tok = ah.toLowerCase().startsWith("bearer ") ? ah.slice(7).trim() : "";
          if (tokens.has(tok)) continue; // authorised: does not consume, keep looking
        }
        r.remaining--;
        r.hits++;
        action = r.action;
        entry.rule = r.id;
        break;
      }
    }
    entry.action = action?.type ?? null;
    const type = action?.type;
    const fin = (status, headers, body = "") => {
      entry.status = status;
      const b = Buffer.from(body);
      res.writeHead(status, { "content-length": String(b.length), ...corsHeaders(req), ...headers });
      res.end(req.method === "HEAD" ? undefined : b);
    };

    if (type === "status") {
      const status = action.status ?? 500;
      return fin(status, { "content-type": "application/json", ...(action.headers || {}) }, action.body ?? errorBody(status));
    }
    if (type === "reset" && (action.afterBytes === undefined || action.afterBytes < 0)) {
      entry.status = -1;
      return req.socket.resetAndDestroy?.() ?? req.socket.destroy();
    }
    if (type === "redirect") {
      const loc = `${other}/redirected${req.url}${req.url.includes("?") ? "&" : "?"}sig=test`;
      return fin(action.status ?? 307, { location: loc });
    }
    if (type === "bearer") {
      const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(u.pathname);
      const scope = m ? `repository:${m[1]}:pull` : "";
      const service = action.service || "fault-proxy";
      return fin(401, {
        "content-type": "application/json",
        "www-authenticate": `Bearer realm="${other}/token",service="${service}"${scope ? `,scope="${scope}"` : ""}`,
      }, errorBody(401));
    }
    if (type === "oversize") {
      const bytes = action.bytes ?? 4 * 1024 * 1024 + 4096;
      const mt = String(req.headers.accept || "").split(",")[0].trim() || "application/vnd.oci.image.manifest.v1+json";
      const head = `{"schemaVersion":2,"mediaType":"${mt}","annotations":{"pad":"`;
      const tail = `"}}`;
      const padLen = Math.max(0, bytes - head.length - tail.length);
      const body = Buffer.from(head + "x".repeat(padLen) + tail);
      const digest = "sha256:" + createHash("sha256").update(body).digest("hex");
      entry.status = 200;
      const h = { "content-type": mt, "docker-content-digest": digest, ...corsHeaders(req) };
      if (!action.chunked) h["content-length"] = String(body.length);
      res.writeHead(200, h);
      return res.end(req.method === "HEAD" ? undefined : body);
    }
    if (type === "delay") await sleep(Math.min(Math.max(0, action.ms ?? 1000), 30000));

    const up = upstreamRequest(upstream, req, { dropRange: type === "noRange" });
    up.setTimeout(120000, () => up.destroy(new Error("upstream timeout")));
    up.on("response", (ur) => relay(req, res, ur, action, entry));
    up.on("error", (e) => {
      entry.status = 502;
      if (!res.headersSent) fin(502, { "content-type": "text/plain" }, "fault-proxy upstream error: " + e.message);
      else res.destroy();
    });
    res.on("close", () => up.destroy());
    req.pipe(up);
  });

  // the "other origin": redirect target + foreign token realm, recording what it receives
  const otherServer = http.createServer((req, res) => {
    const u = new URL(req.url, "http://x");
    if (otherLog.length < MAX_LOG)
      otherLog.push({
        seq: ++seq,
        method: req.method,
        path: req.url,
        host: req.headers.host,
        authorization: req.headers.authorization ?? null,
        origin: req.headers.origin ?? null,
      });
    if (req.method === "OPTIONS") return preflight(req, res);
    if (u.pathname === "/token") {
      const token = randomBytes(16).toString("hex");
      if (tokens.size < 10000) tokens.add(token);
      const body = JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
      res.writeHead(200, { "content-type": "application/json", ...corsHeaders(req) });
      return res.end(body);
    }
    if (u.pathname.startsWith("/redirected/")) {
      u.searchParams.delete("sig");
      const path = u.pathname.slice("/redirected".length) + (u.search || "");
      const fakeReq = { headers: { ...req.headers }, method: req.method, url: path };
      delete fakeReq.headers.host;
      const up = upstreamRequest(upstream, fakeReq, { dropAuth: true });
      up.on("response", (ur) => {
        const h = {};
        for (const [k, v] of Object.entries(ur.headers)) if (!HOP.has(k)) h[k] = v;
        res.writeHead(ur.statusCode, { ...h, ...corsHeaders(req) });
        ur.pipe(res);
      });
      up.on("error", () => res.destroy());
      return up.end();
    }
    res.writeHead(404, corsHeaders(req));
    res.end();
  });

  server.keepAliveTimeout = 1000;
  otherServer.keepAliveTimeout = 1000;
  await listen(server, host, port);
  await listen(otherServer, otherHost === "localhost" ? "127.0.0.1" : otherHost);
  const addr = `${host}:${server.address().port}`;
  other = `http://${otherHost}:${otherServer.address().port}`;
  const url = `http://${addr}`;
  return {
    url,
    host: addr,
    control: url + "/__fault",
    otherUrl: other,
    addFault,
    removeFault: (id) => (rules = rules.filter((r) => r.id !== id)),
    clearFaults: () => (rules = []),
    rules: publicRules,
    log: () => log.slice(),
    clearLog: () => (log.length = 0),
    otherLog: () => otherLog.slice(),
    reset: () => {
      rules = [];
      log.length = 0;
      otherLog.length = 0;
    },
    close: () =>
      Promise.all(
        [server, otherServer].map(
          (s) =>
            new Promise((r) => {
              s.close(() => r());
              s.closeAllConnections?.();
            }),
        ),
      ),
  };
}
