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
use super::http::{Expect, Method, Purpose, RateLimit};
use super::operation::{
    exchange_operation, repository, Answer, Exchanges, Next, Repository, State,
};
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedManifest {
    /// Its digest (verified).
    pub digest: Digest,
    /// Its media type (the body's `mediaType`, else `Content-Type`, else inferred).
    pub media_type: String,
    pub size: u64,
    /// The raw bytes (what the digest is of).
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
    /// Rate limit headers of the response.
    pub rate_limit: Option<RateLimit>,
}

/// What a HEAD told (or the GET fallback found).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestHead {
    /// The digest the tag points to.
    pub digest: Digest,
    /// `Content-Type`, when sent.
    pub media_type: Option<String>,
    /// `Content-Length`, when sent.
    pub size: Option<u64>,
    pub rate_limit: Option<RateLimit>,
    /// Set when HEAD gave no digest (or was refused) and the manifest was fetched instead.
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

/// What a manifest request asks for.
#[derive(Debug)]
struct ManifestRequest {
    repository: Result<Repository, RegistryError>,
    target: Target,
    /// The size an index descriptor gave: checked, and the most that is read.
    expected_size: Option<u64>,
}

impl ManifestRequest {
    /// The `GET` of the manifest (judged by [`ManifestRequest::verify`]) or its `HEAD`.
    fn exchange(&self, client: &Client, method: Method) -> Result<Exchange, RegistryError> {
        let repo = repository(&self.repository)?;
        if let Some(size) = self.expected_size.filter(|s| *s > MAX_MANIFEST_SIZE as u64) {
            return Err(RegistryError::TooLarge {
                code: "MANIFEST_TOO_LARGE",
                limit: MAX_MANIFEST_SIZE as u64,
                size: Some(size),
            });
        }
        let url = repo.url(client, &format!("manifests/{}", self.target.as_path()))?;
        let (purpose, max_len) = match method {
            Method::Head => (Purpose::ManifestHead, 0),
            _ => (
                Purpose::Manifest,
                self.expected_size.map_or(MAX_MANIFEST_SIZE, |s| s as usize),
            ),
        };
        Ok(Exchange::new(
            &repo.registry,
            &repo.name,
            url,
            method,
            purpose,
            Expect::Full { max_len },
            vec![("Accept".to_string(), ACCEPT_MANIFESTS.to_string())],
        ))
    }

    /// The answer to the `GET`, verified and parsed.
    fn verify(&self, answer: Answer) -> Result<FetchedManifest, RegistryError> {
        let (resp, url, rate_limit) = (answer.response, &answer.url, answer.rate_limit);
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

    /// What the answer to the `HEAD` says, or `Ok(None)` when only a `GET` can tell.
    fn judge_head(&self, answer: &Answer) -> Result<Option<ManifestHead>, RegistryError> {
        let (resp, url) = (&answer.response, &answer.url);
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
            rate_limit: answer.rate_limit,
            fetched: None,
        }))
    }
}

impl Exchanges for ManifestRequest {
    type Output = FetchedManifest;

    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        self.exchange(client, Method::Get)
    }

    fn judge(
        &mut self,
        _: &mut Client,
        answer: Answer,
    ) -> Result<Next<FetchedManifest>, RegistryError> {
        self.verify(answer).map(Next::Done)
    }
}

/// `GET` a manifest, verified. Build with [`manifest()`] or [`ManifestOp::by_digest`].
#[derive(Debug)]
pub struct ManifestOp {
    request: ManifestRequest,
    state: State<FetchedManifest>,
}

/// Fetches the manifest a reference names: by digest when it has one, else by its tag
/// (`latest` when none).
pub fn manifest(reference: &Reference) -> ManifestOp {
    ManifestOp::new(Repository::of(reference), Target::of(reference), None)
}

impl ManifestOp {
    fn new(
        repository: Result<Repository, RegistryError>,
        target: Target,
        expected_size: Option<u64>,
    ) -> ManifestOp {
        ManifestOp {
            request: ManifestRequest {
                repository,
                target,
                expected_size,
            },
            state: State::Start,
        }
    }

    /// Fetches `digest` from `registry`/`repository`; `size` (from a descriptor) is checked.
    pub fn by_digest(
        registry: &str,
        repository: &str,
        digest: Digest,
        size: Option<u64>,
    ) -> ManifestOp {
        let repository = Repository {
            registry: registry.to_string(),
            name: repository.to_string(),
        };
        ManifestOp::new(Ok(repository), Target::Digest(digest), size)
    }

    /// Fetches `tag` from `registry`/`repository`.
    pub fn by_tag(registry: &str, repository: &str, tag: &str) -> ManifestOp {
        let repository = Repository {
            registry: registry.to_string(),
            name: repository.to_string(),
        };
        ManifestOp::new(Ok(repository), Target::Tag(tag.to_string()), None)
    }
}

exchange_operation!(ManifestOp, FetchedManifest);

/// A `HEAD`, then the `GET` when the `HEAD` could not tell the digest.
#[derive(Debug)]
struct HeadRequest {
    request: ManifestRequest,
    /// The `HEAD` was answered without a digest (or refused): the `GET` is running.
    fetching: bool,
    /// The `HEAD`'s rate limit, for a `GET` answer without one.
    head_rate_limit: Option<RateLimit>,
}

impl Exchanges for HeadRequest {
    type Output = ManifestHead;

    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        self.request.exchange(client, Method::Head)
    }

    fn judge(
        &mut self,
        client: &mut Client,
        answer: Answer,
    ) -> Result<Next<ManifestHead>, RegistryError> {
        if self.fetching {
            let m = self.request.verify(answer)?;
            return Ok(Next::Done(ManifestHead {
                digest: m.digest.clone(),
                media_type: Some(m.media_type.clone()),
                size: Some(m.size),
                rate_limit: m.rate_limit.or(self.head_rate_limit),
                fetched: Some(m),
            }));
        }
        self.head_rate_limit = answer.rate_limit;
        match self.request.judge_head(&answer)? {
            Some(head) => Ok(Next::Done(head)),
            None => {
                self.fetching = true;
                self.request
                    .exchange(client, Method::Get)
                    .map(|x| Next::Exchange(Box::new(x)))
            }
        }
    }
}

/// `HEAD` a manifest: the digest a tag points to, without the body.
#[derive(Debug)]
pub struct HeadOp {
    request: HeadRequest,
    state: State<ManifestHead>,
}

/// HEADs the manifest a reference names. When the registry sends no `Docker-Content-Digest`
/// for a tag (or refuses HEAD with 405), the manifest is fetched (verified) instead.
pub fn head_manifest(reference: &Reference) -> HeadOp {
    HeadOp {
        request: HeadRequest {
            request: ManifestRequest {
                repository: Repository::of(reference),
                target: Target::of(reference),
                expected_size: None,
            },
            fetching: false,
            head_rate_limit: None,
        },
        state: State::Start,
    }
}

exchange_operation!(HeadOp, ManifestHead);
