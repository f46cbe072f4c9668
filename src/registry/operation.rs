//! What every registry operation shares: the [`Operation`] trait a driver calls, the [`Step`]s
//! it answers with, and the one lifecycle the operations are written in.
//!
//! An operation made of exchanges (one request each, carried through authentication, retries
//! and redirects by [`Exchange`]) implements `Exchanges`: which exchange to start with, and
//! what the final response of each means (the result, or the next exchange: a listing's next
//! page, a manifest `GET` after a `HEAD` without a digest). Its `State` runs that:
//! not started, exchanging, finished. [`super::ResolveOp`] chains operations rather than
//! exchanges, and [`super::BlobOp`] streams a body and resumes it; they keep states of their
//! own, named the same way.

use super::client::Client;
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{RateLimit, Request, Response, TransportError};
use super::url::Url;
use crate::digest::Digest;
use crate::reference::Reference;

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyPlan {
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Blob bytes received so far (from byte 0 of the blob).
    Progress {
        digest: Digest,
        /// Bytes held.
        bytes: u64,
        total: u64,
    },
    /// The registry's rate limit headers.
    RateLimit(RateLimit),
    /// A request failed and will be tried again after `wait_ms`.
    Retry {
        /// Retry number (1 = the first retry).
        attempt: u32,
        wait_ms: u64,
        reason: String,
    },
    /// A redirect is being followed.
    Redirect {
        from_host: String,
        to_host: String,
        /// Whether credentials were left behind (other origin).
        authorization_dropped: bool,
    },
    /// One page of a tag listing.
    TagsPage {
        /// 1-based page number.
        page: u32,
        tags: Vec<String>,
    },
}

/// A sans-IO operation. The driver loop that runs one is in the [`registry`](super) module doc.
pub trait Operation {
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

/// The final response of an exchange, for its operation to judge.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) response: Response,
    /// The last `RateLimit-*` values the registry sent during the exchange.
    pub(crate) rate_limit: Option<RateLimit>,
    /// Where the response came from: the last hop after redirects, which error messages name.
    pub(crate) url: Url,
}

/// What an answer means.
#[derive(Debug)]
pub(crate) enum Next<T> {
    /// The operation's result.
    Done(T),
    /// Another exchange to run (the next page; the `GET` a `HEAD` could not replace).
    Exchange(Box<Exchange>),
}

/// An operation made of exchanges in a row, as [`State::step`] runs it.
pub(crate) trait Exchanges {
    type Output;

    /// The first exchange, or why there is none (an unusable reference or endpoint).
    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError>;

    /// What the final response of the current exchange means.
    fn judge(
        &mut self,
        client: &mut Client,
        answer: Answer,
    ) -> Result<Next<Self::Output>, RegistryError>;

    /// An event to report before anything else happens (a listing's pages).
    fn take_event(&mut self) -> Option<Event> {
        None
    }
}

/// Implements [`Operation`] for `$op`, a struct with `request` (an [`Exchanges`] whose output
/// is `$output`) and `state` (its [`State`]): every call goes through the state.
macro_rules! exchange_operation {
    ($op:ident, $output:ty) => {
        impl $crate::registry::Operation for $op {
            type Output = $output;

            fn next(
                &mut self,
                client: &mut $crate::registry::Client,
                now_ms: u64,
            ) -> $crate::registry::Step<$output> {
                self.state.step(&mut self.request, client, now_ms)
            }

            fn on_response(
                &mut self,
                client: &mut $crate::registry::Client,
                response: $crate::registry::Response,
                now_ms: u64,
            ) {
                self.state.on_response(client, response, now_ms);
            }

            fn on_transport_error(
                &mut self,
                client: &mut $crate::registry::Client,
                error: $crate::registry::TransportError,
                now_ms: u64,
            ) {
                self.state.on_transport_error(client, error, now_ms);
            }
        }
    };
}
pub(crate) use exchange_operation;

/// Where an operation made of exchanges is.
#[derive(Debug)]
pub(crate) enum State<T> {
    Start,
    Running(Box<Exchange>),
    /// The result, until `next` hands it out (then `None`: a later `next` is a driver error).
    Done(Option<Result<T, RegistryError>>),
}

