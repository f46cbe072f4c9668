// A proxy in front of a registry that strips every CORS header: what most registries look like
// to a page. The browser tests use it to check the CORS message (CORS_LIKELY).
import http from "node:http";

/** Starts it on 127.0.0.1 in front of `upstream` (a URL); resolves to `{ host, close() }`. */
export async function startBareProxy(upstream) {
  const t = new URL(upstream);
  const s = http.createServer((req, res) => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      const h = Object.fromEntries(Object.entries(ur.headers).filter(([k]) => !k.startsWith("access-control-")));
      res.writeHead(ur.statusCode, h);
      ur.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise((ok) => s.listen(0, "127.0.0.1", ok));
  return { host: `127.0.0.1:${s.address().port}`, close: () => new Promise((ok) => (s.closeAllConnections(), s.close(ok))) };
}
