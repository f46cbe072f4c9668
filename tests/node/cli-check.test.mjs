// `pullspec check` and `pullspec images` as a user runs them (the CLI in a child process): every
// output format on the bundled examples (against their expected.json), standard input,
// directories, exit codes, rule configuration from flags and from .pullspec.yaml, "did you mean"
// for mistakes, inputs that must be refused quickly (a FIFO, /dev/zero, a file over 16 MiB), and
// the CI files (pre-commit hook, GitHub Action) that run it.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, symlinkSync, openSync, closeSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { validateManifests, manifestRules, parseYaml } from "../../pkg/node.js";
import { escapeData, escapeProperty } from "../../pkg/commands/check.js";
import { cli, root } from "./helpers.mjs";

const examples = join(root, "pkg/examples/manifests");
const expected = JSON.parse(readFileSync(join(examples, "expected.json"), "utf8"));
const read = (f) => readFileSync(join(examples, f), "utf8");
const version = JSON.parse(readFileSync(join(root, "pkg/package.json"), "utf8")).version;
const RANK = { hint: 0, information: 1, warning: 2, error: 3 };

let tmp;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "pullspec-check-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes files under a fresh folder of the test's temporary directory: { "a/b.yaml": text }. */
function tree(name, files) {
  const dir = join(tmp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const POD = (image, name = "app") => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: ${name}\n    image: ${image}\n`;

/** expected.json's entries of a file (zero-based ranges) at or above a severity. */
const want = (file, min = "information") => expected[file].filter((d) => RANK[d.severity] >= RANK[min]);

describe("text", () => {
  test("bad-images.yaml: FILE:LINE:COL: severity CODE message, 1-based, hints hidden, summary on stderr, exit 1", () => {
    const r = cli(["check", "bad-images.yaml"], { cwd: examples });
    assert.equal(r.status, 1, r.stderr);
    const messages = validateManifests(read("bad-images.yaml")).filter((d) => d.severity !== "hint");
    const lines = want("bad-images.yaml").map((d, i) => {
      assert.equal(messages[i].code, d.code);
      return `bad-images.yaml:${d.range[0] + 1}:${d.range[1] + 1}: ${d.severity} ${d.code} ${messages[i].message}`;
    });
    assert.equal(r.stdout, lines.join("\n") + "\n");
    assert.equal(lines.length, 9);
    assert.equal(lines[0].slice(0, lines[0].indexOf(" container")), "bad-images.yaml:9:12: error IMAGE_INVALID");
    assert.equal(r.stderr, "6 errors, 2 warnings, 1 information in 1 of 1 file\n");
  });

  test("--severity sets the lowest severity printed; it does not change the exit status", () => {
    const hints = cli(["check", "--severity", "hint", "bad-images.yaml"], { cwd: examples });
    assert.equal(hints.stdout.trim().split("\n").length, expected["bad-images.yaml"].length);
    assert.match(hints.stderr, /, 4 hints in 1 of 1 file/);
    const errors = cli(["check", "--severity", "error", "bad-images.yaml"], { cwd: examples });
    assert.equal(errors.status, 1);
    assert.ok(errors.stdout.trim().split("\n").every((l) => / error [A-Z_]+ /.test(l)));
    const good = cli(["check", "--severity", "warning", "good-deployment.yaml"], { cwd: examples });
    assert.equal(good.status, 0, good.stderr);
    assert.equal(good.stdout, "");
    assert.equal(good.stderr, "no problems in 1 file\n");
  });

  test("a directory: every *.yaml, *.yml, *.json below it, sorted, node_modules and dot-names skipped", () => {
    const dir = tree("walk", {
      "b.yml": POD("Bad:1"),
      "a/z.yaml": POD("nginx:latest"),
      "a/pod.json": JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "j" }, spec: { containers: [{ name: "c", image: "UPPER" }] } }, null, 1),
      "notes.txt": POD("Bad:2"),
      "node_modules/x/pod.yaml": POD("Bad:3"),
      ".hidden/pod.yaml": POD("Bad:4"),
      ".dot.yaml": POD("Bad:5"),
    });
    symlinkSync(".", join(dir, "a", "loop")); // a symbolic-link loop is cut
    const r = cli(["check", "."], { cwd: dir });
    assert.equal(r.status, 1, r.stderr);
    const files = r.stdout.trim().split("\n").map((l) => l.split(":")[0]);
    assert.deepEqual([...new Set(files)], ["a/pod.json", "a/z.yaml", "b.yml"]);
    assert.match(r.stderr, /in 3 of 3 files\n$/);
    // Named explicitly, a file is checked whatever its name; given twice, once.
    const named = cli(["check", "notes.txt", "notes.txt", "./notes.txt"], { cwd: dir });
    assert.equal(named.status, 1);
    assert.match(named.stdout, /^notes\.txt:8:12: error IMAGE_INVALID /);
    assert.match(named.stderr, /in 1 of 1 file\n$/);
  });

  test("the bundled examples folder: each file's diagnostics in order", () => {
    const r = cli(["check", "--severity", "hint", "pkg/examples/manifests"], { cwd: root });
    assert.equal(r.status, 1);
    const got = r.stdout.trim().split("\n").map((l) => /^(.*?):(\d+):(\d+): (\w+) ([A-Z_]+) /.exec(l).slice(1, 6).join(" "));
    const all = Object.keys(expected).sort().flatMap((f) =>
      expected[f].map((d) => `pkg/examples/manifests/${f} ${d.range[0] + 1} ${d.range[1] + 1} ${d.severity} ${d.code}`));
    assert.deepEqual(got, all);
    // expected.json is a JSON file of the folder too: checked, nothing found.
    assert.match(r.stderr, /in 5 of 6 files\n$/);
  });
});

describe("json", () => {
  for (const file of Object.keys(expected)) {
    test(`${file}: expected.json in 1-based lines and columns`, () => {
      const r = cli(["check", "--format", "json", "--severity", "hint", file], { cwd: examples });
      assert.equal(r.status, expected[file].some((d) => d.severity === "error") ? 1 : 0, r.stderr);
      assert.equal(r.stderr, "");
      const out = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(out), ["diagnostics"]);
      const messages = validateManifests(read(file));
      assert.deepEqual(out.diagnostics, expected[file].map((d, i) => {
        const o = {
          file, line: d.range[0] + 1, column: d.range[1] + 1, endLine: d.range[2] + 1, endColumn: d.range[3] + 1,
          severity: d.severity, code: d.code, message: messages[i].message, path: d.path, document: d.document,
        };
        if (d.fixes) {
          o.fixes = messages[i].fixes.map((f) => ({
            title: f.title,
            edits: f.edits.map((e) => ({
              line: e.range.start.line + 1, column: e.range.start.character + 1,
              endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1, newText: e.newText,
            })),
          }));
          assert.deepEqual(o.fixes.flatMap((f) => f.edits.map((e) => e.newText)), d.fixes);
        }
        return o;
      }));
    });
  }
});

describe("sarif", () => {
  // Fetched by scripts/setup.sh from the npm package @datadog/datadog-ci@2.48.0 (the OASIS schema
  // as it ships there), checked by sha256 here too.
  const schemaPath = join(root, ".cache/sarif/sarif-schema-2.1.0.json");
  const require = createRequire(join(root, "pkg/package.json"));
  let validate;
  before(() => {
    const schemaText = readFileSync(schemaPath);
    assert.equal(createHash("sha256").update(schemaText).digest("hex"), "10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454");
    const Ajv = require("ajv");
    const addFormats = require("ajv-formats");
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(schemaText));
  });
  const valid = (log) => assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));

  test("the examples folder: valid SARIF 2.1.0 with the rules, levels, relative URIs and 1-based regions", () => {
    const r = cli(["check", "--format", "sarif", "--severity", "hint", "pkg/examples/manifests"], { cwd: root });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "");
    const log = JSON.parse(r.stdout);
    valid(log);
    assert.equal(log.version, "2.1.0");
    assert.equal(log.runs.length, 1);
    const [run0] = log.runs;
    assert.equal(run0.tool.driver.name, "pullspec");
    assert.equal(run0.tool.driver.version, version);
    assert.match(run0.tool.driver.informationUri, /^https:\/\//);
    const levels = { error: "error", warning: "warning", information: "note", hint: "note" };
    assert.deepEqual(run0.tool.driver.rules.map((x) => [x.id, x.shortDescription.text, x.fullDescription.text, x.defaultConfiguration.level]),
      manifestRules().map((x) => [x.code, x.summary, x.help, levels[x.defaultSeverity]]));
    const all = Object.keys(expected).sort().flatMap((f) => expected[f].map((d) => ({ f, d })));
    assert.equal(run0.results.length, all.length);
    run0.results.forEach((res, i) => {
      const { f, d } = all[i];
      assert.equal(res.ruleId, d.code);
      assert.equal(run0.tool.driver.rules[res.ruleIndex].id, d.code);
      assert.equal(res.level, levels[d.severity]);
      assert.ok(res.message.text.length > 0);
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, `pkg/examples/manifests/${f}`);
      assert.deepEqual(loc.region, { startLine: d.range[0] + 1, startColumn: d.range[1] + 1, endLine: d.range[2] + 1, endColumn: d.range[3] + 1 });
    });
    assert.equal(run0.invocations[0].executionSuccessful, true);
  });

  test("default severities, a fix, a path with spaces, stdin and an unreadable input stay valid", () => {
    const dir = tree("sarif", { "my dir/p od.yaml": POD("' busybox:1.36 '") });
    const r = cli(["check", "-f", "sarif", "my dir", "missing.yaml", "-"], { cwd: dir, input: POD("nginx") });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^pullspec check: missing\.yaml: cannot read: ENOENT/m);
    const log = JSON.parse(r.stdout);
    valid(log);
    const results = log.runs[0].results;
    assert.deepEqual(results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri), ["my%20dir/p%20od.yaml", "%3Cstdin%3E"]);
    const fix = results[0].fixes[0].artifactChanges[0].replacements[0];
    assert.equal(fix.insertedContent.text, "'busybox:1.36'"); // the fix keeps the quote style
    assert.deepEqual(fix.deletedRegion, { startLine: 8, startColumn: 12, endLine: 8, endColumn: 28 });
    assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
    assert.match(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /missing\.yaml/);
    // --stdin-filename names standard input, and nothing at all is still a valid log.
    const named = cli(["check", "-f", "sarif", "--severity", "warning", "-", "--stdin-filename", "chart/rendered.yaml"], { cwd: dir, input: POD("nginx") });
    assert.equal(named.status, 0);
    const log2 = JSON.parse(named.stdout);
    valid(log2);
    assert.equal(log2.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "chart/rendered.yaml");
    const none = cli(["check", "-f", "sarif", "-"], { cwd: dir, input: "" });
    assert.equal(none.status, 0);
    valid(JSON.parse(none.stdout));
  });
});

describe("github", () => {
  test("workflow commands: error, warning, notice, 1-based positions, CODE as title", () => {
    const r = cli(["check", "--format", "github", "--severity", "hint", "pkg/examples/manifests/bad-images.yaml"], { cwd: root });
    assert.equal(r.status, 1);
    const messages = validateManifests(read("bad-images.yaml"));
    const command = { error: "error", warning: "warning", information: "notice", hint: "notice" };
    assert.equal(r.stdout, expected["bad-images.yaml"].map((d, i) =>
      `::${command[d.severity]} file=pkg/examples/manifests/bad-images.yaml,line=${d.range[0] + 1},col=${d.range[1] + 1},` +
      `endLine=${d.range[2] + 1},endColumn=${d.range[3] + 1},title=${d.code}::${messages[i].message}\n`).join(""));
    assert.match(r.stderr, /^6 errors, 2 warnings, 1 information, 4 hints in 1 of 1 file\n$/);
  });

  test("escaping: % CR LF in the message; also : and , in properties", () => {
    const dir = tree("github", { "a,b:c%.yaml": POD("UPPER", '"x%y,z:w\\r\\nv"') });
    const r = cli(["check", "-f", "github", "a,b:c%.yaml"], { cwd: dir });
    assert.equal(r.status, 1);
    const line = r.stdout.trim().split("\n").find((l) => l.includes("IMAGE_INVALID"));
    assert.ok(line.startsWith("::error file=a%2Cb%3Ac%25.yaml,line=8,col=12,endLine=8,endColumn=17,title=IMAGE_INVALID::"), line);
    const message = line.slice(line.indexOf("::", 2) + 2);
    // The core writes control characters of names escaped (\r\n as text), so % is what shows here.
    assert.ok(message.includes('container "x%25y,z:w\\r\\nv"'), message);
    assert.ok(!/[\r\n]/.test(message));
    assert.equal(escapeData("a%b\r\nc,d:e"), "a%25b%0D%0Ac,d:e");
    assert.equal(escapeProperty("a%b\r\nc,d:e"), "a%25b%0D%0Ac%2Cd%3Ae");
  });
});

describe("inputs", () => {
  test("- reads standard input (helm template ... | pullspec check -), with its label and config from the working directory", () => {
    const r = cli(["check", "-"], { cwd: examples, input: read("bad-images.yaml") });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^<stdin>:9:12: error IMAGE_INVALID /);
    const named = cli(["check", "-", "--stdin-filename", "chart.yaml"], { cwd: examples, input: read("pod.json") });
    assert.match(named.stdout, /^chart\.yaml:8:40: error IMAGE_INVALID /);
    const dir = tree("stdin-config", { ".pullspec.yaml": "rules:\n  IMAGE_INVALID: off\n" });
    const off = cli(["check", "-"], { cwd: dir, input: read("pod.json") });
    assert.equal(off.status, 0, off.stdout + off.stderr);
  });

  test("no PATH, a missing file, a bad --format or --severity: exit 2", () => {
    const none = cli(["check"]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /give at least one file or directory/);
    assert.match(none.stderr, /usage: pullspec check PATH/);
    const missing = cli(["check", "nope.yaml", "bad-images.yaml"], { cwd: examples });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^pullspec check: nope\.yaml: cannot read: ENOENT/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /); // no stack trace
    assert.match(missing.stdout, /^bad-images\.yaml:9:12: /); // the readable files are still checked
    assert.match(missing.stderr, /1 input not checked/);
    const fmt = cli(["check", "--format", "sarf", "x"]);
    assert.equal(fmt.status, 2);
    assert.match(fmt.stderr, /--format must be one of text, json, sarif, github, got "sarf"; did you mean sarif\?/);
    const sev = cli(["check", "--severity", "warn", "x"]);
    assert.equal(sev.status, 2);
    assert.match(sev.stderr, /did you mean warning\?/);
    const empty = cli(["check", tree("empty", { "readme.md": "x" })]);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /no \.yaml, \.yml or \.json files/);
  });

  test("exit 0 without errors, 1 with one", () => {
    assert.equal(cli(["check", "good-deployment.yaml", "ignored.yaml"], { cwd: examples }).status, 0);
    assert.equal(cli(["check", "good-deployment.yaml", "pod.json"], { cwd: examples }).status, 1);
  });

  test("a FIFO, /dev/zero (named or as stdin) and a file over 16 MiB are refused at once, exit 2", () => {
    const dir = tree("special", { "ok.yaml": POD("nginx:1") });
    const fifo = join(dir, "pipe.yaml");
    const mk = spawnSync("mkfifo", [fifo]);
    assert.equal(mk.status, 0, "mkfifo");
    const big = join(dir, "big.yaml");
    writeFileSync(big, "");
    truncateSync(big, 16 * 1024 * 1024 + 1);
    const t0 = Date.now();
    const r = cli(["check", fifo, "/dev/zero", big, join(dir, "ok.yaml")], { timeout: 10_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipe\.yaml: a FIFO, not a regular file: not read/);
    assert.match(r.stderr, /\/dev\/zero: a character device, not a regular file: not read/);
    assert.match(r.stderr, /big\.yaml: 16777217 bytes, over the 16 MiB limit: not read/);
    // A directory walk passes over the FIFO without opening it.
    const walked = cli(["check", dir], { timeout: 10_000 });
    assert.match(walked.stderr, /big\.yaml: 16777217 bytes/);
    assert.doesNotMatch(walked.stderr, /pipe\.yaml/);
    const zero = openSync("/dev/zero", "r");
    try {
      const s = cli(["check", "-"], { stdio: [zero, "pipe", "pipe"], timeout: 10_000 });
      assert.equal(s.status, 2);
      assert.match(s.stderr, /<stdin>: standard input is over the 16 MiB limit: not read/);
    } finally {
      closeSync(zero);
    }
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
  });
});

describe("configuration", () => {
  test("--rule CODE=LEVEL changes a severity, turns a rule off or on; flags win over .pullspec.yaml", () => {
    const warn = cli(["check", "--rule", "IMAGE_INVALID=warning", "pod.json"], { cwd: examples });
    assert.equal(warn.status, 0, warn.stderr);
    assert.match(warn.stdout, /^pod\.json:8:40: warning IMAGE_INVALID /);
    const off = cli(["check", "--rule", "IMAGE_INVALID=off", "pod.json"], { cwd: examples });
    assert.equal(off.stdout, "");
    const on = cli(["check", "--rule=IMAGE_NOT_PINNED=warning", "--allow-registry", "registry.example.com:5000", "good-deployment.yaml"], { cwd: examples });
    assert.match(on.stdout, /warning IMAGE_NOT_PINNED/);
    assert.match(on.stdout, /warning REGISTRY_NOT_ALLOWED .*nginx/);
  });

  test(".pullspec.yaml is found upward from each file's folder; --rule and --allow-registry win; --config replaces the search", () => {
    const dir = tree("config", {
      ".pullspec.yaml": "# YAML 1.1: an unquoted off is false\nrules:\n  IMAGE_INVALID: off\n  IMAGE_LATEST_TAG: error\nallowRegistries: [docker.io]\n",
      "deep/er/pod.yaml": POD("Nginx:1") + "---\n" + POD("alpine:latest") + "---\n" + POD("quay.io/x/y:1"),
      "sub/.pullspec.yml": "rules: {}\n",
      "sub/pod.yaml": POD("Nginx:1"),
      "other.yaml": "rules:\n  IMAGE_NO_TAG: \"off\"\n",
    });
    const r = cli(["check", "."], { cwd: dir });
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split("\n");
    assert.ok(lines.some((l) => /^deep\/er\/pod\.yaml:\d+:\d+: error IMAGE_LATEST_TAG /.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^deep\/er\/pod\.yaml:\d+:\d+: warning REGISTRY_NOT_ALLOWED .*quay\.io/.test(l)), r.stdout);
    assert.ok(!lines.some((l) => /^deep.*IMAGE_INVALID/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^sub\/pod\.yaml:8:12: error IMAGE_INVALID /.test(l)), "the nearer .pullspec.yml applies in sub/");
    const flags = cli(["check", "--rule", "IMAGE_LATEST_TAG=information", "--allow-registry", "quay.io", "--allow-registry", "docker.io", "deep"], { cwd: dir });
    assert.equal(flags.status, 0, flags.stdout);
    assert.match(flags.stdout, /information IMAGE_LATEST_TAG/);
    assert.doesNotMatch(flags.stdout, /REGISTRY_NOT_ALLOWED/);
    const cfg = cli(["check", "--config", "other.yaml", "deep"], { cwd: dir });
    assert.match(cfg.stdout, /error IMAGE_INVALID/);
    assert.match(cfg.stdout, /warning IMAGE_LATEST_TAG/);
  });

  test("a broken configuration is exit 2 with the file and what is wrong", () => {
    const dir = tree("badconfig", {
      "typo.yaml": "rules:\n  IMAGE_LATST_TAG: off\n",
      "level.yaml": "rules:\n  IMAGE_LATEST_TAG: warn\n",
      "key.yaml": "rule:\n  IMAGE_LATEST_TAG: error\n",
      "list.yaml": "allowRegistries: docker.io\n",
      "yaml.yaml": "rules: [\n",
      "found/.pullspec.yaml": "rules: {NOPE: error}\n",
      "found/pod.yaml": POD("nginx:1"),
    });
    const cases = [
      ["typo.yaml", /typo\.yaml: no rule is called "IMAGE_LATST_TAG"; did you mean IMAGE_LATEST_TAG\?/],
      ["level.yaml", /level\.yaml: rules\.IMAGE_LATEST_TAG must be one of off, hint, information, warning, error, got "warn"; did you mean warning\?/],
      ["key.yaml", /key\.yaml: unknown key "rule" \(known: rules, allowRegistries\); did you mean rules\?/],
      ["list.yaml", /list\.yaml: allowRegistries must be a list/],
      ["yaml.yaml", /yaml\.yaml: YAML_INVALID: /],
      ["missing.yaml", /missing\.yaml: cannot read: ENOENT/],
    ];
    for (const [file, pattern] of cases) {
      const r = cli(["check", "--config", file, "found/pod.yaml"], { cwd: dir });
      assert.equal(r.status, 2, file);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const found = cli(["check", "found/pod.yaml"], { cwd: dir });
    assert.equal(found.status, 2);
    assert.match(found.stderr, /found\/\.pullspec\.yaml: no rule is called "NOPE"/);
  });

  test("an unknown rule, option or command: exit 2 with \"did you mean\"", () => {
    const rule = cli(["check", "--rule", "IMAGE_LATST_TAG=off", "x.yaml"]);
    assert.equal(rule.status, 2);
    assert.match(rule.stderr, /--rule: no rule is called "IMAGE_LATST_TAG"; did you mean IMAGE_LATEST_TAG\?/);
    const shape = cli(["check", "--rule", "IMAGE_LATEST_TAG", "x.yaml"]);
    assert.equal(shape.status, 2);
    assert.match(shape.stderr, /--rule takes CODE=LEVEL/);
    const option = cli(["check", "--fromat", "json", "x.yaml"]);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /^pullspec check: unknown option --fromat; did you mean --format\?\nusage: pullspec check /);
    const inline = cli(["check", "--severty=hint", "x.yaml"]);
    assert.match(inline.stderr, /unknown option --severty; did you mean --severity\?/);
    const command = cli(["chekc", "x.yaml"]);
    assert.equal(command.status, 2);
    assert.equal(command.stdout, "");
    assert.match(command.stderr, /^pullspec: unknown command "chekc"; did you mean check\?\n/);
    assert.match(command.stderr, /\nusage: pullspec <command>/);
    const far = cli(["frobnicate"]);
    assert.match(far.stderr, /^pullspec: unknown command "frobnicate"\n/);
  });
});

describe("images", () => {
  test("text: an aligned table of every image with its place, object, container and pull policy", () => {
    const r = cli(["images", "bad-images.yaml", "install.yaml"], { cwd: examples });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.match(lines[0], /^FILE:LINE:COL\s+KIND\/NAME\s+CONTAINER\s+IMAGE\s+PULL POLICY$/);
    assert.equal(lines.length, 1 + 7 + 4);
    const col = (name) => lines[0].indexOf(name);
    for (const l of lines.slice(1)) assert.equal(l[col("KIND/NAME") - 1], " ");
    const row = (prefix) => lines.find((l) => l.startsWith(prefix)).split(/\s{2,}/);
    assert.deepEqual(row("bad-images.yaml:9:12 "), ["bad-images.yaml:9:12", "Pod/broken", "uppercase", "Nginx:1.0", "IfNotPresent"]);
    assert.deepEqual(row("bad-images.yaml:15:12 "), ["bad-images.yaml:15:12", "Pod/broken", "spaces", '" busybox:1.36 "', "IfNotPresent"]);
    assert.deepEqual(row("bad-images.yaml:23:12 "), ["bad-images.yaml:23:12", "Pod/broken", "latest", "alpine:latest", "(invalid)"]);
    assert.deepEqual(row("install.yaml:48:22 "), ["install.yaml:48:22", "DaemonSet/agent", "tools", "ghcr.io/example/tools:1.0", "IfNotPresent"]);
    assert.deepEqual(row("install.yaml:71:20 "), ["install.yaml:71:20", "CronJob/nightly", "report", "busybox", "Always"]);
  });

  test("json: the documented fields, 1-based, normalized null when the image does not parse; stdin; exit 2 for unreadable", () => {
    const r = cli(["images", "--format", "json", "-", "--stdin-filename", "p.json"], { cwd: examples, input: read("pod.json") });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      {
        file: "p.json", line: 7, column: 33, image: "docker.io/library/nginx:1.25", normalized: "docker.io/library/nginx:1.25",
        pullPolicy: "IfNotPresent", pullPolicyReason: "IfNotPresent because it is set explicitly",
        kind: "Pod", name: "json-pod", container: "app", field: "spec.containers[0].image",
      },
      {
        file: "p.json", line: 8, column: 33, image: "nginx::1", normalized: null,
        pullPolicy: "IfNotPresent", pullPolicyReason: JSON.parse(r.stdout)[1].pullPolicyReason,
        kind: "Pod", name: "json-pod", container: "bad", field: "spec.containers[1].image",
      },
    ]);
    const dir = cli(["images", "-f", "json", "."], { cwd: examples });
    const found = JSON.parse(dir.stdout);
    assert.equal(found.length, 20);
    assert.ok(found.every((f) => Object.keys(f).join() === "file,line,column,image,normalized,pullPolicy,pullPolicyReason,kind,name,container,field"));
    assert.ok(found.some((f) => f.field === "spec.template.spec.volumes[0].image.reference"));
    const lines = read("install.yaml").split("\n");
    for (const f of found.filter((x) => x.file === "install.yaml")) {
      assert.ok(lines[f.line - 1].slice(f.column - 1).startsWith(f.image), `${f.line}:${f.column}`);
    }
    const bad = cli(["images", "nope.yaml"], { cwd: examples });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^pullspec images: nope\.yaml: cannot read: ENOENT/);
    assert.equal(cli(["images", "-f", "xml", "x"]).status, 2);
  });
});

describe("CI files", () => {
  test("the package's CI files name this version and command", () => {
    const hooks = parseYaml(readFileSync(join(root, ".pre-commit-hooks.yaml"), "utf8"));
    const hook = hooks.find((h) => h.id === "pullspec-check");
    assert.deepEqual([hook.entry, hook.language, hook.files], ["pullspec check", "node", "\\.(ya?ml|json)$"]);
    assert.deepEqual(hook.additional_dependencies, [`pullspec@${version}`], "the hook installs this version");
    const action = parseYaml(readFileSync(join(root, "action.yml"), "utf8"));
    assert.equal(action.runs.using, "composite");
    assert.ok(["paths", "args"].every((k) => k in action.inputs));
    assert.equal(action.inputs.version.default, version, "the action runs this version by default");
    assert.match(action.runs.steps[0].run, /npx --yes "pullspec@\$PULLSPEC_VERSION"\)/);
    assert.match(action.description, /github\/codeql-action\/upload-sarif/);
  });
});

describe("GitHub Action", () => {
  /** Runs the action's step script as the runner would, with `version: local`. */
  function action(cwd, inputs) {
    const def = parseYaml(readFileSync(join(root, "action.yml"), "utf8"));
    const value = (name) => inputs[name] ?? def.inputs[name].default;
    const output = join(cwd, "github-output");
    writeFileSync(output, "");
    const r = spawnSync("bash", ["-e", "-c", def.runs.steps[0].run], {
      cwd,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        PATH: `${join(process.execPath, "..")}:${process.env.PATH}`,
        GITHUB_ACTION_PATH: root,
        GITHUB_OUTPUT: output,
        PULLSPEC_PATHS: value("paths"),
        PULLSPEC_ARGS: value("args"),
        PULLSPEC_VERSION: "local",
        PULLSPEC_SARIF: value("sarif-file"),
        PULLSPEC_FAIL_ON_ERROR: value("fail-on-error"),
      },
    });
    return { ...r, output: readFileSync(output, "utf8") };
  }

  test("writes pullspec.sarif, prints the findings, fails on errors unless told not to", () => {
    const dir = tree("action", { "k8s/bad.yaml": POD("Nginx:1"), "k8s/good.yaml": POD("nginx:1.25"), "app/pod.yaml": POD("UPPER") });
    const r = action(dir, { paths: "k8s/\n  app", args: "--rule IMAGE_NO_TAG=off  --severity warning" });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^k8s\/bad\.yaml:8:12: error IMAGE_INVALID /m);
    assert.match(r.stdout, /^app\/pod\.yaml:8:12: error IMAGE_INVALID /m);
    assert.equal(r.output, "exit-code=1\n");
    const log = JSON.parse(readFileSync(join(dir, "pullspec.sarif"), "utf8"));
    assert.deepEqual(log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri), ["k8s/bad.yaml", "app/pod.yaml"]);
    const report = action(dir, { paths: "k8s", "fail-on-error": "false", "sarif-file": "out.sarif" });
    assert.equal(report.status, 0, report.stderr);
    assert.equal(report.output, "exit-code=1\n");
    assert.equal(JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8")).runs[0].results.length, 1);
    const clean = action(dir, { paths: "k8s/good.yaml" });
    assert.equal(clean.status, 0, clean.stderr);
    const usage = action(dir, { paths: "missing", "fail-on-error": "false" });
    assert.equal(usage.status, 2);
    assert.equal(usage.output, "exit-code=2\n");
  });
});
