// Docker token-auth server for the distribution registry (https://distribution.github.io/distribution/spec/auth/token/).
//
//   GET  /token?service=S&scope=repository:NAME:pull,push[&scope=...]   optional Basic auth
//   POST /token   application/x-www-form-urlencoded OAuth2:
//                 grant_type=password (username, password) | refresh_token (refresh_token),
//                 service, scope (space separated), client_id, access_type=offline -> refresh_token
//   -> 200 { token, access_token, expires_in, issued_at, refresh_token? }
//      401 bad credentials (GET: WWW-Authenticate Basic), 400 bad request
//
// Test controls (same listener):
//   POST /__config  JSON { expires_in?: seconds, exp_offset?: seconds added to exp (negative = already
//                   expired; the registry allows 60 s clock-skew leeway, so use <= -61 to get rejections) }
//   GET  /__log     [{ method, path, user, grant, scopes, granted, status }]    DELETE /__log clears it
//
// JWT: RS256, header { typ, alg, x5c: [base64 DER cert] }, claims iss, sub, aud (= service), exp, nbf,
// iat, jti, access: [{ type, name, actions }].
// ACL: anonymous -> pull on repositories named public/*; alice/wonderland -> everything;
//      bob/builder -> pull on multiarch only. Override with startTokenServer({ users, acl }).

import http from "node:http";
import { createSign, createHash, randomBytes, X509Certificate, createPrivateKey } from "node:crypto";
import { readFile, mkdir, stat, mkdtemp, rename, rm } from "node:fs/promises";
import { join, dirname } from "node:path";
import { run } from "./seed.mjs";

export const DEFAULT_USERS = { alice: "wonderland", bob: "builder" };

/** (user|null, {type,name,actions[]}) -> granted actions[] */
export function defaultAcl(user, { type, name, actions }) {
  if (user === "alice") return actions.slice(); // pull, push, delete, * ... everything asked for
  if (type !== "repository") return [];
  if (user === "bob" && name === "multiarch") return actions.filter((a) => a === "pull");
  if (user === null && name.startsWith("public/")) return actions.filter((a) => a === "pull");
  return [];
}

