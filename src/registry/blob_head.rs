//! `HEAD` a blob: its size (and `Content-Type`) before downloading it, for callers that hold a
//! digest but no descriptor. [`super::blob()`] needs the size: it bounds the download, checks
//! `Content-Length` and is half of "verified".
//!
//! The answer must be 2xx with a `Content-Length` (`INVALID_RESPONSE` without one); a
//! `Docker-Content-Digest` that names another digest is `DIGEST_MISMATCH`. Redirects (to
//! storage backends) are followed like every request, without credentials off the registry.

use super::client::Client;
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{Expect, Method, Purpose, RateLimit, Response, TransportError};
use super::manifest_fetch::{forward_response, forward_transport, registry_url, State};
use super::url::Url;
use super::{registry_and_repo, Operation, Step};
use crate::digest::Digest;
use crate::media_type;
use crate::reference::Reference;

/// What a blob `HEAD` told.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobHead {
    /// The digest asked for.
    pub digest: Digest,
    /// `Content-Length`.
    pub size: u64,
    /// `Content-Type` (essence), when sent.
    pub media_type: Option<String>,
    /// Rate limit headers.
    pub rate_limit: Option<RateLimit>,
}

/// `HEAD /v2/<name>/blobs/<digest>`. Build with [`head_blob()`].
#[derive(Debug)]
pub struct BlobHeadOp {
    registry: Result<(String, String), RegistryError>,
    digest: Digest,
    state: State<BlobHead>,
}

/// HEADs the blob `digest` in the reference's repository (its tag/digest are ignored).
pub fn head_blob(reference: &Reference, digest: &Digest) -> BlobHeadOp {
    BlobHeadOp {
        registry: registry_and_repo(reference),
        digest: digest.clone(),
        state: State::Start,
    }
}

fn start(
    registry: &Result<(String, String), RegistryError>,
    digest: &Digest,
    client: &Client,
) -> Result<Exchange, RegistryError> {
    let (registry, repo) = super::clone_repo(registry)?;
    let url = registry_url(client, &registry, &format!("/v2/{repo}/blobs/{digest}"))?;
    Ok(Exchange::new(
        &registry,
        &repo,
        url,
        Method::Head,
        Purpose::Blob,
        Expect::Full { max_len: 0 },
        Vec::new(),
    ))
}

fn judge(
    digest: &Digest,
    resp: &Response,
    url: &Url,
    rate_limit: Option<RateLimit>,
) -> Result<BlobHead, RegistryError> {
    if !resp.is_success() {
        return Err(RegistryError::from_response(resp, Purpose::Blob, url));
    }
    if let Some(h) = resp.header("docker-content-digest") {
        // Only a well-formed digest that differs is a contradiction worth failing on.
        if let Ok(announced) = Digest::parse(h) {
            if &announced != digest {
                return Err(RegistryError::DigestMismatch {
                    expected: digest.clone(),
                    actual: announced,
                    what: "Docker-Content-Digest of the blob".to_string(),
                });
            }
        }
    }
    let size = resp
        .content_length()
        .ok_or_else(|| RegistryError::InvalidResponse {
            reason: "HEAD of a blob without a usable Content-Length".to_string(),
            url: url.redacted(),
        })?;
    Ok(BlobHead {
        digest: digest.clone(),
        size,
        media_type: resp
            .header("content-type")
            .map(media_type::essence)
            .filter(|s| !s.is_empty()),
        rate_limit,
    })
}

impl Operation for BlobHeadOp {
    type Output = BlobHead;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<BlobHead> {
        let (registry, digest) = (&self.registry, &self.digest);
        self.state.step(
            client,
            now_ms,
            |s| start(registry, digest, s),
            |resp, rate_limit, url| judge(digest, &resp, url, rate_limit),
        )
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        forward_response(&mut self.state, client, response, now_ms);
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        forward_transport(&mut self.state, client, error, now_ms);
    }
}
