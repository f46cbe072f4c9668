//! Choosing the manifest for a platform from an index, as containerd's `images.Manifest` does:
//! keep the descriptors whose platform the matcher accepts (descriptors without a platform are
//! kept too, ranked last), stable-sort them by the matcher's `less` (Go's algorithm), take the
//! first. Attestation manifests (annotation `vnd.docker.reference.type: attestation-manifest`,
//! or platform `unknown/unknown`) are never candidates.
//!
//! Every choice comes with a one-sentence reason; when nothing matches, [`no_match_error`] gives
//! `NO_MATCHING_PLATFORM` listing what the index offers.

use crate::error::Coded;
use crate::go::sort::sorted_permutation;
use crate::manifest::{Descriptor, ImageIndex, Manifest};
use crate::platform::{format_all, Matcher, Mode, Platform};
use std::fmt;

/// Annotation that BuildKit puts on attestation manifests in an index.
pub const REFERENCE_TYPE_ANNOTATION: &str = "vnd.docker.reference.type";
/// Its value for attestation manifests.
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";

/// The chosen entry and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Position in the index's `manifests` (or in the list given).
    pub index: usize,
    /// The chosen descriptor (`None` when selecting from a bare list of platforms).
    pub descriptor: Option<Descriptor>,
    /// Its platform, if it declares one.
    pub platform: Option<Platform>,
    /// One sentence: what was chosen for what, and whether as exact match or fallback.
    pub reason: String,
}

/// Nothing in the index can run on the requested platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectError {
    /// `NO_MATCHING_PLATFORM`
    NoMatchingPlatform {
        /// The requested platform(s), formatted.
        requested: String,
        /// The platforms the index offers (attestations left out), formatted.
        available: Vec<String>,
    },
    /// `NOT_AN_INDEX`: the document is an image manifest, which has no per-platform entries.
    NotAnIndex { media_type: String },
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::NoMatchingPlatform {
                requested,
                available,
            } if available.is_empty() => {
                write!(
                    f,
                    "no manifest for {requested}: the index declares no platforms"
                )
            }
            SelectError::NoMatchingPlatform {
                requested,
                available,
            } => write!(
                f,
                "no manifest for {requested}; available: {}",
                available.join(", ")
            ),
            SelectError::NotAnIndex { media_type } => write!(
                f,
                "cannot select by platform from an image manifest ({media_type}): only an index or manifest list has per-platform entries"
            ),
        }
    }
}

impl std::error::Error for SelectError {}

impl Coded for SelectError {
    fn code(&self) -> &'static str {
        match self {
            SelectError::NoMatchingPlatform { .. } => "NO_MATCHING_PLATFORM",
            SelectError::NotAnIndex { .. } => "NOT_AN_INDEX",
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            SelectError::NoMatchingPlatform {
                requested,
                available,
            } => vec![
                ("requested", requested.clone()),
                ("available", available.join(", ")),
            ],
            SelectError::NotAnIndex { media_type } => vec![("mediaType", media_type.clone())],
        }
    }
}

fn is_attestation_platform(p: &Platform) -> bool {
    p.os == "unknown" && p.architecture == "unknown"
}

/// Whether an index entry is an attestation manifest (never selected).
pub fn is_attestation(d: &Descriptor) -> bool {
    d.annotations.get(REFERENCE_TYPE_ANNOTATION) == Some(ATTESTATION_MANIFEST)
        || d.platform.as_ref().is_some_and(is_attestation_platform)
}

/// Candidates of a list: `(position, platform)` without attestations.
fn candidates<'a>(
    entries: impl Iterator<Item = (usize, Option<&'a Platform>, bool)>,
) -> Vec<(usize, Option<&'a Platform>)> {
    entries
        .filter(|(_, p, attestation)| !attestation && !p.is_some_and(is_attestation_platform))
        .map(|(i, p, _)| (i, p))
        .collect()
}

/// Positions of the acceptable entries, best first (containerd's filter + stable sort).
fn rank(cands: &[(usize, Option<&Platform>)], matcher: &Matcher) -> Vec<usize> {
    let kept: Vec<(usize, Option<&Platform>)> = cands
        .iter()
        .copied()
        .filter(|(_, p)| !p.is_some_and(|p| !matcher.matches(p)))
        .collect();
    let order = sorted_permutation(kept.len(), |a, b| match (kept.get(a), kept.get(b)) {
        (Some((_, None)), _) => false,
        (_, Some((_, None))) => true,
        (Some((_, Some(x))), Some((_, Some(y)))) => matcher.less(x, y),
        _ => false,
    });
    order
        .into_iter()
        .filter_map(|k| kept.get(k).map(|(i, _)| *i))
        .collect()
}

fn available(cands: &[(usize, Option<&Platform>)]) -> Vec<String> {
    cands
        .iter()
        .filter_map(|(_, p)| p.map(format_all))
        .collect()
}

