// Kubernetes manifests: the offline image checks (`validateManifests`), the image inventory
// (`listImages`), the rule table, and adapters for editors (Monaco markers, a CodeMirror 6 lint
// source). The rules live in Rust (src/k8s/); this file checks arguments and shapes answers.
// Types: manifests.d.ts.
import { gen } from "./runtime.js";
import { invalid, requireString, optionsObject, describe } from "./args.js";

const SEVERITIES = ["off", "hint", "information", "warning", "error"];

function checkOptions(options) {
  const o = optionsObject(options);
  const out = {};
  if (o.rules !== undefined && o.rules !== null) {
    if (typeof o.rules !== "object" || Array.isArray(o.rules)) throw invalid("options.rules must be an object of CODE: severity", "options.rules");
    for (const [code, level] of Object.entries(o.rules)) {
      if (!SEVERITIES.includes(level)) {
        throw invalid(`options.rules.${code} must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(level)}`, `options.rules.${code}`);
      }
    }
    out.rules = o.rules;
  }
  if (o.allowRegistries !== undefined && o.allowRegistries !== null) {
    if (!Array.isArray(o.allowRegistries) || o.allowRegistries.some((p) => typeof p !== "string")) {
      throw invalid("options.allowRegistries must be an array of strings", "options.allowRegistries");
    }
    out.allowRegistries = o.allowRegistries;
  }
  return out;
}

/**
 * Checks every image of every pod spec in a text of Kubernetes manifests (YAML or JSON, one or
 * many documents) and returns the diagnostics, in text order. Never throws for any text; throws
 * PullspecError for invalid options (`RULE_UNKNOWN`, `SEVERITY_INVALID`, `INVALID_ARGUMENT`).
 */
export function validateManifests(text, options = undefined) {
  requireString(text, "text");
  return gen.validateManifests(text, checkOptions(options));
}

/** Every container image in a text, with its place, normalized form and pull policy. */
export function listImages(text) {
  requireString(text, "text");
  return gen.listImages(text);
}

let rules = null;
/** The rules: code, default severity, whether on by default, whether online, summary, help. */
export function manifestRules() {
  rules ??= Object.freeze(gen.manifestRules().map((r) => Object.freeze(r)));
  return rules;
}

/**
 * Parses one YAML document the way the API server reads manifests (YAML 1.1 scalars of go-yaml
 * v2: `yes` is true, `0755` is octal). Throws PullspecError `YAML_INVALID` with `line`, `column`.
 */
export function parseYaml(text) {
  requireString(text, "text");
  return gen.parseYaml(text);
}

/** A position `{ line, character }`: zero-based whole numbers. */
function position(p, what) {
  if (p === null || typeof p !== "object" || !Number.isSafeInteger(p.line) || p.line < 0 || !Number.isSafeInteger(p.character) || p.character < 0) {
    throw invalid(`${what} must be { line, character } with whole numbers >= 0, got ${describe(p)}`, what);
  }
  return p;
}

/** The `range` of a diagnostic or an edit (`what` names it in the error), checked. */
function rangeOf(item, what) {
  if (item === null || typeof item !== "object") throw invalid(`${what} must be an object with a range, got ${describe(item)}`, what);
  const range = item.range;
  if (range === null || typeof range !== "object") throw invalid(`${what}.range must be { start, end }, got ${describe(range)}`, `${what}.range`);
  return { start: position(range.start, `${what}.range.start`), end: position(range.end, `${what}.range.end`) };
}

/** Monaco's `MarkerSeverity` numbers. */
const MONACO = { error: 8, warning: 4, information: 2, hint: 1 };

/**
 * Diagnostics as Monaco editor markers (`monaco.editor.setModelMarkers(model, "pullspec", markers)`):
 * 1-based lines and columns, Monaco severities; needs no Monaco import.
 */
export function toMonacoMarkers(diagnostics) {
  if (!Array.isArray(diagnostics)) throw invalid("diagnostics must be an array");
  return diagnostics.map((d, i) => {
    const { start, end } = rangeOf(d, `diagnostics[${i}]`);
    return {
      startLineNumber: start.line + 1,
      startColumn: start.character + 1,
      endLineNumber: end.line + 1,
      endColumn: end.character + 1,
      severity: MONACO[d.severity] ?? 1,
      message: d.message,
      code: d.code,
      source: "pullspec",
    };
  });
}

/** CodeMirror's severities. */
const CODEMIRROR = { error: "error", warning: "warning", information: "info", hint: "hint" };

/**
 * A CodeMirror 6 lint source: `linter(manifestLintSource())` from `@codemirror/lint`. It reads
 * the document from the view, runs `validateManifests`, and turns line/character positions into
 * document offsets; fixes become actions. Needs no CodeMirror import of its own.
 */
export function manifestLintSource(options = undefined) {
  const opts = checkOptions(options);
  return (view) => {
    const doc = view?.state?.doc;
    if (doc === null || typeof doc !== "object" || typeof doc.toString !== "function" || typeof doc.line !== "function" || !Number.isSafeInteger(doc.lines)) {
      throw invalid(`the lint source takes a CodeMirror EditorView (view.state.doc), got ${describe(view)}`);
    }
    const offset = (p) => {
      const line = doc.line(Math.min(p.line + 1, doc.lines));
      return Math.min(line.from + p.character, line.to);
    };
    return gen.validateManifests(doc.toString(), opts).map((d) => ({
      from: offset(d.range.start),
      to: offset(d.range.end),
      severity: CODEMIRROR[d.severity] ?? "hint",
      message: d.message,
      source: d.code,
      actions: (d.fixes ?? []).map((f) => ({
        name: f.title,
        apply(v) {
          v.dispatch({
            changes: f.edits.map((e) => ({ from: offset(e.range.start), to: offset(e.range.end), insert: e.newText })),
          });
        },
      })),
    }));
  };
}

/**
 * Applies edits (a fix's `edits`) to a text: what an editor does with a code action, for tools
 * and tests. Edits must not overlap.
 */
export function applyEdits(text, edits) {
  requireString(text, "text");
  if (!Array.isArray(edits)) throw invalid("edits must be an array");
  edits.forEach((e, i) => {
    rangeOf(e, `edits[${i}]`);
    if (typeof e.newText !== "string") throw invalid(`edits[${i}].newText must be a string, got ${describe(e.newText)}`, `edits[${i}].newText`);
  });
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const at = (p) => Math.min((starts[p.line] ?? text.length) + p.character, text.length);
  const sorted = [...edits].sort((a, b) => at(b.range.start) - at(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, at(e.range.start)) + e.newText + out.slice(at(e.range.end));
  return out;
}
