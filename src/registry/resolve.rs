//! Resolving a reference to the image a runtime would pull for a platform, the way containerd
//! does, with every step written down in `explanation`:
//!
//! 1. a tag is `HEAD`ed for its digest (a digest reference skips this);
//! 2. the top-level manifest is fetched by digest and verified;
//! 3. an index: the platform's entry is chosen with [`crate::select`] (`NO_MATCHING_PLATFORM`
//!    when none fits) and fetched by digest, verified against the descriptor's digest and size
//!    (nested indexes are followed up to [`MAX_INDEX_DEPTH`]);
//! 4. the image config is fetched (or taken from the descriptor's embedded `data`), verified,
//!    size-capped at [`MAX_CONFIG_SIZE`] (`CONFIG_TOO_LARGE`) and parsed as a JSON object.
//!
//! For a single-platform image the platform comes from the config; a mismatch with the
//! requested platform is noted in the explanation, not an error.

use super::blob::BlobBytesOp;
use super::client::Client;
use super::error::RegistryError;
use super::http::{RateLimit, Response, TransportError};
use super::manifest_fetch::{head_manifest, FetchedManifest, HeadOp, ManifestOp};
use super::operation::{not_outstanding, take_done, Repository};
use super::{Operation, Step};
use crate::digest::Digest;
use crate::manifest::{Descriptor, ImageManifest, Manifest};
use crate::platform::{format_all, Matcher, Platform};
use crate::reference::Reference;
use crate::select::select_or_error;
use base64::Engine as _;

/// Largest image config accepted (8 MiB).
pub const MAX_CONFIG_SIZE: u64 = 8 * 1024 * 1024;

/// Nested indexes followed at most.
pub const MAX_INDEX_DEPTH: usize = 4;

/// The top-level index, when the reference names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexInfo {
    pub digest: Digest,
    pub media_type: String,
    pub manifests: Vec<Descriptor>,
}

/// Everything a pull needs to know, verified.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The reference as given (normalized).
    pub reference: String,
    /// Digest of the top-level manifest or index (what the tag points to).
    pub digest: Digest,
    pub media_type: String,
    pub size: u64,
    /// The index, if the top level is one.
    pub index: Option<IndexInfo>,
    /// The image manifest for the platform.
    pub manifest: ImageManifest,
    pub manifest_digest: Digest,
    pub manifest_media_type: String,
    /// The platform: the index entry's, else the config's.
    pub platform: Option<Platform>,
    pub config: serde_json::Value,
    pub config_digest: Digest,
    /// The layers, base first.
    pub layers: Vec<Descriptor>,
    /// One sentence per step.
    pub explanation: Vec<String>,
    /// The last rate limit headers seen.
    pub rate_limit: Option<RateLimit>,
    /// The image manifest's bytes, as verified (what `manifest_digest` is of).
    pub manifest_bytes: Vec<u8>,
    /// The config's bytes, as verified (what `config_digest` is of).
    pub config_bytes: Vec<u8>,
}

/// Where a resolution is: which sub-operation runs (the `usize` is the index depth).
#[derive(Debug)]
enum State {
    Start,
    Head(Box<HeadOp>),
    Manifest(Box<ManifestOp>, usize),
    Config(Box<BlobBytesOp>),
    Done(Option<Result<Box<Resolution>, RegistryError>>),
}

/// Resolves a reference for a platform. Build with [`resolve()`].
#[derive(Debug)]
pub struct ResolveOp {
    reference: Reference,
    matcher: Matcher,
    state: State,
    explanation: Vec<String>,
    top: Option<(Digest, String, u64)>,
    index: Option<IndexInfo>,
    image: Option<(Digest, String, ImageManifest, Vec<u8>)>,
    platform: Option<Platform>,
    from_index: bool,
    rate_limit: Option<RateLimit>,
}

/// Resolves `reference` for the platforms `matcher` accepts.
pub fn resolve(reference: &Reference, matcher: Matcher) -> ResolveOp {
    ResolveOp {
        reference: reference.clone(),
        matcher,
        state: State::Start,
        explanation: Vec::new(),
        top: None,
        index: None,
        image: None,
        platform: None,
        from_index: false,
        rate_limit: None,
    }
}

fn kind_of(m: &FetchedManifest) -> String {
    match &m.manifest {
        Manifest::Index(i) => format!("index with {} manifest(s)", i.manifests.len()),
        Manifest::Image(im) => format!("image manifest with {} layer(s)", im.layers.len()),
    }
}

