// Every export of `pullspec` (pkg/node.js) and `pullspec/core` (pkg/core-node.js), called with
// junk of every JS type (undefined, null, booleans, odd numbers, empty and 1 MB strings, a
// Symbol, a BigInt, {}, [], a cyclic object, 5,000-deep arrays and objects, a function, a Proxy
// that throws on every trap, an empty Uint8Array) in every argument position, in every option
// field and as an element of every array argument: each call succeeds or throws (or rejects
// with) a PullspecError with a string `code`, never a wasm trap (`RuntimeError: memory access
// out of bounds`), a bare TypeError or a RangeError, and the module still works afterwards.
// The cases and what is skipped (nothing that needs no live registry) are in junk-cases.mjs;
// each entry runs in its own worker thread, because each connects its own WebAssembly module.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { SKIPPED } from "./junk-cases.mjs";

/**
 * Cases that still fail, each a `todo` (reported, not failing the run) with the reason. Empty:
 * every export checks its arguments. Add an entry only with the reason and the fix it needs.
 */
const PENDING = {};

function runEntry(entry) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./junk-cases.mjs", import.meta.url), {
      workerData: { junkEntry: new URL(entry, import.meta.url).href },
      resourceLimits: { stackSizeMb: 8 },
    });
    w.once("message", resolve);
    w.once("error", reject);
    w.once("exit", (code) => reject(new Error(`the worker for ${entry} exited with ${code} before answering`)));
  });
}

// Both entries at once, each in its own thread.
const ENTRIES = [["../../pkg/node.js", "pullspec"], ["../../pkg/core-node.js", "pullspec/core"]].map(([entry, label]) => {
  const running = runEntry(entry);
  running.catch(() => {}); // reported by the suite's before()
  return { entry, label, running };
});

for (const { entry, label, running } of ENTRIES) {
  describe(`${label}: every export with junk arguments`, () => {
    let results;
    before(async () => {
      results = await running;
    });
    test("every export is covered (and the cases ran)", async () => {
      const m = await import(entry);
      const covered = new Set(Object.keys(results).map((name) => name.replace(/^new /, "").split(/[#( ]/)[0]));
      const missing = Object.entries(m)
        .filter(([name, v]) => typeof v === "function" && !covered.has(name) && !(name in SKIPPED))
        .map(([name]) => name);
      assert.deepEqual(missing, [], "exports without a junk case (add one to junk-cases.mjs, or to SKIPPED with the reason)");
    });
    test("each case meets the contract", async (t) => {
      for (const [name, failures] of Object.entries(results)) {
        await t.test(name, { todo: PENDING[name] }, () => {
          assert.deepEqual(failures, [], `${name}: calls that broke the contract`);
        });
      }
    });
  });
}

test("what is skipped says why", () => {
  for (const [what, why] of Object.entries(SKIPPED)) assert.ok(why.length > 40, what);
});
