// The manifest checks through the JS API: the bundled examples give exactly their expected
// diagnostics (the same file the Rust tests read), any text yields diagnostics and never a throw,
// options are checked, and the editor adapters map positions correctly.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  validateManifests,
  listImages,
  manifestRules,
  toMonacoMarkers,
  manifestLintSource,
  applyEdits,
  parseYaml,
  PullspecError,
} from "../../pkg/node.js";
import { root } from "./helpers.mjs";

const dir = join(root, "pkg/examples/manifests");
const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
const read = (f) => readFileSync(join(dir, f), "utf8");

/** A diagnostic in the shape of expected.json. */
function shape(d) {
  const r = d.range;
  const out = { code: d.code, document: d.document, path: d.path, range: [r.start.line, r.start.character, r.end.line, r.end.character], severity: d.severity };
  if (d.fixes) out.fixes = d.fixes.flatMap((f) => f.edits.map((e) => e.newText));
  return out;
}

describe("validateManifests on the bundled examples", () => {
  for (const [file, want] of Object.entries(expected)) {
    test(file, () => {
      assert.deepEqual(validateManifests(read(file)).map(shape), want);
    });
  }

  test("every range is a JS string range of the text: the image diagnostics underline the value", () => {
    const text = read("bad-images.yaml");
    const lines = text.split("\n");
    const d = validateManifests(text).find((x) => x.code === "IMAGE_INVALID" && x.path === "spec.containers[0].image");
    assert.equal(lines[d.range.start.line].slice(d.range.start.character, d.range.end.character), "Nginx:1.0");
  });

  test("applying the fixes removes the problems they fix", () => {
    const text = read("bad-images.yaml");
    const before = validateManifests(text);
    const edits = before.flatMap((d) => (d.fixes ?? []).flatMap((f) => f.edits));
    assert.equal(edits.length, 2);
    const after = validateManifests(applyEdits(text, edits));
    assert.equal(after.filter((d) => d.code === "IMAGE_WHITESPACE").length, 0);
    assert.equal(after.filter((d) => d.code === "PULL_POLICY_INVALID").length, 1); // "Sometimes" has no certain fix
  });
});

describe("any text", () => {
  test("junk of every kind gives diagnostics, never a throw, and the module stays usable", () => {
    const texts = [
      "",
      "\uD800 lone surrogate: [\uDC00",
      "x".repeat(1 << 20),
      "[".repeat(20000),
      "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
      String.fromCharCode(...Array.from({ length: 4000 }, (_, i) => (i * 7919) % 0xd7ff)),
      "kind: Pod\nspec:\n  containers: 7\n",
      "kind: Pod\nspec: {containers: [1, 2]}\n",
    ];
    for (const t of texts) {
      const out = validateManifests(t);
      assert.ok(Array.isArray(out));
    }
    assert.equal(validateManifests("kind: Pod\nspec:\n  containers: 7\n")[0].code, "POD_SPEC_INVALID");
    assert.equal(validateManifests("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: Nginx}]}\n").filter((d) => d.code === "IMAGE_INVALID").length, 1);
  });

  test("a lone surrogate before an image keeps UTF-16 positions (it becomes U+FFFD, one unit)", () => {
    const text = "kind: Pod\napiVersion: v1\nmetadata: {name: \"\uD800\"}\nspec: {containers: [{name: \uD83D\uDE00, image: Nginx}]}\n";
    const d = validateManifests(text).find((x) => x.code === "IMAGE_INVALID");
    const line = text.split("\n")[d.range.start.line];
    assert.equal(line.slice(d.range.start.character, d.range.end.character), "Nginx");
  });

  test("10,000 documents", () => {
    const text = "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: \"nginx:1\"}]}\n---\n".repeat(10000);
    const out = validateManifests(text, { rules: { PULL_POLICY_EFFECTIVE: "off" } });
    assert.equal(out.length, 0);
    assert.equal(listImages(text).length, 10000);
  });
});

