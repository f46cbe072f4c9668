// Builds the package's two WebAssembly modules, the full one (`pullspec`) and the core one
// (`pullspec/core`: no registry client, no credentials): release wasm -> wasm-bindgen (pinned to
// Cargo.lock) -> wasm-opt (npm binaryen; never Debian's, which corrupts wasm-bindgen output) -> pkg/gen/.
import { spawnSync } from "node:child_process";
import { readFileSync, mkdirSync, statSync, rmSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(pkg);
const gen = join(pkg, "gen");

function run(cmd, args, opts = {}) {
  console.error(`$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function lockedVersion(name) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  const m = lock.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`));
  return m?.[1];
}

const want = lockedVersion("wasm-bindgen");
const have = spawnSync("wasm-bindgen", ["--version"], { encoding: "utf8" }).stdout?.trim().split(" ")[1];
if (have !== want) {
  console.error(`wasm-bindgen CLI ${have ?? "missing"} but Cargo.lock has ${want}: run scripts/setup.sh`);
  process.exit(1);
}
rmSync(gen, { recursive: true, force: true });
mkdirSync(gen, { recursive: true });

/**
 * One module: the crate built with `features` (the full module with the default features, the
 * core one without), bound, optimized. Each gets its own target directory so that switching
 * features does not rebuild the other.
 */
function module(name, cargoArgs, env = {}) {
  const targetDir = join(root, "target", name === "pullspec" ? "." : name);
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib", "--target-dir", targetDir, ...cargoArgs], {
    env: { ...process.env, ...env },
  });
  run("wasm-bindgen", [
    "--target", "web", "--out-dir", gen, "--out-name", name,
    join(targetDir, "wasm32-unknown-unknown/release/pullspec.wasm"),
  ]);
  const wasm = join(gen, `${name}_bg.wasm`);
  const wasmOpt = join(pkg, "node_modules/.bin/wasm-opt");
  if (existsSync(wasmOpt)) {
    const before = statSync(wasm).size;
    // Passes measured on this module: `-O2 --flatten --rereloop -Oz -Oz` is ~1.4 KB gzipped smaller
    // than `-Oz` alone (about 10 s more); `--converge` and `--gufa` add nothing.
    run(wasmOpt, [
      "-O2", "--flatten", "--rereloop", "-Oz", "-Oz",
      "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
      "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
      "--strip-debug", "--strip-producers", "--strip-target-features", wasm, "-o", wasm,
    ]);
    console.error(`wasm-opt: ${before} -> ${statSync(wasm).size} bytes`);
  } else {
    console.error("wasm-opt (npm binaryen) not installed: the module is larger than it could be");
  }
  const bytes = readFileSync(wasm);
  console.error(`pkg/gen/${name}_bg.wasm: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped`);
}

module("pullspec", []);
// PULLSPEC_CORE_OPT_LEVEL trades bytes for speed in the editor module (README, "Size and speed":
// measured z 173 KB / 3.2 ms per 2,000-line validation, 2: 214 KB / 1.8 ms). Default: the
// release profile's `z`.
const coreOpt = process.env.PULLSPEC_CORE_OPT_LEVEL;
module("pullspec_core", ["--no-default-features"], coreOpt ? { CARGO_PROFILE_RELEASE_OPT_LEVEL: coreOpt } : {});
