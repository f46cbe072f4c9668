// Reference-parsing benchmark: pullspec (per call and batch) against the npm peers, on a
// deterministic corpus of realistic references, plus how often each peer disagrees with the
// Kubernetes answer. A benchmark, not a test: it asserts nothing about time and exits 0.
//
//   npm --prefix pkg run bench          (or: node tests/bench/references.mjs)
//
// Environment: PULLSPEC_VECTORS (folder of the conformance vectors, default tests/vectors in
// this repository), BENCH_SIZE (generated references, default 12000), BENCH_BUDGET_MS (per-input
// cutoff of the peer screening, default 50), BENCH_VERBOSE=1 (print every peer disagreement).
//
// Some peers are catastrophically slow on some invalid inputs (@codefresh-io/docker-reference's
// regular expressions backtrack exponentially: `elasticsearch:` takes about a second, a
// 45-character `host//x` 49 s). So every peer first sees every distinct input once in a worker
// thread under a watchdog; an input that takes longer than the budget is cut off (the worker is
// terminated, which interrupts a running regular expression) and excluded from that peer's
// timing and comparison, and the count is reported. Timed rounds use only the inputs that no
// peer was cut off on, so every row parses the same list.
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { Worker } from "node:worker_threads";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pkgDir = join(root, "pkg");
const vectorsDir = process.env.PULLSPEC_VECTORS ?? join(root, "tests", "vectors");
const SIZE = Number(process.env.BENCH_SIZE ?? 12000);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 50);
const VERBOSE = process.env.BENCH_VERBOSE === "1";
const started = performance.now();

const { parseReference, parseReferences, tryParseReference, PullspecError } = await import(join(pkgDir, "node.js"));

// ---------------------------------------------------------------------------------------------
// The corpus

