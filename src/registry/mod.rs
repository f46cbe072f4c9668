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
pub mod operation;
pub mod ping;
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
pub use operation::{BodyFlow, BodyPlan, Event, Operation, Step};
pub use ping::{ping, PingOp, PingResult};
pub use resolve::{resolve, IndexInfo, Resolution, ResolveOp, MAX_CONFIG_SIZE};
pub use retry::{Jitter, RetryPolicy};
pub use tags::{tags, TagList, TagsOp};
