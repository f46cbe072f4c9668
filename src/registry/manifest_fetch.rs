//! Fetching manifests: `GET` (verified) and `HEAD` (tag to digest without a body).
//!
//! Verification, before anything is parsed:
//! - by digest: the bytes must hash to it (`DIGEST_MISMATCH`);
//! - by tag: when `Docker-Content-Digest` is present the bytes must hash to it (mismatch =
//!   `DIGEST_MISMATCH`); otherwise the digest is the sha256 of the bytes;
//! - a known size (from an index descriptor) must match (`SIZE_MISMATCH`);
//! - over [`MAX_MANIFEST_SIZE`] (4 MiB) is `MANIFEST_TOO_LARGE` whatever `Content-Length`
//!   said: the driver stops at `max_len` and reports the overflow;
//! - Docker schema 1 is not asked for (`Accept` lists only [`ACCEPT_MANIFESTS`]) and refused
//!   if sent anyway (`SCHEMA1_UNSUPPORTED`).

use super::client::Client;
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{Expect, Method, Purpose, RateLimit, Response, TransportError};
use super::url::Url;
use super::{registry_and_repo, Operation, Step};
use crate::digest::Digest;
use crate::manifest::{self, Manifest, ManifestError, MAX_MANIFEST_SIZE};
use crate::media_type::{self, Kind};
use crate::reference::Reference;

/// The `Accept` header of manifest requests: OCI index, OCI manifest, Docker list, Docker v2.
pub const ACCEPT_MANIFESTS: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.docker.distribution.manifest.v2+json";

/// A verified manifest or index.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchedManifest {
    /// Its digest (verified).
    pub digest: Digest,
    /// Its media type (the body's `mediaType`, else `Content-Type`, else inferred).
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The raw bytes (what the digest is of).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Parsed.
    pub manifest: Manifest,
    /// Rate limit headers of the response.
    pub rate_limit: Option<RateLimit>,
}

/// What a HEAD told (or the GET fallback found).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestHead {
    /// The digest the tag points to.
    pub digest: Digest,
    /// `Content-Type`, when sent.
    pub media_type: Option<String>,
    /// `Content-Length`, when sent.
    pub size: Option<u64>,
    /// Rate limit headers.
    pub rate_limit: Option<RateLimit>,
    /// Set when HEAD gave no digest (or was refused) and the manifest was fetched instead.
    #[serde(skip)]
    pub fetched: Option<FetchedManifest>,
}

/// Tag or digest.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Tag(String),
    Digest(Digest),
}

impl Target {
    fn of(reference: &Reference) -> Target {
        match (reference.digest(), reference.effective_tag()) {
            (Some(d), _) => Target::Digest(d.clone()),
            (None, Some(t)) => Target::Tag(t.to_string()),
            (None, None) => Target::Tag(crate::reference::DEFAULT_TAG.to_string()),
        }
    }

    fn as_path(&self) -> String {
        match self {
            Target::Tag(t) => t.clone(),
            Target::Digest(d) => d.to_string(),
        }
    }
}

/// `<base>/v2/<repo>/<kind>/<tail>` on the registry's base URL.
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

fn is_schema1(content_type: Option<&str>) -> bool {
    content_type
        .is_some_and(|ct| media_type::kind(&media_type::essence(ct)) == Some(Kind::Schema1Manifest))
}

fn schema1_error(content_type: &str) -> RegistryError {
    RegistryError::Manifest(ManifestError::Schema1Unsupported {
        evidence: format!("Content-Type {}", media_type::essence(content_type)),
        path: None,
    })
}

/// Internal state shared by the one-exchange ops: not started, exchanging, finished.
#[derive(Debug)]
pub(crate) enum State<T> {
    Start,
    Running(Box<Exchange>),
    Done(Option<Result<T, RegistryError>>),
}

