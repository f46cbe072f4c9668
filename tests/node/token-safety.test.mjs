// A hostile token server of our own on 127.0.0.1: a token with a line break or a space must be
// refused before it becomes an `Authorization` header (with the global fetch, undici's refusal
// quotes the header value, token included), and no message or field of the error may hold it.
// A realm that redirects with its query is asked `service` and `scope` once, not twice.
// Each runs over both transports: the global fetch (undici) and nodeFetch (node:http).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import util from "node:util";
import { RegistryClient, PullspecError, nodeFetch } from "../../pkg/node.js";
import { rejects } from "./registry-helpers.mjs";

const SECRET = "SECRETTOKEN";
let server, host, requests, tokenBody;

before(async () => {
  server = http.createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization ?? null });
    const url = new URL(req.url, `http://${host}`);
    if (url.pathname.startsWith("/v2/")) {
      if (req.headers.authorization === "Bearer good-token") {
        res.writeHead(404, { "Content-Type": "application/json" });
        res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
        return;
      }
      res.writeHead(401, {
        "WWW-Authenticate": `Bearer realm="http://${host}/token",service="${host}",scope="repository:team/app:pull"`,
        "Content-Type": "application/json",
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (url.pathname === "/token") {
      if (tokenBody === "redirect") {
        res.writeHead(307, { Location: `/token2${url.search}` });
        res.end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(tokenBody);
      return;
    }
    if (url.pathname === "/token2") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ token: "good-token", expires_in: 300 }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

/** Every way an error can be shown: message, stack, fields, JSON, inspect. */
function shown(e) {
  return [e.message, e.stack, JSON.stringify(e), JSON.stringify(Object.entries(e)), util.inspect(e, { depth: 5 }), String(e.cause ?? "")].join("\n");
}

for (const [name, transport] of [["global fetch", undefined], ["nodeFetch", nodeFetch]]) {
  describe(name, () => {
    const client = () => {
      const events = [];
      const c = new RegistryClient({ fetch: transport, retry: { attempts: 2, maxDelayMs: 10 }, onEvent: (e) => events.push(e) });
      return { c, events };
    };

    test("a token with a line break, a space or a control character is refused, and shown nowhere", async () => {
      const bad = [`${SECRET}\r\nX-Injected: 1`, `${SECRET}\nX`, `SECRET TOKEN`, `${SECRET}\t`, `${SECRET}\u0000`, `${SECRET}é`];
      for (const token of bad) {
        for (const field of ["token", "access_token"]) {
          requests = [];
          tokenBody = JSON.stringify({ [field]: token, expires_in: 300 });
          const { c, events } = client();
          const e = await rejects(c.manifest(`${host}/team/app:1`));
          assert.equal(e.code, "INVALID_RESPONSE", `${JSON.stringify(token)} in ${field}: ${e.message}`);
          assert.match(e.message, /b64token/);
          const text = shown(e) + JSON.stringify(events);
          for (const piece of ["SECRET", "Injected"]) assert.ok(!text.includes(piece), `${JSON.stringify(token)} leaked: ${text}`);
          // the registry, the token server, and nothing after: the token was never sent
          assert.deepEqual(
            requests.map((r) => r.url.split("?")[0]),
            ["/v2/team/app/manifests/1", "/token"],
          );
          assert.ok(requests.every((r) => !String(r.authorization).includes("SECRET")));
        }
      }
    });

    test("a realm redirect keeps its query and is not given service and scope again", async () => {
      requests = [];
      tokenBody = "redirect";
      const e = await rejects(client().c.manifest(`${host}/team/app:1`));
      assert.equal(e.code, "MANIFEST_UNKNOWN", e.message);
      const token2 = requests.find((r) => r.url.startsWith("/token2"));
      assert.ok(token2, JSON.stringify(requests));
      const q = new URL(token2.url, "http://x").searchParams;
      assert.deepEqual(q.getAll("service"), [host]);
      assert.deepEqual(q.getAll("scope"), ["repository:team/app:pull"]);
      assert.equal(requests.at(-1).authorization, "Bearer good-token");
    });
  });
}