impl<T> State<T> {
    /// The next step of `op`: its events first, then its exchanges' steps, then its result.
    pub(crate) fn step<E: Exchanges<Output = T>>(
        &mut self,
        op: &mut E,
        client: &mut Client,
        now_ms: u64,
    ) -> Step<T> {
        loop {
            if let Some(e) = op.take_event() {
                return Step::Event(e);
            }
            match self {
                State::Start => {
                    *self = match op.start(client) {
                        Ok(x) => State::Running(Box::new(x)),
                        Err(e) => State::Done(Some(Err(e))),
                    }
                }
                State::Running(x) => match x.next(client, now_ms).pending() {
                    Ok(step) => return step,
                    Err(r) => {
                        let (rate_limit, url) = (x.rate_limit(), x.final_url().clone());
                        let answer = r.map(|response| Answer {
                            response,
                            rate_limit,
                            url,
                        });
                        *self = match answer.and_then(|a| op.judge(client, a)) {
                            Ok(Next::Exchange(x)) => State::Running(x),
                            Ok(Next::Done(out)) => State::Done(Some(Ok(out))),
                            Err(e) => State::Done(Some(Err(e))),
                        };
                    }
                },
                State::Done(r) => return Step::Done(take_done(r)),
            }
        }
    }

    /// [`Operation::on_response`]: to the running exchange; without one the driver broke the
    /// protocol and the operation ends with `INVALID_STATE`.
    pub(crate) fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        match self {
            State::Running(x) => x.on_response(client, response, now_ms),
            _ => *self = State::Done(Some(Err(not_outstanding("a response")))),
        }
    }

    /// [`Operation::on_transport_error`], as [`State::on_response`].
    pub(crate) fn on_transport_error(
        &mut self,
        client: &mut Client,
        error: TransportError,
        now_ms: u64,
    ) {
        match self {
            State::Running(x) => x.on_transport_error(client, error, now_ms),
            _ => *self = State::Done(Some(Err(not_outstanding("a transport error")))),
        }
    }
}

/// The `INVALID_STATE` of a driver that reports `what` when no request is outstanding.
pub(crate) fn not_outstanding(what: &str) -> RegistryError {
    RegistryError::state(&format!("{what} arrived with no request outstanding"))
}

/// The result a finished operation holds, handed out once; a later `next()` is a driver error.
pub(crate) fn take_done<T>(r: &mut Option<Result<T, RegistryError>>) -> Result<T, RegistryError> {
    r.take()
        .unwrap_or_else(|| Err(RegistryError::state("next() called after Done")))
}

/// A registry (a reference's domain) and a repository in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Repository {
    pub(crate) registry: String,
    pub(crate) name: String,
}

impl Repository {
    /// The repository of a reference, or `INVALID_REFERENCE` (kept until the operation starts:
    /// constructors do not fail, their first step does).
    pub(crate) fn of(reference: &Reference) -> Result<Repository, RegistryError> {
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
        Ok(Repository {
            registry: reference.domain().to_string(),
            name: reference.path().to_string(),
        })
    }

    /// `<base>/v2/<name>/<tail>` on the registry's base URL.
    pub(crate) fn url(&self, client: &Client, tail: &str) -> Result<Url, RegistryError> {
        registry_url(client, &self.registry, &format!("/v2/{}/{tail}", self.name))
    }
}

/// The repository an operation was built for: a copy of it, or its construction error again
/// (written out rather than `Result::clone`, which would instantiate `Clone` for every error
/// variant).
pub(crate) fn repository(
    r: &Result<Repository, RegistryError>,
) -> Result<Repository, RegistryError> {
    match r {
        Ok(repo) => Ok(repo.clone()),
        Err(RegistryError::InvalidReference { reason }) => Err(RegistryError::InvalidReference {
            reason: reason.clone(),
        }),
        // Repository::of fails only with INVALID_REFERENCE.
        Err(_) => Err(RegistryError::state("operation without a repository")),
    }
}

/// `<base><path>` on the registry's base URL (`path` starts with `/v2/`).
pub(crate) fn registry_url(
    client: &Client,
    registry: &str,
    path: &str,
) -> Result<Url, RegistryError> {
    let base = client
        .base_url(registry)
        .ok_or_else(|| RegistryError::InvalidReference {
            reason: format!("the endpoint configured for {registry} is not an http(s) URL"),
        })?;
    let s = format!("{}{path}", base.to_string().trim_end_matches('/'));
    Url::parse(&s).ok_or_else(|| RegistryError::InvalidReference {
        reason: format!("cannot build a URL for {registry}{path}"),
    })
}