impl<T> State<T> {
    /// One step of an operation made of one exchange: `start` builds it, its steps pass
    /// through, `judge` turns its final response (with its rate limit and final URL) into the
    /// result.
    pub(crate) fn step(
        &mut self,
        client: &mut Client,
        now_ms: u64,
        start: impl FnOnce(&Client) -> Result<Exchange, RegistryError>,
        judge: impl FnOnce(Response, Option<RateLimit>, &Url) -> Result<T, RegistryError>,
    ) -> Step<T> {
        if let State::Start = self {
            *self = match start(client) {
                Ok(x) => State::Running(Box::new(x)),
                Err(e) => State::Done(Some(Err(e))),
            };
        }
        if let State::Running(x) = self {
            match x.next(client, now_ms).pending() {
                Ok(step) => return step,
                Err(r) => {
                    let (rate_limit, url) = (x.rate_limit(), x.final_url().clone());
                    *self = State::Done(Some(r.and_then(|resp| judge(resp, rate_limit, &url))));
                }
            }
        }
        match self {
            State::Done(r) => Step::Done(super::take_done(r)),
            _ => Step::Done(Err(RegistryError::state("operation state lost"))),
        }
    }
}

/// `GET` a manifest, verified. Build with [`manifest()`] or [`ManifestOp::by_digest`].
#[derive(Debug)]
pub struct ManifestOp {
    registry: Result<(String, String), RegistryError>,
    target: Target,
    expected_size: Option<u64>,
    state: State<FetchedManifest>,
}

/// Fetches the manifest a reference names: by digest when it has one, else by its tag
/// (`latest` when none).
pub fn manifest(reference: &Reference) -> ManifestOp {
    ManifestOp {
        registry: registry_and_repo(reference),
        target: Target::of(reference),
        expected_size: None,
        state: State::Start,
    }
}

impl ManifestOp {
    /// Fetches `digest` from `registry`/`repository`; `size` (from a descriptor) is checked.
    pub fn by_digest(
        registry: &str,
        repository: &str,
        digest: Digest,
        size: Option<u64>,
    ) -> ManifestOp {
        ManifestOp {
            registry: Ok((registry.to_string(), repository.to_string())),
            target: Target::Digest(digest),
            expected_size: size,
            state: State::Start,
        }
    }

    /// Fetches `tag` from `registry`/`repository`.
    pub fn by_tag(registry: &str, repository: &str, tag: &str) -> ManifestOp {
        ManifestOp {
            registry: Ok((registry.to_string(), repository.to_string())),
            target: Target::Tag(tag.to_string()),
            expected_size: None,
            state: State::Start,
        }
    }

    fn start(&self, client: &Client) -> Result<Exchange, RegistryError> {
        let (registry, repo) = super::clone_repo(&self.registry)?;
        if let Some(size) = self.expected_size.filter(|s| *s > MAX_MANIFEST_SIZE as u64) {
            return Err(RegistryError::TooLarge {
                code: "MANIFEST_TOO_LARGE",
                limit: MAX_MANIFEST_SIZE as u64,
                size: Some(size),
            });
        }
        let url = registry_url(
            client,
            &registry,
            &format!("/v2/{repo}/manifests/{}", self.target.as_path()),
        )?;
        let max_len = self.expected_size.map_or(MAX_MANIFEST_SIZE, |s| s as usize);
        Ok(Exchange::new(
            &registry,
            &repo,
            url,
            Method::Get,
            Purpose::Manifest,
            Expect::Full { max_len },
            vec![("Accept".to_string(), ACCEPT_MANIFESTS.to_string())],
        ))
    }

