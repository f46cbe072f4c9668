//! The kubelet's URL globs: how a keyring key or a `matchImages` entry is matched against an image.
//!
//! This is `URLsMatchStr(glob, target)` of kubernetes `pkg/credentialprovider/keyring.go`:
//!
//! 1. both strings are parsed as `"https://" + s` by Go's `url.Parse` ([`go::url::parse`]; a
//!    pattern that does not parse, such as `[`, never matches);
//! 2. the host is split into name and port by Go's `net.SplitHostPort`
//!    ([`go::net::split_host_port`]; no port, or a host it cannot split, means port `""`); the
//!    ports must be equal (absent equals only absent);
//! 3. the names are split on `.`; the label counts must be equal;
//! 4. the pattern's path must be a plain string prefix of the target's path;
//! 5. each label is matched with Go's `filepath.Match` ([`go::filepath::matches`]: `*`, `?`,
//!    `[a-z]`, `[^x]`, `\` escapes; case-sensitive; `*` never crosses a `.` because labels are
//!    matched one by one).
//!    Because the pattern is a URL first, `?` starts its query, `\` is an invalid host
//!    character and a leading `[` means an IPv6 literal: in practice only `*` and `[...]`
//!    classes after the first character work in hosts.
//!
//! It also holds the keyring-key normalization of `BasicDockerKeyring.Add` ([`normalize_key`])
//! and `isDefaultRegistryMatch` ([`is_default_registry_match`]).

use crate::go;
use crate::go::filepath::BadPattern;
use crate::go::url::{UrlError, UrlParts};
use std::fmt;

/// `parseSchemelessURL`: `url.Parse("https://" + s)`.
pub fn parse_schemeless_url(s: &str) -> Result<UrlParts, UrlError> {
    go::url::parse(&format!("https://{s}"))
}

/// The kubelet's `splitURL` up to its label split: `(name, port)` by `net.SplitHostPort`, or
/// the whole host and no port when that fails.
fn split_url(host: &str) -> (&str, &str) {
    go::net::split_host_port(host).unwrap_or((host, ""))
}

/// Why a pattern does not match a target, in the order the kubelet checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The pattern does not parse as a URL: the kubelet treats that as no match.
    PatternInvalid(String),
    /// The target does not parse as a URL.
    TargetInvalid(String),
    /// Ports differ (`""` means no port).
    PortDiffers {
        /// Port of the pattern.
        pattern: String,
        /// Port of the target.
        target: String,
    },
    /// The host names have a different number of `.`-separated labels.
    LabelCountDiffers {
        /// Host name of the pattern.
        pattern: String,
        /// Host name of the target.
        target: String,
    },
    /// The pattern's path is not a string prefix of the target's path.
    PathPrefixDiffers {
        /// Path of the pattern.
        pattern: String,
        /// Path of the target.
        target: String,
    },
    /// A label glob is malformed (`filepath.ErrBadPattern`).
    BadGlob(String),
    /// A label glob does not match the target's label.
    LabelDiffers {
        /// Host name of the pattern.
        pattern_host: String,
        /// Host name of the target.
        target_host: String,
        /// The pattern label that failed.
        pattern_label: String,
        /// The target label it was compared with.
        target_label: String,
    },
}

fn show_port(p: &str) -> String {
    if p.is_empty() {
        "none".into()
    } else {
        format!(":{p}")
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::PatternInvalid(e) => write!(f, "pattern is not a valid URL ({e})"),
            Mismatch::TargetInvalid(e) => write!(f, "target is not a valid URL ({e})"),
            Mismatch::PortDiffers { pattern, target } => write!(
                f,
                "port differs (pattern {}, target {})",
                show_port(pattern),
                show_port(target)
            ),
            Mismatch::LabelCountDiffers { pattern, target } => write!(
                f,
                "host label count differs (glob {pattern} does not match {target}: {} vs {} labels)",
                pattern.split('.').count(),
                target.split('.').count()
            ),
            Mismatch::PathPrefixDiffers { pattern, target } => write!(
                f,
                "path prefix differs (target path {target:?} does not start with {pattern:?})"
            ),
            Mismatch::BadGlob(label) => write!(f, "malformed glob label {label:?}"),
            Mismatch::LabelDiffers {
                pattern_host,
                target_host,
                pattern_label,
                target_label,
            } => write!(
                f,
                "glob {pattern_host} does not match {target_host} (label {pattern_label:?} vs {target_label:?})"
            ),
        }
    }
}

