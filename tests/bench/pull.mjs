// Pull throughput: `pullspec pull` against `skopeo copy`, whole process wall time, pulling the
// single-layer 64 MiB `large:1.0` from the local anonymous registry into a fresh OCI layout.
// The two alternate (skopeo, pullspec, skopeo, ...) so that machine noise hits both alike.
// Also timed: the floor of any Node client (a bare http.get + sha256 + write of the layer).
// Both verify every byte (pullspec: sha256 of the manifest, config and layer before anything is
// renamed into the layout) and write the same bytes: skopeo runs with --preserve-digests, without
// which it gzips the uncompressed layer into the layout (a new manifest; "skopeo gzip" below).
// Prints times, MB/s and the ratio; asserts nothing. Many layers: tests/bench/pull-layers.mjs.
//
//   node tests/bench/pull.mjs [--rounds N]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startRegistries } from "../registry/harness.mjs";
import { timed as timedProcess } from "./process.mjs";

/** Wall time of a whole process, in ms. */
const timed = async (cmd, args) => (await timedProcess(cmd, args)).wall;

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = Math.max(1, Number(values.rounds) || 3);


const r = await startRegistries({ modes: ["anonymous"], seed: true });
try {
  const image = `${r.anonymous.host}/large:1.0`;
  const size = r.fixtures.images["large:1.0"].layers[0].size;
  const layer = r.fixtures.images["large:1.0"].layers[0];
  // The floor of any Node client: one http.get of the layer, sha256, written to a file; no
  // protocol, no manifest, no wasm.
  const floor = `const h = require("crypto").createHash("sha256"); const w = require("fs").createWriteStream(process.argv[1] + "/blob");
    require("http").get(${JSON.stringify(`${r.anonymous.url}/v2/large/blobs/${layer.digest}`)}, (res) => {
      res.on("data", (c) => { h.update(c); w.write(c); });
      res.on("end", () => { if ("sha256:" + h.digest("hex") !== ${JSON.stringify(layer.digest)}) process.exit(1); w.end(); });
    });`;
  const runners = {
    skopeo: (dir) => timed("skopeo", ["copy", "--quiet", "--src-tls-verify=false", "--preserve-digests", `docker://${image}`, `oci:${dir}:1.0`]),
    pullspec: (dir) => timed(process.execPath, [join(root, "pkg/cli.js"), "pull", image, "--platform", "linux/amd64", "--output", dir, "--quiet"]),
  };
  runners["node floor"] = (dir) => timed(process.execPath, ["-e", floor, dir]);
  runners["skopeo gzip"] = (dir) => timed("skopeo", ["copy", "--quiet", "--src-tls-verify=false", `docker://${image}`, `oci:${dir}:1.0`]);
  const times = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  // one warm-up each (page cache, registry), not counted
  for (const [name, runner] of Object.entries(runners)) {
    const dir = await mkdtemp(join(tmpdir(), `bench-${name}-`));
    await runner(dir);
    await rm(dir, { recursive: true, force: true });
  }
  for (let i = 0; i < rounds; i++) {
    for (const [name, runner] of Object.entries(runners)) {
      const dir = await mkdtemp(join(tmpdir(), `bench-${name}-`));
      times[name].push(await runner(dir));
      await rm(dir, { recursive: true, force: true });
    }
  }
  const mbps = (ms) => size / 1e6 / (ms / 1000);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`pull of ${image} (one ${(size / 2 ** 20).toFixed(0)} MiB layer) into a fresh OCI layout, ${rounds} rounds, alternating`);
  for (const [name, ts] of Object.entries(times)) {
    console.log(
      `  ${name.padEnd(10)} ${ts.map((t) => t.toFixed(0).padStart(5)).join(" ")} ms  ` +
        `median ${median(ts).toFixed(0)} ms = ${mbps(median(ts)).toFixed(0)} MB/s (best ${mbps(Math.min(...ts)).toFixed(0)} MB/s)`,
    );
  }
  const ratio = median(times.skopeo) / median(times.pullspec);
  console.log(`  pullspec is ${ratio.toFixed(2)}x skopeo (median wall time; target >= 2x)`);
  console.log(`  "node floor" = node + http.get + sha256 + file write of the layer alone: no client can start and pull faster in Node`);
  console.log(`  "skopeo gzip" = skopeo copy without --preserve-digests: it gzips the layer into the layout (skopeo's default for OCI layouts)`);
} finally {
  await r.stop();
}