    fn verify(
        &self,
        resp: Response,
        rate_limit: Option<RateLimit>,
        url: &Url,
    ) -> Result<FetchedManifest, RegistryError> {
        if !resp.is_success() {
            return Err(RegistryError::from_response(&resp, Purpose::Manifest, url));
        }
        let content_type = resp.header("content-type");
        if is_schema1(content_type) {
            return Err(schema1_error(content_type.unwrap_or("")));
        }
        let body = &resp.body;
        if resp.body_overflow || body.len() > MAX_MANIFEST_SIZE {
            return Err(match (self.expected_size, &self.target) {
                (Some(expected), Target::Digest(d)) => RegistryError::SizeMismatch {
                    expected,
                    actual: None,
                    digest: d.clone(),
                },
                _ => RegistryError::TooLarge {
                    code: "MANIFEST_TOO_LARGE",
                    limit: MAX_MANIFEST_SIZE as u64,
                    size: resp
                        .content_length()
                        .filter(|n| *n > MAX_MANIFEST_SIZE as u64),
                },
            });
        }
        let digest = match &self.target {
            Target::Digest(d) => {
                let actual = Digest::from_bytes(d.algorithm(), body);
                if &actual != d {
                    return Err(RegistryError::DigestMismatch {
                        expected: d.clone(),
                        actual,
                        what: "manifest".to_string(),
                    });
                }
                d.clone()
            }
            Target::Tag(_) => match resp.header("docker-content-digest") {
                Some(h) => {
                    let announced =
                        Digest::parse(h).map_err(|e| RegistryError::InvalidResponse {
                            reason: format!("Docker-Content-Digest is not a digest: {e}"),
                            url: url.redacted(),
                        })?;
                    let actual = Digest::from_bytes(announced.algorithm(), body);
                    if actual != announced {
                        return Err(RegistryError::DigestMismatch {
                            expected: announced,
                            actual,
                            what: "Docker-Content-Digest of the manifest".to_string(),
                        });
                    }
                    announced
                }
                None => manifest::digest(body),
            },
        };
        if let Some(expected) = self.expected_size.filter(|s| *s != body.len() as u64) {
            return Err(RegistryError::SizeMismatch {
                expected,
                actual: Some(body.len() as u64),
                digest,
            });
        }
        let parsed = manifest::parse(body, content_type).map_err(RegistryError::Manifest)?;
        let declared = match &parsed {
            Manifest::Image(m) => m.media_type.clone(),
            Manifest::Index(i) => i.media_type.clone(),
        };
        let from_header = content_type
            .map(media_type::essence)
            .filter(|ct| manifest::is_manifest_media_type(ct));
        let media_type = declared
            .or(from_header)
            .unwrap_or_else(|| parsed.media_type().to_string());
        Ok(FetchedManifest {
            digest,
            media_type,
            size: body.len() as u64,
            bytes: resp.body,
            manifest: parsed,
            rate_limit,
        })
    }
}

impl Operation for ManifestOp {
    type Output = FetchedManifest;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<FetchedManifest> {
        loop {
            match &mut self.state {
                State::Start => {
                    self.state = match self.start(client) {
                        Ok(x) => State::Running(Box::new(x)),
                        Err(e) => State::Done(Some(Err(e))),
                    };
                }
                State::Running(x) => match x.next(client, now_ms).pending() {
                    Ok(step) => return step,
                    Err(r) => {
                        let (rl, url) = (x.rate_limit(), x.final_url().clone());
                        let out = r.and_then(|resp| self.verify(resp, rl, &url));
                        self.state = State::Done(Some(out));
                    }
                },
                State::Done(r) => return Step::Done(super::take_done(r)),
            }
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        forward_response(&mut self.state, client, response, now_ms);
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        forward_transport(&mut self.state, client, error, now_ms);
    }
}

pub(crate) fn forward_response<T>(
    state: &mut State<T>,
    client: &mut Client,
    response: Response,
    now_ms: u64,
) {
    match state {
        State::Running(x) => x.on_response(client, response, now_ms),
        _ => {
            *state = State::Done(Some(Err(RegistryError::state(
                "a response arrived with no request outstanding",
            ))))
        }
    }
}

pub(crate) fn forward_transport<T>(
    state: &mut State<T>,
    client: &mut Client,
    error: TransportError,
    now_ms: u64,
) {
    match state {
        State::Running(x) => x.on_transport_error(client, error, now_ms),
        _ => {
            *state = State::Done(Some(Err(RegistryError::state(
                "a transport error arrived with no request outstanding",
            ))))
        }
    }
}

/// `HEAD` a manifest: the digest a tag points to, without the body.
#[derive(Debug)]
pub struct HeadOp {
    registry: Result<(String, String), RegistryError>,
    target: Target,
    state: State<ManifestHead>,
    fallback: Option<ManifestOp>,
    rate_limit: Option<RateLimit>,
}

/// HEADs the manifest a reference names. When the registry sends no `Docker-Content-Digest`
/// for a tag (or refuses HEAD with 405), the manifest is fetched (verified) instead.
pub fn head_manifest(reference: &Reference) -> HeadOp {
    HeadOp {
        registry: registry_and_repo(reference),
        target: Target::of(reference),
        state: State::Start,
        fallback: None,
        rate_limit: None,
    }
}

impl HeadOp {
    fn start(&self, client: &Client) -> Result<Exchange, RegistryError> {
        let (registry, repo) = super::clone_repo(&self.registry)?;
        let url = registry_url(
            client,
            &registry,
            &format!("/v2/{repo}/manifests/{}", self.target.as_path()),
        )?;
        Ok(Exchange::new(
            &registry,
            &repo,
            url,
            Method::Head,
            Purpose::ManifestHead,
            Expect::Full { max_len: 0 },
            vec![("Accept".to_string(), ACCEPT_MANIFESTS.to_string())],
        ))
    }

