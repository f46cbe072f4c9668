// The layout a newcomer reads is the layout on disk: every path the layout tables of README.md
// and CONTRIBUTING.md name exists, and every source file or folder they map is named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./helpers.mjs";

/** The tables of a `## Layout` section: their rows' first cells' `code` spans, and the line before each table. */
function layoutTables(file) {
  const text = readFileSync(join(root, file), "utf8");
  const start = text.indexOf("\n## Layout\n");
  assert.ok(start >= 0, `${file} has a Layout section`);
  const end = text.indexOf("\n## ", start + 1);
  const lines = text.slice(start, end < 0 ? undefined : end).split("\n");
  const tables = [];
  let current = null;
  lines.forEach((line, i) => {
    if (!line.startsWith("|")) {
      current = null;
      return;
    }
    if (current === null) {
      const intro = lines.slice(0, i).reverse().find((l) => l.trim() !== "") ?? "";
      current = { intro, rows: [] };
      tables.push(current);
      return; // the header row
    }
    if (/^\|\s*-/.test(line)) return;
    const [first, ...rest] = line.split("|").slice(1, -1);
    const spans = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    current.rows.push({ paths: spans(first), text: rest.join("|"), textSpans: spans(rest.join("|")) });
  });
  return tables;
}

/** The folder a table's paths are relative to: "`src/registry/`:" in the line before it, else the root. */
const baseOf = (table) => /`([\w./-]+\/)`:\s*$/.exec(table.intro)?.[1] ?? "";

const listed = (dir, keep = () => true) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => keep(e))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));

for (const file of ["README.md", "CONTRIBUTING.md"]) {
  test(`every path in ${file}'s layout exists`, () => {
    let count = 0;
    for (const table of layoutTables(file)) {
      const base = baseOf(table);
      for (const row of table.rows) {
        for (const p of row.paths) {
          assert.ok(existsSync(join(root, base, p)), `${file}: ${base}${p} does not exist`);
          count++;
        }
      }
    }
    assert.ok(count > 5, `${count} paths checked`);
  });
}

test("CONTRIBUTING's layout names every folder and file of src/, src/registry/ and pkg/", () => {
  const tables = layoutTables("CONTRIBUTING.md");
  const named = (base) =>
    new Set(tables.filter((t) => baseOf(t) === base).flatMap((t) => t.rows.flatMap((r) => r.paths)));
  const top = named("");
  for (const entry of listed("src", (e) => e.name !== "lib.rs")) {
    assert.ok(top.has(`src/${entry}`), `src/${entry} is not in CONTRIBUTING.md's layout`);
  }
  const registry = named("src/registry/");
  for (const entry of listed("src/registry")) {
    assert.ok(registry.has(entry), `src/registry/${entry} is not in the registry table`);
  }
  const pkg = named("pkg/");
  const isSource = (e) => e.isDirectory() ? !["node_modules", "gen", "commands"].includes(e.name) : /\.(js|d\.ts|json)$/.test(e.name) && e.name !== "package-lock.json";
  for (const entry of listed("pkg", isSource)) {
    assert.ok(pkg.has(entry), `pkg/${entry} is not in the pkg table`);
  }
  for (const entry of listed("pkg/commands")) {
    assert.ok(pkg.has(`commands/${entry}`), `pkg/commands/${entry} is not in the pkg table`);
  }
});

test("README's layout names every part of the Rust core", () => {
  const src = layoutTables("README.md").flatMap((t) => t.rows).find((r) => r.paths.includes("src/"));
  assert.ok(src, "README's layout has a src/ row");
  const named = new Set(src.textSpans);
  for (const entry of listed("src", (e) => e.name !== "lib.rs" && e.name !== "js")) {
    const name = entry.replace(/\.rs$/, "");
    assert.ok(named.has(name), `README's src/ row does not name ${name}`);
  }
  for (const name of src.textSpans.filter((s) => /^[a-z_]+\/?$/.test(s))) {
    assert.ok(existsSync(join(root, "src", name)) || existsSync(join(root, "src", `${name}.rs`)), `README names src/${name}, which does not exist`);
  }
});
