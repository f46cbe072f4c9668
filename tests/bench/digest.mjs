// Digest throughput of pullspec's WebAssembly sha2 against node:crypto (and, with --browser,
// WebCrypto and the same wasm in Chromium), plus the cost of selectManifest on a 100-entry
// index. Prints numbers and ratios; asserts nothing (timings vary by machine).
//
//   node tests/bench/digest.mjs                      # the package build (pkg/gen)
//   node tests/bench/digest.mjs --gen a=DIR --gen b=DIR   # compare builds (wasm-bindgen out dirs)
//   node tests/bench/digest.mjs --browser            # also Chromium (playwright-core, /usr/bin/chromium)
//   node tests/bench/digest.mjs --quick              # fewer repetitions
import { createHash } from "node:crypto";
import { readFileSync, statSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({
  options: {
    gen: { type: "string", multiple: true },
    browser: { type: "boolean" },
    quick: { type: "boolean" },
  },
});
const MiB = 1024 * 1024;
const budgetMs = values.quick ? 300 : 1500;

/** Best time in ms of `fn` over repetitions filling about `budgetMs` (at least `min` runs). */
function time(fn, min = 3) {
  fn(); // warm-up
  let best = Infinity;
  const start = performance.now();
  for (let n = 0; n < min || performance.now() - start < budgetMs; n++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
    if (n > 10000) break;
  }
  return best;
}

const mbps = (bytes, ms) => bytes / MiB / (ms / 1000);
const fmt = (x, w = 9) => x.toFixed(x >= 100 ? 0 : 1).padStart(w);

function content(size) {
  const b = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A wasm-bindgen output dir loaded as its own instance; `digest(bytes, alg)` like the package's. */
async function loadGen(dir) {
  const gen = await import(pathToFileURL(join(dir, "pullspec.js")).href + `?${encodeURIComponent(dir)}`);
  const wasmPath = join(dir, "pullspec_bg.wasm");
  gen.initSync({ module: readFileSync(wasmPath) });
  const slice = MiB;
  const digest = (bytes, alg = "sha256") => {
    if (bytes.length <= slice) return gen.digest(bytes, alg);
    const h = new gen.WasmHasher(alg);
    for (let at = 0; at < bytes.length; at += slice) h.update(bytes.subarray(at, at + slice));
    const d = h.finish();
    h.free();
    return d;
  };
  const wasm = readFileSync(wasmPath);
  return { digest, size: wasm.length, gzipped: gzipSync(wasm, { level: 9 }).length };
}

const gens = (values.gen ?? [`package=${join(root, "pkg/gen")}`]).map((s) => {
  const i = s.indexOf("=");
  return i < 0 ? { label: s, dir: s } : { label: s.slice(0, i), dir: s.slice(i + 1) };
});

console.log(`# digest throughput, Node ${process.version}, ${process.arch} (best of repeated runs; MB = MiB)`);
const sizes = [1 * MiB, 64 * MiB];
const data = Object.fromEntries(sizes.map((s) => [s, content(s)]));
const nodeMs = {};
for (const alg of ["sha256", "sha512"]) {
  for (const s of sizes) {
    if (alg === "sha512" && s !== MiB) continue;
    nodeMs[`${alg}/${s}`] = time(() => createHash(alg).update(data[s]).digest("hex"));
  }
}
const header = ["build".padEnd(14), "wasm bytes".padStart(10), "gzip".padStart(8)];
const cols = [];
for (const alg of ["sha256", "sha512"]) {
  for (const s of sizes) {
    if (alg === "sha512" && s !== MiB) continue;
    cols.push({ alg, s, name: `${alg} ${s / MiB} MiB` });
  }
}
console.log(`node:crypto: ${cols.map((c) => `${c.name} ${fmt(mbps(c.s, nodeMs[`${c.alg}/${c.s}`]), 0)} MB/s`).join(", ")}`);
console.log([...header, ...cols.map((c) => `${c.name}: MB/s (x node)`.padStart(28))].join(" "));
for (const g of gens) {
  const { digest, size, gzipped } = await loadGen(g.dir);
  for (const c of cols) {
    const want = `${c.alg}:` + createHash(c.alg).update(data[c.s]).digest("hex");
    if (digest(data[c.s], c.alg) !== want) throw new Error(`${g.label}: wrong ${c.alg} digest`);
  }
  const cells = cols.map((c) => {
    const ms = time(() => digest(data[c.s], c.alg));
    const ratio = nodeMs[`${c.alg}/${c.s}`] / ms;
    return `${fmt(mbps(c.s, ms))} (${ratio.toFixed(2)}x)`.padStart(28);
  });
  console.log([g.label.padEnd(14), String(size).padStart(10), String(gzipped).padStart(8), ...cells].join(" "));
}

// ---------------------------------------------------------------------------------------------
// selectManifest on a 100-entry index (the package build)

const api = await import(pathToFileURL(join(root, "pkg/node.js")).href);
const arches = [["amd64"], ["arm64", "v8"], ["arm", "v7"], ["arm", "v6"], ["386"], ["ppc64le"], ["s390x"], ["riscv64"], ["mips64le"], ["loong64"]];
const manifests = [];
for (let i = 0; i < 100; i++) {
  const [architecture, variant] = arches[i % arches.length];
  const os = i < 90 ? "linux" : "windows";
  manifests.push({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: "sha256:" + createHash("sha256").update(String(i)).digest("hex"),
    size: 1000 + i,
    platform: { architecture, os, ...(variant ? { variant } : {}), ...(os === "windows" ? { "os.version": `10.0.${17763 + i}.1` } : {}) },
  });
}
const indexText = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests });
const indexBytes = new TextEncoder().encode(indexText);
const indexObject = JSON.parse(indexText);
const matcher = api.platformMatcher("linux/arm/v8");
const calls = (fn) => {
  const n = 200;
  const ms = time(() => {
    for (let i = 0; i < n; i++) fn();
  });
  return (ms * 1000) / n;
};
if (api.selectManifest(indexText, matcher)?.index !== 2) throw new Error("selection changed");
console.log(`\n# selectManifest, 100-entry index (${indexText.length} bytes), linux/arm/v8 -> entry 2 (fallback)`);
console.log(`text + PlatformMatcher     ${calls(() => api.selectManifest(indexText, matcher)).toFixed(1).padStart(7)} µs/call`);
console.log(`bytes + PlatformMatcher    ${calls(() => api.selectManifest(indexBytes, matcher)).toFixed(1).padStart(7)} µs/call`);
console.log(`object + PlatformMatcher   ${calls(() => api.selectManifest(indexObject, matcher)).toFixed(1).padStart(7)} µs/call`);
console.log(`text + "linux/arm/v8"      ${calls(() => api.selectManifest(indexText, "linux/arm/v8")).toFixed(1).padStart(7)} µs/call`);
console.log(`parseManifest(text) alone  ${calls(() => api.parseManifest(indexText)).toFixed(1).padStart(7)} µs/call`);
console.log(`JSON.parse(text) (for scale) ${calls(() => JSON.parse(indexText)).toFixed(1).padStart(5)} µs/call`);
// The goal: each within 2x JSON.parse of the same text.
const jsonUs = calls(() => JSON.parse(indexText));
for (const [name, fn] of [
  ["selectManifest(text, matcher)", () => api.selectManifest(indexText, matcher)],
  ["parseManifest(text)", () => api.parseManifest(indexText)],
  ["validateManifest(text)", () => api.validateManifest(indexText)],
]) {
  const x = calls(fn) / jsonUs;
  console.log(`goal ${name.padEnd(30)} ${x.toFixed(1)}x JSON.parse (goal <= 2x: ${x <= 2 ? "met" : "NOT met"})`);
}
const linuxArm = { os: "linux", architecture: "arm", variant: "v7" };
console.log(`platformMatcher().matches(object)  ${calls(() => matcher.matches(linuxArm)).toFixed(2).padStart(7)} µs/call`);
matcher.free();

