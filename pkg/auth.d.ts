// Types of pullspec's registry credentials (every environment). The Node-only parts (reading
// files, running plugins and helpers) are in node-auth.d.ts.
//
// Secrets stay secret: a Credential's fields hold the real password and tokens (that is what a
// lookup is for), but `String(cred)`, `JSON.stringify(cred)`, `util.inspect(cred)` and
// `console.log(cred)` show `"<redacted>"` instead; a Keyring never prints a secret, and a
// KeyringExplanation never contains one.

/** The codes of the credential functions (besides the reference codes of `parseReference`). */
export type AuthErrorCode =
  /** A pull Secret cannot be read: bad JSON/YAML, wrong shape, undecodable base64 or docker config. Fields: `secret`, `cause`, `line`/`column` for YAML. */
  | "SECRET_INVALID"
  /** A docker config file is not JSON or has the wrong shape (`path` says where). */
  | "CONFIG_INVALID"
  /** An `auth` field is not base64 of `user:password`. */
  | "AUTH_INVALID"
  /** Text is not YAML (`line`, `column`, `offset`); wrapped as `cause` of the codes above. */
  | "YAML_INVALID"
  /** A CredentialProviderConfig is invalid (every issue in the message; `path` of the first). */
  | "PROVIDER_CONFIG_INVALID"
  /** A provider answered with an unusable CredentialProviderResponse: `path` and the message name fields and JSON types, never a value of the response. */
  | "PROVIDER_RESPONSE_INVALID"
  /** A provider name not in the config. */
  | "PROVIDER_UNKNOWN"
  /** `lookup`/`explain`/`resolve` met a provider (or helper) answering with a Promise: use the *Async method. */
  | "PROVIDER_ASYNC"
  /** An exec plugin could not run, timed out or exited non-zero (`provider`, `reason`, `exitCode`, `stderr` tail with what looks like a secret redacted: rules in node-auth.d.ts). */
  | "PROVIDER_FAILED"
  /** A docker credential helper failed (`helper`, `serverUrl`, `exitCode`, `stderr` tail, redacted as for PROVIDER_FAILED). */
  | "HELPER_FAILED"
  /** A docker credential helper's answer is not `{ServerURL, Username, Secret}` JSON. */
  | "HELPER_RESPONSE_INVALID";

/**
 * One credential, in the order the container runtime tries them.
 *
 * The fields hold the real secrets. Printing never shows them: `String(cred)` is
 * `"alice:<redacted>"`; `cred.toJSON()` (used by `JSON.stringify`) and the `util.inspect`
 * form (used by `console.log`) replace `password`, `identityToken` and `registryToken` with
 * `"<redacted>"` (an empty secret stays `""`). Spreading (`{ ...cred }`) copies the real values.
 */
export interface Credential {
  /** User name; may be empty (`base64(":pass")` is accepted, identity tokens have none). */
  username: string;
  /** The password or token to send; `""` for an identity-token credential. */
  password: string;
  /** E-mail of old `.dockercfg` entries; absent when empty. */
  email?: string;
  /** OAuth identity token: only docker credential helpers answering `Username: "<token>"` set it (the kubelet ignores `identitytoken` in files). */
  identityToken?: string;
  /** Registry bearer token (CRI `AuthConfig.registry_token`); not produced by the kubelet's sources. */
  registryToken?: string;
  /** The keyring key that matched, prefixed by its keyring: `secrets:prefix.*.io`, `node:r.io`, `helpers:gcr.io`, `providers:*.dkr.ecr.*.amazonaws.com`, or `secrets:index.docker.io (default-registry fallback)`. */
  key: string;
  /** Where it came from: `secret/NAME:KEY`, `config:PATH:KEY`, `helper/NAME:SERVER`, `provider/NAME:KEY`. */
  source: string;
  /** `"username:<redacted>"`. */
  toString(): string;
  /** A copy with every secret `"<redacted>"`. */
  toJSON(): Omit<Credential, "toString" | "toJSON">;
}

