// Types of pullspec's multi-arch API: platforms, matchers, index selection, manifests, digests.
// Every function throws PullspecError (see index.d.ts) with a stable `code` on bad input.

// ---------------------------------------------------------------------------------------------
// Error codes

/** Codes of platform parsing and matchers. */
export type PlatformErrorCode = "INVALID_PLATFORM" | "INVALID_MATCHER";

/** Codes of selection from an index. */
export type SelectErrorCode = "NO_MATCHING_PLATFORM" | "NOT_AN_INDEX";

/** Codes of digests and verification. */
export type DigestErrorCode =
  | "DIGEST_INVALID_FORMAT"
  | "DIGEST_INVALID_LENGTH"
  | "DIGEST_UNSUPPORTED"
  | "DIGEST_MISMATCH";

/** Codes of manifest parsing and validation (each is also a {@link OciManifestDiagnostic} `code`). */
export type ManifestErrorCode =
  /** Body over 4 MiB (checked before parsing). */
  | "MANIFEST_TOO_LARGE"
  /** Bytes that are not UTF-8 (`offset` of the first bad byte). */
  | "MANIFEST_INVALID_UTF8"
  /** JSON syntax error, nesting deeper than 128, or trailing data (`offset`, `line`, `column`). */
  | "MANIFEST_INVALID_JSON"
  /** Docker schema 1, which no current runtime pulls. */
  | "SCHEMA1_UNSUPPORTED"
  /** Neither a media type nor the structure says manifest or index. */
  | "MANIFEST_KIND_UNKNOWN"
  /** The media type is not that of a manifest or index. */
  | "MEDIA_TYPE_UNSUPPORTED"
  /** Content-Type and body disagree, or the structure contradicts the media type. */
  | "MEDIA_TYPE_MISMATCH"
  /** A media type (or artifactType) is not RFC 6838 `type/subtype`. */
  | "MEDIA_TYPE_INVALID"
  /** An object repeats a key (`path` of the object; the position is the repeated key). */
  | "DUPLICATE_KEY"
  | "MANIFEST_FIELD_MISSING"
  | "MANIFEST_FIELD_TYPE"
  | "SCHEMA_VERSION_INVALID"
  | "DESCRIPTOR_DIGEST_INVALID"
  | "DESCRIPTOR_SIZE_INVALID"
  | "DESCRIPTOR_DATA_INVALID"
  | "PLATFORM_INVALID"
  | "ANNOTATION_NOT_STRING";

/** Every code of this module, plus `INVALID_STATE` (a freed matcher, a finished verifier). */
export type MultiarchErrorCode =
  | PlatformErrorCode
  | SelectErrorCode
  | DigestErrorCode
  | ManifestErrorCode
  | "INVALID_STATE";

// ---------------------------------------------------------------------------------------------
// Platforms

/** An OCI platform, with JS field names. Empty optional fields are left out of results. */
export interface Platform {
  /** `linux`, `windows`, `darwin`, ... */
  os: string;
  /** `amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, `riscv64`, ... */
  architecture: string;
  /** `v7` for `arm`, `v8` for `arm64`, `v2`/`v3` for `amd64` microarchitecture levels. */
  variant?: string;
  /** OCI `os.version`, e.g. `10.0.20348.2582` (Windows build compatibility is by build number). */
  osVersion?: string;
  /** OCI `os.features`, e.g. `["win32k"]`. */
  osFeatures?: string[];
}

/**
 * A platform as accepted on input: the JS names, or the OCI JSON names `os.version` /
 * `os.features` (so a descriptor's `platform` from registry JSON can be passed as is).
 */
export type PlatformInput =
  | Platform
  | {
      os: string;
      architecture: string;
      variant?: string;
      "os.version"?: string;
      "os.features"?: string[];
      /** Docker's non-OCI `features`: accepted and ignored. */
      features?: string[];
    };

/** A platform specifier string (`linux/arm64/v8`, `arm64`, `windows(10.0.20348)/amd64`) or object. */
export type PlatformLike = string | PlatformInput;

/** Options naming the host: what a specifier leaves out comes from it. */
export interface HostOptions {
  /** The host platform; default `linux/amd64` (a browser has no host of its own). */
  host?: PlatformLike;
}

