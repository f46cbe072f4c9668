//! Image references, exactly as `github.com/distribution/reference` v0.6 reads them
//! (`ParseNormalizedNamed`, which Kubernetes and the kubelet use), without a regex engine.
//!
//! # Grammar
//!
//! Each production below is one function of this module, named after it.
//!
//! ```text
//! reference                       := name [ ":" tag ] [ "@" digest ]
//! name                            := [domain '/'] remote-name
//! domain                          := host [':' port-number]
//! host                            := domain-name | IPv4address | "[" IPv6address "]"
//! domain-name                     := domain-component ['.' domain-component]*
//! domain-component                := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//! IPv6address                     := /[a-fA-F0-9:]+/      ; no zone, always bracketed
//! port-number                     := /[0-9]+/
//! remote-name                     := path-component ['/' path-component]*
//! path-component                  := alpha-numeric [separator alpha-numeric]*
//! alpha-numeric                   := /[a-z0-9]+/
//! separator                       := /[_.]|__|[-]+/
//! tag                             := /[\w][\w.-]{0,127}/
//! digest                          := digest-algorithm ":" digest-hex
//! digest-algorithm                := digest-algorithm-component [ digest-algorithm-separator digest-algorithm-component ]*
//! digest-algorithm-separator      := /[+.-_]/
//! digest-algorithm-component      := /[A-Za-z][A-Za-z0-9]*/
//! digest-hex                      := /[0-9a-fA-F]{32,}/   ; then checked by the digest's own rules
//! identifier                      := /[a-f0-9]{64}/        ; refused as a name: it looks like an image ID
//! ```
//!
//! An IPv4 address is a `domain-name` to this grammar. When the first `/`-separated component
//! matches `domain`, it is the domain (the grammar is greedy); otherwise the whole name is the path.
//! The repository path (the `remote-name`, after normalization) may be at most 255 characters.
//!
//! # Normalization (Docker Hub)
//!
//! [`Reference::parse_normalized`] first decides where the domain is, the way Docker does
//! (`splitDockerDomain`): the first component is a domain when it is `localhost`, contains `.` or
//! `:`, or has an uppercase letter; otherwise the name lives on Docker Hub (`docker.io`), and a
//! single-component Docker Hub name gets the `library/` namespace. `index.docker.io` is the legacy
//! spelling of `docker.io`. The tag is never defaulted here; [`Reference::with_default_tag`] adds
//! `latest` when there is neither tag nor digest.

mod arch;
mod error;
mod grammar;

pub use arch::{split_arch_suffix, with_arch_suffix, LEGACY_ARCH_SUFFIXES};
pub use error::ReferenceError;
pub use grammar::is_domain;

use crate::digest::{Algorithm, Digest, DigestError};
use crate::go;
use grammar::{grammar_remainder, raw_domain_end, tag_production, Failure, Remainder};
use std::fmt;
use std::ops::Range;

/// The domain that stands for Docker Hub in normalized names.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// The legacy spelling of Docker Hub's domain, normalized to [`DEFAULT_DOMAIN`].
pub const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// The namespace of Docker Hub's official images.
pub const OFFICIAL_REPO_PREFIX: &str = "library/";
/// The tag the kubelet and the API server assume when there is neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";
/// The longest repository path the grammar allows (the domain does not count).
pub const NAME_TOTAL_LENGTH_MAX: usize = 255;
/// The longest tag.
pub const TAG_LENGTH_MAX: usize = 128;

const LOCALHOST: &str = "localhost";

/// Which digest algorithms a parse accepts.
///
/// Kubernetes links sha256, sha384 and sha512 (`Kubernetes`); distribution's own tests run with
/// sha256 only (`Sha256Only`), which turns other algorithms into `DIGEST_UNSUPPORTED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlgorithms {
    /// sha256, sha384 and sha512, as in Kubernetes.
    Kubernetes,
    /// sha256 only, as in distribution/reference's own test suite.
    Sha256Only,
}