fn reason(
    chosen: Option<&Platform>,
    index: usize,
    matcher: &Matcher,
    available: &[String],
) -> String {
    let requested = matcher.describe();
    let list = if available.is_empty() {
        "none declared".to_string()
    } else {
        available.join(", ")
    };
    match chosen {
        None => format!(
            "entry {index} (no platform declared) chosen for {requested}: no entry declares a matching platform; available: {list}"
        ),
        Some(p) if matcher.mode() == Mode::All => {
            format!("{} chosen: first entry, any platform accepted", format_all(p))
        }
        Some(p) if matcher.is_exact(p) => {
            format!("{} chosen: exact match for {requested}", format_all(p))
        }
        Some(p) => format!(
            "{} chosen for {requested} via fallback; available: {list}",
            format_all(p)
        ),
    }
}

fn index_candidates(index: &ImageIndex) -> Vec<(usize, Option<&Platform>)> {
    candidates(
        index
            .manifests
            .iter()
            .enumerate()
            .map(|(i, d)| (i, d.platform.as_ref(), is_attestation(d))),
    )
}

fn list_candidates(platforms: &[Option<Platform>]) -> Vec<(usize, Option<&Platform>)> {
    candidates(
        platforms
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.as_ref(), false)),
    )
}

/// Positions in `index.manifests` of every acceptable entry, best first.
pub fn ranked(index: &ImageIndex, matcher: &Matcher) -> Vec<usize> {
    rank(&index_candidates(index), matcher)
}

/// Positions in `platforms` of every acceptable entry, best first (`None` = no platform).
pub fn ranked_platforms(platforms: &[Option<Platform>], matcher: &Matcher) -> Vec<usize> {
    rank(&list_candidates(platforms), matcher)
}

/// The entry of `index` containerd would pull for `matcher`, with the reason.
pub fn select(index: &ImageIndex, matcher: &Matcher) -> Option<Selection> {
    let cands = index_candidates(index);
    let first = *rank(&cands, matcher).first()?;
    let descriptor = index.manifests.get(first)?.clone();
    let platform = descriptor.platform.clone();
    Some(Selection {
        index: first,
        reason: reason(platform.as_ref(), first, matcher, &available(&cands)),
        descriptor: Some(descriptor),
        platform,
    })
}

/// Like [`select`] over a bare list of platforms (`None` = an entry without a platform).
pub fn select_platform(platforms: &[Option<Platform>], matcher: &Matcher) -> Option<Selection> {
    let cands = list_candidates(platforms);
    let first = *rank(&cands, matcher).first()?;
    let platform = platforms.get(first)?.clone();
    Some(Selection {
        index: first,
        reason: reason(platform.as_ref(), first, matcher, &available(&cands)),
        descriptor: None,
        platform,
    })
}

/// The platforms an index offers (attestations left out), formatted, in index order.
pub fn available_platforms(index: &ImageIndex) -> Vec<String> {
    available(&index_candidates(index))
}

/// `NO_MATCHING_PLATFORM` for `index`, listing what it offers.
pub fn no_match_error(index: &ImageIndex, matcher: &Matcher) -> SelectError {
    SelectError::NoMatchingPlatform {
        requested: matcher.describe(),
        available: available_platforms(index),
    }
}

/// `NO_MATCHING_PLATFORM` for a bare list of platforms.
pub fn no_match_error_for_platforms(
    platforms: &[Option<Platform>],
    matcher: &Matcher,
) -> SelectError {
    SelectError::NoMatchingPlatform {
        requested: matcher.describe(),
        available: available(&list_candidates(platforms)),
    }
}

/// [`select`], or the `NO_MATCHING_PLATFORM` error when nothing matches.
pub fn select_or_error(index: &ImageIndex, matcher: &Matcher) -> Result<Selection, SelectError> {
    select(index, matcher).ok_or_else(|| no_match_error(index, matcher))
}

/// The index of a parsed document, or `NOT_AN_INDEX` for an image manifest.
pub fn index_of(m: &Manifest) -> Result<&ImageIndex, SelectError> {
    match m {
        Manifest::Index(i) => Ok(i),
        Manifest::Image(_) => Err(SelectError::NotAnIndex {
            media_type: m.media_type().to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_indexes_have_entries_to_select_from() {
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let image = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{d}","size":0}},"layers":[]}}"#
        );
        let index = r#"{"schemaVersion":2,"manifests":[]}"#;
        let parse = |b: &str| crate::manifest::parse(b.as_bytes(), None);
        let m = parse(&image).unwrap_or_else(|e| panic!("{e}"));
        let e = index_of(&m)
            .err()
            .unwrap_or_else(|| panic!("image accepted"));
        assert_eq!(e.code(), "NOT_AN_INDEX");
        assert!(e
            .to_string()
            .contains("application/vnd.oci.image.manifest.v1+json"));
        let m = parse(index).unwrap_or_else(|e| panic!("{e}"));
        assert!(index_of(&m).is_ok_and(|i| i.manifests.is_empty()));
    }
}
