//! TEMPORARY minimal digest parsing (replaced by the full module of the multi-arch work).

use crate::error::Coded;
use std::fmt;

/// A digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// sha256
    Sha256,
    /// sha384
    Sha384,
    /// sha512
    Sha512,
}

impl Algorithm {
    /// The algorithm's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }
    /// Size in bytes.
    pub fn size(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
    fn from_name(s: &str) -> Option<Self> {
        [Self::Sha256, Self::Sha384, Self::Sha512]
            .into_iter()
            .find(|a| a.name() == s)
    }
}

/// A digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    encoded: String,
}

/// Digest errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestError {
    /// bad format
    InvalidFormat {
        /// the digest
        digest: String,
    },
    /// bad length
    InvalidLength {
        /// the digest
        digest: String,
    },
    /// unknown algorithm
    Unsupported {
        /// the algorithm
        algorithm: String,
    },
}

impl fmt::Display for DigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidFormat { digest } => write!(f, "invalid digest format: '{digest}'"),
            Self::InvalidLength { digest } => {
                write!(f, "invalid checksum digest length: '{digest}'")
            }
            Self::Unsupported { algorithm } => {
                write!(f, "unsupported digest algorithm: '{algorithm}'")
            }
        }
    }
}

impl Coded for DigestError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidFormat { .. } => "DIGEST_INVALID_FORMAT",
            Self::InvalidLength { .. } => "DIGEST_INVALID_LENGTH",
            Self::Unsupported { .. } => "DIGEST_UNSUPPORTED",
        }
    }
}

/// go-digest's DigestRegexpAnchored.
pub fn is_well_formed(s: &str) -> bool {
    let Some((alg, enc)) = s.split_once(':') else {
        return false;
    };
    let comp_ok = |c: &str| {
        !c.is_empty()
            && c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let alg_ok = alg.split(['.', '+', '_', '-']).all(comp_ok);
    alg_ok
        && !enc.is_empty()
        && enc
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b'_' || b == b'-')
}

impl Digest {
    /// Parses `algorithm:hex`.
    pub fn parse(s: &str) -> Result<Digest, DigestError> {
        let i = s.find(':').unwrap_or(0);
        if i == 0 || i + 1 == s.len() {
            return Err(DigestError::InvalidFormat { digest: s.into() });
        }
        let (alg, enc) = (&s[..i], &s[i + 1..]);
        let Some(algorithm) = Algorithm::from_name(alg) else {
            return Err(if is_well_formed(s) {
                DigestError::Unsupported {
                    algorithm: alg.into(),
                }
            } else {
                DigestError::InvalidFormat { digest: s.into() }
            });
        };
        if enc.len() != algorithm.size() * 2 {
            return Err(DigestError::InvalidLength { digest: s.into() });
        }
        if !enc
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(DigestError::InvalidFormat { digest: s.into() });
        }
        Ok(Digest {
            algorithm,
            encoded: enc.into(),
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.encoded)
    }
}
