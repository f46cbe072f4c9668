// Reliability at the API boundary and around child processes:
//  - numeric options (pull concurrency, client timeout, retry, seed, tag paging, blob size) are
//    refused with INVALID_ARGUMENT naming the option, before any request or file write, so a pull
//    can no longer "succeed" without its layers (a NaN concurrency used to start no downloads and
//    pullOciLayout wrote an index.json naming blobs it never fetched) and a bad timeout can no
//    longer switch the timeout off;
//  - credential plugins cannot take the process down or keep it waiting: their output is capped,
//    their timeout kills the whole process group and settles at once, and what they leave behind
//    is killed when they exit.
// The pulls run against a real local registry (tests/registry/harness.mjs); the plugins are real
// shell scripts; the timeout control is a local TCP server that never answers. Loopback only.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { mkdtemp, rm, readFile } from "node:fs/promises";
import { existsSync, readFileSync, readdirSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startRegistries } from "../registry/harness.mjs";
import {
  RegistryClient,
  Keyring,
  PullspecError,
  pullOciLayout,
  execCredentialProvider,
  dockerCredentialHelper,
} from "../../pkg/node.js";
import { sha256, run } from "./registry-helpers.mjs";
import { root } from "./helpers.mjs";

// Every value here must be refused: none of them is a whole number from 1 to 64.
const BAD_CONCURRENCY = [NaN, {}, "x", 0, -1, 1.5, Infinity, "3", 65];
const BAD_TIMEOUTS = [-1, NaN, "abc", 0, 2 ** 31, Infinity];
const show = (v) => (typeof v === "number" ? String(v) : JSON.stringify(v));

/** A predicate for assert.throws/rejects: PullspecError INVALID_ARGUMENT naming `option`. */
function invalidOption(option) {
  return (e) => {
    assert.ok(e instanceof PullspecError, `not a PullspecError: ${e?.stack ?? e}`);
    assert.equal(e.code, "INVALID_ARGUMENT", e.message);
    assert.equal(e.option, option, e.message);
    return true;
  };
}

