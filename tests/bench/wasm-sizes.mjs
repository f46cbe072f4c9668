// Where the bytes of a .wasm go: code size per Rust module path (from the name section), largest
// first. Needs a module that still has its names: build with debug names kept, e.g.
//   cargo build --release --target wasm32-unknown-unknown --lib [--no-default-features]
//   node tests/bench/wasm-sizes.mjs target/wasm32-unknown-unknown/release/pullspec.wasm [depth]
// Sizes are of function bodies before wasm-opt (which shrinks all of them by a similar factor),
// plus the data section; enough to see which concept costs what.
import { readFileSync } from "node:fs";

const [file, depthArg] = process.argv.slice(2);
const depth = Number(depthArg ?? 2);
const b = readFileSync(file);
let p = 8;
const u32 = () => {
  let r = 0, s = 0, x;
  do { x = b[p++]; r |= (x & 0x7f) << s; s += 7; } while (x & 0x80);
  return r >>> 0;
};
let imports = 0;
const bodies = [];
let data = 0;
const names = new Map();
while (p < b.length) {
  const id = b[p++];
  const size = u32();
  const end = p + size;
  if (id === 2) {
    const n = u32();
    for (let i = 0; i < n; i++) {
      p += u32(); p += u32();
      const kind = b[p++];
      if (kind === 0) { u32(); imports++; } else if (kind === 1) { p++; const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); } else { p += 2; }
    }
  } else if (id === 10) {
    const n = u32();
    for (let i = 0; i < n; i++) { const s = u32(); bodies.push(s); p += s; }
  } else if (id === 11) {
    data = size;
  } else if (id === 0) {
    const nameLen = u32();
    const name = b.subarray(p, p + nameLen).toString();
    p += nameLen;
    if (name === "name") {
      while (p < end) {
        const sub = b[p++];
        const subSize = u32();
        const subEnd = p + subSize;
        if (sub === 1) {
          const n = u32();
          for (let i = 0; i < n; i++) { const idx = u32(); const l = u32(); names.set(idx, b.subarray(p, p + l).toString()); p += l; }
        }
        p = subEnd;
      }
    }
  }
  p = end;
}
/** The path segments of a mangled Rust name (legacy `_ZN..E` and v0 `_R...`: identifiers in order). */
function segments(name) {
  if (!name.startsWith("_ZN") && !name.startsWith("_R")) return name.split("::");
  const out = [];
  const re = /(\d+)(_?)([A-Za-z_$][A-Za-z0-9_$.]*)/g;
  let m;
  for (let i = name.startsWith("_ZN") ? 3 : 2; (re.lastIndex = i), (m = re.exec(name)); ) {
    const len = Number(m[1]);
    const start = m.index + m[1].length + m[2].length;
    out.push(name.slice(start, start + len));
    i = start + len;
  }
  return out.filter((seg) => !/^h[0-9a-f]{16}$/.test(seg) && !/^\$/.test(seg));
}

/** `pullspec::k8s::check::validate` -> `pullspec::k8s` (depth 2); other crates by name. */
function group(name) {
  const parts = segments(name);
  const at = parts.indexOf("pullspec");
  if (at >= 0) return parts.slice(at, at + depth).join("::");
  const known = ["serde_json", "serde", "sha2", "base64", "wasm_bindgen", "js_sys", "alloc", "core", "std", "miniz_oxide", "rustc_demangle", "zmij", "dlmalloc", "itoa", "ryu", "memchr"];
  const hit = parts.find((seg) => known.includes(seg));
  if (hit) return hit;
  if (name.startsWith("__wbindgen") || name.startsWith("__wbg")) return "wasm_bindgen glue";
  return name.length > 40 ? "(other)" : name;
}
const sums = new Map();
bodies.forEach((s, i) => {
  const g = group(names.get(i + imports) ?? "?");
  sums.set(g, (sums.get(g) ?? 0) + s);
});
sums.set("(data section: strings, tables)", data);
const total = [...sums.values()].reduce((a, x) => a + x, 0);
console.log(`${file}: ${b.length} bytes; function bodies ${total - data}, data ${data}`);
for (const [g, s] of [...sums].sort((a, x) => x[1] - a[1]).slice(0, 30)) {
  console.log(`${String(s).padStart(8)}  ${((100 * s) / total).toFixed(1).padStart(5)}%  ${g}`);
}