describe("options", () => {
  test("unknown rules, bad severities and wrong types are PullspecErrors with codes", () => {
    const t = read("bad-images.yaml");
    const code = (c) => (e) => e instanceof PullspecError && e.code === c;
    assert.throws(() => validateManifests(t, { rules: { IMAGE_LATEST_TAGS: "off" } }), (e) => code("RULE_UNKNOWN")(e) && /did you mean IMAGE_LATEST_TAG/.test(e.message));
    assert.throws(() => validateManifests(t, { rules: { IMAGE_LATEST_TAG: "fatal" } }), code("INVALID_ARGUMENT"));
    assert.throws(() => validateManifests(t, { allowRegistries: "docker.io" }), code("INVALID_ARGUMENT"));
    assert.throws(() => validateManifests(t, 42), code("INVALID_ARGUMENT"));
    assert.throws(() => validateManifests(42), code("INVALID_ARGUMENT"));
    assert.throws(() => listImages(null), code("INVALID_ARGUMENT"));
  });

  test("rules turn checks on and off; allowRegistries uses the kubelet's glob rules", () => {
    const t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, image: \"nginx:1\"}\n  - {name: b, image: \"eu.registry.example.com/x:1\"}\n  - {name: c, image: \"quay.io/x:1\"}\n";
    const out = validateManifests(t, { rules: { PULL_POLICY_EFFECTIVE: "off", IMAGE_NOT_PINNED: "hint" }, allowRegistries: ["docker.io", "*.registry.example.com"] });
    assert.deepEqual(out.map((d) => [d.code, d.severity, d.path]), [
      ["IMAGE_NOT_PINNED", "hint", "spec.containers[0].image"],
      ["IMAGE_NOT_PINNED", "hint", "spec.containers[1].image"],
      ["IMAGE_NOT_PINNED", "hint", "spec.containers[2].image"],
      ["REGISTRY_NOT_ALLOWED", "warning", "spec.containers[2].image"],
    ]);
  });

  test("manifestRules lists every code validateManifests can report", () => {
    const codes = new Set(manifestRules().map((r) => r.code));
    for (const list of Object.values(expected)) for (const d of list) assert.ok(codes.has(d.code), d.code);
    assert.ok(manifestRules().every((r) => r.summary && r.help && ["error", "warning", "information", "hint"].includes(r.defaultSeverity)));
  });
});

describe("editor adapters", () => {
  test("toMonacoMarkers: 1-based, Monaco severities", () => {
    const d = validateManifests(read("bad-images.yaml")).find((x) => x.code === "IMAGE_INVALID");
    const [m] = toMonacoMarkers([d]);
    assert.deepEqual([m.startLineNumber, m.startColumn, m.endLineNumber, m.endColumn, m.severity, m.code], [9, 12, 9, 21, 8, "IMAGE_INVALID"]);
  });

  test("manifestLintSource: CodeMirror offsets and fix actions, with a stand-in view", () => {
    let text = read("bad-images.yaml");
    const view = {
      get state() {
        const starts = [0];
        for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
        return {
          doc: {
            toString: () => text,
            lines: starts.length,
            line: (n) => ({ from: starts[n - 1], to: n < starts.length ? starts[n] - 1 : text.length }),
          },
        };
      },
      dispatch(tr) {
        for (const c of [...tr.changes].sort((a, b) => b.from - a.from)) text = text.slice(0, c.from) + c.insert + text.slice(c.to);
      },
    };
    const found = manifestLintSource()(view);
    const bad = found.find((d) => d.source === "IMAGE_INVALID");
    assert.equal(text.slice(bad.from, bad.to), "Nginx:1.0");
    const ws = found.find((d) => d.source === "IMAGE_WHITESPACE");
    ws.actions[0].apply(view, ws.from, ws.to);
    assert.match(text, /image: "busybox:1\.36"\n/);
  });

  test("parseYaml reads YAML as the API server does", () => {
    assert.deepEqual(parseYaml("a: yes\nb: 0755\nc: '1'\n"), { a: true, b: 493, c: "1" });
    assert.throws(() => parseYaml("a: ["), (e) => e.code === "YAML_INVALID" && e.line === "2");
  });
});
