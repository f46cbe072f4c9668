// Files are read only when they are regular files, with the size limit applied while reading,
// everywhere the package reads one: the kubelet's credential-file search path (loadKubeletConfig:
// `./config.json` in the working directory is on it) and readFileLimited itself (the CLI's inputs:
// cli-inputs.test.mjs). A FIFO used to hang forever, a link to /dev/zero to read gigabytes; now
// each is skipped and reported at once. Every case runs in a child process with a timeout, so a
// regression fails here instead of hanging the test run.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, specialFiles, scratch } from "./helpers.mjs";

const MiB = 1024 * 1024;
/** Generous: each case takes a fraction of a second; a hang or a read of /dev/zero takes forever. */
const TIMEOUT = 15_000;

let tmp;
scratch("pullspec-file-limits-", (top) => (tmp = top));

const specials = (name) => specialFiles(join(tmp, name));

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
