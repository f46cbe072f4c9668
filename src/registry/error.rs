//! [`RegistryError`]: every way a registry operation ends badly, each with a stable code.
//! How error *responses* become codes is in [`super::error_body`].
//!
//! Codes (stable): from responses `UNAUTHORIZED`, `DENIED`, `NOT_FOUND`, `NAME_UNKNOWN`,
//! `NAME_INVALID`, `MANIFEST_UNKNOWN`, `MANIFEST_INVALID`, `MANIFEST_BLOB_UNKNOWN`,
//! `MANIFEST_UNVERIFIED`, `BLOB_UNKNOWN`, `BLOB_UPLOAD_INVALID`, `BLOB_UPLOAD_UNKNOWN`,
//! `DIGEST_INVALID`, `SIZE_INVALID`, `TAG_INVALID`, `UNSUPPORTED`, `PAGINATION_NUMBER_INVALID`,
//! `RANGE_INVALID`, `UNAVAILABLE`, `UNKNOWN`, `TOOMANYREQUESTS`, `SERVER_ERROR`,
//! `UNEXPECTED_STATUS`; from checks `DIGEST_MISMATCH`, `SIZE_MISMATCH`, `MANIFEST_TOO_LARGE`,
//! `CONFIG_TOO_LARGE`, `BLOB_TOO_LARGE`, `RESPONSE_TOO_LARGE`, `CONFIG_INVALID`,
//! `INVALID_RESPONSE`, `CHALLENGE_INVALID`, `INVALID_REFERENCE`, `NO_MATCHING_PLATFORM`, every
//! [`ManifestError`] code (`SCHEMA1_UNSUPPORTED`, `MANIFEST_INVALID_JSON`, ...); from the
//! transport `NETWORK`, `CORS_LIKELY`, `ABORTED`; from policy `REDIRECT_LOOP`,
//! `INSECURE_CREDENTIALS_REFUSED`, `FOREIGN_PAGINATION`, `PAGINATION_LOOP`; and
//! `INVALID_STATE` when a driver breaks the protocol.
//!
//! Messages never contain credentials, tokens, or URL queries (signed URLs carry secrets there);
//! a transport's own message only as [`super::http::safe_transport_message`] leaves it (a
//! transport may quote the `Authorization` header it refused). A token that is not an RFC 6750
//! `b64token` is `INVALID_RESPONSE` naming the kind of character, never the token.

use super::error_body::{status_error, truncate};
use super::http::{Purpose, Response, TransportError, TransportErrorKind};
use super::url::Url;
use crate::digest::Digest;
use crate::error::Coded;
use crate::manifest::ManifestError;
use crate::select::SelectError;
use std::fmt;

/// An error status from the registry or its token server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusError {
    /// The stable code (table in [`super::error_body`]).
    pub code: &'static str,
    pub status: u16,
    /// The registry's message, or a description of the status.
    pub message: String,
    /// The registry's `code` when it sent one (also an unrecognized one).
    pub registry_code: Option<String>,
    /// `detail` of the first error, compact JSON.
    pub detail: Option<String>,
    /// What the request was for.
    pub purpose: Purpose,
    /// The URL, without query.
    pub url: String,
    /// Extra context (credentials tried, attempts made).
    pub context: Option<String>,
}