/** Generate (once) an RSA key and a self-signed certificate with the openssl CLI. */
export async function ensureTokenCert(dir) {
  const key = join(dir, "token-key.pem");
  const cert = join(dir, "token-cert.pem");
  try {
    await stat(key);
    await stat(cert);
    return { key, cert };
  } catch {}
  // generate into a private temp dir, then rename the dir into place: key and cert always match,
  // even when several test processes start at once
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-${process.pid}-`);
  await run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "36500",
    "-subj", "/CN=pullspec-token-issuer", "-keyout", join(tmp, "token-key.pem"), "-out", join(tmp, "token-cert.pem"),
  ]);
  try {
    await rename(tmp, dir);
  } catch (e) {
    if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
    await rm(tmp, { recursive: true, force: true });
  }
  return { key, cert };
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");

export function parseScope(s) {
  // type[(class)]:name:actions — name may itself contain ':' (not for repos, but be lenient)
  const first = s.indexOf(":");
  const last = s.lastIndexOf(":");
  if (first < 0 || last === first) return null;
  return {
    type: s.slice(0, first).replace(/\(.*\)$/, ""),
    name: s.slice(first + 1, last),
    actions: s.slice(last + 1).split(",").filter(Boolean),
  };
}

export async function startTokenServer({
  certDir,
  issuer = "pullspec-token-issuer",
  service = "pullspec-registry",
  users = DEFAULT_USERS,
  acl = defaultAcl,
  expiresIn = 300,
  host = "127.0.0.1",
  port = 0,
} = {}) {
  const paths = await ensureTokenCert(certDir);
  const keyPem = await readFile(paths.key);
  const certPem = await readFile(paths.cert);
  const privateKey = createPrivateKey(keyPem);
  const der = new X509Certificate(certPem).raw;
  const header = { typ: "JWT", alg: "RS256", x5c: [der.toString("base64")] };
  const cfg = { expires_in: expiresIn, exp_offset: 0 };
  const refreshTokens = new Map(); // refresh token -> { sub }
  const log = [];

  function mint(sub, access, { aud = service, expires_in = cfg.expires_in, exp_offset = cfg.exp_offset } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: sub ?? "",
      aud,
      exp: now + expires_in + exp_offset,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(12).toString("hex"),
      access,
    };
    const input = b64url(JSON.stringify(header)) + "." + b64url(JSON.stringify(claims));
    const sig = createSign("RSA-SHA256").update(input).sign(privateKey);
    return { token: input + "." + b64url(sig), claims };
  }

  function grant(user, scopes) {
    const access = [];
    for (const s of scopes) {
      const sc = parseScope(s);
      if (!sc) continue;
      const actions = acl(user, sc);
      if (actions.length) access.push({ type: sc.type, name: sc.name, actions });
    }
    return access;
  }

  function respond(res, status, obj, extra = {}) {
    const body = JSON.stringify(obj);
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...extra });
    res.end(body);
  }

  function checkUser(username, password) {
    return Object.prototype.hasOwnProperty.call(users, username) && users[username] === password;
  }

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, "http://x");
    const entry = { method: req.method, path: u.pathname, user: null, grant: null, scopes: [], granted: [], status: 0 };
    const done = (status, obj, extra) => {
      entry.status = status;
      if (log.length < 10000) log.push(entry);
      respond(res, status, obj, extra);
    };
    try {
      let body = "";
      if (req.method === "POST") {
        for await (const c of req) {
          body += c;
          if (body.length > 1 << 20) return done(413, { error: "too large" });
        }
      }
      if (u.pathname === "/__config" && req.method === "POST") {
        Object.assign(cfg, JSON.parse(body || "{}"));
        return done(200, cfg);
      }
      if (u.pathname === "/__config" && req.method === "GET") return done(200, cfg);
      if (u.pathname === "/__log") {
        if (req.method === "DELETE") log.length = 0;
        return respond(res, 200, log);
      }
      if (u.pathname !== "/token") return done(404, { error: "not found" });

      if (req.method === "GET") {
        entry.grant = "get";
        let user = null;
        const ah = req.headers.authorization || "";
        if (ah.toLowerCase().startsWith("basic ")) {
          const dec = Buffer.from(ah.slice(6).trim(), "base64").toString();
          const i = dec.indexOf(":");
          const [n, p] = [dec.slice(0, i), dec.slice(i + 1)];
          if (i < 0 || !checkUser(n, p))
            return done(401, { errors: [{ code: "UNAUTHORIZED", message: "invalid credentials" }] }, {
              "www-authenticate": 'Basic realm="pullspec-token"',
            });
          user = n;
        }
        entry.user = user;
        const scopes = u.searchParams.getAll("scope").flatMap((s) => s.split(" ")).filter(Boolean);
        entry.scopes = scopes;
        const access = grant(user, scopes);
        entry.granted = access;
        const { token, claims } = mint(user, access, { aud: u.searchParams.get("service") || service });
        const out = {
          token,
          access_token: token,
          expires_in: claims.exp - claims.iat,
          issued_at: new Date(claims.iat * 1000).toISOString(),
        };
        if (user && (u.searchParams.get("offline_token") === "true")) {
          const rt = randomBytes(24).toString("base64url");
          refreshTokens.set(rt, { sub: user });
          out.refresh_token = rt;
        }
        return done(200, out);
      }

      if (req.method === "POST") {
        const f = new URLSearchParams(body);
        const grantType = f.get("grant_type");
        entry.grant = grantType;
        let user;
        let refresh;
        if (grantType === "password") {
          if (!checkUser(f.get("username") || "", f.get("password") || ""))
            return done(401, { error: "invalid_grant", error_description: "invalid credentials" });
          user = f.get("username");
        } else if (grantType === "refresh_token") {
          const rec = refreshTokens.get(f.get("refresh_token") || "");
          if (!rec) return done(401, { error: "invalid_grant", error_description: "unknown refresh token" });
          user = rec.sub;
          refresh = f.get("refresh_token");
        } else {
          return done(400, { error: "unsupported_grant_type" });
        }
        entry.user = user;
        const scopes = (f.getAll("scope") || []).flatMap((s) => s.split(" ")).filter(Boolean);
        entry.scopes = scopes;
        const access = grant(user, scopes);
        entry.granted = access;
        const { token, claims } = mint(user, access, { aud: f.get("service") || service });
        const out = {
          token,
          access_token: token,
          expires_in: claims.exp - claims.iat,
          issued_at: new Date(claims.iat * 1000).toISOString(),
          scope: scopes.join(" "),
        };
        if (grantType === "password" && (f.get("access_type") === "offline" || f.get("offline_token") === "true")) {
          refresh = randomBytes(24).toString("base64url");
          refreshTokens.set(refresh, { sub: user });
        }
        if (refresh) out.refresh_token = refresh;
        return done(200, out);
      }
      return done(405, { error: "method not allowed" });
    } catch (e) {
      return done(400, { error: String(e.message || e) });
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  return {
    url,
    realm: url + "/token",
    issuer,
    service,
    certPath: paths.cert,
    keyPath: paths.key,
    users,
    config: cfg,
    log,
    mint: (sub, access, opts) => mint(sub, access, opts).token,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      }),
  };
}