/** A Secret the kubelet ignores (not an error: the pull goes on without it). */
export interface SecretWarning {
  /** `SECRET_NOT_DOCKER` (another type), `SECRET_TYPE_MISMATCH` (data under the other docker type's key), `SECRET_DATA_MISSING`. */
  code: "SECRET_NOT_DOCKER" | "SECRET_TYPE_MISMATCH" | "SECRET_DATA_MISSING";
  message: string;
  /** `metadata.name`. */
  secret: string;
  /** The Secret's `type` (`""` when absent). */
  type: string;
}

/** A CredentialProviderRequest, as the kubelet writes it on a plugin's stdin. */
export interface CredentialProviderRequest {
  apiVersion: string;
  kind: "CredentialProviderRequest";
  /** The lookup key: the image's repository name (`docker.io/library/nginx`), no tag. */
  image: string;
}

/** A CredentialProviderResponse, as a plugin answers. */
export interface CredentialProviderResponse {
  /** Must equal the provider's `apiVersion`. */
  apiVersion: string;
  kind: "CredentialProviderResponse";
  /** How the response is cached: per image, per registry host, or one entry for all. */
  cacheKeyType: "Image" | "Registry" | "Global";
  /** Go duration (`5m`, `1h30m`); absent: the provider's `defaultCacheDuration`; `0s`: not cached. */
  cacheDuration?: string;
  /** Keyring key (a glob like `*.dkr.ecr.*.amazonaws.com`) -> credential. */
  auth?: Record<string, { username?: string; password?: string }>;
}

/** One provider of a validated CredentialProviderConfig. */
export interface CredentialProviderSpec {
  /** The plugin binary's name (in the kubelet's `--image-credential-provider-bin-dir`). */
  name: string;
  /** Image globs it serves (the keyring's URL glob rules). */
  matchImages: string[];
  /** Go duration, normalized to seconds (`43200s`). */
  defaultCacheDuration: string;
  /** The `credentialprovider.kubelet.k8s.io` version it speaks. */
  apiVersion: string;
  args: string[];
  env: { name: string; value: string }[];
}

/** A validated `CredentialProviderConfig` (`kubelet.config.k8s.io/v1|v1beta1|v1alpha1`). */
export interface CredentialProviderConfig {
  apiVersion: string;
  kind: "CredentialProviderConfig";
  providers: CredentialProviderSpec[];
}

/**
 * A provider callback: answers a request with a response (object or JSON text), or a Promise of
 * one (then use the *Async methods). `context.provider` names the provider of the config being
 * asked, so one callback can serve a config with several providers. Throwing means the plugin
 * failed: the lookup goes on without its credentials, as in the kubelet.
 */
export type CredentialProviderCallback = (
  request: CredentialProviderRequest,
  context: { provider: CredentialProviderSpec },
) => CredentialProviderResponse | string | Promise<CredentialProviderResponse | string>;

/** What a docker credential helper answered: a credential, or null when it holds none for the server. */
export type CredentialHelperAnswer = { username: string; password: string; identityToken?: string } | null;

/**
 * Docker credential helpers for a file: `true` (Node only: runs `docker-credential-NAME get`
 * from PATH), or a function returning, per helper name, a function that answers for a server
 * address.
 */
export type CredentialHelpersOption =
  | boolean
  | ((helper: string) => (serverUrl: string) => CredentialHelperAnswer | Promise<CredentialHelperAnswer>);

/** What `addDockerConfig` read. */
export interface DockerConfigSummary {
  /** `json` (`{"auths": ...}`, config.json) or `dockercfg` (the bare legacy map). */
  format: "json" | "dockercfg";
  /** The entries' keys as written, sorted. */
  keys: string[];
  /** `credsStore` (config.json only). */
  credsStore: string | null;
  /** `credHelpers` (config.json only): registry -> helper name. */
  credHelpers: Record<string, string>;
}

