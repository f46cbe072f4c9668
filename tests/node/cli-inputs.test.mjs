// What the CLI reads is refused at once when it is not a regular file or is too large: its
// credential files (--config, --secret, --provider-config of creds and the registry commands, and
// `./config.json` on the kubelet's search path) and its manifest inputs (manifest
// validate/digest, select, standard input included). A FIFO used to hang forever, a link to
// /dev/zero to read gigabytes. Every case runs with a timeout, so a regression fails here instead
// of hanging the test run.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, cli, specialFiles, scratch } from "./helpers.mjs";

/** Generous: each case takes a fraction of a second; a hang or a read of /dev/zero takes forever. */
const TIMEOUT = 15_000;

let tmp;
scratch("pullspec-cli-inputs-", (top) => (tmp = top));

const specials = (name) => specialFiles(join(tmp, name));
const dockerConfig = (user) => JSON.stringify({ auths: { "registry.example.com": { auth: Buffer.from(`${user}:pw`).toString("base64") } } });

describe("the CLI's credential files", () => {
  let s;
  before(() => {
    s = specials("cli-credentials");
  });

  for (const option of ["--config", "--secret", "--provider-config"]) {
    for (const kind of ["fifo", "zero", "big"]) {
      test(`creds ${option} ${kind}: one line, exit 2, at once`, () => {
        const extra = option === "--provider-config" ? ["--provider-bin", tmp] : [];
        const r = cli(["creds", "registry.example.com/app", option, s[kind], ...extra, "--kubelet-root", join(tmp, "none")], { timeout: TIMEOUT, cwd: tmp });
        assert.equal(r.signal ?? null, null);
        assert.equal(r.status, 2, r.stderr);
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], kind === "big" ? /4194305 bytes, over the 4 MiB limit: not read$/ : /, not a regular file: not read$/);
        assert.ok(lines[0].includes(s[kind]), lines[0]);
      });
    }
  }

  test("creds without --config: a FIFO ./config.json is skipped (and shown with --explain), not waited on", () => {
    const cwd = join(tmp, "cli-cwd-fifo");
    mkdirSync(cwd);
    assert.equal(spawnSync("mkfifo", [join(cwd, "config.json")]).status, 0);
    const home = join(tmp, "cli-home");
    mkdirSync(join(home, ".docker"), { recursive: true });
    writeFileSync(join(home, ".docker", "config.json"), dockerConfig("home"));
    const r = cli(["creds", "registry.example.com/app", "--kubelet-root", join(tmp, "none"), "--explain"], {
      cwd,
      env: { ...process.env, HOME: home },
      timeout: TIMEOUT,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /config\.json: skipped: read error \(a FIFO, not a regular file: not read\)/);
    assert.match(r.stdout, /1\. home:<redacted>/);
  });

  test("a registry command with --config /dev/zero stops before any request", () => {
    const r = cli(["tags", "127.0.0.1:9/none", "--config", s.zero], { timeout: TIMEOUT });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^pullspec tags: docker config .*zero\.json: a character device, not a regular file: not read$/m);
  });
  test("credential files from standard input: `-` is read once, a second `-` is a clear error", () => {
    const config = dockerConfig("stdin-user");
    const one = cli(["creds", "registry.example.com/app", "--config", "-", "--json"], { timeout: TIMEOUT, cwd: tmp, input: config });
    assert.equal(one.status, 0, one.stderr);
    assert.equal(JSON.parse(one.stdout).credentials[0].username, "stdin-user");
    const two = cli(["creds", "registry.example.com/app", "--secret", "-", "--config", "-"], { timeout: TIMEOUT, cwd: tmp, input: config });
    assert.equal(two.status, 2, two.stdout + two.stderr);
    assert.match(two.stderr, /docker config <stdin>: standard input was already read as secret file <stdin>: give `-` once/);
  });
});

describe("the CLI's manifest inputs", () => {
  let s;
  before(() => {
    s = specials("cli-manifests");
  });

  for (const [args, what] of [[["manifest", "validate"], "manifest validate"], [["manifest", "digest"], "manifest digest"], [["select"], "select"]]) {
    test(`${what}: a FIFO, /dev/zero and a file over 4 MiB are refused at once, one line each`, () => {
      for (const kind of ["fifo", "zero", "big", "folder"]) {
        const r = cli([...args, s[kind]], { timeout: TIMEOUT });
        assert.equal(r.signal ?? null, null);
        assert.equal(r.status, 1, `${kind}: ${r.stderr}`);
        assert.match(r.stderr, kind === "big" ? /big\.json: 4194305 bytes, over the 4 MiB limit: not read/ : /: (a FIFO|a character device|a directory), not a regular file: not read/);
      }
      // The named /dev/zero itself, as in the report.
      const dev = cli([...args, "/dev/zero"], { timeout: TIMEOUT });
      assert.equal(dev.status, 1);
      assert.match(dev.stderr, /^\/dev\/zero: a character device, not a regular file: not read$/m);
    });
  }

  test("manifest validate -: standard input from /dev/zero stops at the 4 MiB limit", () => {
    const zero = openSync("/dev/zero", "r");
    try {
      const r = cli(["manifest", "validate", "-"], { stdio: [zero, "pipe", "pipe"], timeout: TIMEOUT });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /<stdin>: standard input is over the 4 MiB limit: not read/);
    } finally {
      closeSync(zero);
    }
  });

  test("valid inputs still read: a file and standard input", () => {
    const file = join(root, "pkg/examples/oci-index.json");
    assert.equal(cli(["manifest", "validate", file]).status, 0);
    const r = cli(["select", "-", "--platform", "linux/arm64"], { input: readFileSync(file) });
    assert.equal(r.status, 0, r.stderr);
  });
});