/// Where the domain of a parsed reference comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainPart {
    /// Written in the input at this byte range.
    Input(Range<usize>),
    /// Docker Hub: implied, or written as `docker.io` / `index.docker.io`.
    DockerHub,
    /// No domain (only possible without normalization, or for odd names such as `foo_bar.com/x`
    /// whose first component looked like a domain to Docker's heuristic but not to the grammar).
    None,
}

/// A parsed reference as byte ranges into the input, with no allocation.
///
/// Every printed form can be assembled from these ranges plus the constants `docker.io` and
/// `library/`: the bindings use this to build JS objects without copying through Rust strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    /// The domain.
    pub domain: DomainPart,
    /// Whether normalization put `library/` in front of the path.
    pub library: bool,
    /// The repository path as written (without any implied `library/`).
    pub path: Range<usize>,
    /// The tag, without its `:`.
    pub tag: Option<Range<usize>>,
    /// The digest, without its `@`.
    pub digest: Option<Range<usize>>,
    /// The familiar (shortest) name: always a contiguous part of the input.
    pub familiar_name: Range<usize>,
}

/// A valid image reference, normalized (or not, for [`Reference::parse`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    domain: String,
    path: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl Reference {
    /// Parses and normalizes the way Kubernetes does (`ParseNormalizedNamed`):
    /// `nginx` becomes `docker.io/library/nginx`; tags are not defaulted.
    pub fn parse_normalized(input: &str) -> Result<Reference, ReferenceError> {
        let parts = parse_normalized_parts(input, DigestAlgorithms::Kubernetes)?;
        Ok(Reference::from_parts(input, &parts))
    }

    /// Parses without normalization (distribution's `Parse`): no Docker Hub defaulting, and the
    /// first component is a domain only when the grammar says so.
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        Self::parse_with(input, DigestAlgorithms::Kubernetes)
    }

    /// [`Reference::parse`] with a choice of digest algorithms.
    pub fn parse_with(
        input: &str,
        algorithms: DigestAlgorithms,
    ) -> Result<Reference, ReferenceError> {
        let parts = parse_raw_parts(input, algorithms)?;
        Ok(Reference::from_parts(input, &parts))
    }

    /// Accepts only references already in their canonical, fully qualified form
    /// (distribution's `ParseNamed`): `docker.io/library/nginx:1.25` but not `nginx:1.25`.
    pub fn parse_canonical(input: &str) -> Result<Reference, ReferenceError> {
        let reference = Reference::parse_normalized(input)?;
        let canonical = reference.to_string();
        if canonical != input {
            return Err(ReferenceError::NotCanonical { canonical });
        }
        Ok(reference)
    }

    /// Builds the owned value from the ranges [`parse_normalized_parts`] returned for `input`.
    pub fn from_parts(input: &str, parts: &Parts) -> Reference {
        let slice = |r: &Range<usize>| input.get(r.clone()).unwrap_or("").to_string();
        let domain = match &parts.domain {
            DomainPart::Input(r) => slice(r),
            DomainPart::DockerHub => DEFAULT_DOMAIN.to_string(),
            DomainPart::None => String::new(),
        };
        let mut path = String::new();
        if parts.library {
            path.push_str(OFFICIAL_REPO_PREFIX);
        }
        path.push_str(input.get(parts.path.clone()).unwrap_or(""));
        Reference {
            domain,
            path,
            tag: parts.tag.as_ref().map(slice),
            digest: parts
                .digest
                .as_ref()
                .and_then(|r| Digest::parse(input.get(r.clone()).unwrap_or("")).ok()),
        }
    }

    /// The registry host (with port), `docker.io` for Docker Hub; empty when there is none.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path, e.g. `library/nginx`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The tag as written, if any (never defaulted).
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest, if any.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// `domain/path`, the name the kubelet looks credentials up by (`docker.io/library/nginx`).
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The shortest name that means the same (`nginx`, `user/app`, `localhost:5000/app`).
    pub fn familiar_name(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            if let Some(rest) = self.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
                if !rest.contains('/') {
                    return rest.to_string();
                }
            }
            return self.path.clone();
        }
        self.name()
    }

    /// The shortest equivalent reference (`nginx:1.25`, `user/app@sha256:...`).
    pub fn familiar(&self) -> String {
        self.with_suffix(self.familiar_name())
    }

    /// The normalized reference with `:latest` added when there is neither tag nor digest.
    pub fn with_default_tag(&self) -> String {
        let mut s = self.to_string();
        if self.tag.is_none() && self.digest.is_none() {
            s.push(':');
            s.push_str(DEFAULT_TAG);
        }
        s
    }

    /// The tag the API server and the kubelet see: the tag, else `latest` when there is no
    /// digest either, else none (Kubernetes' `ParseImageName`).
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some(DEFAULT_TAG),
            (None, Some(_)) => None,
        }
    }

    /// A copy with another tag (the digest is kept).
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ReferenceError> {
        if let Err(Failure::Format { offset, expected }) = tag_production(tag.as_bytes(), 0) {
            return Err(ReferenceError::InvalidFormat {
                offset,
                expected,
                found: tag.get(offset..).and_then(|s| s.chars().next()),
            });
        }
        let mut r = self.clone();
        r.tag = Some(tag.to_string());
        Ok(r)
    }

    fn with_suffix(&self, mut s: String) -> String {
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(&d.to_string());
        }
        s
    }
}

