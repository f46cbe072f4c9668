//! Blobs: streamed ([`BlobOp`]: layers, resumable, verified incrementally) or read whole
//! ([`BlobBytesOp`]: configs and other small blobs).
//!
//! A streamed blob is verified as it arrives — by the operation ([`Operation::on_body_chunk`],
//! sha2 in the core) or by the driver ([`Operation::on_body_bytes`] to count, the driver's
//! digest in `on_body_done`) — and is `Done(Ok)` only when size and digest both match.
//! When a transfer breaks, the next request asks for `Range: bytes=<received>-` if the server
//! showed it serves ranges (`Accept-Ranges: bytes` or an earlier 206), else starts over; a
//! 200 to a ranged request (the server ignored `Range`) or an unusable `Content-Range` also
//! starts over. Broken transfers are bounded by the retry policy's `attempts`.

use super::client::Client;
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{
    parse_content_range, Expect, Method, Purpose, Response, TransportError, TransportErrorKind,
};
use super::operation::{
    self, exchange_operation, not_outstanding, repository, take_done, Answer, Exchanges, Next,
    Repository,
};
use super::url::Url;
use super::{BodyFlow, BodyPlan, Event, Operation, Step};
use crate::digest::{Digest, Hasher};
use crate::manifest::Descriptor;
use crate::reference::Reference;
use std::collections::VecDeque;

/// A verified blob transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobResult {
    /// The digest (verified).
    pub digest: Digest,
    /// Size in bytes (verified).
    pub size: u64,
    /// Transfers continued with a range request.
    pub resumes: u32,
    /// Transfers started over from byte 0 after the first.
    pub restarts: u32,
}

/// The lifecycle of [`operation::State`] with what streaming adds: the byte a request asked to
/// start at (`Running`), and the body being read by the driver (`Streaming`). A broken transfer
/// goes back to `Start`.
#[derive(Debug)]
enum State {
    Start,
    Running(Box<Exchange>, u64),
    Streaming,
    Done(Option<Result<BlobResult, RegistryError>>),
}

/// The operation's own hasher (`Debug` without the state).
#[derive(Clone)]
struct OwnHasher(Hasher);

impl std::fmt::Debug for OwnHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hasher")
    }
}

/// A streamed, verified, resumable blob download. Build with [`blob()`].
#[derive(Debug)]
pub struct BlobOp {
    repository: Result<Repository, RegistryError>,
    digest: Digest,
    size: u64,
    state: State,
    received: u64,
    hasher: Option<OwnHasher>,
    ranges_ok: bool,
    broken: u32,
    resumes: u32,
    restarts: u32,
    url: Option<Url>,
    wait: Option<(u64, String)>,
    events: VecDeque<Event>,
}

/// Downloads the blob a descriptor names from the reference's repository.
pub fn blob(reference: &Reference, descriptor: &Descriptor) -> BlobOp {
    BlobOp::new(
        Repository::of(reference),
        descriptor.digest.clone(),
        descriptor.size,
    )
}

enum Plan {
    Read(u64),
    Restart,
}

impl BlobOp {
    fn new(repository: Result<Repository, RegistryError>, digest: Digest, size: u64) -> BlobOp {
        BlobOp {
            repository,
            hasher: Some(OwnHasher(Hasher::new(digest.algorithm()))),
            digest,
            size,
            state: State::Start,
            received: 0,
            ranges_ok: false,
            broken: 0,
            resumes: 0,
            restarts: 0,
            url: None,
            wait: None,
            events: VecDeque::new(),
        }
    }

    fn fail(&mut self, e: RegistryError) {
        self.state = State::Done(Some(Err(e)));
    }

    fn start(&self, client: &Client) -> Result<Exchange, RegistryError> {
        let repo = repository(&self.repository)?;
        let url = repo.url(client, &format!("blobs/{}", self.digest))?;
        let mut headers = Vec::new();
        if self.received > 0 {
            headers.push(("Range".to_string(), format!("bytes={}-", self.received)));
        }
        Ok(Exchange::new(
            &repo.registry,
            &repo.name,
            url,
            Method::Get,
            Purpose::Blob,
            Expect::Stream {
                digest: self.digest.clone(),
                size: self.size,
                resume_from: self.received,
            },
            headers,
        ))
    }

