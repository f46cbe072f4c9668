// `pullspec check`: the offline image checks of Kubernetes manifests (validateManifests) over
// files, directories and standard input, configured like a linter (--rule, --allow-registry,
// .pullspec.yaml), reported for people (text), programs (json), code scanning (sarif) and
// GitHub Actions annotations (github).
import { readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep, isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { validateManifests, checkManifests, manifestRules, parseYaml } from "../node.js";
import { clientFrom } from "./client.js";
import { UsageError, choice, didYouMean, escapeControl } from "./format.js";
import { collectInputs, textOrProblem, readRegularFile, STDIN_LABEL } from "./files.js";

export const summary = "check the container images of Kubernetes manifests (YAML or JSON files, directories, stdin) offline";
export const usage =
  "PATH...|- [--format text|json|sarif|github] [--rule CODE=off|hint|information|warning|error]... " +
  "[--allow-registry PATTERN]... [--severity hint|information|warning|error] [--config FILE] [--stdin-filename NAME] " +
  "[--online [--cluster-platform OS/ARCH]... [--docker-config FILE]... [--secret FILE]... [--kubelet-root DIR] [--insecure-registry HOST]...]";
export const options = {
  format: { type: "string", short: "f" },
  rule: { type: "string", multiple: true },
  "allow-registry": { type: "string", multiple: true },
  severity: { type: "string" },
  config: { type: "string", short: "c" },
  "stdin-filename": { type: "string" },
  online: { type: "boolean" },
  "cluster-platform": { type: "string", multiple: true },
  "docker-config": { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  "kubelet-root": { type: "string" },
  "insecure-registry": { type: "string", multiple: true },
};

const FORMATS = ["text", "json", "sarif", "github"];
const SEVERITIES = ["hint", "information", "warning", "error"];
const LEVELS = ["off", ...SEVERITIES];
const RANK = { hint: 0, information: 1, warning: 2, error: 3 };
const CONFIG_NAMES = [".pullspec.yaml", ".pullspec.yml"];
const CONFIG_KEYS = ["rules", "allowRegistries"];

/** Extra text of `pullspec check --help`. */
export function details() {
  const line = (r) => `  ${r.code.padEnd(24)} ${r.defaultSeverity.padEnd(11)} ${r.enabledByDefault ? "" : "(off by default) "}${r.summary}`;
  const rules = manifestRules().filter((r) => !r.online).map(line);
  const online = manifestRules().filter((r) => r.online).map(line);
  return [
    "PATH is a file, a directory (searched for *.yaml, *.yml, *.json; node_modules and names starting",
    "with a dot are skipped) or - for standard input (e.g. helm template . | pullspec check -).",
    "",
    "Output (--format): text (FILE:LINE:COL: severity CODE message, 1-based; summary on stderr), json,",
    "sarif (SARIF 2.1.0 for code scanning), github (workflow-command annotations). --severity sets the",
    "lowest severity reported (default information: hints are hidden).",
    "",
    "Configuration: the nearest .pullspec.yaml (or .pullspec.yml) in or above each file's folder (for",
    "stdin: the working directory, or the folder of --stdin-filename), or --config FILE:",
    "  rules: { IMAGE_NOT_PINNED: warning, IMAGE_LATEST_TAG: \"off\" }",
    "  allowRegistries: [ghcr.io/my-org, \"*.registry.example.com\"]",
    "--rule and --allow-registry win over the file. In a manifest, `# pullspec-ignore CODE reason` on",
    "or above a line, or the annotation `pullspec/ignore: CODE,CODE`, exempts a finding.",
    "",
    "Online (--online): every image is also asked of its registry, once per run, with the credentials",
    "the kubelet would use (its credential-file search path, --docker-config, --secret). The image",
    "must cover the platforms the pod can be scheduled on: its node selector on kubernetes.io/arch and",
    "os, else every --cluster-platform. A registry that cannot be reached is reported once.",
    "",
    "Exit status: 0 no error reported, 1 at least one error reported, 2 usage, configuration or I/O error.",
    "",
    "Rules (code, default severity, summary):",
    ...rules,
    "Online rules:",
    ...online,
  ].join("\n");
}

/** Parses `--rule CODE=LEVEL` arguments into a rules object. */
function parseRuleFlags(flags) {
  const rules = {};
  for (const flag of flags ?? []) {
    const m = /^([^=\s]+)=(.*)$/.exec(flag);
    if (!m) throw new UsageError(`--rule takes CODE=LEVEL (e.g. IMAGE_LATEST_TAG=off), got ${JSON.stringify(flag)}`);
    const [, code, level] = m;
    rules[code] = choice(level, LEVELS, `--rule ${code}: the level`);
  }
  return rules;
}

/** Throws the API's own error (RULE_UNKNOWN with its "did you mean") for options it refuses. */
function checkWithApi(opts) {
  validateManifests("", opts);
}

/** A configuration problem (exit 2), printed as one line. */
class ConfigError extends Error {}

/** Reads and checks a configuration file: `{ rules, allowRegistries }` (either may be absent). */
function loadConfig(path) {
  let text;
  try {
    text = readRegularFile(path);
  } catch (e) {
    throw new ConfigError(e.message);
  }
  let doc;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${path}: ${e.code ?? "YAML_INVALID"}: ${e.message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError(`${path}: must be a mapping with the keys ${CONFIG_KEYS.join(" and ")}`);
  }
  const out = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === "rules") {
      if (value === null) continue;
      if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${path}: rules must be a mapping of CODE: level`);
      out.rules = {};
      for (const [code, level] of Object.entries(value)) {
        // YAML 1.1 (the API server's YAML) reads an unquoted off as false.
        const l = level === false ? "off" : level;
        if (!LEVELS.includes(l)) {
          throw new ConfigError(`${path}: rules.${code} must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}${typeof l === "string" ? didYouMean(l, LEVELS) : ""}`);
        }
        out.rules[code] = l;
      }
    } else if (key === "allowRegistries") {
      if (value === null) continue;
      if (!Array.isArray(value) || value.some((p) => typeof p !== "string")) {
        throw new ConfigError(`${path}: allowRegistries must be a list of registry patterns (strings)`);
      }
      out.allowRegistries = value;
    } else {
      throw new ConfigError(`${path}: unknown key ${JSON.stringify(key)} (known: ${CONFIG_KEYS.join(", ")})${didYouMean(key, CONFIG_KEYS)}`);
    }
  }
  try {
    checkWithApi(out);
  } catch (e) {
    if (e?.name !== "PullspecError") throw e;
    throw new ConfigError(`${path}: ${e.message}`);
  }
  return out;
}

/**
 * Finds the configuration that applies in a directory: the nearest .pullspec.yaml (or
 * .pullspec.yml) in it or above it, up to the filesystem root. Cached per directory.
 */
function configFinder(warn) {
  const cache = new Map();
  const find = (dir) => {
    if (cache.has(dir)) return cache.get(dir);
    let found = null;
    const present = CONFIG_NAMES.map((n) => join(dir, n)).filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (present.length > 0) {
      if (present.length > 1) warn(`${present[0]} and ${present[1]} are both present: using ${present[0]}`);
      found = present[0];
    } else {
      const parent = dirname(dir);
      found = parent === dir ? null : find(parent);
    }
    cache.set(dir, found);
    return found;
  };
  const loaded = new Map();
  return (dir) => {
    const path = find(dir);
    if (path === null) return { path: null, config: {} };
    if (!loaded.has(path)) {
      try {
        loaded.set(path, { path, config: loadConfig(path) });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        loaded.set(path, { path, error: e.message });
      }
    }
    return loaded.get(path);
  };
}

/** A diagnostic's place, 1-based (columns count UTF-16 units, the end is exclusive). */
function place(range) {
  return {
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** The diagnostic as printed by --format json. */
function jsonDiagnostic(file, d) {
  const out = { file, ...place(d.range), severity: d.severity, code: d.code, message: d.message, path: d.path, document: d.document };
  if (d.fixes) out.fixes = d.fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ ...place(e.range), newText: e.newText })) }));
  return out;
}

/**
 * The input's path relative to the working directory with forward slashes (for SARIF and
 * annotations), or null when it is outside; standard input is its label (or --stdin-filename).
 */
function relativePath(file, input) {
  const where = input.path ?? input.stdinName;
  if (where === undefined || where === null) return file;
  const rel = relative(process.cwd(), resolve(where));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
  return rel.split(sep).join("/");
}

/** The SARIF artifact URI: relative to the working directory (the repository root in CI). */
function sarifUri(r) {
  const rel = relativePath(r.file, r.input);
  if (rel === null) return pathToFileURL(resolve(r.input.path ?? r.input.stdinName)).href;
  return rel.split("/").map(encodeURIComponent).join("/");
}

const SARIF_LEVEL = { error: "error", warning: "warning", information: "note", hint: "note" };

function packageVersion() {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
}

function sarif(results, problems) {
  const rules = manifestRules();
  const index = new Map(rules.map((r, i) => [r.code, i]));
  const region = (range) => {
    const p = place(range);
    return { startLine: p.line, startColumn: p.column, endLine: p.endLine, endColumn: p.endColumn };
  };
  const out = [];
  for (const r of results) {
    const uri = sarifUri(r);
    for (const d of r.diagnostics) {
      const result = {
        ruleId: d.code,
        ruleIndex: index.get(d.code),
        level: SARIF_LEVEL[d.severity] ?? "note",
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: { uri }, region: region(d.range) } }],
        properties: { severity: d.severity, path: d.path, document: d.document },
      };
      if (result.ruleIndex === undefined) delete result.ruleIndex;
      if (d.fixes) {
        result.fixes = d.fixes.map((f) => ({
          description: { text: f.title },
          artifactChanges: [{
            artifactLocation: { uri },
            replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
          }],
        }));
      }
      out.push(result);
    }
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "pullspec",
          version: packageVersion(),
          informationUri: "https://www.npmjs.com/package/pullspec",
          rules: rules.map((r) => ({
            id: r.code,
            shortDescription: { text: r.summary },
            fullDescription: { text: r.help },
            help: { text: r.help },
            defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] ?? "note", enabled: r.enabledByDefault },
            properties: { tags: ["kubernetes", "container-images"], online: r.online },
          })),
        },
      },
      columnKind: "utf16CodeUnits",
      invocations: [{
        executionSuccessful: problems.length === 0,
        toolExecutionNotifications: problems.map((p) => ({ level: "error", message: { text: p } })),
      }],
      results: out,
    }],
  };
}

/** GitHub workflow-command escaping of the message (data) and of property values. */
export const escapeData = (s) => String(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
export const escapeProperty = (s) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
const GITHUB_COMMAND = { error: "error", warning: "warning", information: "notice", hint: "notice" };

function githubLine(file, d) {
  const p = place(d.range);
  const props = [`file=${file}`, `line=${p.line}`, `col=${p.column}`, `endLine=${p.endLine}`, `endColumn=${p.endColumn}`, `title=${d.code}`];
  return `::${GITHUB_COMMAND[d.severity] ?? "notice"} ${props.map((kv) => {
    const i = kv.indexOf("=");
    return kv.slice(0, i + 1) + escapeProperty(kv.slice(i + 1));
  }).join(",")}::${escapeData(d.message)}`;
}

const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** `3 errors, 2 warnings in 2 of 5 files` (what was reported). */
function summaryLine(results, unreadable) {
  const count = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of results) for (const d of r.diagnostics) count[d.severity]++;
  const withAny = results.filter((r) => r.diagnostics.length > 0).length;
  const parts = [plural(count.error, "error"), plural(count.warning, "warning")];
  if (count.information) parts.push(`${count.information} information`);
  if (count.hint) parts.push(plural(count.hint, "hint"));
  if (results.length === 0) return `nothing checked: ${plural(unreadable, "input")} could not be read`;
  let line = withAny === 0
    ? `no problems in ${plural(results.length, "file")}`
    : `${parts.join(", ")} in ${withAny} of ${plural(results.length, "file")}`;
  if (unreadable) line += `; ${plural(unreadable, "input")} not checked`;
  return line;
}

export async function run(values, positionals, io) {
  const format = choice(values.format ?? "text", FORMATS, "--format");
  const minimum = RANK[choice(values.severity ?? "information", SEVERITIES, "--severity")];
  if (positionals.length === 0) throw new UsageError("give at least one file or directory (or - for standard input)");
  const flagRules = parseRuleFlags(values.rule);
  const flagRegistries = values["allow-registry"];
  if (flagRegistries?.some((p) => p.trim() === "")) throw new UsageError("--allow-registry takes a registry pattern, e.g. ghcr.io/my-org or *.example.com");
  for (const [flag, opts] of [["--rule", { rules: flagRules }], ["--allow-registry", { allowRegistries: flagRegistries }]]) {
    try {
      checkWithApi(opts);
    } catch (e) {
      if (e?.name !== "PullspecError") throw e;
      throw new UsageError(`${flag}: ${e.message}`);
    }
  }

  let fixedConfig = null;
  if (values.config !== undefined) {
    try {
      fixedConfig = { path: values.config, config: loadConfig(values.config) };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.err(`pullspec check: ${e.message}`);
      return 2;
    }
  }
  const warn = (m) => io.err(`pullspec check: warning: ${m}`);
  const configFor = configFinder(warn);

  const onlineOnly = ["cluster-platform", "docker-config", "secret", "kubelet-root", "insecure-registry"].filter((k) => values[k] !== undefined);
  if (!values.online && onlineOnly.length > 0) throw new UsageError(`--${onlineOnly[0]} needs --online`);
  // Online: one client and one cache for the whole run, so each image is asked once. Credentials
  // as the registry commands take them (--docker-config here, since --config names .pullspec.yaml).
  const online = values.online
    ? {
        client: await clientFrom({ config: values["docker-config"], secret: values.secret, "kubelet-root": values["kubelet-root"], "insecure-registry": values["insecure-registry"] }),
        clusterPlatforms: values["cluster-platform"] ?? [],
        cache: new Map(),
      }
    : null;

  const stdinName = values["stdin-filename"];
  const { inputs, problems } = collectInputs(positionals, { stdinLabel: stdinName ?? STDIN_LABEL });
  const configErrors = new Set();
  const results = [];
  let notChecked = problems.length; // arguments that could not be read, then inputs skipped
  for (const input of inputs) {
    const found = fixedConfig ?? configFor(input.path === null ? resolve(stdinName ? dirname(stdinName) : ".") : dirname(resolve(input.path)));
    if (found.error) {
      if (!configErrors.has(found.error)) problems.push(found.error);
      configErrors.add(found.error);
      notChecked++;
      continue;
    }
    const text = await textOrProblem(input, problems);
    if (text === null) {
      notChecked++;
      continue;
    }
    const rules = { ...found.config.rules, ...flagRules };
    const allowRegistries = flagRegistries ?? found.config.allowRegistries;
    const all = online
      ? await checkManifests(text, { rules, allowRegistries, ...online })
      : validateManifests(text, { rules, allowRegistries });
    if (input.path === null) input.stdinName = stdinName;
    results.push({ file: input.file, input, diagnostics: all.filter((d) => RANK[d.severity] >= minimum) });
  }

  for (const p of problems) io.err(`pullspec check: ${escapeControl(p)}`);
  if (format === "text") {
    for (const r of results) {
      for (const d of r.diagnostics) {
        const p = place(d.range);
        // File names (from a directory walk) and messages (quoting the manifest) are outside text.
        io.out(`${escapeControl(r.file)}:${p.line}:${p.column}: ${d.severity} ${d.code} ${escapeControl(d.message)}`);
      }
    }
    io.err(summaryLine(results, notChecked));
  } else if (format === "json") {
    io.out(JSON.stringify({ diagnostics: results.flatMap((r) => r.diagnostics.map((d) => jsonDiagnostic(r.file, d))) }, null, 2));
  } else if (format === "sarif") {
    io.out(JSON.stringify(sarif(results, problems), null, 2));
  } else {
    for (const r of results) {
      const file = relativePath(r.file, r.input) ?? r.file;
      for (const d of r.diagnostics) io.out(githubLine(file, d));
    }
    io.err(summaryLine(results, notChecked));
  }
  if (problems.length > 0) return 2;
  return results.some((r) => r.diagnostics.some((d) => d.severity === "error")) ? 1 : 0;
}