/// Why a registry operation failed. See the module doc for the HTTP-derived codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// An error status from the registry or its token server (boxed: it is the big one).
    Status(Box<StatusError>),
    /// `DIGEST_MISMATCH`: content does not hash to the digest it was asked for by / announced.
    DigestMismatch {
        expected: Digest,
        actual: Digest,
        /// What was checked (`manifest`, `blob`, `Docker-Content-Digest`).
        what: String,
    },
    /// `SIZE_MISMATCH`: content length differs from the descriptor's size.
    SizeMismatch {
        /// The descriptor's size.
        expected: u64,
        /// What arrived; `None` = more than expected.
        actual: Option<u64>,
        /// The content's digest.
        digest: Digest,
    },
    /// `MANIFEST_TOO_LARGE`, `CONFIG_TOO_LARGE`, `BLOB_TOO_LARGE`, `RESPONSE_TOO_LARGE`: over the limit.
    TooLarge {
        code: &'static str,
        /// The limit in bytes.
        limit: u64,
        /// The announced or descriptor size, when known.
        size: Option<u64>,
    },
    /// A manifest that does not parse or validate (code of the [`ManifestError`]).
    Manifest(ManifestError),
    /// `NO_MATCHING_PLATFORM`
    NoMatchingPlatform(SelectError),
    /// `CONFIG_INVALID`: the image config is not a JSON object.
    ConfigInvalid { reason: String },
    /// `INVALID_RESPONSE`: the server answered something the protocol does not allow.
    InvalidResponse {
        reason: String,
        /// The URL, without query.
        url: String,
    },
    /// `CHALLENGE_INVALID`: an unusable `WWW-Authenticate` header.
    ChallengeInvalid { reason: String },
    /// `INVALID_REFERENCE`: the reference cannot be pulled (no domain, no repository).
    InvalidReference { reason: String },
    /// `NETWORK`: transport failures, after retries.
    Network {
        /// The driver's description of the last failure.
        message: String,
        /// The URL, without query.
        url: String,
        attempts: u32,
    },
    /// `CORS_LIKELY`: a browser refused to show the response.
    CorsLikely {
        /// The URL, without query.
        url: String,
    },
    /// `ABORTED`: the caller aborted.
    Aborted,
    /// `REDIRECT_LOOP`: a redirect chain revisited a URL or exceeded the bound.
    RedirectLoop {
        /// Where it was going, without query.
        url: String,
        hops: usize,
    },
    /// `INSECURE_CREDENTIALS_REFUSED`: credentials would go over plain http to a host that is
    /// neither loopback nor marked insecure.
    InsecureCredentialsRefused { host: String },
    /// `FOREIGN_PAGINATION`: a `Link: rel="next"` pointing to another origin.
    ForeignPagination {
        /// The registry's origin.
        expected: String,
        /// Where the link points, without query.
        found: String,
    },
    /// `PAGINATION_LOOP`: a `next` link revisited a page or the page bound was hit.
    PaginationLoop { pages: u32 },
    /// `INVALID_STATE`: the driver broke the protocol (e.g. a response with none outstanding).
    InvalidState { reason: String },
}

impl RegistryError {
    /// The error a final non-2xx response means (see [`super::error_body`]).
    pub fn from_response(resp: &Response, purpose: Purpose, url: &Url) -> RegistryError {
        status_error(resp, purpose, url)
    }

    /// `INVALID_STATE` with `reason` (one out-of-line constructor for every driver-protocol
    /// check, rather than a string allocation inlined at each).
    #[cold]
    #[inline(never)]
    pub fn state(reason: &str) -> RegistryError {
        RegistryError::InvalidState {
            reason: reason.to_string(),
        }
    }

    /// This error with a sentence of context appended (no-op for non-status errors).
    pub fn with_context(mut self, text: String) -> RegistryError {
        if let RegistryError::Status(e) = &mut self {
            e.context = Some(text);
        }
        self
    }

    /// The error for a transport failure.
    pub fn from_transport(err: &TransportError, url: &Url, attempts: u32) -> RegistryError {
        match err.kind {
            TransportErrorKind::Aborted => RegistryError::Aborted,
            TransportErrorKind::CorsLikely => RegistryError::CorsLikely {
                url: url.redacted(),
            },
            TransportErrorKind::Network | TransportErrorKind::Timeout => RegistryError::Network {
                message: truncate(&err.safe_message(), 300),
                url: url.redacted(),
                attempts,
            },
        }
    }
}