    fn plan(&mut self, resp: &Response, asked: u64, url: &Url) -> Result<Plan, RegistryError> {
        match resp.status {
            200 => {
                if let Some(cl) = resp.content_length().filter(|cl| *cl != self.size) {
                    return Err(RegistryError::SizeMismatch { expected: self.size, actual: Some(cl), digest: self.digest.clone() });
                }
                self.ranges_ok = resp
                    .header("accept-ranges")
                    .is_some_and(|v| v.split(',').any(|u| u.trim().eq_ignore_ascii_case("bytes")));
                if asked > 0 {
                    self.restarts += 1;
                }
                Ok(Plan::Read(0))
            }
            206 => match resp.header("content-range").and_then(parse_content_range) {
                Some((first, last, total))
                    if first == asked && last < self.size && total.is_none_or(|t| t == self.size) =>
                {
                    self.ranges_ok = true;
                    if asked > 0 {
                        self.resumes += 1;
                    }
                    Ok(Plan::Read(first))
                }
                _ if asked > 0 => Ok(Plan::Restart),
                _ => Err(RegistryError::InvalidResponse {
                    reason: "206 Partial Content without a usable Content-Range for a request without Range".to_string(),
                    url: url.redacted(),
                }),
            },
            416 if asked > 0 => Ok(Plan::Restart),
            _ => Err(RegistryError::from_response(resp, Purpose::Blob, url)),
        }
    }

    fn restart_from_zero(&mut self) {
        self.received = 0;
        self.hasher = Some(OwnHasher(Hasher::new(self.digest.algorithm())));
    }

    fn count(&mut self, len: u64) -> BodyFlow {
        if !matches!(self.state, State::Streaming) {
            return BodyFlow::Abort;
        }
        self.received = self.received.saturating_add(len);
        if self.received > self.size {
            let e = RegistryError::SizeMismatch {
                expected: self.size,
                actual: None,
                digest: self.digest.clone(),
            };
            self.fail(e);
            return BodyFlow::Abort;
        }
        BodyFlow::Continue(Event::Progress {
            digest: self.digest.clone(),
            bytes: self.received,
            total: self.size,
        })
    }

    fn transfer_broke(&mut self, client: &mut Client, message: String) {
        self.broken += 1;
        let attempts = client.config().retry.attempts;
        let url = self.url.as_ref().map_or(String::new(), Url::redacted);
        if self.broken >= attempts {
            return self.fail(RegistryError::Network {
                message,
                url,
                attempts: self.broken,
            });
        }
        let wait_ms = client.backoff_ms(self.broken);
        let resume = self.ranges_ok && self.received > 0;
        let reason = format!(
            "transfer of {} broke at byte {} of {} ({message}); {}",
            self.digest,
            self.received,
            self.size,
            if resume { "resuming" } else { "starting over" }
        );
        if !resume {
            if self.received > 0 {
                self.restarts += 1;
            }
            self.restart_from_zero();
        }
        self.events.push_back(Event::Retry {
            attempt: self.broken,
            wait_ms,
            reason: reason.clone(),
        });
        self.wait = Some((wait_ms, reason));
        self.state = State::Start;
    }
}