/**
 * Parses a platform specifier as containerd does:
 * `os[(os.version[+feature...])][/arch[/variant]]`. One word is an OS (architecture from the
 * host) or an architecture (OS from the host); `arm/v7` is shown as `linux/arm`; `arm64` gets `v8`
 * when three parts are given.
 * @throws PullspecError `INVALID_PLATFORM` with `offset` (UTF-16 index of the problem).
 * @example parsePlatform("linux/aarch64") // { os: "linux", architecture: "arm64" }
 */
export function parsePlatform(spec: string, options?: HostOptions): Platform;

/**
 * containerd's `Normalize`: OS and architecture canonical (`macos` -> `darwin`, `aarch64` ->
 * `arm64`, `armhf` -> `arm/v7`, `x86_64` -> `amd64`), empty OS -> the host's, features sorted
 * and de-duplicated. A string is parsed first.
 */
export function normalizePlatform(platform: PlatformLike, options?: HostOptions): Platform;

/**
 * containerd's `Format` (`linux/arm64/v8`), or with `{ all: true }` its `FormatAll`
 * (`windows(10.0.20348+win32k)/amd64`: os.version and sorted features, `% + ( ) /` percent-encoded).
 */
export function formatPlatform(platform: PlatformLike, options?: { all?: boolean }): string;

/**
 * How a matcher decides (containerd/platforms):
 * - `only`: the platform and what it can run, best first (`arm64` -> `arm64`, then `arm/v8`...`arm/v5`;
 *   `amd64/v3` -> `v2`, `amd64`, `386`). containerd's default on Linux.
 * - `strict`: the normalized platform only.
 * - `exact`: containerd's `NewMatcher`: normalized os/arch/variant equal, features a subset,
 *   Windows os.version by build compatibility.
 * - `os`: any architecture of the OS (os.version and features still checked), own architecture first.
 * - `ordered`: any of several platforms, preferred in the order given.
 * - `any`: any of several platforms, no preference.
 * - `all`: everything.
 * - `windows_host`: containerd's default on Windows: `exact`, preferring the greatest os.version.
 *
 * containerd's names `matcher`, `only_strict` and `only_os` are accepted too.
 */
export type MatchMode = "exact" | "only" | "strict" | "os" | "ordered" | "any" | "all" | "windows_host";

/** Options of {@link platformMatcher}. */
export interface MatcherOptions extends HostOptions {
  /** Default: `only` (`windows_host` for a Windows platform) for one platform, `ordered` for a list. */
  mode?: MatchMode | "matcher" | "only_strict" | "only_os";
}

/**
 * Which platforms are acceptable, and which are preferred. The matcher lives in WebAssembly
 * memory; it is released when the object is garbage collected, or at once with `free()` (or a
 * `using` declaration where the runtime has `Symbol.dispose`). Using it after `free()` throws `INVALID_STATE`.
 */
export class PlatformMatcher {
  /** Same as {@link platformMatcher}. */
  constructor(spec: PlatformLike | readonly PlatformLike[], options?: MatcherOptions);
  /** The mode's canonical name. */
  readonly mode: MatchMode;
  /** The platforms the matcher was built from (as given, parsed). */
  readonly platforms: Platform[];
  /** Whether an image for `platform` is acceptable. */
  matches(platform: PlatformLike): boolean;
  /** Negative when `a` is preferred, positive when `b` is, 0 otherwise: usable with `Array.prototype.sort`. */
  compare(a: PlatformLike, b: PlatformLike): number;
  /** A new array, preferred first (stable, as containerd sorts); strings are parsed. */
  sort(platforms: readonly PlatformLike[]): Platform[];
  /** The requested platforms, e.g. `linux/arm64/v8`. */
  toString(): string;
  /** Releases the WebAssembly memory now (optional; also `[Symbol.dispose]` where the runtime has it). */
  free(): void;
}

/**
 * A matcher for a platform or list of platforms.
 * @example platformMatcher("linux/arm64").sort(["linux/arm/v7", "linux/amd64", "linux/arm64"])
 *   // [{ os: "linux", architecture: "arm64" }, { os: "linux", architecture: "arm", variant: "v7" }, ...]
 */
export function platformMatcher(spec: PlatformLike | readonly PlatformLike[], options?: MatcherOptions): PlatformMatcher;

