// Types of pullspec's registry client: verified pulls over fetch() in Node, browsers and workers.
// The protocol (auth challenges, tokens, credentials, retries, redirects, resume, digest and
// size checks) is the sans-IO core in Rust; the client drives it with fetch().

import type { ImageReference } from "./index.js";
import type { Keyring } from "./auth.js";
import type { Platform, PlatformLike, Manifest, ImageManifest, Descriptor, MatchMode } from "./multiarch.js";

/** The codes a registry operation fails with (`PullspecError.code`). */
export type RegistryErrorCode =
  // from responses (`status`, `registryCode`, `detail`, `purpose`, `url` set)
  | "UNAUTHORIZED" | "DENIED" | "NOT_FOUND" | "NAME_UNKNOWN" | "NAME_INVALID" | "MANIFEST_UNKNOWN"
  | "MANIFEST_INVALID" | "MANIFEST_BLOB_UNKNOWN" | "MANIFEST_UNVERIFIED" | "BLOB_UNKNOWN" | "DIGEST_INVALID"
  | "SIZE_INVALID" | "TAG_INVALID" | "UNSUPPORTED" | "RANGE_INVALID" | "UNAVAILABLE" | "UNKNOWN"
  | "TOOMANYREQUESTS" | "SERVER_ERROR" | "UNEXPECTED_STATUS"
  // from checks
  | "DIGEST_MISMATCH" | "SIZE_MISMATCH" | "MANIFEST_TOO_LARGE" | "CONFIG_TOO_LARGE" | "BLOB_TOO_LARGE"
  | "RESPONSE_TOO_LARGE" | "CONFIG_INVALID" | "INVALID_RESPONSE" | "CHALLENGE_INVALID" | "INVALID_REFERENCE"
  | "NO_MATCHING_PLATFORM" | "SCHEMA1_UNSUPPORTED"
  // from the transport
  | "NETWORK" | "CORS_LIKELY" | "ABORTED"
  // from policy
  | "REDIRECT_LOOP" | "INSECURE_CREDENTIALS_REFUSED" | "FOREIGN_PAGINATION" | "PAGINATION_LOOP" | "INVALID_STATE"
  // from `pullOciLayout` (Node): the layout directory and the filesystem
  | import("./node-registry.js").LayoutErrorCode;

/**
 * The largest blob `blob()` and `pull()` hold in memory: 1 GiB (2^30 bytes). A blob declaring
 * more is refused with `BLOB_TOO_LARGE` (`limit`, `size`, `digest` set) before it is requested;
 * stream such blobs with `blobStream`, `blobInto` or (Node) `pullOciLayout`, which writes to disk
 * whatever size a blob declares. Memory is taken as bytes arrive, never for the declared size.
 */
export const MAX_MEMORY_BLOB_SIZE: number;

/** Docker Hub's `RateLimit-*` headers. */
export interface RateLimit {
  limit: number | null;
  remaining: number | null;
  windowSeconds: number | null;
}

/** What the client reports while it works (the `onEvent` option). Secrets never appear. */
export type RegistryEvent =
  | { type: "retry"; attempt: number; waitMs: number; reason: string }
  | { type: "redirect"; fromHost: string; toHost: string; authorizationDropped: boolean }
  | ({ type: "rateLimit" } & RateLimit)
  | { type: "tagsPage"; page: number; tags: string[] }
  | { type: "progress"; digest: string; bytes: number; total: number };

/** Blob download progress: bytes held from byte 0 (may go back to 0 if a transfer starts over). */
export interface BlobProgress {
  digest: string;
  bytes: number;
  total: number;
}

/** Progress of several blobs (`pull`, `pullOciLayout`): the blob's, and across all of them. */
export interface PullProgress extends BlobProgress {
  overall: { bytes: number; total: number };
  /** `pullOciLayout`: set on a blob's last event, once it verified and is in the layout (or was already there). */
  verified?: true;
}

