//! The OCI distribution protocol as sans-IO state machines: operations say what to send and
//! are handed what came back. No I/O, no clock, no randomness inside — the driver moves bytes,
//! passes `now_ms`, and the [`Client`] holds a seeded jitter source.
//!
//! # Operations
//! | constructor | output | requests |
//! | --- | --- | --- |
//! | [`ping()`] | [`PingResult`] | `GET /v2/` (learns the auth scheme; no auth dance) |
//! | [`manifest()`] | [`FetchedManifest`] | `GET /v2/<name>/manifests/<tag or digest>`, verified |
//! | [`head_manifest()`] | [`ManifestHead`] | `HEAD` the same (GET fallback when no digest header) |
//! | [`resolve()`] | [`Resolution`] | HEAD tag, GET by digest, select platform, GET manifest, GET config |
//! | [`head_blob()`] | [`BlobHead`] | `HEAD /v2/<name>/blobs/<digest>` (size before download) |
//! | [`blob()`] | [`BlobResult`] | `GET /v2/<name>/blobs/<digest>` streamed, verified, resumable |
//! | [`blob_bytes()`] | `Vec<u8>` | the same read whole (small blobs: configs), verified |
//! | [`tags()`] | [`TagList`] | `GET /v2/<name>/tags/list?n=` following `Link: rel="next"` |
//!
//! Each is an [`Operation`]. Token requests, retries, redirects and credential rotation happen
//! inside; the driver only ever sees [`Step`]s.
//!
//! # The driver loop (what a transport must do)
//! ```text
//! pending = None                               // body of the last 2xx stream response, unread
//! loop:
//!   step = op.next(client, now_ms)
//!   if step is Send, Wait or Done and pending: cancel pending; pending = None
//!     (Event steps may come between a stream's on_response and its ReadBody: keep it)
//!   match step:
//!     Send(req):
//!       send req.method req.url, req.headers in order, req.body; do NOT follow redirects
//!       on failure before a status: op.on_transport_error(client, TransportError{kind, message}, now)
//!         kind: Aborted (caller's signal), CorsLikely (browser fetch TypeError, cross-origin),
//!               Timeout, Network (anything else)
//!       else: limit = req.expect.read_limit(status)
//!         None (stream, 2xx): pending = the body; op.on_response(client, {status, headers, body: []}, now)
//!         Some(n): read up to n bytes; more => stop, body_overflow = true; op.on_response(...)
//!     ReadBody(plan):                          // only right after a stream's on_response
//!       truncate the sink to plan.start bytes (0 = restart; reset your hasher if you hash)
//!       for each chunk of pending: write to the (uncommitted) sink; flow = op.on_body_chunk(chunk)
//!         (or, hashing yourself: flow = op.on_body_bytes(chunk.len))
//!         flow Abort => cancel, break; Continue(progress) => report progress
//!       end of body => op.on_body_done(client, your_digest_or_None, now)
//!       stream error => op.on_body_error(client, TransportError, now)
//!     Wait{ms, reason}: sleep ms (abortable)
//!     Event(e): hand to the caller (progress, rate limit, retry, redirect, tags page)
//!     Done(result): commit the sink only if Ok; return result
//! ```
//! A driver that hashes blobs itself (Node's `crypto` beats wasm sha2) keeps one hasher per
//! blob across resumed responses, resets it when `plan.start == 0`, and passes its digest of
//! the whole blob to `on_body_done`; the operation compares. Either way nothing is `Done(Ok)`
//! before its digest checks out.
//!
//! Error codes: see [`error`] ([`RegistryError`]); every code is stable.

pub mod blob;
pub mod blob_head;
pub mod client;
pub mod error;
pub mod error_body;
pub mod exchange;
pub mod http;
pub mod manifest_fetch;
pub mod resolve;
pub mod retry;
pub mod tags;
pub mod token;
pub mod url;

pub use blob::{blob, blob_bytes, BlobBytesOp, BlobOp, BlobResult};
pub use blob_head::{head_blob, BlobHead, BlobHeadOp};
pub use client::{identity_token_credential, Client, Config, LearnedAuth};
pub use error::RegistryError;
pub use http::{
    Expect, Method, Purpose, RateLimit, Request, Response, TransportError, TransportErrorKind,
};
pub use manifest_fetch::{
    head_manifest, manifest, FetchedManifest, HeadOp, ManifestHead, ManifestOp, ACCEPT_MANIFESTS,
};
pub use resolve::{resolve, IndexInfo, Resolution, ResolveOp, MAX_CONFIG_SIZE};
pub use retry::{Jitter, RetryPolicy};
pub use tags::{ping, tags, PingOp, PingResult, TagList, TagsOp};

use crate::digest::Digest;

/// What the driver does next.
#[derive(Debug)]
pub enum Step<T> {
    /// Send this request, then call `on_response` or `on_transport_error`.
    Send(Request),
    /// Read the pending streamed body: feed it with `on_body_chunk`/`on_body_bytes`, end
    /// with `on_body_done` or `on_body_error`.
    ReadBody(BodyPlan),
    /// Sleep, then call `next` again.
    Wait {
        /// How long.
        ms: u64,
        /// Why (for logs).
        reason: String,
    },
    /// Report this to the caller, then call `next` again.
    Event(Event),
    /// The operation is over; do not call it again.
    Done(Result<T, RegistryError>),
}

