// Types of the Kubernetes manifest checks (pkg/manifests.js).

/** A zero-based line and UTF-16 character (LSP's `Position`; a JS string index within the line). */
export interface Position {
  line: number;
  character: number;
}

/** A start and an exclusive end. */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = "error" | "warning" | "information" | "hint";

/** A replacement of a range of the text. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** A fix that is certain. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** The codes `validateManifests` reports (see `manifestRules()` for each one's text). */
export type ManifestRuleCode =
  | "YAML_INVALID"
  | "POD_SPEC_INVALID"
  | "IMAGE_MISSING"
  | "IMAGE_WHITESPACE"
  | "IMAGE_INVALID"
  | "PULL_POLICY_INVALID"
  | "SECRET_INVALID"
  | "IMAGE_LATEST_TAG"
  | "IMAGE_NO_TAG"
  | "PULL_SECRET_WRONG_TYPE"
  | "ARCH_SUFFIX_MISMATCH"
  | "IMAGE_TAG_IGNORED"
  | "PULL_POLICY_EFFECTIVE"
  | "IMAGE_NOT_PINNED"
  | "REGISTRY_NOT_ALLOWED"
  | "IMAGE_NOT_FOUND"
  | "PLATFORM_NOT_COVERED"
  | "CREDENTIALS_MISSING"
  | "REGISTRY_UNREACHABLE";

/** A problem (or a note) at a place in the text. */
export interface Diagnostic {
  severity: Severity;
  code: ManifestRuleCode;
  message: string;
  /** The offending value, zero-based, UTF-16. */
  range: Range;
  /** JSON path inside the document, e.g. `spec.template.spec.containers[0].image`. */
  path: string;
  /** Zero-based index of the document in the stream (empty documents count). */
  document: number;
  fixes?: Fix[];
}

export interface ValidateOptions {
  /** Per-rule severity, or `"off"`. Unknown codes throw `RULE_UNKNOWN` (with a "did you mean"). */
  rules?: Partial<Record<ManifestRuleCode, Severity | "off">>;
  /** Registry patterns (the kubelet's credential matching: `*.example.com`, `host:port`, path prefixes); turns on `REGISTRY_NOT_ALLOWED`. */
  allowRegistries?: string[];
}

/**
 * The offline checks of every container image in a text of Kubernetes manifests (YAML or JSON,
 * any number of documents): invalid references, missing images, whitespace, pull policies,
 * `latest`, pull Secrets, `-$(ARCH)` images against node selectors. Never throws for any text;
 * a document that is not YAML is one `YAML_INVALID` diagnostic and the others are still checked.
 * @throws PullspecError `RULE_UNKNOWN`, `SEVERITY_INVALID` or `INVALID_ARGUMENT` for bad options.
 * @example
 * validateManifests("kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - image: Nginx:1\n")
 * // [{ code: "IMAGE_INVALID", severity: "error", range: { start: { line: 4, character: 11 }, ... }, ... }, ...]
 */
export function validateManifests(text: string, options?: ValidateOptions): Diagnostic[];

/** One container image found in a text. */
export interface ImageUse {
  document: number;
  /** Where the image value is written. */
  range: Range;
  /** As written. */
  image: string;
  /** `docker.io/library/nginx:1.25`; null when it does not parse. */
  normalized: string | null;
  /** The policy the container runs with; null when the written one is invalid. */
  pullPolicy: "Always" | "IfNotPresent" | "Never" | null;
  pullPolicyReason: string;
  kind: string;
  /** The object's `metadata.name`. */
  name: string;
  /** The container's (or image volume's) name. */
  container: string | null;
  /** JSON path of the image value. */
  field: string;
  /** Architectures the pod's nodeSelector / required node affinity allows (empty: any). */
  architectures: string[];
  /** Operating systems the pod's node selection (or `spec.os.name`) allows (empty: any). */
  operatingSystems: string[];
  /** Rule codes the object exempts itself from with the `pullspec/ignore` annotation. */
  exempt: string[];
}

/** Every container image (init, regular, ephemeral containers and image volumes) in a text. */
export function listImages(text: string): ImageUse[];

export interface ManifestRule {
  code: ManifestRuleCode;
  defaultSeverity: Severity;
  enabledByDefault: boolean;
  /** Needs a registry (`checkManifests`, `pullspec check --online`). */
  online: boolean;
  summary: string;
  help: string;
}

/** Every rule, with its texts (for help screens, SARIF rule metadata). */
export function manifestRules(): readonly ManifestRule[];

/** A Monaco marker (`monaco.editor.IMarkerData`). */
export interface MonacoMarker {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  /** Monaco's `MarkerSeverity`: 8 error, 4 warning, 2 info, 1 hint. */
  severity: 1 | 2 | 4 | 8;
  message: string;
  code: string;
  source: "pullspec";
}

/** Diagnostics as Monaco markers (1-based); needs no Monaco import. */
export function toMonacoMarkers(diagnostics: readonly Diagnostic[]): MonacoMarker[];

/** A CodeMirror 6 diagnostic (`@codemirror/lint`'s `Diagnostic`). */
export interface CodeMirrorDiagnostic {
  from: number;
  to: number;
  severity: "error" | "warning" | "info" | "hint";
  message: string;
  source: string;
  actions: { name: string; apply(view: unknown, from: number, to: number): void }[];
}

/**
 * A CodeMirror 6 lint source: `linter(manifestLintSource())`. Fixes become actions. Needs no
 * CodeMirror import of its own (it reads `view.state.doc` and calls `view.dispatch`).
 */
export function manifestLintSource(options?: ValidateOptions): (view: {
  state: { doc: { toString(): string; lines: number; line(n: number): { from: number; to: number } } };
  dispatch(tr: unknown): void;
}) => CodeMirrorDiagnostic[];

/** Applies non-overlapping edits (a fix's `edits`) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string;

/**
 * Parses one YAML document as the API server reads manifests (go-yaml v2 scalars: `yes` is
 * true, `0755` is octal; aliases are bounded). An empty text is null.
 * @throws PullspecError `YAML_INVALID` with `line`, `column` (1-based) and `offset`.
 */
export function parseYaml(text: string): unknown;
