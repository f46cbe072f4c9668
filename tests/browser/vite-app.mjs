// A tiny app built with Vite's production build against the package in pkg/ (linked as
// node_modules/pullspec), for the bundler tests and the size benchmark.
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(fileURLToPath(import.meta.url), "../../..");

/**
 * Builds an app whose entry is `mainJs` (`link`: packages of pkg/node_modules the app imports
 * directly); returns `{ dir, dist, assets, sizes, remove() }` where
 * `sizes` lists every emitted file with its raw and gzipped (level 9) bytes, and `total` sums them.
 */
export async function buildViteApp(mainJs, { link = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "pullspec-vite-"));
  const require = createRequire(join(root, "pkg/package.json"));
  const { build } = await import(pathToFileURL(require.resolve("vite")).href);
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(join(root, "pkg"), join(dir, "node_modules/pullspec"), "dir");
  // Packages the app imports itself (e.g. an LSP client library), from pkg/'s dev dependencies.
  for (const name of link) {
    mkdirSync(join(dir, "node_modules", name, ".."), { recursive: true });
    symlinkSync(join(root, "pkg/node_modules", name), join(dir, "node_modules", name), "dir");
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "vite-app", private: true, type: "module" }));
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><div id="out"></div><script type="module" src="/main.js"></script>`);
  writeFileSync(join(dir, "main.js"), mainJs);
  await build({ root: dir, logLevel: "error", configFile: false, build: { outDir: join(dir, "dist") }, worker: { format: "es" } });
  const dist = join(dir, "dist");
  const files = ["index.html", ...readdirSync(join(dist, "assets")).map((f) => `assets/${f}`)];
  const sizes = files.map((f) => {
    const bytes = readFileSync(join(dist, f));
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = sizes.reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip }), { raw: 0, gzip: 0 });
  return { dir, dist, assets: files.slice(1), sizes, total, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