impl fmt::Display for Reference {
    /// The normalized string: `name[:tag][@digest]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.with_suffix(self.name()))
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse_normalized(s)
    }
}

/// The kubelet's `applyDefaultImageTag`: the image string as written, with `:latest` appended
/// when it has no digest and does not already end in `:<tag>`.
pub fn kubelet_image_with_default_tag(input: &str) -> Result<String, ReferenceError> {
    let r = Reference::parse_normalized(input)?;
    match (r.digest(), r.effective_tag()) {
        (None, Some(tag)) if !input.ends_with(&format!(":{tag}")) => Ok(format!("{input}:{tag}")),
        _ => Ok(input.to_string()),
    }
}

/// Is `input` exactly 64 lowercase hex characters (what `ParseNormalizedNamed` refuses)?
pub fn is_identifier(input: &str) -> bool {
    let b = input.as_bytes();
    if b.len() != 64 {
        return false;
    }
    let mut i = 0;
    while i < 64 && matches!(b[i], b'0'..=b'9' | b'a'..=b'f') {
        i += 1;
    }
    i == 64
}

/// `ParseNormalizedNamed` as ranges into `input`: see the module documentation.
pub fn parse_normalized_parts(
    input: &str,
    algorithms: DigestAlgorithms,
) -> Result<Parts, ReferenceError> {
    if is_identifier(input) {
        return Err(ReferenceError::AmbiguousImageId);
    }
    let b = input.as_bytes();
    // splitDockerDomain: where does the remainder start, and is the domain Docker Hub?
    // One pass over the first component: '.' or ':' or an uppercase letter make it a host.
    let mut p = 0;
    let mut looks_like_host = false;
    let mut ascii = true;
    while p < b.len() && b[p] != b'/' {
        let c = b[p];
        looks_like_host |= c == b'.' || c == b':' || c.is_ascii_uppercase();
        ascii &= c.is_ascii();
        p += 1;
    }
    let (hub, start) = match p < b.len() {
        false => (true, 0),
        true => {
            let first = &input[..p];
            looks_like_host |= !ascii && has_uppercase(first);
            if first == LOCALHOST {
                (false, p + 1)
            } else if first == LEGACY_DEFAULT_DOMAIN || first == DEFAULT_DOMAIN {
                (true, p + 1)
            } else if looks_like_host {
                (false, p + 1)
            } else {
                (true, 0)
            }
        }
    };
    // ParseNormalizedNamed refuses an uppercase remote name (the remainder up to its first ':')
    // before it parses. The path grammar cannot match uppercase anyway, so the check can wait
    // until the grammar fails, or until it passes on "path@ALGORITHM:hex" (no tag), the one
    // valid shape whose remote name reaches past the path.
    if !hub {
        // domain + "/" + remainder is the input itself: the grammar decides the rest.
        return match parse_raw_parts(input, algorithms) {
            Ok(parts) => {
                if parts.tag.is_none() {
                    check_algorithm_lowercase(input, start, parts.digest.as_ref())?;
                }
                Ok(parts)
            }
            Err(e) => {
                check_remote_lowercase(input, start)?;
                Err(e)
            }
        };
    }
    let library = grammar::find_byte(b, start, b'/').is_none();
    let extra = if library {
        OFFICIAL_REPO_PREFIX.len()
    } else {
        0
    };
    let rest = match parse_remainder(b, start, extra, algorithms) {
        Ok(rest) => {
            if rest.tag.is_none() {
                check_algorithm_lowercase(input, start, rest.digest.as_ref())?;
            }
            rest
        }
        Err(e) => {
            check_remote_lowercase(input, start)?;
            return Err(classify_failure(
                input,
                e,
                |low| grammar_remainder(low.as_bytes(), 0).is_ok(),
                start,
            ));
        }
    };
    let familiar_start = if library {
        rest.path.start
    } else if input[rest.path.clone()].starts_with(OFFICIAL_REPO_PREFIX)
        && grammar::find_byte(
            &b[..rest.path.end],
            rest.path.start + OFFICIAL_REPO_PREFIX.len(),
            b'/',
        )
        .is_none()
    {
        rest.path.start + OFFICIAL_REPO_PREFIX.len()
    } else {
        rest.path.start
    };
    Ok(Parts {
        domain: DomainPart::DockerHub,
        library,
        familiar_name: familiar_start..rest.path.end,
        path: rest.path,
        tag: rest.tag,
        digest: rest.digest,
    })
}

