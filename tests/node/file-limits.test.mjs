// Files are read only when they are regular files, with the size limit applied while reading,
// everywhere the package reads one: the kubelet's credential-file search path (loadKubeletConfig:
// `./config.json` in the working directory is on it), the CLI's credential files (--config,
// --secret, --provider-config of creds and the registry commands) and its manifest inputs
// (manifest validate/digest, select, including standard input). A FIFO used to hang forever, a
// link to /dev/zero to read gigabytes; now each is refused (or, on the search path, skipped and
// reported) at once. Every case runs in a child process with a timeout, so a regression fails
// here instead of hanging the test run.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root, cli } from "./helpers.mjs";

const MiB = 1024 * 1024;
/** Generous: each case takes a fraction of a second; a hang or a read of /dev/zero takes forever. */
const TIMEOUT = 15_000;

let tmp;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "pullspec-file-limits-"));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A fresh directory holding a FIFO, a link to /dev/zero, an oversized file and a directory. */
function specials(name) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const fifo = join(dir, "fifo.json");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo");
  const zero = join(dir, "zero.json");
  symlinkSync("/dev/zero", zero);
  const big = join(dir, "big.json");
  writeFileSync(big, "");
  truncateSync(big, 4 * MiB + 1);
  const folder = join(dir, "folder.json");
  mkdirSync(folder);
  return { dir, fifo, zero, big, folder };
}

/** Runs an ES module snippet against pkg/node.js in a child process; its stdout parsed as JSON. */
function inChild(code) {
  const script = `import * as m from ${JSON.stringify(join(root, "pkg/node.js"))};\n${code}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: TIMEOUT });
  assert.equal(r.signal, null, `the child did not finish within ${TIMEOUT} ms (a hang): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const dockerConfig = (user) => JSON.stringify({ auths: { "registry.example.com": { auth: Buffer.from(`${user}:pw`).toString("base64") } } });

describe("the kubelet's credential-file search path", () => {
  for (const kind of ["fifo", "zero", "big", "folder"]) {
    test(`./config.json as ${kind === "fifo" ? "a FIFO" : kind === "zero" ? "a link to /dev/zero" : kind === "big" ? "a file over 4 MiB" : "a directory"}: skipped at once and reported; the next file is used`, () => {
      const s = specials(`search-${kind}`);
      const cwd = join(tmp, `cwd-${kind}`);
      mkdirSync(cwd);
      symlinkSync(s[kind], join(cwd, "config.json"));
      const home = join(tmp, `home-${kind}`);
      mkdirSync(join(home, ".docker"), { recursive: true });
      writeFileSync(join(home, ".docker", "config.json"), dockerConfig("home"));
      const out = inChild(`
        const t0 = performance.now();
        const { used, report, keyring } = m.loadKubeletConfig({ rootDir: ${JSON.stringify(join(tmp, "no-kubelet"))}, cwd: ${JSON.stringify(cwd)}, home: ${JSON.stringify(home)} });
        const ms = performance.now() - t0;
        console.log(JSON.stringify({ used, report, ms, users: keyring.lookup("registry.example.com/app").map((c) => c.username) }));
      `);
      const entry = out.report.find((r) => r.path === join(cwd, "config.json"));
      assert.equal(entry.status, "unreadable", JSON.stringify(entry));
      const reason = {
        fifo: /a FIFO, not a regular file: not read/,
        zero: /a character device, not a regular file: not read/,
        big: /4194305 bytes, over the 4 MiB limit: not read/,
        folder: /a directory, not a regular file: not read/,
      }[kind];
      assert.match(entry.reason, reason);
      assert.equal(out.used, join(home, ".docker", "config.json"));
      assert.deepEqual(out.users, ["home"]);
      assert.ok(out.ms < 1000, `loadKubeletConfig took ${out.ms} ms`);
    });
  }
});

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

describe("readFileLimited (pkg/node-files.js)", () => {
  test("the limit holds while reading: a file whose size says 0 (procfs) is cut at limit + 1 bytes", async () => {
    const { readFileLimited, FILE_LIMITS } = await import("../../pkg/node-files.js");
    assert.deepEqual({ ...FILE_LIMITS }, { manifest: 4 * MiB, credentials: 4 * MiB, kubernetes: 16 * MiB });
    assert.throws(() => readFileLimited("/proc/self/status", 16), (e) => e.code === "FILE_TOO_LARGE" && /over the 16 bytes limit/.test(e.message));
    assert.ok(readFileLimited("/proc/self/status", 1 << 20).length > 16);
    assert.throws(() => readFileLimited(join(tmp, "nope"), 10), (e) => e.code === "FILE_UNREADABLE" && e.errno === "ENOENT");
    assert.throws(() => readFileLimited("/dev/zero", 10), (e) => e.code === "FILE_NOT_REGULAR" && e.kind === "a character device");
  });
});