export interface RegistryClientOptions {
  /** Where credentials come from: looked up once per `registry/repository`, tried in lookup order. */
  keyring?: Keyring;
  /** The transport (default: the global `fetch`). Must support `redirect: "manual"` to keep redirect handling in the core (Node's does; browsers' cannot, see the README). */
  fetch?: typeof fetch;
  /** Hosts (`host` or `host:port`) reached over plain http and allowed credentials there. Loopback hosts always are. */
  insecureRegistries?: string[];
  /** `User-Agent` (default `pullspec/<version>`; browsers may drop it). */
  userAgent?: string;
  /** Tries per request (default 4; a whole number 1-100) and backoff (full jitter, ceiling doubling from `baseDelayMs` 500 to `maxDelayMs` 10 000); `Retry-After` is honoured up to `retryAfterCapMs` (60 000). Delays are whole milliseconds, 0 to 2^31-1. Any other value is refused with `INVALID_ARGUMENT`. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number; retryAfterCapMs?: number };
  /** Retry, redirect, rate-limit and tags-page events of every operation. */
  onEvent?: (event: RegistryEvent) => void;
  /** A request yielding neither headers nor body bytes for this long fails as a timeout (retried). Default 60 000; a whole number of milliseconds from 1 to 2^31-1, anything else (0, -1, NaN, a string) is refused with `INVALID_ARGUMENT`. */
  timeoutMs?: number;
  /** Base URL overrides per registry domain (mirrors): `{ "docker.io": "https://mirror.example" }`. */
  endpoints?: Record<string, string>;
  /** Seed of the backoff jitter (default random; a whole number >= 0). */
  seed?: number;
}

export interface OperationOptions {
  signal?: AbortSignal;
  /** Events of this operation (in addition to the client's `onEvent`). */
  onEvent?: (event: RegistryEvent) => void;
}

export interface PingResult {
  status: number;
  /** `Docker-Distribution-API-Version`, e.g. `registry/2.0`. */
  apiVersion: string | null;
  /** How the registry wants to be authenticated; null when it answered 200. */
  auth: { scheme: "bearer" | "basic"; realm?: string; service?: string } | null;
  rateLimit: RateLimit | null;
}

export interface FetchedManifest {
  /** The verified digest of `bytes`. */
  digest: string;
  mediaType: string;
  size: number;
  /** The raw bytes (what the digest is of). */
  bytes: Uint8Array;
  manifest: Manifest;
  rateLimit: RateLimit | null;
}

/** Everything a pull needs to know, verified. */
export interface Resolution {
  reference: ImageReference;
  /** Digest of what the reference names (the index, or the manifest of a single-platform image). */
  digest: string;
  mediaType: string;
  size: number;
  /** The top-level index, when there is one. */
  index: { digest: string; mediaType: string; manifests: Descriptor[] } | null;
  /** The image manifest for the platform. */
  manifest: ImageManifest;
  manifestDigest: string;
  manifestMediaType: string;
  /** Its verified bytes. */
  manifestBytes: Uint8Array;
  /** The index entry's platform, else the config's. */
  platform: Platform | null;
  /** The image config (parsed). */
  config: Record<string, unknown>;
  configDigest: string;
  /** Its verified bytes. */
  configBytes: Uint8Array;
  /** The layers, base first. */
  layers: Descriptor[];
  /** One sentence per step: what was asked, what came back, why this manifest. */
  explanation: string[];
  rateLimit: RateLimit | null;
}

/** Where `blobInto` puts a blob. Each method may return a Promise. */
export interface BlobSink {
  /** Keep the first `start` bytes, drop the rest (0 = start over). `digestOfWritten` (when given) returns the digest of the bytes written so far. */
  reset(start: number, digestOfWritten: (() => string) | null): void | Promise<void>;
  /** More bytes, unverified until `commit`. */
  write(chunk: Uint8Array): void | Promise<void>;
  /** The blob verified (digest and size): make it visible. */
  commit(): void | Promise<void>;
  /** The download failed: discard everything. */
  abort(error: unknown): void | Promise<void>;
}

/** What a blob `HEAD` told. */
export interface BlobHead {
  digest: string;
  /** `Content-Length`. */
  size: number;
  /** `Content-Type`, when sent. */
  mediaType: string | null;
  rateLimit: RateLimit | null;
}

