// Keyring.addDockerConfig on large credential files: the time per file of 10,000, 40,000 and
// 100,000 entries (keys in ascending order, and shuffled), the first call and the best of three,
// and how the time grows from one size to the next (linear: about the size ratio, 4 and 2.5;
// quadratic: their squares, 16 and 6.25). The file's text stays alive during the calls, as in a
// real caller: a big JS heap is what made each growth of wasm memory expensive. A benchmark,
// not a test: it asserts nothing about time and exits 0.
//
//   node tests/bench/keyring.mjs            (BENCH_SIZES=10000,40000,100000 to change the sizes)
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
const { Keyring } = await import(join(here, "..", "..", "pkg", "node.js"));
const SIZES = (process.env.BENCH_SIZES ?? "10000,40000,100000").split(",").map(Number);

/** mulberry32: a seeded PRNG, so every run measures the same files. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function configText(n, shuffled) {
  const keys = Array.from({ length: n }, (_, i) => `registry-${String(i).padStart(6, "0")}.example.com`);
  if (shuffled) {
    const r = rng(n);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
  }
  const auths = {};
  for (const [i, k] of keys.entries()) auths[k] = { auth: Buffer.from(`u${i}:p${i}`).toString("base64") };
  return JSON.stringify({ auths });
}

/** The first call (the module's code not yet optimized, memory not yet grown) and the best of 3. */
function time(text) {
  const ms = [];
  for (let round = 0; round < 3; round++) {
    const k = new Keyring();
    const t0 = performance.now();
    k.addDockerConfig(text);
    ms.push(performance.now() - t0);
  }
  return { first: ms[0], best: Math.min(...ms) };
}

console.log("entries  first ms  best ms  shuffled best ms  growth of best");
let previous = null;
for (const n of SIZES) {
  const asc = time(configText(n, false));
  const shuf = time(configText(n, true));
  const growth = previous ? `x${(asc.best / previous.ms).toFixed(2)} for x${(n / previous.n).toFixed(2)} entries` : "";
  const col = (v, w) => v.toFixed(0).padStart(w);
  console.log(`${String(n).padStart(7)}  ${col(asc.first, 8)}  ${col(asc.best, 7)}  ${col(shuf.best, 16)}  ${growth}`);
  previous = { n, ms: asc.best };
}