/** mulberry32: a small seeded PRNG, so every run parses the same corpus. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(n, seed) {
  const rnd = prng(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const chance = (p) => rnd() < p;
  const hex = (len, alphabet = "0123456789abcdef") => {
    let s = "";
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const word = (lo, hi) => {
    let s = "";
    const len = int(lo, hi);
    for (let i = 0; i < len; i++) s += "abcdefghijklmnopqrstuvwxyz0123456789"[int(0, i === 0 ? 25 : 35)];
    return s;
  };

  const official = ["nginx", "redis", "postgres", "alpine", "ubuntu", "busybox", "node", "python", "golang",
    "mysql", "mongo", "httpd", "traefik", "memcached", "rabbitmq", "elasticsearch", "debian", "centos",
    "openjdk", "registry", "haproxy", "consul", "vault", "mariadb", "php", "ruby", "rust", "caddy"];
  const namespaces = ["bitnami", "grafana", "prom", "hashicorp", "library", "jetstack", "linuxserver",
    "confluentinc", "rancher", "jenkins", "portainer", "minio", "istio", "envoyproxy", "my-org", "team_a"];
  const apps = ["redis", "grafana", "prometheus", "node-exporter", "cert-manager-controller", "app", "api",
    "web", "worker", "kafka", "zookeeper", "agent", "operator", "proxy", "db.migrate", "frontend__v2"];
  const hosts = ["quay.io", "gcr.io", "ghcr.io", "registry.k8s.io", "public.ecr.aws", "mcr.microsoft.com",
    "registry.gitlab.com", "us-docker.pkg.dev", "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "registry.example.com", "harbor.internal.corp", "nexus.example.org", "docker.io", "index.docker.io"];
  const tags = () => pick([
    "latest", "1.25", "1.25.3", "7.2.4-debian-12-r1", "v1", "v2.11.0", "3.19", "stable", "alpine",
    "20.04", "bookworm-slim", "8.0-jammy", `${int(0, 30)}.${int(0, 40)}.${int(0, 20)}`, `sha-${hex(7)}`,
    `build_${int(1, 99999)}`, "v1.2.3-rc.1", "RELEASE.2024-01-01T00-00-00Z",
  ]);
  const digest = () => {
    const r = rnd();
    if (r < 0.85) return `sha256:${hex(64)}`;
    if (r < 0.95) return `sha512:${hex(128)}`;
    return `sha384:${hex(96)}`;
  };
  const suffix = () => {
    const r = rnd();
    if (r < 0.55) return `:${tags()}`;
    if (r < 0.7) return "";
    if (r < 0.88) return `@${digest()}`;
    return `:${tags()}@${digest()}`;
  };
  const path = (lo, hi) => {
    const parts = [];
    const len = int(lo, hi);
    for (let i = 0; i < len; i++) {
      const sep = pick(["-", "_", ".", "__", "--"]);
      parts.push(chance(0.3) ? `${word(2, 8)}${sep}${word(1, 8)}` : word(2, 12));
    }
    return parts.join("/");
  };
  const port = () => pick(["5000", "443", "8443", "5001", "80", String(int(1024, 65535))]);
  const ipv4 = () => `${int(1, 254)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const ipv6 = () => pick(["::1", "fe80::1", "2001:db8::1", `2001:db8:${hex(4)}::${hex(2)}`, "fd00::a:5"]);

  const valid = [
    [18, () => `${pick(official)}${suffix()}`],
    [14, () => `${pick(namespaces)}/${pick(apps)}${suffix()}`],
    [14, () => `${pick(hosts)}/${pick(namespaces)}/${pick(apps)}${suffix()}`],
    [10, () => `registry.example.com:${port()}/${pick(["team", "ops", "ml"])}/${pick(apps)}${suffix()}`],
    [6, () => `localhost${chance(0.7) ? `:${port()}` : ""}/${path(1, 2)}${suffix()}`],
    [5, () => `${ipv4()}${chance(0.8) ? `:${port()}` : ""}/${path(1, 3)}${suffix()}`],
    [4, () => `[${ipv6()}]${chance(0.8) ? `:${port()}` : ""}/${path(1, 2)}${suffix()}`],
    [8, () => `${pick(hosts)}/${path(3, 8)}${suffix()}`],
    [6, () => `${pick(official)}@${digest()}`],
    [5, () => `${pick(hosts)}/${path(1, 3)}:${tags()}@${digest()}`],
  ];
  const invalid = [
    [2, () => `${pick(["Nginx", "Ubuntu", "myApp"])}${suffix()}`],
    [1, () => `${pick(namespaces)}/${pick(["Redis", "WebApp", "API"])}:${tags()}`],
    [2, () => `${pick(official)}:`],
    [1, () => `${pick(hosts)}/${pick(apps)}:`],
    [2, () => `${pick(["registry.example.com", "localhost:5000", "quay.io"])}/${pick(["", "team/"])}/${word(2, 10)}`],
    [1, () => `${pick(official)}@sha256:${hex(int(10, 63))}`],
    [1, () => `${pick(official)}@sha256:${hex(64, "0123456789ABCDEF")}`],
    [1, () => `${pick(official)}@md5:${hex(32)}`],
    [1, () => `${pick(official)}@sha256:${hex(60)}xyzw`],
    [1, () => `${pick(official)} ${tags()}`],
    [1, () => ` ${pick(official)}`],
    [1, () => `${pick(official)}:${"a".repeat(int(129, 200))}`],
    [1, () => hex(64)],
    [1, () => pick(["", ":", "@", "/", "nginx/", "/nginx", ":latest", "nginx::1", "-nginx", "nginx@", "a/b:c:d",
      "[::1]/x", "[::1]:port/x", "localhost:/x", "host:5000:6000/x", "nginx:-bad"])],
    [1, () => `${path(25, 30)}/${word(8, 12)}`], // repository path over 255 characters
  ];
  const table = (rows) => {
    const total = rows.reduce((s, [w]) => s + w, 0);
    return () => {
      let r = rnd() * total;
      for (const [w, f] of rows) if ((r -= w) < 0) return f();
      return rows[rows.length - 1][1]();
    };
  };
  const validGen = table(valid);
  const invalidGen = table(invalid);
  const out = [];
  for (let i = 0; i < n; i++) out.push(chance(0.1) ? invalidGen() : validGen());
  return out;
}

const vectorsPath = join(vectorsDir, "references.json");
const vectorCases = existsSync(vectorsPath)
  ? JSON.parse(readFileSync(vectorsPath, "utf8")).cases ?? []
  : [];
if (vectorCases.length === 0) console.log(`(no conformance vectors at ${vectorsPath}: generated corpus only)`);
const corpus = [...generate(SIZE, 0x5eed), ...vectorCases.map((c) => c.input)];
const unique = [...new Set(corpus)];

// ---------------------------------------------------------------------------------------------
// Answers, mapped to one shape: { valid, registry, repository, tag, digest } (invalid: { valid: false })
// so that every parser can be compared with pullspec's (the Kubernetes) answer.

const INVALID = Object.freeze({ valid: false });
const HUB = "docker.io";
const hubRepository = (registry, repository) =>
  registry === HUB && !repository.includes("/") ? `library/${repository}` : repository;

function pullspecAnswer(input) {
  try {
    const r = parseReference(input);
    return { valid: true, registry: r.registry, repository: r.repository, tag: r.tag, digest: r.digest };
  } catch {
    return INVALID;
  }
}

const require = createRequire(join(pkgDir, "package.json"));

// Each peer: how to load it, how to call it (the call that is timed), how to map its answer.
const PEERS = [
  {
    name: "docker-parse-image",
    // One regular expression, no validation: null when the regex does not match (at most three
    // `/`-separated parts), else { registry, namespace, repository, tag }. Its `tag` is everything
    // after the first `:` or `@` of the last part, so `1.25@sha256:...` holds tag and digest:
    // split it at `@`, and treat it as a digest when the input has `@` right before it. Registry
    // null means Docker Hub; Hub names get `library/` when there is no namespace.
    module: "docker-parse-image",
    call: (m, s) => m(s),
    map(out, input) {
      if (!out) return INVALID;
      let registry = out.registry ?? HUB;
      if (registry === "index.docker.io") registry = HUB;
      let repository = out.namespace ? `${out.namespace}/${out.repository}` : out.repository;
      repository = hubRepository(registry, repository);
      let tag = out.tag ?? null;
      let digest = null;
      if (tag !== null) {
        if (input[input.length - tag.length - 1] === "@") {
          digest = tag;
          tag = null;
        } else if (tag.includes("@")) {
          digest = tag.slice(tag.indexOf("@") + 1);
          tag = tag.slice(0, tag.indexOf("@"));
        }
      }
      return { valid: true, registry, repository, tag, digest };
    },
  },
  {
    name: "parse-docker-image-name",
    // docker/distribution's reference.Parse (an older release, compiled with GopherJS): {} when
    // invalid, else { domain?, path, tag?, digest? }, where a first component without `.`, `:`
    // or `localhost` is moved back into the path. Parse does not normalize, so: no domain means
    // Docker Hub, index.docker.io is docker.io, and Hub names without `/` get `library/`.
    module: "parse-docker-image-name",
    call: (m, s) => m(s),
    map(out) {
      if (!out || out.path === undefined) return INVALID;
      let registry = out.domain ?? HUB;
      if (registry === "index.docker.io") registry = HUB;
      return {
        valid: true,
        registry,
        repository: hubRepository(registry, out.path),
        tag: out.tag ?? null,
        digest: out.digest ?? null,
      };
    },
  },
  {
    name: "@codefresh-io/docker-reference",
    // parseFamiliarName is its ParseNormalizedNamed: it throws when invalid, else returns a
    // Reference { domain, repository, tag?, digest? } already normalized (docker.io, library/).
    module: "@codefresh-io/docker-reference",
    call: (m, s) => m.parseFamiliarName(s),
    map(out) {
      if (!out) return INVALID;
      return {
        valid: true,
        registry: out.domain ?? "",
        repository: out.repository ?? "",
        tag: out.tag ?? null,
        digest: out.digest ?? null,
      };
    },
  },
];

function runPeer(peer, mod, input) {
  try {
    return peer.map(peer.call(mod, input), input);
  } catch {
    return INVALID;
  }
}

const sameAnswer = (a, b) =>
  a.valid === b.valid &&
  (!a.valid ||
    (a.registry === b.registry && a.repository === b.repository && a.tag === b.tag && a.digest === b.digest));

// ---------------------------------------------------------------------------------------------
// Screening: every peer on every distinct input once, in a worker with a watchdog.

const workerSource = `
const { workerData, parentPort } = require("node:worker_threads");
const { createRequire } = require("node:module");
const { performance } = require("node:perf_hooks");
const { modulePath, callSource, inputs, start, shared } = workerData;
const mod = createRequire(modulePath)(workerData.module);
const call = eval(callSource);
try { call(mod, "nginx:1.25"); } catch {} // load lazily required parts before the clock starts
const at = new Int32Array(shared, 0, 1);
const times = new Float64Array(shared, 8);
Atomics.store(new Int32Array(shared, 4, 1), 0, 1);
for (let i = start; i < inputs.length; i++) {
  Atomics.store(at, 0, i);
  const t = performance.now();
  try { call(mod, inputs[i]); } catch {}
  times[i] = performance.now() - t;
}
Atomics.store(at, 0, inputs.length);
parentPort.postMessage("done");
`;

/** Runs `peer` once on each input; returns per-input times (ms) and the indices cut off. */
async function screen(peer, inputs) {
  const shared = new SharedArrayBuffer(8 + 8 * inputs.length);
  const at = new Int32Array(shared, 0, 1);
  const loaded = new Int32Array(shared, 4, 1);
  const times = new Float64Array(shared, 8);
  const cut = [];
  let start = 0;
  while (start < inputs.length) {
    Atomics.store(at, 0, start);
    Atomics.store(loaded, 0, 0);
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        modulePath: join(pkgDir, "package.json"),
        module: peer.module,
        callSource: peer.call.toString(),
        inputs,
        start,
        shared,
      },
    });
    const outcome = await new Promise((resolve) => {
      let seen = -1;
      let since = performance.now();
      const stop = (result) => {
        clearInterval(timer);
        worker.terminate().then(() => resolve(result));
      };
      // The clock starts when the worker has loaded the module (slot 1), then runs per input.
      const timer = setInterval(() => {
        const i = Atomics.load(at, 0);
        if (Atomics.load(loaded, 0) === 0) {
          if (performance.now() - since > 20000) stop({ error: new Error("the module did not load in 20 s") });
          return;
        }
        if (i !== seen) {
          seen = i;
          since = performance.now();
        } else if (performance.now() - since > BUDGET_MS) {
          stop({ cut: i });
        }
      }, 2);
      worker.once("message", () => stop({ done: true }));
      worker.once("error", (error) => stop({ error }));
    });
    if (outcome.error) throw outcome.error;
    if (outcome.done) break;
    cut.push(outcome.cut);
    times[outcome.cut] = Infinity;
    start = outcome.cut + 1;
  }
  return { times: Array.from(times), cut };
}