fn platform_of_config(config: &serde_json::Value) -> Option<Platform> {
    let s = |k: &str| {
        config
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let p = Platform {
        os: s("os"),
        architecture: s("architecture"),
        variant: s("variant"),
        os_version: s("os.version"),
        os_features: config
            .get("os.features")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    };
    (!p.os.is_empty() || !p.architecture.is_empty()).then_some(p)
}

impl ResolveOp {
    fn repo(&self) -> Result<Repository, RegistryError> {
        Repository::of(&self.reference)
    }

    fn start(&mut self) -> Result<State, RegistryError> {
        let repo = self.repo()?;
        Ok(match self.reference.digest() {
            Some(d) => {
                self.explanation
                    .push(format!("{} pins {d}: no tag lookup", self.reference));
                State::Manifest(
                    Box::new(ManifestOp::by_digest(
                        &repo.registry,
                        &repo.name,
                        d.clone(),
                        None,
                    )),
                    0,
                )
            }
            None => State::Head(Box::new(head_manifest(&self.reference))),
        })
    }

    fn after_head(&mut self, head: super::ManifestHead) -> Result<State, RegistryError> {
        let repo = self.repo()?;
        let tag = self.reference.effective_tag().unwrap_or("latest");
        self.rate_limit = head.rate_limit.or(self.rate_limit);
        match head.fetched {
            Some(m) => {
                self.explanation.push(format!(
                    "HEAD {tag} gave no digest; GET by tag: {}, {} bytes, verified, {}",
                    m.digest,
                    m.size,
                    kind_of(&m)
                ));
                self.after_manifest(m, 0, false)
            }
            None => {
                let mt = head.media_type.as_deref().unwrap_or("no Content-Type");
                self.explanation
                    .push(format!("HEAD {tag} -> {} ({mt})", head.digest));
                Ok(State::Manifest(
                    Box::new(ManifestOp::by_digest(
                        &repo.registry,
                        &repo.name,
                        head.digest,
                        None,
                    )),
                    0,
                ))
            }
        }
    }

    fn after_manifest(
        &mut self,
        m: FetchedManifest,
        depth: usize,
        explain: bool,
    ) -> Result<State, RegistryError> {
        let repo = self.repo()?;
        self.rate_limit = m.rate_limit.or(self.rate_limit);
        if self.top.is_none() {
            self.top = Some((m.digest.clone(), m.media_type.clone(), m.size));
        }
        if explain {
            self.explanation.push(format!(
                "GET manifest {}: {} bytes, verified, {} ({})",
                m.digest,
                m.size,
                kind_of(&m),
                m.media_type
            ));
        }
        match m.manifest {
            Manifest::Index(idx) => {
                if self.index.is_none() {
                    self.index = Some(IndexInfo {
                        digest: m.digest.clone(),
                        media_type: m.media_type.clone(),
                        manifests: idx.manifests.clone(),
                    });
                }
                if depth >= MAX_INDEX_DEPTH {
                    return Err(RegistryError::InvalidResponse {
                        reason: format!("indexes nested deeper than {MAX_INDEX_DEPTH}"),
                        url: format!("{}@{}", self.reference.name(), m.digest),
                    });
                }
                let sel = select_or_error(&idx, &self.matcher)
                    .map_err(RegistryError::NoMatchingPlatform)?;
                self.explanation
                    .push(format!("index entry {}: {}", sel.index, sel.reason));
                self.platform = sel.platform.clone();
                self.from_index = true;
                let Some(d) = sel.descriptor else {
                    return Err(RegistryError::state("selection without descriptor"));
                };
                Ok(State::Manifest(
                    Box::new(ManifestOp::by_digest(
                        &repo.registry,
                        &repo.name,
                        d.digest,
                        Some(d.size),
                    )),
                    depth + 1,
                ))
            }
            Manifest::Image(im) => {
                let config = im.config.clone();
                self.image = Some((m.digest, m.media_type, im, m.bytes));
                if let Some(data) = &config.data {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(data)
                        .map_err(|e| RegistryError::ConfigInvalid {
                            reason: format!("embedded data is not base64: {e}"),
                        })?;
                    let actual = Digest::from_bytes(config.digest.algorithm(), &bytes);
                    if actual != config.digest {
                        return Err(RegistryError::DigestMismatch {
                            expected: config.digest,
                            actual,
                            what: "embedded config".to_string(),
                        });
                    }
                    self.explanation.push(format!(
                        "config {} embedded in the manifest (data), verified",
                        config.digest
                    ));
                    return self.finish(bytes, config.digest, false);
                }
                Ok(State::Config(Box::new(BlobBytesOp::new(
                    Ok(repo),
                    &config,
                    MAX_CONFIG_SIZE,
                    "CONFIG_TOO_LARGE",
                ))))
            }
        }
    }

    fn finish(
        &mut self,
        bytes: Vec<u8>,
        config_digest: Digest,
        fetched: bool,
    ) -> Result<State, RegistryError> {
        let config: serde_json::Value =
            crate::manifest::parse_value_bytes(&bytes).map_err(|e| {
                RegistryError::ConfigInvalid {
                    reason: e.to_string(),
                }
            })?;
        if !config.is_object() {
            return Err(RegistryError::ConfigInvalid {
                reason: "not an object".to_string(),
            });
        }
        let from_config = platform_of_config(&config);
        let described = from_config
            .as_ref()
            .map_or("no platform".to_string(), format_all);
        if fetched {
            self.explanation.push(format!(
                "GET config {config_digest}: {} bytes, verified, {described}",
                bytes.len()
            ));
        }
        if !self.from_index {
            let verdict = match &from_config {
                Some(p) if self.matcher.matches(p) => {
                    format!("matches {}", self.matcher.describe())
                }
                Some(_) => format!(
                    "does NOT match {} (containerd would refuse it)",
                    self.matcher.describe()
                ),
                None => "cannot be checked".to_string(),
            };
            self.explanation.push(format!(
                "not an index: the config's platform {described} {verdict}"
            ));
            self.platform = from_config;
        }
        let (
            Some((digest, media_type, size)),
            Some((manifest_digest, manifest_media_type, manifest, manifest_bytes)),
        ) = (self.top.clone(), self.image.take())
        else {
            return Err(RegistryError::state("config before manifest"));
        };
        Ok(State::Done(Some(Ok(Box::new(Resolution {
            reference: self.reference.to_string(),
            digest,
            media_type,
            size,
            index: self.index.take(),
            layers: manifest.layers.clone(),
            manifest,
            manifest_digest,
            manifest_media_type,
            platform: self.platform.clone(),
            config,
            config_digest,
            explanation: std::mem::take(&mut self.explanation),
            rate_limit: self.rate_limit,
            manifest_bytes,
            config_bytes: bytes,
        })))))
    }

    fn active(&mut self) -> Option<&mut dyn OperationAny> {
        match &mut self.state {
            State::Head(op) => Some(op.as_mut()),
            State::Manifest(op, _) => Some(op.as_mut()),
            State::Config(op) => Some(op.as_mut()),
            _ => None,
        }
    }
}

/// The output-independent half of [`Operation`], to forward driver calls to a sub-operation.
trait OperationAny {
    fn response(&mut self, client: &mut Client, response: Response, now_ms: u64);
    fn transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64);
}