/// What a registry must send for a browser to read its answers (for `CORS_LIKELY`).
pub const CORS_ADVICE: &str =
    "the registry and its token realm must answer OPTIONS preflights and send \
Access-Control-Allow-Origin, Access-Control-Allow-Headers: Authorization, Accept, Range, \
Content-Type, and Access-Control-Expose-Headers: Docker-Content-Digest, WWW-Authenticate, \
Content-Length, Content-Range, Content-Type, Location, Link, RateLimit-Limit, RateLimit-Remaining";

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RegistryError as E;
        match self {
            E::Status(e) => {
                write!(
                    f,
                    "{} request to {} failed with HTTP {}: {}",
                    e.purpose.as_str(),
                    e.url,
                    e.status,
                    e.message
                )?;
                if let Some(c) = &e.registry_code {
                    write!(f, " [{c}]")?;
                }
                if let Some(c) = &e.context {
                    write!(f, "; {c}")?;
                }
                Ok(())
            }
            E::DigestMismatch { expected, actual, what } => {
                write!(f, "{what} digest mismatch: expected {expected}, got {actual}")
            }
            E::SizeMismatch { expected, actual: Some(a), digest } => {
                write!(f, "size mismatch for {digest}: expected {expected} bytes, got {a}")
            }
            E::SizeMismatch { expected, actual: None, digest } => {
                write!(f, "size mismatch for {digest}: expected {expected} bytes, got more")
            }
            E::TooLarge { code, limit, size } => {
                let what = match *code {
                    "MANIFEST_TOO_LARGE" => "manifest",
                    "CONFIG_TOO_LARGE" => "image config",
                    "BLOB_TOO_LARGE" => "blob",
                    _ => "response",
                };
                match size {
                    Some(s) => write!(f, "{what} of {s} bytes is over the {limit}-byte limit"),
                    None => write!(f, "{what} is over the {limit}-byte limit"),
                }
            }
            E::Manifest(e) => write!(f, "{e}"),
            E::NoMatchingPlatform(e) => write!(f, "{e}"),
            E::ConfigInvalid { reason } => write!(f, "image config is not a JSON object: {reason}"),
            E::InvalidResponse { reason, url } => write!(f, "invalid response from {url}: {reason}"),
            E::ChallengeInvalid { reason } => write!(f, "unusable WWW-Authenticate challenge: {reason}"),
            E::InvalidReference { reason } => write!(f, "cannot pull this reference: {reason}"),
            E::Network { message, url, attempts } => {
                write!(f, "network error talking to {url} ({attempts} attempt(s)): {message}")
            }
            E::CorsLikely { url } => write!(
                f,
                "the browser blocked the response from {url}; this is most likely CORS: {CORS_ADVICE}"
            ),
            E::Aborted => write!(f, "aborted"),
            E::RedirectLoop { url, hops } => {
                write!(f, "redirect loop: gave up after {hops} redirect(s), at {url}")
            }
            E::InsecureCredentialsRefused { host } => write!(
                f,
                "refusing to send credentials over plain http to {host}: only loopback hosts and hosts marked insecure may get them without TLS"
            ),
            E::ForeignPagination { expected, found } => write!(
                f,
                "the next page link points to {found}, outside {expected}; refusing to follow"
            ),
            E::PaginationLoop { pages } => {
                write!(f, "pagination did not end after {pages} page(s) (a next link repeats or the page limit was hit)")
            }
            E::InvalidState { reason } => write!(f, "driver protocol error: {reason}"),
        }
    }
}

impl std::error::Error for RegistryError {}