// ---------------------------------------------------------------------------------------------
// Manifests

/** String-to-string annotations. */
export type Annotations = Record<string, string>;

/** A content descriptor: what a manifest or index points at. */
export interface Descriptor {
  /** Media type of the referenced content. */
  mediaType: string;
  /** `sha256:<64 hex>` (or sha384/sha512). */
  digest: string;
  /** Size in bytes. */
  size: number;
  /** Alternate download locations (foreign layers). */
  urls?: string[];
  annotations?: Annotations;
  /** The platform of the referenced manifest (index entries). */
  platform?: Platform;
  /** The artifact type of the referenced artifact. */
  artifactType?: string;
  /** Embedded content, standard base64 (checked against size and digest). */
  data?: string;
}

/** Fields common to both kinds of manifest. */
interface ManifestBase {
  /** The body's `mediaType`, or the OCI type of the kind when the body has none. */
  mediaType: string;
  /** Always 2. */
  schemaVersion: 2;
  /** What kind of artifact this is, for artifacts. */
  artifactType?: string;
  /** The manifest this one refers to (referrers API). */
  subject?: Descriptor;
  annotations?: Annotations;
}

/** An OCI image index or Docker manifest list. */
export interface ImageIndex extends ManifestBase {
  kind: "index";
  /** The entries, usually one per platform (plus attestations). */
  manifests: Descriptor[];
}

/** An OCI image manifest or Docker schema 2 manifest (an artifact when `artifactType` is set). */
export interface ImageManifest extends ManifestBase {
  kind: "image";
  /** The image configuration blob. */
  config: Descriptor;
  /** The layers, base first. */
  layers: Descriptor[];
}

/** A parsed manifest document. */
export type Manifest = ImageIndex | ImageManifest;

/** Raw manifest content: text, or bytes (the digest of a manifest is always of the raw bytes). */
export type ManifestInput = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * Parses an OCI image manifest or index, or a Docker schema 2 manifest or manifest list. The kind
 * comes from `contentType` (parameters ignored; `application/json` counts as none), the body's
 * `mediaType`, or the structure.
 * @throws PullspecError with a {@link ManifestErrorCode}, `path` (e.g. `manifests[2].digest`) and,
 *   where the problem is in the text, `offset`/`line`/`column` and `endOffset`/`endLine`/`endColumn`.
 */
export function parseManifest(bytes: ManifestInput, contentType?: string): Manifest;

/** A problem of an OCI image manifest or index (`validateManifest`). Kubernetes manifests report the richer {@link import("./manifests.js").Diagnostic}. */
export interface OciManifestDiagnostic {
  /** A {@link ManifestErrorCode}. */
  code: ManifestErrorCode | (string & {});
  /** For people. */
  message: string;
  /** JSON path of the value concerned (`manifests[0].platform.architecture`); null for the whole document. */
  path: string | null;
  /** Every current diagnostic is an error (the manifest does not parse). */
  severity: "error" | "warning";
  /**
   * Where the problem starts: a UTF-16 index when a string was given, a byte offset for bytes.
   * A missing field is placed at the key (or opening bracket) of the nearest enclosing value.
   * Absent when the problem is not in the text (size limit, Content-Type).
   */
  offset?: number;
  /** 1-based line of `offset`. */
  line?: number;
  /** 1-based column of `offset`, in the same unit. */
  column?: number;
  /** Where the problem ends (exclusive), for underlining. */
  endOffset?: number;
  endLine?: number;
  endColumn?: number;
  /**
   * The same place as the Kubernetes checks give it: zero-based lines and UTF-16 characters (also
   * for bytes, when they are UTF-8), what editors use (`toMonacoMarkers` takes these diagnostics).
   */
  range?: import("./manifests.js").Range;
  /** Extra facts of some codes (`key` of DUPLICATE_KEY, `expected`/`actual`, `reason`, `value`, ...). */
  details?: Record<string, string>;
}

/** Every problem of a manifest or index (empty when it is valid), fatal ones first. */
export function validateManifest(bytes: ManifestInput, contentType?: string): OciManifestDiagnostic[];

// ---------------------------------------------------------------------------------------------
// Selection