/// distribution's `Parse` as ranges into `input` (no normalization).
pub fn parse_raw_parts(input: &str, algorithms: DigestAlgorithms) -> Result<Parts, ReferenceError> {
    let b = input.as_bytes();
    if b.is_empty() {
        return Err(ReferenceError::NameEmpty);
    }
    let domain_end = raw_domain_end(b);
    let start = domain_end.map_or(0, |p| p + 1);
    let rest = match parse_remainder(b, start, 0, algorithms) {
        Ok(rest) => rest,
        Err(e) => {
            return Err(classify_failure(
                input,
                e,
                |low| {
                    let lb = low.as_bytes();
                    grammar_remainder(lb, raw_domain_end(lb).map_or(0, |p| p + 1)).is_ok()
                },
                0,
            ))
        }
    };
    let (domain, familiar_start) = match domain_end {
        Some(p) => (DomainPart::Input(0..p), 0),
        None => (DomainPart::None, rest.path.start),
    };
    Ok(Parts {
        domain,
        library: false,
        familiar_name: familiar_start..rest.path.end,
        path: rest.path,
        tag: rest.tag,
        digest: rest.digest,
    })
}

/// Does Go's `unicode.ToLower` change `c`? distribution's uppercase check is
/// `strings.ToLower(name) != name`; this is it for one character, so the error can point at it.
fn is_upper(c: char) -> bool {
    go::strings::to_lower_char(c) != c
}

/// `strings.ToLower(s) != s`, without building the lowered string.
fn has_uppercase(s: &str) -> bool {
    s.chars().any(is_upper)
}

/// distribution's rule for a string that does not match: if its lowercase form would, the
/// problem is uppercase; otherwise it is a format error.
fn classify_failure(
    input: &str,
    failure: Failure,
    lowercase_matches: impl Fn(&str) -> bool,
    from: usize,
) -> ReferenceError {
    match failure {
        Failure::Final(e) => e,
        Failure::Format { offset, expected } => {
            let tail = input.get(from..).unwrap_or("");
            if has_uppercase(tail) && lowercase_matches(&go::strings::to_lower(tail)) {
                let offset = from + tail.find(|c: char| is_upper(c)).unwrap_or(0);
                return ReferenceError::ContainsUppercase {
                    offset,
                    name: name_part(input).to_string(),
                };
            }
            ReferenceError::InvalidFormat {
                offset,
                expected,
                found: input.get(offset..).and_then(|s| s.chars().next()),
            }
        }
    }
}

