// Types of image references (references.js).
import type { PullspecError, ReferenceErrorCode } from "./errors.js";

/** A parsed, normalized image reference (Kubernetes semantics). */
export interface ImageReference {
  /** `docker.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  /** `library/nginx`. */
  repository: string;
  /** As written; never defaulted. */
  tag: string | null;
  /** `sha256:...`. */
  digest: string | null;
  /** `registry/repository`: what the kubelet looks credentials up by. */
  name: string;
  /** `name[:tag][@digest]`. */
  normalized: string;
  /** Shortest equivalent form: `nginx`, `user/app:1.0`, `localhost:5000/app`. */
  familiar: string;
  /** `normalized`, plus `:latest` when there is neither tag nor digest. */
  withDefaultTag: string;
}

/** A reference parsed without normalization (distribution's `Parse`). */
export interface RawReference {
  /** The domain when the grammar finds one, else null (no Docker Hub defaulting). */
  domain: string | null;
  path: string;
  tag: string | null;
  digest: string | null;
  name: string;
  string: string;
}

/**
 * Parses an image reference as Kubernetes does (distribution/reference `ParseNormalizedNamed`):
 * `nginx` is `docker.io/library/nginx`; the tag is not defaulted.
 * @throws PullspecError with a {@link ReferenceErrorCode} and `offset`.
 * @example parseReference("nginx:1.25").normalized === "docker.io/library/nginx:1.25"
 */
export function parseReference(input: string): ImageReference;

/**
 * {@link parseReference} that returns the error of an invalid reference instead of throwing it
 * (without a stack trace, which costs several times the parse): for editors validating as
 * people type, and loops over many inputs. Same results as `parseReference` on every input.
 * @throws PullspecError `INVALID_ARGUMENT` only when `input` is not a string.
 * @example
 * const r = tryParseReference(text);
 * if (r instanceof PullspecError) underline(r.offset, r.code); else show(r.normalized);
 */
export function tryParseReference(input: string): ImageReference | PullspecError;

/**
 * Parses many references in one call (faster than a loop). An invalid input yields its
 * PullspecError in place, not thrown; those errors carry no stack trace (they are values, and
 * capturing one costs more than parsing).
 */
export function parseReferences(inputs: readonly string[]): (ImageReference | PullspecError)[];

/** Accepts only fully qualified canonical references (`docker.io/library/nginx:1.25`); else `NAME_NOT_CANONICAL`. */
export function parseCanonicalReference(input: string): ImageReference;

/** Parses without normalization: no `docker.io`, no `library/`; a domain only where the grammar sees one. */
export function parseRawReference(input: string): RawReference;

/** `registry.k8s.io/pause` + `amd64` -> `registry.k8s.io/pause-amd64` (tag and digest kept; familiar form). */
export function withArchSuffix(image: string, arch: string): string;

/** `registry.k8s.io/pause-amd64` -> `{ image: "registry.k8s.io/pause", arch: "amd64" }`; null without a known `-$(ARCH)` suffix. */
export function splitArchSuffix(image: string): { image: string; arch: string } | null;

/** The kubelet's `applyDefaultImageTag`: the image as written, plus `:latest` when it has neither tag nor digest. */
export function kubeletImageWithDefaultTag(image: string): string;