impl<O: Operation> OperationAny for O {
    fn response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        self.on_response(client, response, now_ms);
    }
    fn transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        self.on_transport_error(client, error, now_ms);
    }
}

impl Operation for ResolveOp {
    type Output = Resolution;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<Resolution> {
        loop {
            let next = match &mut self.state {
                State::Start => self.start(),
                State::Head(op) => match op.next(client, now_ms).pending() {
                    Ok(step) => return step,
                    Err(r) => r.and_then(|h| self.after_head(h)),
                },
                State::Manifest(op, depth) => {
                    let depth = *depth;
                    match op.next(client, now_ms).pending() {
                        Ok(step) => return step,
                        Err(r) => r.and_then(|m| self.after_manifest(m, depth, true)),
                    }
                }
                State::Config(op) => match op.next(client, now_ms).pending() {
                    Ok(step) => return step,
                    Err(r) => {
                        let digest = self
                            .image
                            .as_ref()
                            .map(|(_, _, m, _)| m.config.digest.clone());
                        match digest {
                            Some(d) => r.and_then(|bytes| self.finish(bytes, d, true)),
                            None => Err(RegistryError::state("config without manifest")),
                        }
                    }
                },
                State::Done(r) => return Step::Done(take_done(r).map(|b| *b)),
            };
            self.state = next.unwrap_or_else(|e| State::Done(Some(Err(e))));
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        match self.active() {
            Some(op) => op.response(client, response, now_ms),
            None => self.state = State::Done(Some(Err(not_outstanding("a response")))),
        }
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        match self.active() {
            Some(op) => op.transport_error(client, error, now_ms),
            None => self.state = State::Done(Some(Err(not_outstanding("a transport error")))),
        }
    }
}
