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
use super::http::{Expect, Method, Purpose, RateLimit};
use super::operation::{
    exchange_operation, repository, Answer, Exchanges, Next, Repository, State,
};
use crate::digest::Digest;
use crate::media_type;
use crate::reference::Reference;

/// What a blob `HEAD` told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobHead {
    /// The digest asked for.
    pub digest: Digest,
    /// `Content-Length`.
    pub size: u64,
    /// `Content-Type` (essence), when sent.
    pub media_type: Option<String>,
    pub rate_limit: Option<RateLimit>,
}

/// `HEAD /v2/<name>/blobs/<digest>`. Build with [`head_blob()`].
#[derive(Debug)]
pub struct BlobHeadOp {
    request: BlobHeadRequest,
    state: State<BlobHead>,
}

#[derive(Debug)]
struct BlobHeadRequest {
    repository: Result<Repository, RegistryError>,
    digest: Digest,
}

/// HEADs the blob `digest` in the reference's repository (its tag/digest are ignored).
pub fn head_blob(reference: &Reference, digest: &Digest) -> BlobHeadOp {
    BlobHeadOp {
        request: BlobHeadRequest {
            repository: Repository::of(reference),
            digest: digest.clone(),
        },
        state: State::Start,
    }
}

impl Exchanges for BlobHeadRequest {
    type Output = BlobHead;

    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        let repo = repository(&self.repository)?;
        let url = repo.url(client, &format!("blobs/{}", self.digest))?;
        Ok(Exchange::new(
            &repo.registry,
            &repo.name,
            url,
            Method::Head,
            Purpose::Blob,
            Expect::Full { max_len: 0 },
            Vec::new(),
        ))
    }

    fn judge(&mut self, _: &mut Client, answer: Answer) -> Result<Next<BlobHead>, RegistryError> {
        let (resp, url, digest) = (&answer.response, &answer.url, &self.digest);
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
        Ok(Next::Done(BlobHead {
            digest: digest.clone(),
            size,
            media_type: resp
                .header("content-type")
                .map(media_type::essence)
                .filter(|s| !s.is_empty()),
            rate_limit: answer.rate_limit,
        }))
    }
}

exchange_operation!(BlobHeadOp, BlobHead);