// ---------------------------------------------------------------------------------------------
// Run

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const invalidCount = unique.filter((s) => !pullspecAnswer(s).valid).length;
console.log(`pullspec reference-parsing benchmark (node ${process.version}, ${process.arch})`);
console.log(
  `corpus: ${corpus.length.toLocaleString("en-US")} references (${SIZE.toLocaleString("en-US")} generated, seed 0x5eed, ` +
    `+ ${vectorCases.length} conformance inputs), ${unique.length.toLocaleString("en-US")} distinct, ` +
    `${invalidCount} of those invalid per Kubernetes`,
);

// pullspec against the conformance data.
const vectorFields = (c, r) => [
  ["valid", c.expected.valid, r.ok],
  ["error", c.expected.error, r.ok ? null : String(r.error.code).toLowerCase()],
  ["domain", c.expected.domain, r.ok ? r.value.registry : null],
  ["path", c.expected.path, r.ok ? r.value.repository : null],
  ["tag", c.expected.tag, r.ok ? r.value.tag : null],
  ["digest", c.expected.digest, r.ok ? r.value.digest : null],
  ["normalized", c.expected.normalized, r.ok ? r.value.normalized : null],
  ["familiar", c.expected.familiar, r.ok ? r.value.familiar : null],
];
const pullspecWrong = [];
for (const c of vectorCases) {
  let r;
  try {
    r = { ok: true, value: parseReference(c.input) };
  } catch (error) {
    r = { ok: false, error };
  }
  for (const [field, want, got] of vectorFields(c, r)) {
    if ((want ?? null) !== (got ?? null)) {
      pullspecWrong.push(`${c.id} ${JSON.stringify(c.input)}: ${field} ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      break;
    }
  }
}

// Load the peers (a peer that does not load is reported and skipped), then screen them.
const peers = [];
for (const peer of PEERS) {
  try {
    peers.push({ ...peer, mod: require(peer.module) });
  } catch (error) {
    console.log(`peer ${peer.name}: does not load here (${error.message.split("\n")[0]}); skipped`);
  }
}
for (const peer of peers) {
  const t = performance.now();
  try {
    peer.screen = await screen(peer, unique);
  } catch (error) {
    console.log(`peer ${peer.name}: screening failed (${error.message}); skipped`);
    peer.failed = true;
    continue;
  }
  peer.excluded = new Set(peer.screen.cut.map((i) => unique[i]));
  const slow = peer.screen.times
    .map((ms, i) => [ms, i])
    .filter(([ms]) => Number.isFinite(ms))
    .sort((a, b) => b[0] - a[0])[0];
  peer.slowest = slow ? { ms: slow[0], input: unique[slow[1]] } : null;
  peer.screenMs = performance.now() - t;
}
const active = peers.filter((p) => !p.failed);
const excludedAny = new Set(active.flatMap((p) => [...p.excluded]));
const timed = corpus.filter((s) => !excludedAny.has(s));

// Correctness against pullspec's answer, on every distinct input the peer was not cut off on.
const truth = new Map(unique.map((s) => [s, pullspecAnswer(s)]));
const vectorInputs = new Set(vectorCases.map((c) => c.input));
for (const peer of active) {
  peer.wrong = 0;
  peer.wrongVectors = 0;
  peer.acceptsInvalid = 0;
  peer.rejectsValid = 0;
  peer.examples = [];
  for (const s of unique) {
    if (peer.excluded.has(s)) continue;
    const got = runPeer(peer, peer.mod, s);
    const want = truth.get(s);
    if (sameAnswer(got, want)) continue;
    peer.wrong++;
    if (vectorInputs.has(s)) peer.wrongVectors++;
    if (got.valid && !want.valid) peer.acceptsInvalid++;
    else if (!got.valid && want.valid) peer.rejectsValid++;
    if (peer.examples.length < 3) peer.examples.push(s);
    if (VERBOSE) console.log(`  ${peer.name} WRONG ${JSON.stringify(s)}: ${JSON.stringify(got)}, Kubernetes ${JSON.stringify(want)}`);
  }
}

// Timing: everything parses the same list (`timed`); a warm-up pass each, then interleaved rounds.
let sink = 0;
const rows = [
  {
    name: "pullspec parseReference (per call)",
    pass(list) {
      for (const s of list) {
        try {
          sink += parseReference(s).repository.length;
        } catch {
          sink++;
        }
      }
    },
  },
  {
    name: "pullspec tryParseReference (per call)",
    pass(list) {
      for (const s of list) {
        const r = tryParseReference(s);
        sink += r instanceof PullspecError ? 1 : r.repository.length;
      }
    },
  },
  {
    name: "pullspec parseReferences (batch)",
    pass(list) {
      const out = parseReferences(list);
      sink += out.length;
    },
  },
  ...active.map((peer) => ({
    name: peer.name,
    peer,
    pass(list) {
      for (const s of list) {
        try {
          sink += peer.call(peer.mod, s) ? 1 : 0;
        } catch {
          sink++;
        }
      }
    },
  })),
];
// Two lists: the whole timed corpus (about 10% invalid, as in real manifests), and only its
// valid references (what a parser mostly sees when nothing is wrong).
const timedValid = timed.filter((s) => truth.get(s).valid);
const lists = [timed, timedValid];
for (const row of rows) {
  row.samples = lists.map(() => []);
  row.passMs = lists.map((list) => {
    const t = performance.now();
    row.pass(list); // warm-up, and the size of a pass
    const ms = Math.max(0.01, performance.now() - t);
    // Fast rows get more warm-up, so the JIT has settled before the clock runs.
    for (let spent = ms; spent < 300; spent += ms) row.pass(list);
    return ms;
  });
}
// As many interleaved rounds as fit in about 40 s (at least 3, at most 9).
const roundMs = rows.reduce((s, r) => s + r.passMs[0] + r.passMs[1], 0);
const rounds = Math.max(3, Math.min(9, Math.floor(40000 / Math.max(1, roundMs))));
for (let round = 0; round < rounds; round++) {
  for (const row of rows) {
    for (const [k, list] of lists.entries()) {
      const t = performance.now();
      row.pass(list);
      row.samples[k].push(list.length / ((performance.now() - t) / 1000));
    }
  }
}
for (const row of rows) [row.opsPerSec, row.validOpsPerSec] = row.samples.map(median);
const slowestPass = Math.max(...rows.map((r) => r.passMs[0]));

// ---------------------------------------------------------------------------------------------
// Report

const [perCall, tryCall, batch] = rows;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const table = [[
  "parser", "ops/s all", "ops/s valid", "per-call × all", "× valid", "batch × all", "× valid",
  "wrong", "of vectors", "cut off",
]];
for (const row of rows) {
  const p = row.peer;
  table.push([
    row.name,
    fmt(row.opsPerSec),
    fmt(row.validOpsPerSec),
    p ? ratio(perCall.opsPerSec, row.opsPerSec) : "",
    p ? ratio(perCall.validOpsPerSec, row.validOpsPerSec) : "",
    p ? ratio(batch.opsPerSec, row.opsPerSec) : "",
    p ? ratio(batch.validOpsPerSec, row.validOpsPerSec) : "",
    p ? `${p.wrong} / ${unique.length - p.excluded.size}` : row === perCall ? `${pullspecWrong.length} / ${vectorCases.length}*` : "",
    p ? String(p.wrongVectors) : "",
    p ? String(p.excluded.size) : "",
  ]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
console.log(
  `\ntimed: the corpus minus the ${excludedAny.size} distinct inputs some peer was cut off on ` +
    `("all": ${timed.length.toLocaleString("en-US")} references per pass; "valid": its ${timedValid.length.toLocaleString("en-US")} valid ones); ` +
    `warm-up, then ${rounds} interleaved timed rounds; median of the rounds\n`,
);
for (const [i, r] of table.entries()) {
  console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
console.log(
  `\n× = how many times faster pullspec (per call, batch) is than the peer, on all / on valid references. ` +
    `wrong = distinct inputs whose answer (valid/invalid, then registry, repository, tag, digest) differs ` +
    `from pullspec's Kubernetes answer; of vectors = how many of those are conformance inputs; ` +
    `* pullspec itself against references.json 'expected'.`,
);
for (const w of pullspecWrong) console.log(`  pullspec WRONG: ${w}`);
// The goals: per call, pullspec at least as fast as docker-parse-image (the fastest peer, a single
// regular expression that is wrong on about a fifth of the inputs).
const dpi = rows.find((r) => r.name === "docker-parse-image");
if (dpi) {
  const goal = (label, ours, theirs) => {
    const x = ours / theirs;
    console.log(`goal ${label}: ${x.toFixed(2)}x docker-parse-image (goal >= 1.00: ${x >= 1 ? "met" : "NOT met"})`);
  };
  goal("parseReference per call, valid inputs", perCall.validOpsPerSec, dpi.validOpsPerSec);
  goal("tryParseReference per call, all inputs", tryCall.opsPerSec, dpi.opsPerSec);
}
for (const p of active) {
  console.log(
    `${p.name}: wrong ${p.wrong} (accepts ${p.acceptsInvalid} invalid, rejects ${p.rejectsValid} valid, ` +
      `${p.wrong - p.acceptsInvalid - p.rejectsValid} parsed differently), e.g. ${p.examples.map((s) => JSON.stringify(s)).join(", ")}; ` +
      `cut off after ${BUDGET_MS} ms on ${p.excluded.size} input(s)` +
      (p.excluded.size ? ` e.g. ${JSON.stringify([...p.excluded][0])}` : "") +
      (p.slowest ? `; slowest input kept: ${p.slowest.ms.toFixed(1)} ms ${JSON.stringify(p.slowest.input.slice(0, 60))}` : "") +
      `; screening took ${(p.screenMs / 1000).toFixed(1)} s`,
  );
}

const wasmPath = join(pkgDir, "gen", "pullspec_bg.wasm");
const wasm = readFileSync(wasmPath);
console.log(
  `\nwasm: ${wasm.length.toLocaleString("en-US")} bytes raw, ${gzipSync(wasm, { level: 9 }).length.toLocaleString("en-US")} bytes gzipped (-9) (pkg/gen/pullspec_bg.wasm)`,
);
console.log(`total time ${((performance.now() - started) / 1000).toFixed(1)} s (slowest pass ${slowestPass.toFixed(0)} ms; sink ${sink % 10})`);
