// The pre-commit hooks of .pre-commit-hooks.yaml with the real pre-commit (from PyPI, in a
// throwaway virtualenv) on scratch git repositories: a bad manifest fails the hook, a good one
// passes, .pullspec.yaml applies, files that are not *.yaml/*.yml/*.json are left alone.
//   pullspec-check         language: node; pre-commit installs its additional_dependencies into
//                          its own Node environment. The default (pullspec@VERSION from the npm
//                          registry) is replaced here by the tarball of this checkout (`npm pack`),
//                          as a user can do, so the test runs offline and tests this code.
//   pullspec-check-system  language: system, the `pullspec` on PATH, run with `pre-commit try-repo`.
// Skipped, with the reason, when python3 -m venv or pip cannot install pre-commit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { root, CLI } from "./helpers.mjs";

const PRE_COMMIT = "pre-commit==4.7.0";
const BAD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: app\n    image: Nginx:1\n";
const GOOD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n";

let dir;
let skip = null;
let preCommit;
let hooks;
let rev;
let tarball;
let env;

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 600_000, ...options });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function must(cmd, args, options) {
  const r = sh(cmd, args, options);
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}:\n${r.out}`);
  return r.out;
}

const git = (cwd, ...args) => must("git", ["-c", "user.name=pullspec test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main", ...args], { cwd });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "pullspec-pre-commit-"));
  const venv = join(dir, "venv");
  const made = sh("python3", ["-m", "venv", venv]);
  if (made.status !== 0) {
    skip = `python3 -m venv failed: ${made.out.trim().split("\n").pop()}`;
    return;
  }
  const pip = sh(join(venv, "bin/pip"), ["install", "--quiet", "--disable-pip-version-check", PRE_COMMIT]);
  if (pip.status !== 0) {
    skip = `pip could not install ${PRE_COMMIT}: ${pip.out.trim().split("\n").pop()}`;
    return;
  }
  preCommit = join(venv, "bin/pre-commit");
  // The hook repository as pre-commit clones it: this repository's committed tree, with the
  // working tree's .pre-commit-hooks.yaml (it may not be committed yet).
  hooks = join(dir, "hooks");
  must("git", ["clone", "--quiet", root, hooks]);
  copyFileSync(join(root, ".pre-commit-hooks.yaml"), join(hooks, ".pre-commit-hooks.yaml"));
  git(hooks, "add", "-A");
  git(hooks, "commit", "--quiet", "--allow-empty", "-m", "hooks under test");
  rev = git(hooks, "rev-parse", "HEAD").trim();
  // This checkout as the npm package a user would install.
  must("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: join(root, "pkg") });
  tarball = join(dir, "pullspec-" + JSON.parse(must("node", ["-p", "JSON.stringify(require('./package.json').version)"], { cwd: join(root, "pkg") })) + ".tgz");
  // pullspec on PATH for the system hook; pre-commit's caches inside the temporary folder.
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "pullspec"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, "pullspec"), 0o755);
  env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    PRE_COMMIT_HOME: join(dir, "cache"),
    npm_config_cache: join(dir, "npm-cache"),
    npm_config_loglevel: "error",
  };
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A scratch git repository with these files, all added. */
function project(name, files) {
  const p = join(dir, name);
  mkdirSync(p);
  git(p, "init", "--quiet");
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(p, f, ".."), { recursive: true });
    writeFileSync(join(p, f), text);
  }
  git(p, "add", "-A");
  return p;
}

/** `pre-commit run --all-files` with pullspec-check installed from the packed tarball. */
function runNodeHook(p) {
  const config = `repos:\n- repo: ${hooks}\n  rev: ${rev}\n  hooks:\n  - id: pullspec-check\n    additional_dependencies: ["${tarball}"]\n`;
  writeFileSync(join(p, ".pre-commit-config.yaml"), config);
  git(p, "add", ".pre-commit-config.yaml");
  return sh(preCommit, ["run", "--all-files", "--color", "never"], { cwd: p, env });
}

test("pullspec-check (language: node): a bad manifest fails, a good one passes, .pullspec.yaml applies", (t) => {
  if (skip) return t.skip(skip);
  const bad = runNodeHook(project("node-bad", { "k8s/pod.yaml": BAD, "k8s/ok.json": JSON.stringify({ a: 1 }) }));
  assert.equal(bad.status, 1, bad.out);
  assert.match(bad.out, /pullspec check\.+Failed/);
  assert.match(bad.out, /k8s\/pod\.yaml:8:12: error IMAGE_INVALID /);

  const good = runNodeHook(project("node-good", { "k8s/pod.yaml": GOOD, "notes.txt": BAD }));
  assert.equal(good.status, 0, good.out);
  assert.match(good.out, /pullspec check\.+Passed/);

  const configured = runNodeHook(project("node-config", { "k8s/pod.yaml": BAD, ".pullspec.yaml": "rules:\n  IMAGE_INVALID: warning\n" }));
  assert.equal(configured.status, 0, configured.out); // IMAGE_INVALID is a warning there
  assert.match(configured.out, /pullspec check\.+Passed/);
});

test("pullspec-check-system (language: system) with pre-commit try-repo", (t) => {
  if (skip) return t.skip(skip);
  const tryRepo = (p) => sh(preCommit, ["try-repo", hooks, "pullspec-check-system", "--ref", rev, "--all-files", "--color", "never"], { cwd: p, env });
  const bad = tryRepo(project("system-bad", { "deploy.yml": GOOD + "---\n" + BAD }));
  assert.equal(bad.status, 1, bad.out);
  assert.match(bad.out, /deploy\.yml:17:12: error IMAGE_INVALID /);
  const good = tryRepo(project("system-good", { "deploy.yml": GOOD, "README.md": BAD }));
  assert.equal(good.status, 0, good.out);
  assert.match(good.out, /Passed/);
});