    /// The result, or `Ok(None)` when the GET fallback is needed.
    fn judge(&self, resp: &Response, url: &Url) -> Result<Option<ManifestHead>, RegistryError> {
        if resp.status == 405 {
            return Ok(None);
        }
        if !resp.is_success() {
            return Err(RegistryError::from_response(
                resp,
                Purpose::ManifestHead,
                url,
            ));
        }
        let content_type = resp.header("content-type");
        if is_schema1(content_type) {
            return Err(schema1_error(content_type.unwrap_or("")));
        }
        let announced = match resp.header("docker-content-digest") {
            Some(h) => Some(
                Digest::parse(h).map_err(|e| RegistryError::InvalidResponse {
                    reason: format!("Docker-Content-Digest is not a digest: {e}"),
                    url: url.redacted(),
                })?,
            ),
            None => None,
        };
        let digest = match (&self.target, announced) {
            (Target::Digest(d), Some(a)) if &a != d => {
                return Err(RegistryError::DigestMismatch {
                    expected: d.clone(),
                    actual: a,
                    what: "Docker-Content-Digest of the manifest".to_string(),
                })
            }
            (Target::Digest(d), _) => d.clone(),
            (Target::Tag(_), Some(a)) => a,
            (Target::Tag(_), None) => return Ok(None),
        };
        Ok(Some(ManifestHead {
            digest,
            media_type: content_type
                .map(media_type::essence)
                .filter(|s| !s.is_empty()),
            size: resp.content_length(),
            rate_limit: self.rate_limit,
            fetched: None,
        }))
    }
}

impl Operation for HeadOp {
    type Output = ManifestHead;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<ManifestHead> {
        loop {
            if let Some(get) = &mut self.fallback {
                return match get.next(client, now_ms).pending() {
                    Ok(step) => step,
                    Err(r) => Step::Done(r.map(|m| ManifestHead {
                        digest: m.digest.clone(),
                        media_type: Some(m.media_type.clone()),
                        size: Some(m.size),
                        rate_limit: m.rate_limit.or(self.rate_limit),
                        fetched: Some(m),
                    })),
                };
            }
            match &mut self.state {
                State::Start => {
                    self.state = match self.start(client) {
                        Ok(x) => State::Running(Box::new(x)),
                        Err(e) => State::Done(Some(Err(e))),
                    };
                }
                State::Running(x) => match x.next(client, now_ms).pending() {
                    Ok(step) => return step,
                    Err(r) => {
                        self.rate_limit = x.rate_limit();
                        let url = x.final_url().clone();
                        match r.and_then(|resp| self.judge(&resp, &url)) {
                            Ok(Some(head)) => self.state = State::Done(Some(Ok(head))),
                            Ok(None) => {
                                let (registry, repo) =
                                    super::clone_repo(&self.registry).unwrap_or_default();
                                self.fallback = Some(ManifestOp {
                                    registry: Ok((registry, repo)),
                                    target: self.target.clone(),
                                    expected_size: None,
                                    state: State::Start,
                                });
                            }
                            Err(e) => self.state = State::Done(Some(Err(e))),
                        }
                    }
                },
                State::Done(r) => return Step::Done(super::take_done(r)),
            }
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        match &mut self.fallback {
            Some(get) => get.on_response(client, response, now_ms),
            None => forward_response(&mut self.state, client, response, now_ms),
        }
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        match &mut self.fallback {
            Some(get) => get.on_transport_error(client, error, now_ms),
            None => forward_transport(&mut self.state, client, error, now_ms),
        }
    }
}
