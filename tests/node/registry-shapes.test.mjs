// The values the registry client hands to JS have the shapes `registry.d.ts` declares, checked
// by TypeScript itself: real results from a real registry (anonymous, Basic and token auth) are
// written out as object literals typed with the declared interfaces and type-checked with
// `--strict --exactOptionalPropertyTypes`. An object literal may not carry a property its type
// lacks, nor lack one it requires, so a field the core adds, drops or renames fails here.
// A canary (the flat ping shape an older Rust serialization had) must be refused, which shows
// the check can fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RegistryClient, Keyring } from "../../pkg/node.js";
import { dockerConfig, useRegistries } from "./registry-helpers.mjs";
import { root } from "./helpers.mjs";

const MODES = ["anonymous", "basic", "token"];
let r, tmp;
useRegistries({ modes: MODES, faultProxy: false }, { tmp: "pullspec-shapes-" }, (s) => ({ r, tmp } = s));

/** `value` as a TypeScript expression: plain data as literals, byte arrays as `new Uint8Array`. */
function literal(value) {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (value instanceof Uint8Array) return `new Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    assert.ok(proto === Object.prototype || proto === null, `a plain object, not ${proto?.constructor?.name}`);
    return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`).join(", ")} }`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  throw new Error(`no literal for a ${typeof value}`);
}

function client(mode, onEvent) {
  const keyring = new Keyring();
  if (mode !== "anonymous") keyring.addDockerConfig(dockerConfig({ [r[mode].host]: ["alice", "wonderland"] }));
  return new RegistryClient({ keyring, onEvent });
}

test("every value the registry client returns has the shape registry.d.ts declares", async () => {
  const checks = [];
  const typed = (type, value) => checks.push(`  v = ${literal(value)} satisfies ${type};`);
  const fx = r.fixtures.images;
  for (const mode of MODES) {
    const events = [];
    const c = client(mode, (e) => events.push(e));
    const host = r[mode].host;
    const ping = await c.ping(host);
    if (mode !== "anonymous") assert.ok(ping.auth !== null, `${mode}: the ping reports the auth scheme`);
    typed("PingResult", ping);
    typed("FetchedManifest", await c.manifest(`${host}/multiarch:1.0`));
    typed("FetchedManifest", await c.manifest(`${host}/multiarch@${fx["multiarch:1.0"].manifests[0].digest}`));
    const res = await c.resolve(`${host}/multiarch:1.0`, { platform: "linux/arm64" });
    typed("Resolution", res);
    const layer = res.layers[0];
    typed("BlobHead", await c.blobHead(`${host}/multiarch:1.0`, layer.digest));
    const progress = [];
    typed("BlobResult", await c.blobInto(`${host}/multiarch:1.0`, layer, null, { onProgress: (p) => progress.push(p) }));
    for (const p of progress) typed("BlobProgress", p);
    assert.ok(progress.length > 0, "progress was reported");
    await c.tagsList(`${host}/multiarch`, { pageSize: 1 });
    const pulled = await c.pull(`${host}/multiarch:1.0`, { platform: "linux/amd64" });
    typed("Awaited<ReturnType<RegistryClient[\"pull\"]>>", pulled);
    assert.ok(events.some((e) => e.type === "tagsPage"), "tag pages were reported");
    for (const e of events) typed("RegistryEvent", e);
    if (c.rateLimit !== null) typed("RateLimit", c.rateLimit);
  }
  const source = [
    `import type { PingResult, FetchedManifest, Resolution, BlobHead, BlobResult, BlobProgress, RegistryEvent, RateLimit, RegistryClient } from "pullspec";`,
    `let v: unknown;`,
    `export function check(): void {`,
    ...checks,
    `  // The canary: the flat ping shape the Rust serialization had once.`,
    `  // @ts-expect-error`,
    `  v = { status: 401, apiVersion: "registry/2.0", authScheme: "bearer", realm: "https://r", service: "r", rateLimit: null } satisfies PingResult;`,
    `  void v;`,
    `}`,
    ``,
  ].join("\n");
  await writeFile(join(tmp, "shapes.ts"), source);
  await writeFile(join(tmp, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, exactOptionalPropertyTypes: true, noEmit: true, target: "es2022", module: "esnext",
      moduleResolution: "bundler", lib: ["es2022", "dom"], types: [], skipLibCheck: false,
      paths: { pullspec: [join(root, "pkg/index.d.ts")] },
    },
    files: ["shapes.ts"],
  }));
  const tsc = join(root, "pkg/node_modules/typescript/bin/tsc");
  const out = spawnSync(process.execPath, [tsc, "-p", join(tmp, "tsconfig.json")], { encoding: "utf8" });
  assert.equal(out.status, 0, `${out.stdout}${out.stderr}\n(${checks.length} values checked)`);
  assert.ok(checks.length > 20, `${checks.length} values checked`);
});