/// [`grammar_remainder`], then the length limit (`extra` is the length of an implied
/// `library/`) and the digest's own rules, in distribution's order.
fn parse_remainder(
    b: &[u8],
    start: usize,
    extra: usize,
    algorithms: DigestAlgorithms,
) -> Result<Remainder, Failure> {
    let rest = grammar_remainder(b, start)?;
    let length = extra + rest.path.len();
    if length > NAME_TOTAL_LENGTH_MAX {
        return Err(Failure::Final(ReferenceError::NameTooLong { length }));
    }
    if let Some(r) = &rest.digest {
        if rest.digest_lowercase_sha && algorithms == DigestAlgorithms::Kubernetes {
            return Ok(rest); // "sha256|384|512:" + lowercase hex of its exact length
        }
        let text = std::str::from_utf8(&b[r.clone()]).unwrap_or("");
        check_digest(text, algorithms).map_err(|source| {
            Failure::Final(ReferenceError::Digest {
                offset: r.start,
                source,
            })
        })?;
    }
    Ok(rest)
}

fn check_digest(text: &str, algorithms: DigestAlgorithms) -> Result<(), DigestError> {
    if algorithms == DigestAlgorithms::Sha256Only {
        if let Some((alg, _)) = text.split_once(':') {
            if alg != Algorithm::Sha256.name() {
                // go-digest: an unavailable algorithm is "unsupported" when the digest is
                // well-formed, else "invalid format".
                return Err(if crate::digest::is_well_formed(text) {
                    DigestError::Unsupported {
                        input: text.to_string(),
                        algorithm: alg.to_string(),
                    }
                } else {
                    DigestError::InvalidFormat {
                        input: text.to_string(),
                        offset: 0,
                        reason: "malformed algorithm or encoded part",
                    }
                });
            }
        }
    }
    Digest::validate(text).map(|_| ())
}

/// `ParseNormalizedNamed`'s check that the remote name (the remainder up to the first ':') is
/// lowercase.
fn check_remote_lowercase(input: &str, start: usize) -> Result<(), ReferenceError> {
    let b = input.as_bytes();
    let mut i = start;
    let mut ascii = true;
    let mut first_upper = None;
    while i < b.len() && b[i] != b':' {
        if first_upper.is_none() && b[i].is_ascii_uppercase() {
            first_upper = Some(i);
        }
        ascii &= b[i].is_ascii();
        i += 1;
    }
    let remote = &input[start..i];
    if !ascii {
        first_upper = remote.find(is_upper).map(|j| start + j);
    }
    match first_upper {
        Some(offset) => Err(ReferenceError::ContainsUppercase {
            offset,
            name: remote.to_string(),
        }),
        None => Ok(()),
    }
}

/// [`check_remote_lowercase`] once the grammar has passed without a tag: the path is lowercase
/// already, so only a digest's algorithm (before its ':') can make the remote name uppercase.
fn check_algorithm_lowercase(
    input: &str,
    start: usize,
    digest: Option<&Range<usize>>,
) -> Result<(), ReferenceError> {
    let Some(d) = digest else { return Ok(()) };
    let b = input.as_bytes();
    let mut i = d.start;
    while i < d.end && b[i] != b':' {
        if b[i].is_ascii_uppercase() {
            return check_remote_lowercase(input, start);
        }
        i += 1;
    }
    Ok(())
}

/// The name part of `input` (before any tag or digest), for messages.
fn name_part(input: &str) -> &str {
    let before_digest = input.split('@').next().unwrap_or(input);
    let last_slash = before_digest.rfind('/').map_or(0, |i| i + 1);
    match before_digest[last_slash..].find(':') {
        Some(i) => &before_digest[..last_slash + i],
        None => before_digest,
    }
}

#[cfg(test)]
mod tests;