/** The verdict on one path of the kubelet's credential-file search path. */
export interface KubeletConfigPathReport {
  path: string;
  /** How a file there is read (decided by its name, as the kubelet does). */
  format: "json" | "dockercfg";
  /** `used`: the node's credential file; `missing`, `unreadable`, `invalid`: skipped; `notConsulted`: after the file used. */
  status: "used" | "missing" | "unreadable" | "invalid" | "notConsulted";
  /** In words: `used`, `skipped: not found`, `skipped: read error (cannot read: EACCES)`, `skipped: read error (a FIFO, not a regular file: not read)`, `skipped: does not decode (...)`, `not consulted`. */
  reason: string;
  /** For `invalid`: the decoding error (`CONFIG_INVALID` or `AUTH_INVALID`, with `offset` or `path`). */
  error?: { code: string; message: string; offset?: number; path?: string };
}

/** What `addKubeletConfig` / `loadKubeletConfig` found. */
export interface KubeletConfigResult {
  /** The file used, or null when none of the search path decodes (the node has no credentials). */
  used: string | null;
  /** One report per search-path entry, in order. */
  report: KubeletConfigPathReport[];
}

/**
 * Why a lookup returned what it did. Credentials are redacted.
 *
 * Text form in `text`:
 * ```
 * lookup docker.io/library/nginx
 *   secrets:registry.example.com: skipped: host label count differs (...)
 *   node:index.docker.io (default-registry fallback): used: no key matched and the lookup key is a Docker Hub name
 *   provider ecr: not asked: no matchImages glob matches; *.dkr.ecr.*.amazonaws.com: ...
 * credentials, in the order they are tried:
 *   1. hubnode:<redacted> from config:/root/.docker/config.json:https://index.docker.io/v1/ via node:index.docker.io (default-registry fallback)
 * ```
 */
export interface KeyringExplanation {
  /** The key looked up: the image's repository name, or the string as given with `raw`. */
  lookupKey: string;
  /** At least one credential. */
  found: boolean;
  /** The credentials in order, every secret `"<redacted>"`. */
  credentials: Omit<Credential, "toString" | "toJSON">[];
  /** The keyring keys that contributed, in order, each once (as in `Credential.key`). */
  matchedKeyringKeys: string[];
  /** Every key of every keyring, in lookup order (pod secrets, node files, helpers, providers). */
  considered: {
    /** `KEYRING:KEY`, e.g. `secrets:prefix.*.io`. */
    key: string;
    /** `secrets`, `node`, `helpers` or `providers`. */
    keyring: string;
    matched: boolean;
    /** Why it was skipped (`port differs (pattern :5000, target none)`, ...); null when matched. */
    reason: string | null;
    /** Sources of the credentials stored under the key. */
    sources: string[];
  }[];
  /** One note per keyring holding `index.docker.io` credentials: whether Docker Hub names fell back to them. */
  fallbacks: { key: string; keyring: string; applied: boolean; reason: string }[];
  /** Keys ignored because they do not parse as URLs (the kubelet drops them). */
  rejected: { keyring: string; key: string; source: string; reason: string }[];
  /** Every configured provider, in order. */
  providers: {
    provider: string;
    /** Index of its config (order of `addCredentialProvider`). */
    config: number;
    /** `notMatched`: not asked; `cached`: answered from its cache; `ran`: asked now; `failed`: asked, no credentials; `notRun`: never answered. */
    status: "notMatched" | "cached" | "ran" | "failed" | "notRun";
    /** Each `matchImages` glob and whether it matches the lookup key. */
    matchImages: { pattern: string; matched: boolean; reason: string | null }[];
    /** `cached`: the key that answered; `ran`: the key the response was cached under (null: not cached). */
    cacheKey?: string | null;
    /** `ran` and cached: expiry in ms since the epoch. */
    expiresAt?: number;
    /** `failed`: the error code and message (what looks like a secret replaced by `<redacted>`, rules in node-auth.d.ts). */
    code?: string;
    error?: string;
    /** One line in words. */
    message: string;
  }[];
  /** Every docker credential helper asked (files added with credential helpers only). */
  helpers: {
    helper: string;
    serverUrl: string;
    /** The file that names it. */
    source: string;
    status: "found" | "notFound" | "failed" | "notRun";
    code?: string;
    error?: string;
    message: string;
  }[];
  /** Secrets the kubelet ignores. */
  warnings: SecretWarning[];
  /** All of the above in words (redacted). */
  text: string;
}