// ---------------------------------------------------------------------------------------------
// Chromium: WebCrypto vs the package's wasm, in a page

if (values.browser) {
  const { chromium } = await import(pathToFileURL(join(root, "pkg/node_modules/playwright-core/index.mjs")).href);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const origin = "http://localhost:9"; // never contacted: every request is answered by the route below
    const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
    await page.route(`${origin}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === "/") return route.fulfill({ body: "<!doctype html><title>bench</title>", contentType: "text/html" });
      const file = join(root, path);
      if (!existsSync(file) || !statSync(file).isFile()) return route.fulfill({ status: 404, body: "" });
      return route.fulfill({ body: readFileSync(file), contentType: types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" });
    });
    await page.goto(`${origin}/`);
    const result = await page.evaluate(async ({ budgetMs, MiB }) => {
      const api = await import("/pkg/browser.js");
      const best = async (fn) => {
        await fn();
        let b = Infinity;
        const start = performance.now();
        for (let n = 0; n < 3 || performance.now() - start < budgetMs; n++) {
          const t = performance.now();
          await fn();
          b = Math.min(b, performance.now() - t);
        }
        return b;
      };
      const out = [];
      for (const size of [1 * MiB, 64 * MiB]) {
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
        const hex = (buf) => [...new Uint8Array(buf)].map((x) => x.toString(16).padStart(2, "0")).join("");
        if ("sha256:" + hex(await crypto.subtle.digest("SHA-256", data)) !== api.digest(data)) throw new Error("digests differ");
        const webcrypto = await best(() => crypto.subtle.digest("SHA-256", data));
        const wasm = await best(() => api.digest(data));
        out.push({ size, webcrypto, wasm });
      }
      return { ua: navigator.userAgent, out };
    }, { budgetMs, MiB });
    console.log(`\n# Chromium (${result.ua.match(/Chrome\/[\d.]+/)?.[0] ?? "?"}): sha256, WebCrypto (async) vs pullspec wasm`);
    for (const r of result.out) {
      console.log(`${String(r.size / MiB).padStart(3)} MiB: WebCrypto ${fmt(mbps(r.size, r.webcrypto))} MB/s, wasm ${fmt(mbps(r.size, r.wasm))} MB/s (${(r.webcrypto / r.wasm).toFixed(2)}x WebCrypto)`);
    }
  } finally {
    await browser.close();
  }
}
