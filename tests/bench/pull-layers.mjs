// Pulls of many-layer images: `pullspec pull` against `skopeo copy`, whole process wall time, from
// the local anonymous registry into OCI layouts (tests/registry: `layers8:1.0`, 8 layers of ~1 KB
// to 32 MiB, 61.3 MiB; `shared-a:1.0` and `shared-b:1.0`, the same ladder, 6 blobs in common).
//
//  (a) layers8:1.0 into a fresh layout. skopeo runs with --preserve-digests (the same bytes as
//      pullspec writes); "skopeo gzip" is skopeo's default, which gzips each uncompressed layer
//      into the layout (a new manifest, other digests).
//  (b) shared-a then shared-b into ONE layout (two processes each): skopeo to `oci:DIR:shared-a`
//      and `oci:DIR:shared-b`; pullspec by digest (`shared-a@sha256:...`), because a layout entry
//      is named by its tag and both tags are `1.0`: pulled by tag, the second would replace the
//      first entry in index.json (skopeo does the same with `oci:DIR:1.0` twice). Also
//      "pullspec API": both pulls in one process.
//  Then, through the harness's fault proxy (it logs every request), one pair pull per tool and
//  the requests each made: blob GETs per digest, so that a blob fetched twice shows.
//  Then pullOciLayout's `concurrency` (1, 3, 6, 8; the CLI has no option for it) on layers8.
//
// Runs alternate (skopeo, pullspec, floor, skopeo, ...) so that machine noise hits all alike;
// each is warmed up once; medians. "node floor" is the floor of any Node client: the same
// layer blobs fetched with bare http.get, all at once, each hashed with sha256 and written to a
// file; no manifest, no protocol, no wasm. Everything verifies every byte. Beside each wall time,
// the CPU time the client used (steadier than wall time on a busy machine). Prints figures and
// ratios beside the goal (pullspec >= 2x skopeo); asserts nothing, exits 0.
//
//   node tests/bench/pull-layers.mjs [--rounds N] [--concurrency 1,3,6,8]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startRegistries } from "../registry/harness.mjs";
import { timed } from "./process.mjs";
import { LAYERED_REFS } from "../registry/seed.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, concurrency: { type: "string", default: "1,3,6,8" } },
});
const rounds = Math.max(1, Number(values.rounds) || 5);
const sweep = values.concurrency.split(",").map(Number).filter((n) => n >= 1);
const GOAL = 2;


/** Several processes one after the other: their { wall, cpu }s. */
async function sequence(steps) {
  const times = [];
  for (const [cmd, args] of steps) times.push(await timed(cmd, args));
  return times;
}

// The floor: every blob at once over http.get (keep-alive agent), sha256 while it streams, written
// to a file; exits 1 on a digest mismatch. argv: [dir, JSON [[url, digest], ...]].
const FLOOR = `const crypto = require("crypto"), fs = require("fs"), http = require("http");
  const dir = process.argv[1];
  for (const [url, digest] of JSON.parse(process.argv[2])) {
    const h = crypto.createHash("sha256"); const w = fs.createWriteStream(dir + "/" + digest.slice(7));
    http.get(url, (res) => {
      res.on("data", (c) => { h.update(c); w.write(c); });
      res.on("end", () => { if ("sha256:" + h.digest("hex") !== digest) process.exit(1); w.end(); });
    });
  }`;

// pullOciLayout with a given concurrency, on the CLI's transport (nodeFetch), of one or more
// images one after the other into one layout: argv [dir, n, image...].
const API = `const { RegistryClient, nodeFetch, pullOciLayout } = await import(${JSON.stringify(pathToFileURL(join(root, "pkg/node.js")).href)});
  const [output, n, ...images] = process.argv.slice(1);
  const client = new RegistryClient({ fetch: nodeFetch });
  for (const image of images) await pullOciLayout(client, image, { platform: "linux/amd64", output, concurrency: Number(n) });`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const MB = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
const MiB = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Runs each runner `rounds` times, alternating, after one warm-up each; each run gets a fresh
 * directory. A runner returns one { wall, cpu } or an array of them (steps, summed).
 * Returns { times: name -> [wall ms], cpu: name -> [cpu ms], steps: name -> [[wall ms per step]] }.
 */
