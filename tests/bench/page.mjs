// The page's load, measured (not a test): www/dist served locally, headless Chromium.
//   node tests/bench/page.mjs [RUNS]      (build first: npm --prefix www run build)
// For each page: time to interactive (navigation start -> the page's checks shown: the editor's
// first diagnostics; every dashboard card rendered, offline), median of RUNS (default 7) fresh
// loads (the server sends no-store, so every load fetches everything), and the bytes transferred
// for one load, raw and gzipped (level 9, what a static host with compression serves).
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { serveStatic } from "../browser/static-server.mjs";
import { launch } from "../browser/chromium.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");
const dist = join(root, "www/dist");
if (!existsSync(join(dist, "index.html"))) {
  console.error("www/dist is missing: npm ci --prefix www && npm --prefix www run build");
  process.exit(1);
}
const runs = Number(process.argv[2] ?? 7);
const PAGES = [
  { path: "index.html", what: "editor: first diagnostics shown",
    ready: () => { const s = document.querySelector("#editor-status"); return s && s.dataset.kind !== "busy" && document.querySelector(".cm-lintRange-error"); } },
  { path: "element.html", what: "dashboard (offline): every card rendered",
    ready: () => /0 pending/.test(document.querySelector("#dashboard-summary")?.textContent ?? "") },
];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const server = await serveStatic(dist);
const browser = await launch();
try {
  for (const p of PAGES) {
    const times = [];
    let files = null;
    for (let i = 0; i < runs + 1; i++) {
      const page = await browser.page();
      const seen = new Set();
      page.on("requestfinished", (req) => { const u = new URL(req.url()); if (u.origin === server.url) seen.add(u.pathname); });
      await page.goto(`${server.url}/${p.path}`);
      await page.waitForFunction(p.ready, null, { timeout: 30000, polling: 5 });
      const t = await page.evaluate(() => performance.now());
      await page.waitForTimeout(200); // late requests (the worker's module)
      if (i > 0) times.push(t); // the first load warms the browser process
      files ??= [...seen].sort();
      await page.close();
    }
    const sizes = files.map((f) => {
      const bytes = readFileSync(join(dist, f === "/" ? "index.html" : f.slice(1)));
      return { file: f.slice(1), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
    const total = sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
    console.log(`\n${p.path}: ${p.what}`);
    console.log(`  time to interactive: median ${median(times).toFixed(0)} ms of ${runs} (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
    console.log(`  transferred: ${(total.gzip / 1000).toFixed(1)} kB gzipped (${(total.raw / 1000).toFixed(1)} kB raw) in ${sizes.length} files`);
    for (const s of sizes) console.log(`    ${s.file.padEnd(44)} ${(s.gzip / 1000).toFixed(1).padStart(7)} kB gz ${(s.raw / 1000).toFixed(1).padStart(8)} kB`);
  }
} finally {
  await browser.close();
  await server.close();
}
