// The registry client through the harness's fault proxy (in front of the anonymous registry):
// throttling, server errors, broken and truncated bodies, corrupted bytes, a lying
// Docker-Content-Digest, slow bodies and aborts, redirects to another origin (credentials must
// stay behind), a token realm on another host, and oversized manifests. Digests from fixtures.
// Each runs over both transports: the global fetch (undici) and nodeFetch (node:http).
import { test, before, describe } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { RegistryClient, Keyring, PullspecError, pullOciLayout, nodeFetch } from "../../pkg/node.js";
import { sha256, dockerConfig, rejects, useRegistries } from "./registry-helpers.mjs";

let r, F, fx, tmp;

useRegistries({ modes: ["anonymous"], faultProxy: true }, { tmp: "pullspec-faults-", resetFaults: true }, (s) => ({ r, F, fx, tmp } = s));

let transport; // set per describe block below

/** A client with small backoff on the transport under test, recording its events. */
function client(options = {}) {
  const events = [];
  const c = new RegistryClient({ fetch: transport, retry: { maxDelayMs: 50 }, onEvent: (e) => events.push(e), ...options });
  return { c, events, retries: () => events.filter((e) => e.type === "retry") };
}

const image = (ref) => `${F.host}/${ref}`;
const large = () => fx["large:1.0"].layers[0];
const single = () => fx["single:1.0"];
const blobRequests = (digest) => F.log().filter((e) => e.method === "GET" && e.path.endsWith(`/blobs/${digest}`));

/** A sink collecting chunks, to see `blobInto`'s result (resumes, restarts). */
function collector() {
  const sink = {
    chunks: [],
    committed: false,
    reset(start) {
      let keep = start;
      sink.chunks = sink.chunks.flatMap((c) => {
        if (keep <= 0) return [];
        const part = c.subarray(0, Math.min(keep, c.length));
        keep -= part.length;
        return [part];
      });
    },
    write(c) {
      sink.chunks.push(c);
    },
    commit() {
      sink.committed = true;
    },
    abort() {
      sink.chunks = [];
    },
    bytes: () => Buffer.concat(sink.chunks),
  };
  return sink;
}