/** The chosen entry of an index. */
export interface Selection {
  /** Position in the index's `manifests`. */
  index: number;
  /** That entry. */
  descriptor: Descriptor;
  /** Its platform; null for an entry that declares none (kept, ranked last, as containerd does). */
  platform: Platform | null;
  /** One sentence: what was chosen for what, exact match or fallback, and what was available. */
  reason: string;
}

/** An index as raw text or bytes, or as an object (OCI JSON, or a parsed {@link ImageIndex}). */
export type IndexInput = ManifestInput | object;

/** Options of {@link selectManifest}. */
export interface SelectOptions extends HostOptions {
  /** Throw `NO_MATCHING_PLATFORM` (with `requested` and `available`) instead of returning null. */
  throwIfNone?: boolean;
  /** Mode of the matcher built for a platform `wanted` (ignored when `wanted` is a PlatformMatcher). */
  mode?: MatcherOptions["mode"];
}

/**
 * The entry containerd would pull from an index for `wanted`: acceptable entries stable-sorted
 * by preference, the first taken. Attestation manifests are never chosen. The index is validated
 * first (its problems are thrown, as by {@link parseManifest}); an image manifest is `NOT_AN_INDEX`.
 * @returns null when nothing matches (unless `throwIfNone`).
 * @example selectManifest(indexJson, "linux/arm64")?.descriptor.digest
 */
export function selectManifest(
  index: IndexInput,
  wanted: PlatformLike | readonly PlatformLike[] | PlatformMatcher,
  options?: SelectOptions & { throwIfNone?: false },
): Selection | null;
export function selectManifest(
  index: IndexInput,
  wanted: PlatformLike | readonly PlatformLike[] | PlatformMatcher,
  options: SelectOptions & { throwIfNone: true },
): Selection;

/**
 * {@link selectManifest} that throws instead of returning null.
 * @throws PullspecError `NO_MATCHING_PLATFORM`; `message` lists the available platforms, `available`
 *   holds them as an array, `requested` the wanted platform(s).
 */
export function selectManifestOrThrow(
  index: IndexInput,
  wanted: PlatformLike | readonly PlatformLike[] | PlatformMatcher,
  options?: Omit<SelectOptions, "throwIfNone">,
): Selection;

/** Every acceptable entry of an index for `wanted`, best first (attestations left out). */
export function rankManifests(
  index: IndexInput,
  wanted: PlatformLike | readonly PlatformLike[] | PlatformMatcher,
  options?: Omit<SelectOptions, "throwIfNone">,
): Omit<Selection, "reason">[];

/** The platforms an index offers (attestations left out), formatted (`FormatAll`), in index order. */
export function indexPlatforms(index: IndexInput): string[];

// ---------------------------------------------------------------------------------------------
// Digests

/** The digest algorithms pullspec computes and verifies. */
export type DigestAlgorithm = "sha256" | "sha384" | "sha512";

/**
 * `algorithm:hex` of the content (a string is hashed as its UTF-8 bytes).
 * @example digest("") // "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 */
export function digest(bytes: string | Uint8Array | ArrayBuffer | ArrayBufferView, algorithm?: DigestAlgorithm): string;

/**
 * Verifies content against a digest while it streams by: feed chunks with `update()`, then
 * `finish()` throws `DIGEST_MISMATCH` unless they hashed to `expected`.
 * @example
 * const v = new DigestVerifier(descriptor.digest);
 * for await (const chunk of body) v.update(chunk);
 * v.finish(); // throws PullspecError { code: "DIGEST_MISMATCH", expected, actual }
 */
export class DigestVerifier {
  /** @throws PullspecError `DIGEST_INVALID_FORMAT`, `DIGEST_INVALID_LENGTH` or `DIGEST_UNSUPPORTED`. */
  constructor(expected: string);
  /** The digest the content must have. */
  readonly expected: string;
  /** Feeds the next chunk (a string as UTF-8). @throws `INVALID_STATE` after `finish()`. */
  update(chunk: string | Uint8Array | ArrayBuffer | ArrayBufferView): this;
  /**
   * @throws PullspecError `DIGEST_MISMATCH` with `expected` and `actual` (digest strings) when the
   *   content does not match. The verifier is spent afterwards either way.
   */
  finish(): void;
}
