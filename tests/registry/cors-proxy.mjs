// CORS-answering reverse proxy for browser tests against an authenticated registry.
//
// With auth on, the distribution server answers a browser's OPTIONS preflight with 401, so browsers
// cannot call it directly. This proxy:
//   - answers every OPTIONS itself: 204 + Access-Control-Allow-Origin (the request's Origin, or *),
//     -Allow-Methods, -Allow-Headers (Authorization, Accept, Range, Content-Type + whatever was asked),
//     -Max-Age;
//   - forwards everything else to `upstream` (the registry), or, for paths under /token, to
//     `tokenUpstream` (the token server), keeping the Host header so that registry-built Location URLs
//     point back at the proxy;
//   - adds Access-Control-Allow-Origin / -Expose-Headers to every response;
//   - rewrites the realm="..." of WWW-Authenticate Bearer challenges that point at tokenUpstream to
//     http://<proxy host>/token..., so the browser fetches its token through the proxy too.
//
// startCorsProxy({ upstream, tokenUpstream?, host?, port? }) -> { url, host, close() }

import http from "node:http";

export const EXPOSE_HEADERS = [
  "Docker-Content-Digest", "Content-Length", "Content-Type", "Content-Range", "Accept-Ranges", "WWW-Authenticate",
  "Location", "Link", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "Docker-Distribution-Api-Version",
  "Docker-Upload-UUID", "Range", "ETag",
].join(", ");
export const ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
export const ALLOW_HEADERS = ["Authorization", "Accept", "Range", "Content-Type", "If-None-Match", "Cache-Control"];

export function corsHeaders(req) {
  const origin = req.headers.origin;
  return {
    "access-control-allow-origin": origin || "*",
    ...(origin ? { "access-control-allow-credentials": "true", vary: "Origin" } : {}),
    "access-control-expose-headers": EXPOSE_HEADERS,
  };
}

export function preflight(req, res) {
  const asked = (req.headers["access-control-request-headers"] || "")
    .split(",").map((s) => s.trim()).filter(Boolean);
  const allow = [...new Set([...ALLOW_HEADERS, ...asked])].join(", ");
  res.writeHead(204, {
    ...corsHeaders(req),
    "access-control-allow-methods": ALLOW_METHODS,
    "access-control-allow-headers": allow,
    "access-control-max-age": "600",
    "content-length": "0",
  });
  res.end();
}

const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

/** Forward req to target (http://host:port); `mapHeaders(headers)` may rewrite response headers. */
export function forward(req, res, target, { mapHeaders = (h) => h, timeoutMs = 120000 } = {}) {
  const t = new URL(target);
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  const up = http.request(
    { host: t.hostname, port: t.port, method: req.method, path: req.url, headers, agent: false },
    (ur) => {
      const h = {};
      for (const [k, v] of Object.entries(ur.headers)) if (!HOP.has(k) && !k.startsWith("access-control-")) h[k] = v;
      res.writeHead(ur.statusCode, mapHeaders(h));
      ur.pipe(res);
      ur.on("error", () => res.destroy());
    },
  );
  up.setTimeout(timeoutMs, () => up.destroy(new Error("upstream timeout")));
  up.on("error", (e) => {
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("proxy: upstream error: " + e.message);
    } else res.destroy();
  });
  req.pipe(up);
  res.on("close", () => up.destroy());
}

export async function startCorsProxy({ upstream, tokenUpstream, host = "127.0.0.1", port = 0 } = {}) {
  const tokenBase = tokenUpstream ? new URL(tokenUpstream).origin : null;
  const server = http.createServer((req, res) => {
    if (req.method === "OPTIONS") return preflight(req, res);
    const self = `http://${req.headers.host || `${host}:${server.address().port}`}`;
    const toToken = tokenBase && (req.url === "/token" || req.url.startsWith("/token?") || req.url.startsWith("/token/"));
    forward(req, res, toToken ? tokenBase : upstream, {
      mapHeaders: (h) => {
        if (h["www-authenticate"] && tokenBase) {
          h["www-authenticate"] = String(h["www-authenticate"]).replace(
            /realm="([^"]*)"/,
            (m, realm) => (realm.startsWith(tokenBase) ? `realm="${self}${realm.slice(tokenBase.length)}"` : m),
          );
        }
        return { ...h, ...corsHeaders(req) };
      },
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const addr = `${host}:${server.address().port}`;
  return {
    url: `http://${addr}`,
    host: addr,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      }),
  };
}
