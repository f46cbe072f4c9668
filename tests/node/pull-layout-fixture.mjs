// The registry and helpers of the tests that pull into an OCI layout: pull-layout.test.mjs (the
// API) and cli-pull.test.mjs (`pullspec pull` in child processes). Each file that calls
// useLayoutRegistry() gets the harness's anonymous registry behind its fault proxy (whose log
// counts the requests; reset before each test) and a temporary folder; r, F, fx and tmp are
// live bindings, set once the registry runs.
import assert from "node:assert/strict";
import { readFile, readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { RegistryClient, pullOciLayout } from "../../pkg/node.js";
import { sha256, useRegistries } from "./registry-helpers.mjs";

export const MiB = 1024 * 1024;
export let r, F, fx, tmp;

/** Starts the registry for the test file that calls this (at its top level) and stops it after. */
export function useLayoutRegistry() {
  const options = { modes: ["anonymous"], faultProxy: true, cors: false };
  useRegistries(options, { tmp: "pullspec-pull-layout-", resetFaults: true }, (s) => ({ r, F, fx, tmp } = s));
}

export const image = (ref) => `${F.host}/${ref}`;
export const large = () => fx["large:1.0"].layers[0];
let dirs = 0;
export const fresh = (name) => join(tmp, `${name}-${++dirs}`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every file and directory under `dir`: relative path -> sha256 of a file, "dir" for a directory. */
export async function snapshot(dir) {
  const out = {};
  const walk = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out[relative(dir, p)] = "dir";
        await walk(p);
      } else out[relative(dir, p)] = sha256(await readFile(p));
    }
  };
  await walk(dir);
  return out;
}

/** A layout with single:1.0 in it, pulled through the registry (not the proxy). */
export async function existingLayout(name) {
  const out = fresh(name);
  await pullOciLayout(new RegistryClient(), `${r.anonymous.host}/single:1.0`, { output: out, platform: "linux/amd64" });
  return out;
}

/** Waits until `dir` holds a blob temporary of at least `bytes`; returns its name. */
export async function waitForTemp(dir, bytes, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const name of await readdir(dir).catch(() => [])) {
      if (!name.startsWith(".tmp-blob-")) continue;
      const st = await stat(join(dir, name)).catch(() => null);
      if (st && st.size >= bytes) return name;
    }
    await sleep(20);
  }
  throw new Error(`no temporary of ${bytes} bytes appeared in ${dir}`);
}

/** The large layer's GET through the proxy, slowed down (about 3 MB/s for 20 s). */
export function throttleLarge() {
  F.addFault({
    match: { method: "GET", pathRegex: `/blobs/${large().digest}` },
    action: { type: "drip", chunkSize: 64 * 1024, delayMs: 20, maxMs: 20_000 },
  });
}

/** Every blob index.json names (with each manifest's config and layers) is in the layout, intact. */
export async function assertComplete(out) {
  const index = JSON.parse(await readFile(join(out, "index.json"), "utf8"));
  const blob = async (digest) => {
    const bytes = await readFile(join(out, "blobs", ...digest.split(":")));
    assert.equal(sha256(bytes), digest, `${digest} intact`);
    return bytes;
  };
  for (const entry of index.manifests) {
    const manifest = JSON.parse(await blob(entry.digest));
    await blob(manifest.config.digest);
    for (const l of manifest.layers) await blob(l.digest);
  }
  return index;
}

/** No temporary, lease or lock anywhere in the layout. */
export async function assertNoLeftovers(out) {
  const names = Object.keys(await snapshot(out));
  assert.deepEqual(names.filter((n) => /(^|\/)\.(tmp-|pullspec-)/.test(n)), [], "no temporary, lease or lock");
}