impl Operation for BlobOp {
    type Output = BlobResult;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<BlobResult> {
        loop {
            if let Some(e) = self.events.pop_front() {
                return Step::Event(e);
            }
            if let Some((ms, reason)) = self.wait.take() {
                return Step::Wait { ms, reason };
            }
            match &mut self.state {
                State::Start => match self.start(client) {
                    Ok(x) => self.state = State::Running(Box::new(x), self.received),
                    Err(e) => self.fail(e),
                },
                State::Running(x, asked) => {
                    let asked = *asked;
                    match x.next(client, now_ms).pending() {
                        Ok(step) => return step,
                        Err(Err(e)) => self.fail(e),
                        Err(Ok(resp)) => {
                            let url = x.final_url().clone();
                            self.url = Some(url.clone());
                            match self.plan(&resp, asked, &url) {
                                Ok(Plan::Read(start)) => {
                                    if start == 0 {
                                        self.restart_from_zero();
                                    }
                                    self.received = start;
                                    self.state = State::Streaming;
                                    return Step::ReadBody(BodyPlan {
                                        digest: self.digest.clone(),
                                        start,
                                        total: self.size,
                                    });
                                }
                                Ok(Plan::Restart) => {
                                    // The server would not continue where we were: start over
                                    // (the next request has no Range, so this cannot repeat).
                                    self.restarts += 1;
                                    self.restart_from_zero();
                                    self.state = State::Start;
                                }
                                Err(e) => self.fail(e),
                            }
                        }
                    }
                }
                State::Streaming => self.fail(RegistryError::state(
                    "next() called while the body is being read",
                )),
                State::Done(r) => return Step::Done(take_done(r)),
            }
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        match &mut self.state {
            State::Running(x, _) => x.on_response(client, response, now_ms),
            _ => self.fail(not_outstanding("a response")),
        }
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        match &mut self.state {
            State::Running(x, _) => x.on_transport_error(client, error, now_ms),
            _ => self.fail(not_outstanding("a transport error")),
        }
    }

    fn on_body_chunk(&mut self, chunk: &[u8]) -> BodyFlow {
        let flow = self.count(chunk.len() as u64);
        if let (BodyFlow::Continue(_), Some(h)) = (&flow, &mut self.hasher) {
            h.0.update(chunk);
        }
        flow
    }

    fn on_body_bytes(&mut self, len: u64) -> BodyFlow {
        self.hasher = None;
        self.count(len)
    }

    fn on_body_done(&mut self, client: &mut Client, digest: Option<Digest>, _now_ms: u64) {
        if !matches!(self.state, State::Streaming) {
            return self.fail(RegistryError::state("body end with no body being read"));
        }
        if self.received < self.size {
            let message = format!(
                "the body ended after {} of {} bytes",
                self.received, self.size
            );
            return self.transfer_broke(client, message);
        }
        let actual = match (self.hasher.take(), digest) {
            (Some(h), _) => h.0.finish(),
            (None, Some(d)) => d,
            (None, None) => {
                return self.fail(RegistryError::state(
                    "the driver counted bytes with on_body_bytes but reported no digest",
                ))
            }
        };
        if actual != self.digest {
            return self.fail(RegistryError::DigestMismatch {
                expected: self.digest.clone(),
                actual,
                what: "blob".to_string(),
            });
        }
        self.state = State::Done(Some(Ok(BlobResult {
            digest: self.digest.clone(),
            size: self.size,
            resumes: self.resumes,
            restarts: self.restarts,
        })));
    }

    fn on_body_error(&mut self, client: &mut Client, error: TransportError, _now_ms: u64) {
        if !matches!(self.state, State::Streaming) {
            return self.fail(RegistryError::state("body error with no body being read"));
        }
        match error.kind {
            TransportErrorKind::Aborted => self.fail(RegistryError::Aborted),
            _ => self.transfer_broke(client, error.safe_message()),
        }
    }
}

/// A small blob read whole and verified (image configs). Build with [`blob_bytes()`].
#[derive(Debug)]
pub struct BlobBytesOp {
    request: BlobBytesRequest,
    state: operation::State<Vec<u8>>,
}

#[derive(Debug)]
struct BlobBytesRequest {
    repository: Result<Repository, RegistryError>,
    digest: Digest,
    size: u64,
    limit: u64,
    /// The code of a blob over `limit` (`BLOB_TOO_LARGE`, `CONFIG_TOO_LARGE`).
    too_large: &'static str,
}

/// Reads the blob a descriptor names whole, at most `limit` bytes (`BLOB_TOO_LARGE` above).
pub fn blob_bytes(reference: &Reference, descriptor: &Descriptor, limit: u64) -> BlobBytesOp {
    BlobBytesOp::new(
        Repository::of(reference),
        descriptor,
        limit,
        "BLOB_TOO_LARGE",
    )
}

impl BlobBytesOp {
    pub(crate) fn new(
        repository: Result<Repository, RegistryError>,
        descriptor: &Descriptor,
        limit: u64,
        too_large: &'static str,
    ) -> BlobBytesOp {
        BlobBytesOp {
            request: BlobBytesRequest {
                repository,
                digest: descriptor.digest.clone(),
                size: descriptor.size,
                limit,
                too_large,
            },
            state: operation::State::Start,
        }
    }
}

impl Exchanges for BlobBytesRequest {
    type Output = Vec<u8>;

    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        if self.size > self.limit {
            return Err(RegistryError::TooLarge {
                code: self.too_large,
                limit: self.limit,
                size: Some(self.size),
            });
        }
        let repo = repository(&self.repository)?;
        let url = repo.url(client, &format!("blobs/{}", self.digest))?;
        let max_len = usize::try_from(self.size).unwrap_or(usize::MAX);
        Ok(Exchange::new(
            &repo.registry,
            &repo.name,
            url,
            Method::Get,
            Purpose::Blob,
            Expect::Full { max_len },
            Vec::new(),
        ))
    }

    fn judge(&mut self, _: &mut Client, answer: Answer) -> Result<Next<Vec<u8>>, RegistryError> {
        let (resp, url) = (answer.response, &answer.url);
        if !resp.is_success() {
            return Err(RegistryError::from_response(&resp, Purpose::Blob, url));
        }
        if resp.body_overflow || resp.body.len() as u64 != self.size {
            let actual = (!resp.body_overflow).then_some(resp.body.len() as u64);
            return Err(RegistryError::SizeMismatch {
                expected: self.size,
                actual,
                digest: self.digest.clone(),
            });
        }
        let actual = Digest::from_bytes(self.digest.algorithm(), &resp.body);
        if actual != self.digest {
            return Err(RegistryError::DigestMismatch {
                expected: self.digest.clone(),
                actual,
                what: "blob".to_string(),
            });
        }
        Ok(Next::Done(resp.body))
    }
}

exchange_operation!(BlobBytesOp, Vec<u8>);