impl<T> Step<T> {
    /// Every step but `Done` re-typed for an enclosing operation; `Done`'s result as `Err`.
    pub fn pending<U>(self) -> Result<Step<U>, Result<T, RegistryError>> {
        match self {
            Step::Send(r) => Ok(Step::Send(r)),
            Step::ReadBody(p) => Ok(Step::ReadBody(p)),
            Step::Wait { ms, reason } => Ok(Step::Wait { ms, reason }),
            Step::Event(e) => Ok(Step::Event(e)),
            Step::Done(r) => Err(r),
        }
    }
}

/// Where the pending body goes in the blob.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BodyPlan {
    /// The blob's digest.
    pub digest: Digest,
    /// Offset in the blob of the body's first byte: keep that many bytes of the sink, drop the
    /// rest (0 = start over).
    pub start: u64,
    /// The blob's size.
    pub total: u64,
}

/// What to do after a body chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyFlow {
    /// Keep reading; here is the progress so far.
    Continue(Event),
    /// Stop reading (cancel the body) and call `next`: the operation has decided.
    Abort,
}

/// Something for the caller to know; never needs an answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    /// Blob bytes received so far (from byte 0 of the blob).
    Progress {
        /// The blob.
        digest: Digest,
        /// Bytes held.
        bytes: u64,
        /// Its size.
        total: u64,
    },
    /// The registry's rate limit headers.
    RateLimit(RateLimit),
    /// A request failed and will be tried again after `wait_ms`.
    Retry {
        /// Retry number (1 = the first retry).
        attempt: u32,
        /// The wait.
        #[serde(rename = "waitMs")]
        wait_ms: u64,
        /// Why.
        reason: String,
    },
    /// A redirect is being followed.
    Redirect {
        /// Host it came from.
        #[serde(rename = "fromHost")]
        from_host: String,
        /// Host it goes to.
        #[serde(rename = "toHost")]
        to_host: String,
        /// Whether credentials were left behind (other origin).
        #[serde(rename = "authorizationDropped")]
        authorization_dropped: bool,
    },
    /// One page of a tag listing.
    TagsPage {
        /// 1-based page number.
        page: u32,
        /// Its tags.
        tags: Vec<String>,
    },
}

/// A sans-IO operation. See the module doc for the driver loop.
pub trait Operation {
    /// What it produces.
    type Output;

    /// The next thing to do.
    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<Self::Output>;

    /// The response to the last `Send` (body read per its `Expect`).
    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64);

    /// The last `Send` got no response.
    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64);

    /// A chunk of the pending body, for the operation to hash.
    fn on_body_chunk(&mut self, _chunk: &[u8]) -> BodyFlow {
        BodyFlow::Abort
    }

    /// `len` more bytes of the pending body, hashed by the driver.
    fn on_body_bytes(&mut self, _len: u64) -> BodyFlow {
        BodyFlow::Abort
    }

    /// The pending body ended cleanly; `digest` is the driver's hash of the whole blob if it
    /// hashed (`None` if it fed chunks).
    fn on_body_done(&mut self, _client: &mut Client, _digest: Option<Digest>, _now_ms: u64) {}

    /// The pending body broke off.
    fn on_body_error(&mut self, _client: &mut Client, _error: TransportError, _now_ms: u64) {}
}

/// A copy of what [`registry_and_repo`] gave (an operation may start more than once). Written
/// out rather than `Result::clone`, which would instantiate `Clone` for every error variant.
pub(crate) fn clone_repo(
    r: &Result<(String, String), RegistryError>,
) -> Result<(String, String), RegistryError> {
    match r {
        Ok((registry, repo)) => Ok((registry.clone(), repo.clone())),
        Err(RegistryError::InvalidReference { reason }) => Err(RegistryError::InvalidReference {
            reason: reason.clone(),
        }),
        // registry_and_repo fails only with INVALID_REFERENCE.
        Err(_) => Err(RegistryError::state("operation without a repository")),
    }
}

/// The registry domain and repository of a reference, or `INVALID_REFERENCE`.
pub(crate) fn registry_and_repo(
    reference: &crate::reference::Reference,
) -> Result<(String, String), RegistryError> {
    if reference.domain().is_empty() {
        return Err(RegistryError::InvalidReference {
            reason: format!(
                "{reference} has no registry domain (parse it with Reference::parse_normalized)"
            ),
        });
    }
    if reference.path().is_empty() {
        return Err(RegistryError::InvalidReference {
            reason: format!("{reference} has no repository path"),
        });
    }
    Ok((reference.domain().to_string(), reference.path().to_string()))
}

/// The result a finished operation holds, handed out once; a later `next()` is a driver error.
pub(crate) fn take_done<T>(r: &mut Option<Result<T, RegistryError>>) -> Result<T, RegistryError> {
    r.take()
        .unwrap_or_else(|| Err(RegistryError::state("next() called after Done")))
}
