// The TypeScript types hold: a program using both entries (`pullspec`, `pullspec/core`) type-checks
// with `tsc --strict`, and the core entry has no registry client (a `@ts-expect-error` there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./helpers.mjs";

test("the .d.ts files type-check a program that uses both entries", () => {
  const tsc = join(root, "pkg/node_modules/typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tests/types/tsconfig.json")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