for (const [name, fetchImpl] of [["global fetch", undefined], ["nodeFetch", nodeFetch]]) {
  describe(name, () => {
    before(() => (transport = fetchImpl));

    test("429 with Retry-After waits as told; without it backs off", async () => {
      const { c, retries } = client();
      F.addFault({ match: { pathRegex: "/manifests/" }, action: { type: "status", status: 429, headers: { "Retry-After": "1" } } });
      const t0 = Date.now();
      const res = await c.resolve(image("single:1.0"));
      assert.equal(res.digest, single().digest);
      assert.equal(retries()[0].waitMs, 1000);
      assert.match(retries()[0].reason, /HTTP 429/);
      assert.ok(Date.now() - t0 >= 950);
      F.addFault({ match: { pathRegex: "/manifests/" }, action: { type: "status", status: 429 }, times: 2 });
      const again = client();
      assert.equal((await again.c.manifest(image("single:1.0"))).digest, single().digest);
      assert.equal(again.retries().length, 2);
      assert.ok(again.retries().every((e) => e.waitMs <= 50));
      F.addFault({ match: { pathRegex: "/manifests/" }, action: { type: "status", status: 429 }, times: -1 });
      const e = await rejects(client().c.manifest(image("single:1.0")));
      assert.equal(e.code, "TOOMANYREQUESTS");
      assert.equal(e.status, 429);
      assert.match(e.message, /gave up after 4 attempt/);
    });

    test("500, 502 and 503 are retried; past the attempts it is SERVER_ERROR", async () => {
      const L = single().layers[0];
      for (const status of [500, 502, 503]) {
        F.reset();
        F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "status", status }, times: 2 });
        const { c, retries } = client();
        const bytes = await c.blob(image("single:1.0"), L.digest);
        assert.equal(sha256(bytes), L.digest);
        assert.equal(retries().length, 2, `${status}`);
        assert.equal(blobRequests(L.digest).length, 3);
      }
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "status", status: 503 }, times: -1 });
      const e = await rejects(client({ retry: { attempts: 3, maxDelayMs: 20 } }).c.blob(image("single:1.0"), L.digest));
      assert.equal(e.code, "SERVER_ERROR");
      assert.equal(e.status, 503);
      assert.equal(e.registryCode, "UNKNOWN");
    });

    test("a connection reset mid-blob resumes with Range", async () => {
      const L = large();
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "reset", afterBytes: 8 << 20 } });
      const { c, retries } = client();
      const sink = collector();
      const out = await c.blobInto(image("large:1.0"), L, sink);
      assert.deepEqual([out.resumes, out.restarts], [1, 0]);
      assert.ok(sink.committed);
      assert.equal(sha256(sink.bytes()), L.digest);
      const reqs = blobRequests(L.digest);
      assert.equal(reqs.length, 2);
      assert.equal(reqs[0].range, null);
      const from = Number(/^bytes=(\d+)-$/.exec(reqs[1].range)?.[1]);
      assert.ok(from > 0 && from <= 8 << 20, reqs[1].range);
      assert.match(retries()[0].reason, /resuming/);
    });

    test("a reset where the registry cannot resume starts over; a stream checks the re-sent bytes", async () => {
      const L = large();
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "reset", afterBytes: 4 << 20 } });
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "noRange" } });
      const { c } = client();
      const chunks = [];
      for await (const chunk of c.blobStream(image("large:1.0"), L)) chunks.push(chunk);
      const all = Buffer.concat(chunks);
      assert.equal(all.length, L.size, "each byte delivered once");
      assert.equal(sha256(all), L.digest);
      const reqs = blobRequests(L.digest);
      assert.equal(reqs.length, 2);
      assert.match(reqs[1].range ?? "", /^bytes=[1-9]\d*-$/, "it asked to resume");
      assert.equal(reqs[1].action, "noRange", "and got the whole blob again");
    });

    test("a stream whose re-sent bytes differ from those it delivered errors (any transport: a fake fetch)", async () => {
      const blob = Buffer.alloc(256 * 1024, 7);
      const digest = sha256(blob);
      let calls = 0;
      // 1st answer: a wrong first byte, then the connection breaks; 2nd: the right bytes, no ranges.
      const fakeFetch = async (url, init) => {
        calls++;
        assert.equal(init.redirect, "manual");
        const first = calls === 1;
        let pulls = 0;
        const body = new ReadableStream({
          pull(c) {
            if (!first) {
              c.enqueue(blob);
              c.close();
            } else if (pulls++ === 0) {
              const bad = Buffer.from(blob.subarray(0, 64 * 1024));
              bad[0] ^= 1;
              c.enqueue(bad);
            } else {
              c.error(new TypeError("connection reset"));
            }
          },
        });
        return new Response(body, { status: 200, headers: { "content-length": String(blob.length) } });
      };
      const { c } = client({ fetch: fakeFetch });
      let received = 0;
      const err = await (async () => {
        try {
          for await (const chunk of c.blobStream("fake.test/repo", { digest, size: blob.length })) received += chunk.length;
        } catch (e) {
          return e;
        }
      })();
      assert.equal(calls, 2);
      assert.equal(received, 64 * 1024, "only the first transfer's bytes were delivered");
      assert.equal(err?.code, "DIGEST_MISMATCH");
      assert.match(err.message, /differ from those already delivered/);
      // blob() has nothing to take back: the same story ends with the right bytes
      calls = 0;
      assert.equal(sha256(await c.blob("fake.test/repo", digest, { size: blob.length })), digest);
    });

    test("a truncated body is taken up again and verified", async () => {
      const L = single().layers[0];
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "truncate", afterBytes: 50 } });
      const { c, retries } = client();
      const bytes = await c.blob(image("single:1.0"), L.digest);
      assert.equal(sha256(bytes), L.digest);
      assert.equal(retries().length, 1);
    });

    test("a wrong byte in a blob is DIGEST_MISMATCH: no bytes handed on, no blob file left", async () => {
      const L = large();
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "corrupt" } });
      const { c } = client();
      const sink = collector();
      const e = await rejects(c.blobInto(image("large:1.0"), L, sink));
      assert.equal(e.code, "DIGEST_MISMATCH");
      assert.equal(e.expected, L.digest);
      assert.notEqual(e.actual, L.digest);
      assert.ok(!sink.committed);
      assert.equal(sink.chunks.length, 0);
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "corrupt" } });
      assert.equal((await rejects(c.blob(image("large:1.0"), L.digest))).code, "DIGEST_MISMATCH");

      // the stream hands chunks on as they come, and errors at the end
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "corrupt" } });
      let received = 0;
      const stream = c.blobStream(image("large:1.0"), L);
      const streamError = await (async () => {
        try {
          for await (const chunk of stream) received += chunk.length;
        } catch (err) {
          return err;
        }
      })();
      assert.equal(streamError?.code, "DIGEST_MISMATCH");
      assert.equal(received, L.size);

      // the OCI layout writer leaves nothing: the directory it created is gone
      const entry = fx["multiarch:1.0"].manifests.find((m) => m.platformString === "linux/amd64");
      F.addFault({ match: { method: "GET", pathRegex: `/blobs/${entry.layers[0].digest}` }, action: { type: "corrupt" } });
      const out = join(tmp, "corrupt-layout");
      const le = await rejects(pullOciLayout(c, image("multiarch:1.0"), { platform: "linux/amd64", output: out }));
      assert.equal(le.code, "DIGEST_MISMATCH");
      assert.deepEqual(await readdir(tmp).then((names) => names.filter((n) => n === "corrupt-layout")), [], "no layout directory left");
    });

    test("a wrong Docker-Content-Digest is DIGEST_MISMATCH", async () => {
      F.addFault({ match: { method: "GET", pathRegex: "/manifests/" }, action: { type: "digest" } });
      const e = await rejects(client().c.manifest(image("single:1.0")));
      assert.equal(e.code, "DIGEST_MISMATCH");
      assert.equal(e.actual, single().digest, "the bytes are the real manifest");
    });

    test("a slow drip finishes; a short abort signal ends it with ABORTED", async () => {
      const cfg = single().config;
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "drip", chunkSize: 16, delayMs: 10 } });
      const { c } = client();
      const t0 = Date.now();
      const bytes = await c.blob(image("single:1.0"), cfg.digest);
      assert.equal(sha256(bytes), cfg.digest);
      assert.ok(Date.now() - t0 >= 300, "it dripped");
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "drip", chunkSize: 16, delayMs: 10 } });
      const e = await rejects(c.blob(image("single:1.0"), cfg.digest, { signal: AbortSignal.timeout(100) }));
      assert.equal(e.code, "ABORTED");
      // aborted while waiting to retry, too
      F.addFault({ match: { pathRegex: "/manifests/" }, action: { type: "status", status: 429, headers: { "Retry-After": "30" } } });
      const t1 = Date.now();
      const w = await rejects(c.manifest(image("single:1.0"), { signal: AbortSignal.timeout(100) }));
      assert.equal(w.code, "ABORTED");
      assert.ok(Date.now() - t1 < 5000);
      // a body that stalls longer than timeoutMs is a (retried) timeout
      F.reset();
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "drip", chunkSize: 16, delayMs: 400 } });
      const slow = client({ timeoutMs: 150, retry: { maxDelayMs: 10 } });
      assert.equal(sha256(await slow.c.blob(image("single:1.0"), cfg.digest)), cfg.digest);
      assert.match(slow.retries()[0].reason, /no data for 150 ms/);
    });

    test("a redirect to another origin: followed, and the credentials stay behind", async () => {
      const L = single().layers[0];
      const keyring = new Keyring();
      keyring.addDockerConfig(dockerConfig({ [F.host]: ["alice", "wonderland"] }));
      const { c, events } = client({ keyring });
      // the registry asks for Basic once (so the client authenticates), then redirects the blob
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "status", status: 401, headers: { "WWW-Authenticate": 'Basic realm="faults"' } } });
      F.addFault({ match: { method: "GET", pathRegex: "/blobs/" }, action: { type: "redirect" } });
      const bytes = await c.blob(image("single:1.0"), L.digest);
      assert.equal(sha256(bytes), L.digest);
      const log = blobRequests(L.digest);
      assert.deepEqual(log.map((e) => [e.auth, e.status]), [["none", 401], ["basic", 307]]);
      const other = F.otherLog().filter((e) => e.path.startsWith("/redirected/"));
      assert.equal(other.length, 1);
      assert.equal(other[0].authorization, null, "no Authorization at the other origin");
      const redirect = events.find((e) => e.type === "redirect");
      assert.equal(redirect.authorizationDropped, true);
      assert.equal(redirect.toHost, new URL(F.otherUrl).host);
      assert.ok(!JSON.stringify(events).includes("wonderland"));
    });

    test("a token realm on another host", async () => {
      const keyring = new Keyring();
      keyring.addDockerConfig(dockerConfig({ [F.host]: ["alice", "wonderland"] }));
      const { c } = client({ keyring });
      F.addFault({ match: { pathRegex: "^/v2/.+" }, action: { type: "bearer" }, times: -1 });
      const res = await c.resolve(image("multiarch:1.0"), { platform: "linux/arm/v7" });
      assert.equal(res.digest, fx["multiarch:1.0"].digest);
      const tokens = F.otherLog().filter((e) => e.path.startsWith("/token"));
      assert.equal(tokens.length, 1, "one token, cached for every request of the repository");
      assert.match(tokens[0].path, /scope=repository%3Amultiarch%3Apull/);
      const authed = F.log().filter((e) => e.path.startsWith("/v2/multiarch/") && e.status === 200);
      assert.ok(authed.length >= 3 && authed.every((e) => e.auth === "bearer"));
    });

    test("an oversized manifest is MANIFEST_TOO_LARGE (with and without Content-Length)", async () => {
      for (const chunked of [false, true]) {
        F.reset();
        F.addFault({ match: { method: "GET", pathRegex: "/manifests/" }, action: { type: "oversize", chunked } });
        const e = await rejects(client().c.manifest(image("single:1.0")));
        assert.equal(e.code, "MANIFEST_TOO_LARGE", `chunked ${chunked}`);
        assert.equal(e.limit, 4 * 1024 * 1024);
      }
    });

    test("no registry reachable is NETWORK after the retries", async () => {
      const { c, retries } = client({ retry: { attempts: 2, maxDelayMs: 10 } });
      const e = await rejects(c.ping("127.0.0.1:1"));
      assert.equal(e.code, "NETWORK");
      assert.equal(e.attempts, 2);
      assert.equal(retries().length, 1);
    });
  });
}
