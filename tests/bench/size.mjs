// What a page ships: Vite production builds of (a) an editor page importing `parseReference` and
// `validateManifests` from `pullspec/core` and (b) the same from the full `pullspec`, with every
// emitted file's raw and gzipped (level 9) size, and both modules' sizes, beside their goals.
// A benchmark, not a test: it asserts nothing and exits 0.
//
//   node tests/bench/size.mjs          (after `npm --prefix pkg run build`)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildViteApp } from "../browser/vite-app.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const main = (entry) => `
  import { parseReference, validateManifests } from "${entry}";
  document.querySelector("#out").textContent = JSON.stringify([parseReference("nginx").normalized, validateManifests("kind: Pod").length]);`;

for (const [name, file, goal] of [["full module (pullspec)", "pullspec_bg.wasm", 150], ["core module (pullspec/core)", "pullspec_core_bg.wasm", null]]) {
  const bytes = readFileSync(join(root, "pkg/gen", file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`${name.padEnd(30)} ${String(bytes.length).padStart(8)} bytes raw, ${kb(gz).padStart(9)} gzipped${goal ? `  (goal <= ${goal} KB: ${gz <= goal * 1024 ? "met" : "NOT met"})` : ""}`);
}
for (const [label, entry, goal] of [["editor page on pullspec/core", "pullspec/core", 110], ["the same page on pullspec", "pullspec", null]]) {
  const app = await buildViteApp(main(entry));
  try {
    console.log(`\n${label}: Vite production build, ${kb(app.total.gzip)} gzipped in all (${kb(app.total.raw)} raw)${goal ? `  goal <= ${goal} KB: ${app.total.gzip <= goal * 1024 ? "met" : "NOT met"}` : ""}`);
    for (const s of app.sizes) console.log(`  ${s.file.padEnd(40)} ${kb(s.raw).padStart(10)} raw ${kb(s.gzip).padStart(10)} gz`);
  } finally {
    app.remove();
  }
}