/// `URLsMatchStr` with the reason when it does not match.
pub fn explain_match(pattern: &str, target: &str) -> Result<(), Mismatch> {
    let p = parse_schemeless_url(pattern).map_err(|e| Mismatch::PatternInvalid(e.0))?;
    let t = parse_schemeless_url(target).map_err(|e| Mismatch::TargetInvalid(e.0))?;
    let (p_name, p_port) = split_url(&p.host);
    let (t_name, t_port) = split_url(&t.host);
    if p_port != t_port {
        return Err(Mismatch::PortDiffers {
            pattern: p_port.into(),
            target: t_port.into(),
        });
    }
    let p_labels: Vec<&str> = p_name.split('.').collect();
    let t_labels: Vec<&str> = t_name.split('.').collect();
    if p_labels.len() != t_labels.len() {
        return Err(Mismatch::LabelCountDiffers {
            pattern: p_name.into(),
            target: t_name.into(),
        });
    }
    if !t.path.starts_with(&p.path) {
        return Err(Mismatch::PathPrefixDiffers {
            pattern: p.path,
            target: t.path,
        });
    }
    for (pl, tl) in p_labels.iter().zip(&t_labels) {
        match go::filepath::matches(pl, tl) {
            Err(BadPattern) => return Err(Mismatch::BadGlob((*pl).into())),
            Ok(false) => {
                return Err(Mismatch::LabelDiffers {
                    pattern_host: p_name.into(),
                    target_host: t_name.into(),
                    pattern_label: (*pl).into(),
                    target_label: (*tl).into(),
                })
            }
            Ok(true) => {}
        }
    }
    Ok(())
}

/// The kubelet's `URLsMatchStr(pattern, target)` (errors count as no match).
pub fn urls_match(pattern: &str, target: &str) -> bool {
    explain_match(pattern, target).is_ok()
}

/// `BasicDockerKeyring.Add`'s key normalization: `https://` is prepended unless the key starts
/// with `https://` or `http://`, the URL is parsed, a leading `/v1/` or `/v2/` path keeps only
/// its rest (`/v2/foo` -> `/foo`), and the key is `host + path` (just `host` when the path is
/// empty or `/`). An unparseable key is ignored by the kubelet; here it is an error.
pub fn normalize_key(raw: &str) -> Result<String, UrlError> {
    let parsed = if raw.starts_with("https://") || raw.starts_with("http://") {
        go::url::parse(raw)?
    } else {
        go::url::parse(&format!("https://{raw}"))?
    };
    let mut path = parsed.path.as_str();
    if path.starts_with("/v2/") || path.starts_with("/v1/") {
        path = &path[3..];
    }
    if path.is_empty() || path == "/" {
        Ok(parsed.host)
    } else {
        Ok(format!("{}{}", parsed.host, path))
    }
}

/// `isDefaultRegistryMatch(image)`: does this lookup key pull from Docker Hub? An empty first
/// `/`-component is not; no `/` is; `docker.io` and `index.docker.io` are; otherwise it is
/// when the first component has neither `.` nor `:`.
pub fn is_default_registry_match(image: &str) -> bool {
    let (first, rest) = match image.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (image, None),
    };
    if first.is_empty() {
        return false;
    }
    if rest.is_none() {
        return true;
    }
    if first == "docker.io" || first == "index.docker.io" {
        return true;
    }
    !first.contains(['.', ':'])
}

#[cfg(test)]
mod tests;