async function alternate(runners, n) {
  const times = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  const steps = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  for (let i = -1; i < n; i++) {
    for (const [name, runner] of Object.entries(runners)) {
      const dir = await mkdtemp(join(tmpdir(), `bench-layers-`));
      try {
        const t = await runner(dir);
        if (i < 0) continue;
        const all = Array.isArray(t) ? t : [t];
        times[name].push(sum(all.map((x) => x.wall)));
        cpu[name].push(all.some((x) => x.cpu === null) ? null : sum(all.map((x) => x.cpu)));
        if (Array.isArray(t)) steps[name].push(t.map((x) => x.wall));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return { times, cpu, steps };
}

function report({ times, cpu, steps }, bytes) {
  for (const [name, ts] of Object.entries(times)) {
    const split = steps[name]?.length
      ? `  (${steps[name][0].map((_, j) => median(steps[name].map((s) => s[j])).toFixed(0)).join(" + ")} ms)`
      : "";
    const c = cpu[name].includes(null) ? "" : `, CPU ${median(cpu[name]).toFixed(0).padStart(4)} ms`;
    console.log(
      `  ${name.padEnd(12)} ${ts.map((t) => t.toFixed(0).padStart(5)).join(" ")} ms  ` +
        `median ${median(ts).toFixed(0).padStart(4)} ms = ${MB(bytes, median(ts)).padStart(4)} MB/s${c}${split}`,
    );
  }
}

/** The ratio skopeo/pullspec beside the goal, with the reason where it is not met. */
function verdict(times) {
  const sk = median(times.skopeo);
  const ps = median(times.pullspec);
  const floor = median(times["node floor"]);
  const ratio = sk / ps;
  let why = "met";
  if (ratio < GOAL) {
    why = `NOT met: pullspec ${ps.toFixed(0)} ms, ${(ps - floor).toFixed(0)} ms above the node floor (${floor.toFixed(0)} ms)`;
    why += sk / floor < GOAL
      ? `; the floor itself is only ${(sk / floor).toFixed(2)}x skopeo on this machine, so no Node client reaches ${GOAL}x here`
      : `; at the floor it would be ${(sk / floor).toFixed(2)}x`;
  }
  console.log(`  pullspec is ${ratio.toFixed(2)}x skopeo (median wall time; goal >= ${GOAL}x: ${why})`);
}

const r = await startRegistries({ modes: ["anonymous"], refs: LAYERED_REFS, cors: false, faultProxy: true });
try {
  const fx = r.fixtures.images;
  const L8 = fx["layers8:1.0"];
  const A = fx["shared-a:1.0"];
  const B = fx["shared-b:1.0"];
  const cli = join(root, "pkg/cli.js");
  const node = process.execPath;
  const host = r.anonymous.host;
  const pullspec = (h, image, dir) => [node, [cli, "pull", `${h}/${image}`, "--platform", "linux/amd64", "--output", dir, "--quiet"]];
  // --preserve-digests: the same bytes as pullspec writes. By default skopeo gzips every
  // uncompressed layer it writes to an OCI layout (a new manifest, other digests): "skopeo gzip".
  const skopeo = (h, image, dest, extra = ["--preserve-digests"]) =>
    ["skopeo", ["copy", "--quiet", "--src-tls-verify=false", ...extra, `docker://${h}/${image}`, `oci:${dest}`]];
  const floor = (blobs, dir) => [node, ["-e", FLOOR, dir, JSON.stringify(blobs.map(([repo, l]) => [`${r.anonymous.url}/v2/${repo}/blobs/${l.digest}`, l.digest]))]];
  const bytesOf = (layers) => sum(layers.map((l) => l.size));
  const sizes = L8.layers.map((l) => (l.size >= 2 ** 20 ? `${l.size / 2 ** 20}M` : `${(l.size / 1024).toFixed(1)}K`)).join(" ");

  // (a) layers8:1.0
  const a = await alternate(
    {
      skopeo: (dir) => timed(...skopeo(host, "layers8:1.0", `${dir}:1.0`)),
      pullspec: (dir) => timed(...pullspec(host, "layers8:1.0", dir)),
      "node floor": (dir) => timed(...floor(L8.layers.map((l) => ["layers8", l]), dir)),
      "skopeo gzip": (dir) => timed(...skopeo(host, "layers8:1.0", `${dir}:1.0`, [])),
    },
    rounds,
  );
  console.log(`(a) ${host}/layers8:1.0: 8 layers (${sizes}; ${MiB(bytesOf(L8.layers))}) into a fresh OCI layout, ${rounds} rounds, alternating`);
  report(a, bytesOf(L8.layers));
  verdict(a.times);
  console.log(`  skopeo = skopeo copy --preserve-digests; "skopeo gzip" = without it: skopeo's default gzips the 5 uncompressed layers (other digests)`);

  // (b) shared-a then shared-b into one layout
  const aDigests = new Set(A.layers.map((l) => l.digest));
  const shared = B.layers.filter((l) => aDigests.has(l.digest));
  const sharedDigests = new Set(shared.map((l) => l.digest));
  const ownB = B.layers.filter((l) => !aDigests.has(l.digest));
  const unique = [...A.layers.map((l) => ["shared-a", l]), ...ownB.map((l) => ["shared-b", l])];
  const uniqueBytes = bytesOf(unique.map(([, l]) => l));
  const b = await alternate(
    {
      skopeo: (dir) =>
        sequence([skopeo(host, "shared-a:1.0", `${dir}:shared-a`), skopeo(host, "shared-b:1.0", `${dir}:shared-b`)]),
      pullspec: (dir) =>
        sequence([pullspec(host, `shared-a@${A.digest}`, dir), pullspec(host, `shared-b@${B.digest}`, dir)]),
      "node floor": (dir) => timed(...floor(unique, dir)),
      "pullspec API": (dir) => timed(node, ["--input-type=module", "-e", API, dir, "3", `${host}/shared-a@${A.digest}`, `${host}/shared-b@${B.digest}`]),
    },
    rounds,
  );
  console.log(
    `(b) shared-a:1.0 then shared-b:1.0 (8 layers each, ${shared.length} in common: ${MiB(bytesOf(shared))}) into one layout: ` +
      `${MiB(2 * bytesOf(A.layers))} in the images, ${MiB(uniqueBytes)} distinct; ${rounds} rounds, alternating`,
  );
  report(b, uniqueBytes);
  verdict(b.times);
  console.log(`  MB/s over the ${MiB(uniqueBytes)} of distinct blobs; (x + y) = the two processes' medians; the floor is one process over the distinct blobs`);
  console.log(`  "pullspec API" = both pulls in one process (pullOciLayout twice, one client): what one start-up instead of two gives`);
  console.log(`  CPU = user + sys of the client process(es), median (the registry's not counted)`);

  // Requests, through the fault proxy
  const F = r.faultProxy;
  const count = async (steps) => {
    F.clearLog();
    await sequence(steps);
    const log = F.log();
    const gets = new Map();
    for (const e of log) {
      const m = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(e.path);
      if (m && e.method === "GET") gets.set(m[1], (gets.get(m[1]) ?? 0) + 1);
    }
    const kinds = {};
    for (const e of log) {
      const kind = `${e.method} ${/\/blobs\//.test(e.path) ? "blob" : /\/manifests\//.test(e.path) ? "manifest" : e.path}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    return { gets, kinds, bytes: sum([...gets].map(([d, n]) => n * ([...A.layers, ...B.layers].find((l) => l.digest === d)?.size ?? 0))) };
  };
  const dirs = await Promise.all([0, 1, 2].map(() => mkdtemp(join(tmpdir(), "bench-count-"))));
  try {
    const counted = {
      skopeo: await count([skopeo(F.host, "shared-a:1.0", `${dirs[0]}:shared-a`), skopeo(F.host, "shared-b:1.0", `${dirs[0]}:shared-b`)]),
      pullspec: await count([pullspec(F.host, `shared-a@${A.digest}`, dirs[1]), pullspec(F.host, `shared-b@${B.digest}`, dirs[1])]),
      "skopeo gzip": await count([
        skopeo(F.host, "shared-a:1.0", `${dirs[2]}:shared-a`, []),
        skopeo(F.host, "shared-b:1.0", `${dirs[2]}:shared-b`, []),
      ]),
    };
    console.log(`requests of (b), one run each through the fault proxy (GETs of layer blobs per digest: ${shared.length} shared, ${2 * ownB.length} own, config blobs not counted)`);
    console.log(`  ("skopeo gzip" stores the uncompressed layers gzipped, under other digests: the second copy cannot find them and fetches them again)`);
    for (const [name, c] of Object.entries(counted)) {
      const perShared = shared.map((l) => c.gets.get(l.digest) ?? 0);
      const perOwn = [...A.layers, ...B.layers].filter((l) => !sharedDigests.has(l.digest)).map((l) => c.gets.get(l.digest) ?? 0);
      console.log(
        `  ${name.padEnd(11)} shared blobs GET ${perShared.join(",")} time(s); own ${perOwn.join(",")}; ` +
          `${MiB(c.bytes)} of layers fetched; ` +
          (perShared.every((n) => n === 1) ? "each shared blob fetched once" : `${perShared.filter((n) => n !== 1).length} shared blob(s) not fetched exactly once`),
      );
      console.log(`  ${"".padEnd(11)} all requests: ${Object.entries(c.kinds).map(([k, n]) => `${n} ${k}`).join(", ")}`);
    }
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }

  // pullOciLayout's concurrency on layers8
  if (sweep.length) {
    const runners = Object.fromEntries(
      sweep.map((n) => [`concurrency ${n}`, (dir) => timed(node, ["--input-type=module", "-e", API, dir, String(n), `${host}/layers8:1.0`])]),
    );
    const s = await alternate(runners, rounds);
    console.log(`pullOciLayout(layers8:1.0, { concurrency }) on nodeFetch, whole process, ${rounds} rounds, alternating (the CLI uses 3)`);
    report(s, bytesOf(L8.layers));
  }
} finally {
  await r.stop();
}