export interface BlobResult {
  digest: string;
  size: number;
  /** Transfers continued with `Range` after a break. */
  resumes: number;
  /** Transfers started over from byte 0. */
  restarts: number;
}

export interface BlobOptions extends OperationOptions {
  onProgress?: (progress: BlobProgress) => void;
  /** The blob's size when known (else a `HEAD` asks the registry). */
  size?: number;
}

export class RegistryClient {
  constructor(options?: RegistryClientOptions);
  /** The last `RateLimit-*` values a registry sent. */
  rateLimit: RateLimit | null;

  /** `GET /v2/`: the API version and the authentication scheme (a 401 is an answer here). */
  ping(registry: string, options?: OperationOptions): Promise<PingResult>;

  /** The manifest or index a reference names (tag or digest), verified against its digest. */
  manifest(image: string, options?: OperationOptions): Promise<FetchedManifest>;

  /**
   * What a node on `platform` (default `linux/amd64`) would pull, the way containerd chooses:
   * HEAD the tag, GET the index, select, GET the manifest, GET the config; every byte verified.
   * @throws PullspecError `NO_MATCHING_PLATFORM` (with `available`), `UNAUTHORIZED`, `DIGEST_MISMATCH`, ...
   */
  resolve(image: string, options?: OperationOptions & { platform?: PlatformLike; mode?: MatchMode }): Promise<Resolution>;

  /** A blob's size (`HEAD`). */
  blobHead(image: string, digest: string, options?: OperationOptions): Promise<BlobHead>;

  /**
   * A blob's bytes. Verified or nothing: they are returned only after the digest and size
   * checked out (a broken transfer is resumed with `Range` or started over, within the retry budget).
   * @throws PullspecError `BLOB_TOO_LARGE` before the blob is requested when its size (given, or
   * from a `HEAD`) is over {@link MAX_MEMORY_BLOB_SIZE}.
   */
  blob(image: string, digest: string | Descriptor, options?: BlobOptions): Promise<Uint8Array>;

  /**
   * A blob as a stream of chunks as they arrive. UNVERIFIED until the stream closes: on a digest
   * or size mismatch the stream errors at the end instead of closing, so treat the data as
   * untrusted until then (or use `blob()`/`pull()`, which are verified-or-nothing). If a broken
   * transfer has to start over, re-sent bytes are checked against those already delivered.
   */
  blobStream(image: string, digest: string | Descriptor, options?: BlobOptions): ReadableStream<Uint8Array>;

  /** A blob into a sink of yours; `commit` only after verification. */
  blobInto(image: string, digest: string | Descriptor, sink: BlobSink | null, options?: BlobOptions): Promise<BlobResult>;

  /** The tags of a repository as the pages arrive (`Link` pagination followed on the same origin). */
  tags(repository: string, options?: OperationOptions & { pageSize?: number; maxPages?: number }): AsyncIterable<string>;
  // pageSize and maxPages: whole numbers >= 1 when given.

  /** Every tag of a repository. */
  tagsList(repository: string, options?: OperationOptions & { pageSize?: number; maxPages?: number }): Promise<string[]>;

  /**
   * `resolve`, then every layer (`concurrency` at a time: a whole number 1-64, default 3), all
   * verified before anything is returned: the promise resolves only with every layer's bytes.
   * Numeric options out of their range are refused with `INVALID_ARGUMENT` (`option` names it).
   * A layer over {@link MAX_MEMORY_BLOB_SIZE} is refused with `BLOB_TOO_LARGE` before any layer
   * is requested (use `pullOciLayout` for such images).
   */
  pull(
    image: string,
    options?: OperationOptions & { platform?: PlatformLike; mode?: MatchMode; onProgress?: (p: PullProgress) => void; concurrency?: number },
  ): Promise<{
    resolution: Resolution;
    config: Record<string, unknown>;
    layers: { digest: string; size: number; mediaType: string; bytes: Uint8Array }[];
  }>;
}

/** Combines per-blob progress into `PullProgress` (used by `pull` and `pullOciLayout`). */
export function progressTracker(
  descriptors: readonly { size: number }[],
  onProgress?: (p: PullProgress) => void,
): ((p: BlobProgress) => void) | undefined;