/** Options of a lookup. */
export interface LookupOptions {
  /** Use the string as the lookup key as it is (the kubelet's raw `Lookup(string)`); else the key is `parseReference(image).name`. */
  raw?: boolean;
}

/**
 * The credentials of an image pull, found the way the kubelet finds them: the pod's pull
 * secrets first, then the node's credential files (and, opted in, the docker credential helpers
 * they name), then credential-provider plugins. Every key whose URL glob matches the lookup key
 * contributes, longest key first; Docker Hub names fall back to `index.docker.io` credentials.
 *
 * Printing a Keyring (`util.inspect`, `String`, `JSON.stringify`) shows only secret names, keys
 * and provider names, never a credential.
 *
 * @example
 * const keyring = new Keyring();
 * keyring.addPullSecret(secretYaml);
 * keyring.lookup("nginx:1.25"); // [Credential { username: 'alice', password: '<redacted>', ... }]
 */
export class Keyring {
  /**
   * @param options.now the clock of the provider cache, ms since the epoch (default `Date.now`).
   * @param options.onProviderError called when a provider or helper fails (the lookup goes on without it, as in the kubelet).
   */
  constructor(options?: {
    now?: () => number;
    onProviderError?: (
      error: unknown,
      call: { kind: "provider" | "helper"; provider?: string; helper?: string; serverUrl?: string; image?: string },
    ) => void;
  });

  /**
   * Adds pod pull Secret(s): a Secret object, JSON text or YAML text (several `---` documents
   * or a `List` add each; all or nothing). `data` values are base64, `stringData` plain text.
   * Secrets the kubelet ignores are not errors: see `warnings`.
   * @throws PullspecError `SECRET_INVALID` naming the Secret (`secret`), with `cause`
   * (`YAML_INVALID`, `CONFIG_INVALID`, `AUTH_INVALID`) and `line`/`column`/`offset` or `path`.
   */
  addPullSecret(secret: object | string): void;

  /**
   * Adds a node credential file: `config.json` (`{"auths": ...}`) or legacy `.dockercfg`
   * (detected by content unless `format` says). Sources are `config:SOURCE:KEY` (`source`
   * defaults to `inline#N`).
   * @param options.credentialHelpers ask the `credHelpers`/`credsStore` helpers it names too (the kubelet never does).
   * @throws PullspecError `CONFIG_INVALID` / `AUTH_INVALID`, message prefixed with the source.
   */
  addDockerConfig(
    text: string,
    options?: { source?: string; format?: "json" | "dockercfg"; credentialHelpers?: CredentialHelpersOption },
  ): DockerConfigSummary;

  /**
   * The kubelet's node credential-file search over files read by `read(path)` (text; null or
   * undefined when missing; throw when unreadable): the first path that decodes is used.
   * Defaults: `rootDir` `/var/lib/kubelet`, `cwd` `process.cwd()` (or `/`), `home` `$HOME` (or unset).
   */
  addKubeletConfig(
    read: (path: string) => string | null | undefined,
    options?: { rootDir?: string; cwd?: string; home?: string; credentialHelpers?: CredentialHelpersOption },
  ): KubeletConfigResult & { config: DockerConfigSummary | null };

