//! [`ReferenceError`]: why a string is not a valid image reference, with its codes and offsets.

use super::NAME_TOTAL_LENGTH_MAX;
use crate::digest::DigestError;
use crate::error::Coded;
use std::fmt;

/// Why a string is not a valid image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceError {
    /// The input is empty (`NAME_EMPTY`).
    NameEmpty,
    /// The input does not follow the grammar (`INVALID_REFERENCE_FORMAT`).
    InvalidFormat {
        /// Byte offset of the first character that does not fit.
        offset: usize,
        /// What the grammar wanted there.
        expected: &'static str,
        /// The character found there (`None` at the end of the input).
        found: Option<char>,
    },
    /// The repository name has uppercase letters (`NAME_CONTAINS_UPPERCASE`).
    ContainsUppercase {
        /// Byte offset of the first uppercase character.
        offset: usize,
        /// The repository name as written.
        name: String,
    },
    /// The repository path is longer than 255 characters (`NAME_TOO_LONG`).
    NameTooLong {
        /// Its length, `library/` included when normalization added it.
        length: usize,
    },
    /// The `@digest` part is not a valid digest (the digest's own code, e.g. `DIGEST_INVALID_LENGTH`).
    Digest {
        /// Byte offset where the digest starts.
        offset: usize,
        /// The digest error.
        source: DigestError,
    },
    /// The whole input is 64 lowercase hex characters, which is ambiguous with an image ID
    /// (`AMBIGUOUS_IMAGE_ID`).
    AmbiguousImageId,
    /// [`Reference::parse_canonical`](super::Reference::parse_canonical) only: the input is valid but not fully qualified
    /// (`NAME_NOT_CANONICAL`).
    NotCanonical {
        /// The canonical spelling of the same reference.
        canonical: String,
    },
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NameEmpty => f.write_str("repository name must have at least one component"),
            Self::InvalidFormat {
                offset,
                expected,
                found,
            } => match found {
                Some(c) => write!(
                    f,
                    "invalid reference format: unexpected {:?} at offset {offset}, expected {expected}",
                    c
                ),
                None if *offset == 0 => f.write_str("invalid reference format: the reference is empty"),
                None => write!(
                    f,
                    "invalid reference format: input ends at offset {offset}, expected {expected}"
                ),
            },
            Self::ContainsUppercase { name, .. } => {
                write!(f, "repository name must be lowercase: '{name}'")
            }
            Self::NameTooLong { length } => write!(
                f,
                "repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters (it has {length})"
            ),
            Self::Digest { source, .. } => write!(f, "{source}"),
            Self::AmbiguousImageId => f.write_str(
                "invalid repository name: cannot specify 64-byte hexadecimal strings (it looks like an image ID)",
            ),
            Self::NotCanonical { canonical } => write!(
                f,
                "repository name must be canonical: the canonical form is '{canonical}'"
            ),
        }
    }
}

impl std::error::Error for ReferenceError {}

impl Coded for ReferenceError {
    fn code(&self) -> &'static str {
        match self {
            Self::NameEmpty => "NAME_EMPTY",
            Self::InvalidFormat { .. } => "INVALID_REFERENCE_FORMAT",
            Self::ContainsUppercase { .. } => "NAME_CONTAINS_UPPERCASE",
            Self::NameTooLong { .. } => "NAME_TOO_LONG",
            Self::Digest { source, .. } => source.code(),
            Self::AmbiguousImageId => "AMBIGUOUS_IMAGE_ID",
            Self::NotCanonical { .. } => "NAME_NOT_CANONICAL",
        }
    }

    fn offset(&self) -> Option<usize> {
        match self {
            Self::InvalidFormat { offset, .. }
            | Self::ContainsUppercase { offset, .. }
            | Self::Digest { offset, .. } => Some(*offset),
            Self::NameEmpty | Self::AmbiguousImageId => Some(0),
            Self::NameTooLong { .. } | Self::NotCanonical { .. } => None,
        }
    }
}