impl Coded for RegistryError {
    fn code(&self) -> &'static str {
        use RegistryError as E;
        match self {
            E::Status(e) => e.code,
            E::TooLarge { code, .. } => code,
            E::DigestMismatch { .. } => "DIGEST_MISMATCH",
            E::SizeMismatch { .. } => "SIZE_MISMATCH",
            E::Manifest(e) => e.code(),
            E::NoMatchingPlatform(e) => e.code(),
            E::ConfigInvalid { .. } => "CONFIG_INVALID",
            E::InvalidResponse { .. } => "INVALID_RESPONSE",
            E::ChallengeInvalid { .. } => "CHALLENGE_INVALID",
            E::InvalidReference { .. } => "INVALID_REFERENCE",
            E::Network { .. } => "NETWORK",
            E::CorsLikely { .. } => "CORS_LIKELY",
            E::Aborted => "ABORTED",
            E::RedirectLoop { .. } => "REDIRECT_LOOP",
            E::InsecureCredentialsRefused { .. } => "INSECURE_CREDENTIALS_REFUSED",
            E::ForeignPagination { .. } => "FOREIGN_PAGINATION",
            E::PaginationLoop { .. } => "PAGINATION_LOOP",
            E::InvalidState { .. } => "INVALID_STATE",
        }
    }

    fn path(&self) -> Option<String> {
        match self {
            RegistryError::Manifest(e) => e.path(),
            _ => None,
        }
    }

    fn offset(&self) -> Option<usize> {
        match self {
            RegistryError::Manifest(e) => e.offset(),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        use RegistryError as E;
        match self {
            E::Status(e) => {
                let mut f = vec![
                    ("status", e.status.to_string()),
                    ("purpose", e.purpose.as_str().to_string()),
                    ("url", e.url.clone()),
                ];
                if let Some(c) = &e.registry_code {
                    f.push(("registryCode", c.clone()));
                }
                if let Some(d) = &e.detail {
                    f.push(("detail", d.clone()));
                }
                f
            }
            E::DigestMismatch {
                expected, actual, ..
            } => {
                vec![
                    ("expected", expected.to_string()),
                    ("actual", actual.to_string()),
                ]
            }
            E::SizeMismatch {
                expected,
                actual,
                digest,
            } => vec![
                ("expected", expected.to_string()),
                (
                    "actual",
                    actual.map_or("more".to_string(), |a| a.to_string()),
                ),
                ("digest", digest.to_string()),
            ],
            E::TooLarge { limit, size, .. } => {
                let mut f = vec![("limit", limit.to_string())];
                if let Some(s) = size {
                    f.push(("size", s.to_string()));
                }
                f
            }
            E::Manifest(e) => e.fields(),
            E::NoMatchingPlatform(e) => e.fields(),
            E::Network { url, attempts, .. } => {
                vec![("url", url.clone()), ("attempts", attempts.to_string())]
            }
            E::CorsLikely { url }
            | E::InvalidResponse { url, .. }
            | E::RedirectLoop { url, .. } => {
                vec![("url", url.clone())]
            }
            E::InsecureCredentialsRefused { host } => vec![("host", host.clone())],
            E::ForeignPagination { expected, found } => {
                vec![("expected", expected.clone()), ("found", found.clone())]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://r.io/v2/x/manifests/latest?sig=SECRET").unwrap()
    }

    #[test]
    fn transport_errors_map_by_kind() {
        let u = url();
        let cases = [
            (TransportErrorKind::Network, "NETWORK"),
            (TransportErrorKind::Timeout, "NETWORK"),
            (TransportErrorKind::Aborted, "ABORTED"),
            (TransportErrorKind::CorsLikely, "CORS_LIKELY"),
        ];
        for (kind, want) in cases {
            let e = RegistryError::from_transport(&TransportError::new(kind, "boom"), &u, 2);
            assert_eq!(e.code(), want);
            assert!(!e.to_string().contains("SECRET"));
        }
        let cors = RegistryError::from_transport(
            &TransportError::new(TransportErrorKind::CorsLikely, "TypeError"),
            &u,
            1,
        );
        assert!(
            cors.to_string().contains("Access-Control-Expose-Headers"),
            "{cors}"
        );
    }
}