  /**
   * Adds credential-provider plugins: a CredentialProviderConfig (object, JSON or YAML text) and
   * the callback that answers for them (Node: `execCredentialProvider`). Responses are cached
   * as the kubelet caches them (per `cacheKeyType`, `cacheDuration` or `defaultCacheDuration`;
   * clock `options.now`).
   * @throws PullspecError `PROVIDER_CONFIG_INVALID`.
   */
  addCredentialProvider(
    config: object | string,
    provider: CredentialProviderCallback,
  ): CredentialProviderConfig;

  /**
   * The credentials for `image` in the order the runtime tries them (empty: anonymous pull).
   * Runs the providers whose `matchImages` match and whose cache has no live answer.
   * @throws PullspecError for an image that does not parse (unless `raw`); `PROVIDER_ASYNC` when a provider returns a Promise.
   */
  lookup(image: string, options?: LookupOptions): Credential[];

  /** `lookup`, awaiting providers and helpers that return Promises. */
  lookupAsync(image: string, options?: LookupOptions): Promise<Credential[]>;

  /** Why `lookup` returns what it does (runs providers like `lookup`); credentials redacted. */
  explain(image: string, options?: LookupOptions): KeyringExplanation;

  /** `explain`, awaiting asynchronous providers. */
  explainAsync(image: string, options?: LookupOptions): Promise<KeyringExplanation>;

  /** The credentials and the explanation of one lookup (providers run once). */
  resolve(image: string, options?: LookupOptions): { credentials: Credential[]; explanation: KeyringExplanation };

  /** `resolve`, awaiting asynchronous providers. */
  resolveAsync(
    image: string,
    options?: LookupOptions,
  ): Promise<{ credentials: Credential[]; explanation: KeyringExplanation }>;

  /** Secrets added that the kubelet ignores, with reasons. */
  readonly warnings: SecretWarning[];

  /** `Keyring(N secret keys, N node keys, N providers)`. */
  toString(): string;

  /** Names and keys only, no credentials. */
  toJSON(): {
    secrets: string[];
    secretKeys: string[];
    nodeConfigs: string[];
    nodeKeys: string[];
    providers: string[];
    ignoredSecrets: number;
  };
}

/**
 * The kubelet's URL glob (`URLsMatchStr`): both parsed as `https://` URLs; ports equal; same
 * number of host labels, each matched with `filepath.Match` (`*` never crosses a `.`); the
 * pattern's path a prefix of the target's.
 * @example registryPatternMatches("*.kubernetes.io", "prefix.kubernetes.io/foo") === true
 */
export function registryPatternMatches(pattern: string, target: string): boolean;

/** Is the lookup key a Docker Hub name (falls back to `index.docker.io` credentials)? */
export function isDefaultRegistryMatch(image: string): boolean;

/**
 * Decodes a docker config `auth` field as the kubelet does: base64 of `user:password` (padded
 * when it ends with `=`, else unpadded), split at the first `:`.
 * @throws PullspecError `AUTH_INVALID`.
 */
export function decodeDockerAuth(auth: string): { username: string; password: string };

/**
 * The paths where the kubelet looks for the node's credential file, in order: `config.json`
 * in rootDir, cwd, `$HOME/.docker`, `/.docker`, then `.dockercfg` in rootDir, cwd, `$HOME`, `/`.
 * Defaults: `rootDir` `/var/lib/kubelet`, `cwd` `process.cwd()` (or `/` outside Node), `home`
 * `$HOME` (pass `home: undefined` for an unset HOME, which means the working directory).
 */
export function kubeletConfigSearchPath(options?: { rootDir?: string; cwd?: string; home?: string }): string[];

/**
 * Validates a CredentialProviderConfig (object, JSON or YAML text) as the kubelet does.
 * @throws PullspecError `PROVIDER_CONFIG_INVALID` listing every issue.
 */
export function parseCredentialProviderConfig(config: object | string): CredentialProviderConfig;