let scratch;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "pullspec-reliability-"));
});
after(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// =============================================================================================
describe("pull options are checked before any request or file write", () => {
  let r, fx, requests;
  const image = (name = "multiarch:1.0") => `${r.anonymous.host}/${name}`;
  /** A client whose every request is counted (the registry is anonymous: no keyring). */
  const client = (extra = {}) =>
    new RegistryClient({
      fetch: (input, init) => {
        requests.push(String(input?.url ?? input));
        return globalThis.fetch(input, init);
      },
      retry: { maxDelayMs: 50 },
      ...extra,
    });

  before(async () => {
    r = await startRegistries({ modes: ["anonymous"], cors: false, faultProxy: false });
    fx = r.fixtures.images;
  });
  after(async () => {
    await r?.stop();
  });

  for (const bad of BAD_CONCURRENCY) {
    test(`pullOciLayout with concurrency ${show(bad)}: INVALID_ARGUMENT, nothing requested, nothing written`, async () => {
      requests = [];
      const output = join(scratch, `layout-bad-${Math.random().toString(36).slice(2)}`);
      await assert.rejects(
        () => pullOciLayout(client(), image(), { output, platform: "linux/arm64", concurrency: bad }),
        invalidOption("options.concurrency"),
      );
      assert.deepEqual(requests, [], "no request was made");
      assert.ok(!existsSync(join(output, "index.json")), "no index.json");
      assert.ok(!existsSync(join(output, "blobs")), "no blobs");
      assert.ok(!existsSync(output), "the output directory was not even created");
    });

    test(`client.pull with concurrency ${show(bad)}: INVALID_ARGUMENT, nothing requested`, async () => {
      requests = [];
      await assert.rejects(() => client().pull(image(), { platform: "linux/arm64", concurrency: bad }), invalidOption("options.concurrency"));
      assert.deepEqual(requests, []);
    });
  }

  test("blob sizes: a size that is not a whole number of bytes is refused", async () => {
    requests = [];
    const L = fx["single:1.0"].layers[0];
    const c = client();
    for (const bad of [-1, NaN, "12", 1.5, Infinity]) {
      await assert.rejects(() => c.blob(image("single:1.0"), L.digest, { size: bad }), invalidOption("options.size"));
      await assert.rejects(() => c.blob(image("single:1.0"), { digest: L.digest, size: bad }), invalidOption("digest.size"));
    }
    assert.deepEqual(requests, []);
    // the control: the right size, or none at all
    assert.equal(sha256(await c.blob(image("single:1.0"), L.digest, { size: L.size })), L.digest);
    assert.equal(sha256(await c.blob(image("single:1.0"), L.digest)), L.digest);
  });

  test("tags: pageSize and maxPages must be whole numbers >= 1", async () => {
    requests = [];
    const c = client();
    for (const option of ["pageSize", "maxPages"]) {
      for (const bad of [0, -1, NaN, "10", 1.5, Infinity]) {
        await assert.rejects(() => c.tagsList(`${r.anonymous.host}/multiarch`, { [option]: bad }), invalidOption(`options.${option}`));
        const it = c.tags(`${r.anonymous.host}/multiarch`, { [option]: bad })[Symbol.asyncIterator]();
        await assert.rejects(() => it.next(), invalidOption(`options.${option}`));
      }
    }
    assert.deepEqual(requests, []);
    assert.deepEqual((await c.tagsList(`${r.anonymous.host}/multiarch`, { pageSize: 100, maxPages: 5 })).sort(), ["1.0", "latest"]);
  });

  test("options: null means none; a non-object is refused with INVALID_ARGUMENT (never a bare TypeError)", async () => {
    const c = client();
    const repo = `${r.anonymous.host}/multiarch`;
    assert.deepEqual((await c.tagsList(repo, null)).sort(), ["1.0", "latest"]);
    const seen = [];
    for await (const t of c.tags(repo, null)) seen.push(t);
    assert.deepEqual(seen.sort(), ["1.0", "latest"]);
    requests = [];
    for (const bad of [42, "x", [1]]) {
      await assert.rejects(() => c.tagsList(repo, bad), (e) => e instanceof PullspecError && e.code === "INVALID_ARGUMENT");
      await assert.rejects(() => c.pull(image("single:1.0"), bad), (e) => e instanceof PullspecError && e.code === "INVALID_ARGUMENT");
    }
    assert.deepEqual(requests, []);
  });

  // ---- positive controls: a valid concurrency pulls everything, verified
  const byPlatform = (name, p) => fx[name].manifests.find((m) => m.platformString === p);

  for (const concurrency of [undefined, 1, 64]) {
    test(`client.pull with concurrency ${show(concurrency)}: every layer's bytes, verified`, async () => {
      const c = client();
      const cases = [
        ["multiarch:1.0", "linux/arm64", byPlatform("multiarch:1.0", "linux/arm64/v8")],
        ["multiarch:1.0", "linux/amd64", byPlatform("multiarch:1.0", "linux/amd64")],
        ["single:1.0", "linux/amd64", fx["single:1.0"]],
      ];
      for (const [name, platform, want] of cases) {
        const out = await c.pull(image(name), { platform, concurrency });
        assert.equal(out.resolution.manifestDigest, want.digest);
        assert.ok(want.layers.length > 0);
        assert.equal(out.layers.length, want.layers.length, `${name} ${platform}: every layer`);
        for (const [i, l] of out.layers.entries()) {
          assert.ok(l.bytes instanceof Uint8Array, `${name} layer ${i}: bytes is a Uint8Array, got ${typeof l.bytes}`);
          assert.equal(l.digest, want.layers[i].digest);
          assert.equal(l.bytes.length, want.layers[i].size);
          assert.equal(sha256(l.bytes), l.digest);
        }
      }
    });

    test(`pullOciLayout with concurrency ${show(concurrency)}: index.json names blobs that are all in the layout`, async () => {
      const c = client();
      for (const [name, platform] of [["multiarch:1.0", "linux/arm64"], ["single:1.0", "linux/amd64"]]) {
        // one layout per image: both tags are "1.0", the ref name an entry is replaced by
        const output = join(scratch, `layout-ok-${show(concurrency)}-${name.replace(":", "-")}`);
        const res = await pullOciLayout(c, image(name), { output, platform, concurrency });
        assert.equal(res.layers.length, res.resolution.layers.length);
        assert.ok(res.layers.length > 0);
        const blob = async (digest) => {
          const [alg, hex] = digest.split(":");
          const bytes = await readFile(join(output, "blobs", alg, hex));
          assert.equal(sha256(bytes), digest, `blob ${digest} is intact`);
          return bytes;
        };
        const index = JSON.parse(await readFile(join(output, "index.json"), "utf8"));
        assert.deepEqual(index.manifests.map((m) => m.digest), [res.resolution.manifestDigest]);
        const [entry] = index.manifests;
        const manifestBytes = await blob(entry.digest);
        assert.equal(manifestBytes.length, entry.size);
        const manifest = JSON.parse(manifestBytes.toString("utf8"));
        await blob(manifest.config.digest);
        assert.deepEqual(manifest.layers.map((l) => l.digest), res.resolution.layers.map((l) => l.digest));
        for (const l of manifest.layers) assert.equal((await blob(l.digest)).length, l.size);
      }
    });
  }
});

// =============================================================================================
describe("RegistryClient: timeout, retry and seed options are checked", () => {
  for (const bad of BAD_TIMEOUTS) {
    test(`timeoutMs ${show(bad)} is refused (it used to switch the timeout off)`, () => {
      assert.throws(() => new RegistryClient({ timeoutMs: bad }), invalidOption("options.timeoutMs"));
    });
  }

  test("retry options: attempts 1-100, delays whole milliseconds 0 to 2^31-1", () => {
    const common = [NaN, -1, "1", 1.5, Infinity, {}];
    const cases = {
      attempts: [...common, 0, 101],
      baseDelayMs: [...common, 2 ** 31],
      maxDelayMs: [...common, 2 ** 31],
      retryAfterCapMs: [...common, 2 ** 31],
    };
    for (const [name, values] of Object.entries(cases)) {
      for (const bad of values) {
        assert.throws(() => new RegistryClient({ retry: { [name]: bad } }), invalidOption(`options.retry.${name}`), `${name}: ${show(bad)}`);
      }
    }
    // the edges that are valid
    new RegistryClient({ retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 2 ** 31 - 1, retryAfterCapMs: 0 } });
    new RegistryClient({ retry: { attempts: 100 } });
    new RegistryClient({ timeoutMs: 1 });
    new RegistryClient({ timeoutMs: 2 ** 31 - 1 });
  });

  test("seed: a whole number >= 0", () => {
    for (const bad of [-1, NaN, "1", 1.5, Infinity]) {
      assert.throws(() => new RegistryClient({ seed: bad }), invalidOption("options.seed"), show(bad));
    }
    new RegistryClient({ seed: 0 });
  });

  test("a valid small timeoutMs fires against a server that accepts and never answers", { timeout: 30_000 }, async () => {
    const sockets = new Set();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
      // read the request, never answer
      s.resume();
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${server.address().port}`;
    let connections = 0;
    server.on("connection", () => connections++);
    try {
      const c = new RegistryClient({ timeoutMs: 200, retry: { attempts: 1 } });
      const t0 = Date.now();
      await assert.rejects(
        () => c.resolve(`${host}/app:1.0`, { platform: "linux/amd64" }),
        (e) => {
          assert.ok(e instanceof PullspecError, `not a PullspecError: ${e?.stack ?? e}`);
          assert.equal(e.code, "NETWORK", e.message);
          assert.match(e.message, /no data for 200 ms/);
          return true;
        },
      );
      const took = Date.now() - t0;
      assert.ok(took >= 150 && took < 5000, `failed after ${took} ms`);
      assert.ok(connections >= 1, "the client did connect");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// =============================================================================================
// Child processes of the plugin tests. A process is gone when it no longer exists or is a zombie
// (an orphan reparented to a PID 1 that does not reap still answers kill(pid, 0)).
function processState(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code === "ESRCH") return null;
    throw e;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // state, ppid, pgrp (fields 3 to 5 of proc(5)) and starttime (field 22: tells a reused pid apart)
    return { state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]), start: fields[19] };
  } catch {
    return null; // exited between the two reads
  }
}
const isAlive = (pid) => {
  const s = processState(pid);
  return s !== null && s.state !== "Z" && s.state !== "X";
};

/** Live (non-zombie) processes in process group `pgid`. */
function groupMembers(pgid) {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const s = processState(pid);
    if (s && s.pgrp === pgid && s.state !== "Z" && s.state !== "X") out.push(pid);
  }
  return out;
}

/** Waits up to `ms` for every pid to be gone; returns those still alive. */
async function survivors(pids, ms = 1500) {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("credential plugins cannot take the process down or keep it waiting", () => {
  const REQUEST = { apiVersion: "credentialprovider.kubelet.k8s.io/v1", kind: "CredentialProviderRequest", image: "a.plugin.example/app" };
  const spawned = new Map(); // every pid a plugin reported -> its start time, killed at the end if still running
  let bin;
  let runs = 0;

  /** Writes an executable shell script into the plugin directory. */
  function script(name, body) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}`);
    chmodSync(join(bin, name), 0o755);
  }

  /** A provider entry for a script, with PIDS pointing at a fresh file the script appends to. */
  function provider(name) {
    const pidsFile = join(bin, `${name}-${++runs}.pids`);
    const pids = () => {
      const list = existsSync(pidsFile) ? readFileSync(pidsFile, "utf8").split(/\s+/).filter(Boolean).map(Number) : [];
      for (const p of list) if (!spawned.has(p)) spawned.set(p, processState(p)?.start ?? null);
      return list;
    };
    return { spec: { name, args: [], env: [{ name: "PIDS", value: pidsFile }] }, pids, pidsFile };
  }

  function providerFailed(reason) {
    return (e) => {
      assert.ok(e instanceof PullspecError, `not a PullspecError: ${e?.stack ?? e}`);
      assert.equal(e.code, "PROVIDER_FAILED", e.message);
      assert.equal(e.reason, reason, e.message);
      return true;
    };
  }

  before(() => {
    bin = join(scratch, "plugins");
    mkdirSync(bin, { recursive: true });
    // 64 MiB of output on one stream (16 times the cap), from a child of the shell.
    script("flood-stdout", 'echo $$ >> "$PIDS"\nhead -c 67108864 /dev/zero &\necho $! >> "$PIDS"\nwait\n');
    script("flood-stderr", 'echo $$ >> "$PIDS"\nhead -c 67108864 /dev/zero >&2 &\necho $! >> "$PIDS"\nwait\n');
    // `sleep 30 & sleep 30`, every pid recorded (the foreground one records itself, then execs).
    script(
      "sleeper",
      'echo $$ >> "$PIDS"\nsleep 30 &\necho $! >> "$PIDS"\nsh -c \'echo $$ >> "$PIDS"; exec sleep 30\'\n',
    );
    // Answers and exits at once, but leaves a child holding its stdout.
    script(
      "leaves-child",
      'cat > /dev/null\necho $$ >> "$PIDS"\nsleep 30 &\necho $! >> "$PIDS"\n' +
        `printf '%s' '{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Image","auth":{"*.plugin.example":{"username":"leftover","password":"leftover-secret"}}}'\n`,
    );
    // Output without end.
    script("endless", 'echo $$ >> "$PIDS"\nexec yes\n');
    // A well-behaved plugin, to see the process still works after the others.
    script(
      "good",
      'cat > /dev/null\n' +
        `printf '%s' '{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Image","auth":{"*.plugin.example":{"username":"good","password":"good-secret"}}}'\n`,
    );
    // A docker credential helper that sleeps (found through PATH).
    script("docker-credential-sleepy", 'cat > /dev/null\necho $$ >> "$PIDS"\nsleep 30 &\necho $! >> "$PIDS"\nwait\n');
  });

  after(() => {
    // Only what a failed test left behind: the same process (same start time) that a plugin reported.
    for (const [pid, start] of spawned) {
      const now = processState(pid);
      if (start === null || now === null || now.start !== start || now.state === "Z") continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  });

  for (const stream of ["stdout", "stderr"]) {
    test(`async: a plugin flooding ${stream} is stopped at the cap (reason "output"), its group killed`, { timeout: 30_000 }, async () => {
      const p = provider(`flood-${stream}`);
      const callback = execCredentialProvider(bin, p.spec, { async: true, timeoutMs: 20_000 });
      const t0 = Date.now();
      await assert.rejects(() => callback(REQUEST), providerFailed("output"));
      assert.ok(Date.now() - t0 < 10_000, `stopped after ${Date.now() - t0} ms`);
      const pids = p.pids();
      assert.equal(pids.length, 2, `the plugin and its child: ${pids}`);
      assert.deepEqual(await survivors(pids), [], "nothing of the plugin is left running");
      assert.deepEqual(groupMembers(pids[0]), [], "its process group is empty");

      // Through a Keyring: the lookup goes on without the provider and reports why.
      const errors = [];
      const k = new Keyring({ onProviderError: (e) => errors.push(e) });
      const q = provider(`flood-${stream}`);
      k.addCredentialProvider(
        { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [{ name: q.spec.name, matchImages: ["*.plugin.example"], defaultCacheDuration: "0s", apiVersion: "credentialprovider.kubelet.k8s.io/v1", env: q.spec.env }] },
        execCredentialProvider(bin, q.spec, { async: true, timeoutMs: 20_000 }),
      );
      assert.deepEqual(await k.lookupAsync("a.plugin.example/app"), []);
      assert.equal(errors.length, 1);
      providerFailed("output")(errors[0]);
      assert.deepEqual(await survivors(q.pids()), []);

      // and this process is fine: a good plugin still answers
      const good = await execCredentialProvider(bin, { name: "good" }, { async: true })(REQUEST);
      assert.equal(good.auth["*.plugin.example"].username, "good");
    });

    test(`sync: a plugin flooding ${stream} is stopped at the cap (reason "output"), its group killed`, { timeout: 30_000 }, async () => {
      const p = provider(`flood-${stream}`);
      const callback = execCredentialProvider(bin, p.spec, { timeoutMs: 20_000 });
      const t0 = Date.now();
      assert.throws(() => callback(REQUEST), providerFailed("output"));
      assert.ok(Date.now() - t0 < 10_000, `stopped after ${Date.now() - t0} ms`);
      const pids = p.pids();
      assert.equal(pids.length, 2, `the plugin and its child: ${pids}`);
      assert.deepEqual(await survivors(pids), []);
      assert.deepEqual(groupMembers(pids[0]), []);
    });
  }

  test("async: an endless flood (`yes`) does not take Node down (it used to: RangeError: Invalid string length)", { timeout: 60_000 }, async () => {
    // In a Node process of its own, so that a regression shows as that process dying.
    const p = provider("endless");
    const program = `
      import { execCredentialProvider } from ${JSON.stringify(pathToFileURL(join(root, "pkg/node.js")).href)};
      const callback = execCredentialProvider(${JSON.stringify(bin)}, ${JSON.stringify(p.spec)}, { async: true, timeoutMs: 10000 });
      const t0 = Date.now();
      try {
        await callback(${JSON.stringify(REQUEST)});
        console.log(JSON.stringify({ resolved: true }));
      } catch (e) {
        console.log(JSON.stringify({ code: e.code, reason: e.reason, ms: Date.now() - t0 }));
      }`;
    const out = await run(process.execPath, ["--input-type=module", "-e", program], { timeout: 45_000, killSignal: "SIGKILL" });
    assert.equal(out.status, 0, `the Node process died: ${out.stderr.slice(-2000)}`);
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1));
    assert.equal(result.code, "PROVIDER_FAILED");
    assert.equal(result.reason, "output");
    assert.ok(result.ms < 5000, `stopped after ${result.ms} ms`);
    const pids = p.pids();
    assert.equal(pids.length, 1);
    assert.deepEqual(await survivors(pids), [], "yes is not left running");
  });

  test("async: a shell plugin running `sleep 30 & sleep 30` times out at once (reason \"timeout\"), no sleep left", { timeout: 30_000 }, async () => {
    const p = provider("sleeper");
    const callback = execCredentialProvider(bin, p.spec, { async: true, timeoutMs: 300 });
    const t0 = Date.now();
    await assert.rejects(() => callback(REQUEST), providerFailed("timeout"));
    const took = Date.now() - t0;
    assert.ok(took >= 250 && took < 2500, `settled after ${took} ms`);
    const pids = p.pids();
    assert.equal(pids.length, 3, `the shell and both sleeps: ${pids}`);
    assert.deepEqual(await survivors(pids), [], "no sleep 30 is left running");
    assert.deepEqual(groupMembers(pids[0]), []);
  });

  test("async: a plugin that answers and exits but leaves a child holding stdout resolves promptly; the child is killed", { timeout: 30_000 }, async () => {
    const p = provider("leaves-child");
    const callback = execCredentialProvider(bin, p.spec, { async: true, timeoutMs: 20_000 });
    let t0 = Date.now();
    const response = await callback(REQUEST);
    let took = Date.now() - t0;
    assert.ok(took < 2500, `resolved after ${took} ms`);
    assert.equal(response.kind, "CredentialProviderResponse");
    assert.equal(response.auth["*.plugin.example"].username, "leftover");
    let pids = p.pids();
    assert.equal(pids.length, 2, `the plugin and its sleep: ${pids}`);
    assert.deepEqual(await survivors(pids), [], "the leftover sleep is killed");

    // the same through Keyring.lookupAsync
    const q = provider("leaves-child");
    const k = new Keyring();
    k.addCredentialProvider(
      { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [{ name: "leaves-child", matchImages: ["*.plugin.example"], defaultCacheDuration: "1m", apiVersion: "credentialprovider.kubelet.k8s.io/v1", env: q.spec.env }] },
      execCredentialProvider(bin, q.spec, { async: true, timeoutMs: 20_000 }),
    );
    t0 = Date.now();
    const creds = await k.lookupAsync("a.plugin.example/app");
    took = Date.now() - t0;
    assert.ok(took < 2500, `resolved after ${took} ms`);
    assert.deepEqual(creds.map((c) => [c.username, c.password]), [["leftover", "leftover-secret"]]);
    pids = q.pids();
    assert.equal(pids.length, 2);
    assert.deepEqual(await survivors(pids), []);
  });

  test("sync: a sleeping plugin returns at its timeout (reason \"timeout\") and leaves no orphan", { timeout: 30_000 }, async () => {
    const p = provider("sleeper");
    const callback = execCredentialProvider(bin, p.spec, { timeoutMs: 300 });
    const t0 = Date.now();
    assert.throws(() => callback(REQUEST), providerFailed("timeout"));
    const took = Date.now() - t0;
    assert.ok(took >= 250 && took < 2500, `returned after ${took} ms`);
    const pids = p.pids();
    assert.equal(pids.length, 3, `the shell and both sleeps: ${pids}`);
    assert.deepEqual(await survivors(pids), [], "no sleep 30 is left running");
    assert.deepEqual(groupMembers(pids[0]), []);
  });

  test("a sleeping docker credential helper fails at its timeout and leaves no orphan", { timeout: 30_000 }, async () => {
    const p = provider("docker-credential-sleepy");
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PIDS: p.pidsFile };
    const helper = dockerCredentialHelper("sleepy", { timeoutMs: 300, env });
    const t0 = Date.now();
    assert.throws(() => helper("registry.example.com"), (e) => {
      assert.ok(e instanceof PullspecError, String(e));
      assert.equal(e.code, "HELPER_FAILED", e.message);
      assert.match(e.message, /did not answer within 300 ms/);
      return true;
    });
    assert.ok(Date.now() - t0 < 2500, `returned after ${Date.now() - t0} ms`);
    const pids = p.pids();
    assert.equal(pids.length, 2, `the helper and its sleep: ${pids}`);
    assert.deepEqual(await survivors(pids), []);
  });

  test("invalid timeoutMs for a plugin or a helper: INVALID_ARGUMENT naming options.timeoutMs", () => {
    for (const bad of [...BAD_TIMEOUTS, 1.5, "300", {}]) {
      assert.throws(() => execCredentialProvider(bin, { name: "good" }, { timeoutMs: bad }), invalidOption("options.timeoutMs"), show(bad));
      assert.throws(() => execCredentialProvider(bin, { name: "good" }, { async: true, timeoutMs: bad }), invalidOption("options.timeoutMs"), show(bad));
      assert.throws(() => dockerCredentialHelper("sleepy", { timeoutMs: bad }), invalidOption("options.timeoutMs"), show(bad));
    }
    // the valid edges
    execCredentialProvider(bin, { name: "good" }, { timeoutMs: 1 });
    execCredentialProvider(bin, { name: "good" }, { timeoutMs: 2 ** 31 - 1 });
  });
});
