// `npm pack` must produce a package that installs and works in a fresh folder: Node ESM import
// with no flags, the `pullspec` bin, and the files a browser or bundler needs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { root } from "./helpers.mjs";

test("npm pack installs and works in a fresh folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "pullspec-pack-"));
  try {
    const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } });
    const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], join(root, "pkg")))[0];
    const files = packed.files.map((f) => f.path);
    for (const f of ["package.json", "node.js", "browser.js", "core-node.js", "core-browser.js", "full.js", "core.js", "index.d.ts", "core.d.ts", "cli.js", "LICENSE", "gen/pullspec.js", "gen/pullspec_bg.wasm", "gen/pullspec_core.js", "gen/pullspec_core_bg.wasm"]) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.ok(!files.some((f) => f.startsWith("node_modules/") || f.startsWith("scripts/")), "no dev files");
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    npm(["install", "--no-audit", "--no-fund", "--offline", join(dir, packed.filename)], app);
    writeFileSync(join(app, "main.mjs"), `
      import { parseReference, PullspecError } from "pullspec";
      const r = parseReference("nginx:1.25");
      let code; try { parseReference("UPPER"); } catch (e) { code = e instanceof PullspecError && e.code; }
      console.log(JSON.stringify({ normalized: r.normalized, code }));`);
    const out = JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: app, encoding: "utf8" }));
    assert.deepEqual(out, { normalized: "docker.io/library/nginx:1.25", code: "NAME_CONTAINS_UPPERCASE" });
    const bin = join(app, "node_modules/.bin/pullspec");
    assert.ok(existsSync(bin));
    const cliOut = execFileSync(bin, ["ref", "--json", "busybox"], { encoding: "utf8" });
    assert.equal(JSON.parse(cliOut)[0].reference.name, "docker.io/library/busybox");
    assert.ok(readdirSync(join(app, "node_modules/pullspec/gen")).includes("pullspec_bg.wasm"));
    // The editor entry resolves through `exports`, has the manifest checks and no registry client,
    // and throws the same PullspecError class as the full entry.
    writeFileSync(join(app, "core.mjs"), `
      import * as core from "pullspec/core";
      import { PullspecError } from "pullspec";
      let same; try { core.parseReference("UPPER"); } catch (e) { same = e instanceof PullspecError; }
      console.log(JSON.stringify({ codes: core.validateManifests("apiVersion: v1\\nkind: Pod\\nspec: {containers: [{name: a, image: Nginx}]}\\n").map((d) => d.code), client: "RegistryClient" in core, same }));`);
    const coreOut = JSON.parse(execFileSync(process.execPath, ["core.mjs"], { cwd: app, encoding: "utf8" }));
    assert.deepEqual(coreOut, { codes: ["PULL_POLICY_EFFECTIVE", "IMAGE_INVALID"], client: false, same: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
