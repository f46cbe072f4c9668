// The error class of pullspec and its codes. Every function throws PullspecError (never a bare
// Error) on bad input; `code` is stable and safe to switch on.

/** The error class of every failure: a stable `code`, a message for people, and where it applies. */
export class PullspecError extends Error {
  readonly name: "PullspecError";
  /** Stable machine-readable code, e.g. `INVALID_REFERENCE_FORMAT`, `DIGEST_MISMATCH`. */
  readonly code: PullspecErrorCode | (string & {});
  /** Index into the string that was parsed (UTF-16 code units, like every JS string index). */
  readonly offset?: number;
  /** JSON path of the offending value in a document, e.g. `manifests[2].platform.architecture`. */
  readonly path?: string;
  /** With `INVALID_ARGUMENT`: the option that was refused, e.g. `options.concurrency`. */
  readonly option?: string;
  /** Extra fields of some codes (`expected`/`actual` of `DIGEST_MISMATCH`, ...). */
  readonly [field: string]: unknown;
  constructor(message: string, fields: { code: string; offset?: number; path?: string; [k: string]: unknown });
}

/** The codes of the reference parser. */
export type ReferenceErrorCode =
  | "NAME_EMPTY"
  | "INVALID_REFERENCE_FORMAT"
  | "NAME_CONTAINS_UPPERCASE"
  | "NAME_TOO_LONG"
  | "NAME_NOT_CANONICAL"
  | "DIGEST_INVALID_FORMAT"
  | "DIGEST_INVALID_LENGTH"
  | "DIGEST_UNSUPPORTED"
  | "AMBIGUOUS_IMAGE_ID";

/** The codes of the pull-policy functions. */
export type PolicyErrorCode =
  | "POLICY_INVALID"
  | "POD_SPEC_NOT_FOUND"
  | "POD_SPEC_INVALID"
  | "ALLOWLIST_PATTERN_INVALID";

/** Every code pullspec throws. */
export type PullspecErrorCode =
  | ReferenceErrorCode
  | PolicyErrorCode
  | import("./multiarch.js").MultiarchErrorCode
  | import("./auth.js").AuthErrorCode
  | import("./registry.js").RegistryErrorCode
  /** An argument or option is not what the function documents (never silently defaulted). */
  | "RULE_UNKNOWN"
  | "SEVERITY_INVALID"
  | "INVALID_ARGUMENT"
  /** A guarantee pullspec checks on itself did not hold (a bug: please report it). */
  | "INTERNAL"
  | "INVALID_JSON"
  | "INVALID_STATE";

