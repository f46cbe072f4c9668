//! Content digests: `algorithm:encoded`, as the OCI image spec and go-digest define them.
//!
//! Grammar (OCI image spec, "Digests"):
//!
//! ```text
//! digest     ::= algorithm ":" encoded
//! algorithm  ::= algorithm-component (algorithm-separator algorithm-component)*
//! algorithm-component ::= [a-z0-9]+
//! algorithm-separator ::= [+._-]
//! encoded    ::= [a-zA-Z0-9=_-]+
//! ```
//!
//! Only `sha256`, `sha384` and `sha512` are supported; for them `encoded` must be exactly
//! `2 * size` lowercase hex characters. Validation follows go-digest's `Digest.Validate`, in
//! this order:
//!
//! 1. `i` = index of the first `:`; no `:`, `i == 0` or nothing after it: `DIGEST_INVALID_FORMAT`.
//! 2. Unknown algorithm: `DIGEST_UNSUPPORTED` if the whole string matches the grammar above,
//!    else `DIGEST_INVALID_FORMAT`.
//! 3. Known algorithm, wrong length of `encoded`: `DIGEST_INVALID_LENGTH`.
//! 4. Known algorithm, a character outside `[a-f0-9]`: `DIGEST_INVALID_FORMAT`.
//!
//! Error codes: `DIGEST_INVALID_FORMAT`, `DIGEST_INVALID_LENGTH`, `DIGEST_UNSUPPORTED`,
//! `DIGEST_MISMATCH` (with `expected` and `actual` fields).

use crate::error::Coded;
use sha2::Digest as _;
use std::fmt;

/// A supported digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256 (32-byte digests); the canonical algorithm of the OCI spec.
    Sha256,
    /// SHA-384 (48-byte digests).
    Sha384,
    /// SHA-512 (64-byte digests).
    Sha512,
}

/// Every supported algorithm, canonical (`sha256`) first.
pub const SUPPORTED_ALGORITHMS: [Algorithm; 3] =
    [Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha512];

impl Algorithm {
    /// The algorithm's name as written in a digest (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Size in bytes of a digest of this algorithm (the hex form is twice as long).
    pub fn size(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha384 => 48,
            Algorithm::Sha512 => 64,
        }
    }

    /// The supported algorithm with this exact (case-sensitive) name.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "sha256" => Some(Algorithm::Sha256),
            "sha384" => Some(Algorithm::Sha384),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A validated digest: a supported algorithm and its lowercase hex encoding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    encoded: String,
}

/// Why a digest string was refused, or why content did not match its digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestError {
    /// Not of the form `algorithm:encoded`, or a bad character (`DIGEST_INVALID_FORMAT`).
    InvalidFormat {
        /// The refused input.
        input: String,
        /// Byte offset of the problem in `input`.
        offset: usize,
        /// What is wrong, for the message.
        reason: &'static str,
    },
    /// The encoded part has the wrong length for its algorithm (`DIGEST_INVALID_LENGTH`).
    InvalidLength {
        /// The refused input.
        input: String,
        /// The algorithm named by the input.
        algorithm: Algorithm,
        /// Length of the encoded part as given.
        actual: usize,
    },
    /// Well-formed, but the algorithm is not one we support (`DIGEST_UNSUPPORTED`).
    Unsupported {
        /// The refused input.
        input: String,
        /// The algorithm named by the input.
        algorithm: String,
    },
    /// Content hashed to a different digest than expected (`DIGEST_MISMATCH`).
    Mismatch {
        /// The digest the content should have had.
        expected: Digest,
        /// The digest the content has.
        actual: Digest,
    },
}

impl fmt::Display for DigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DigestError::InvalidFormat {
                input,
                offset,
                reason,
            } => write!(
                f,
                "invalid digest {input:?}: {reason} (at byte {offset}); expected algorithm:hex, e.g. sha256:<64 hex digits>"
            ),
            DigestError::InvalidLength {
                input,
                algorithm,
                actual,
            } => write!(
                f,
                "invalid digest {input:?}: a {algorithm} digest has {} hex digits, this one has {actual}",
                algorithm.size() * 2
            ),
            DigestError::Unsupported { input, algorithm } => write!(
                f,
                "unsupported digest algorithm {algorithm:?} in {input:?}; supported: sha256, sha384, sha512"
            ),
            DigestError::Mismatch { expected, actual } => {
                write!(f, "digest mismatch: expected {expected}, got {actual}")
            }
        }
    }
}

impl std::error::Error for DigestError {}

impl Coded for DigestError {
    fn code(&self) -> &'static str {
        match self {
            DigestError::InvalidFormat { .. } => "DIGEST_INVALID_FORMAT",
            DigestError::InvalidLength { .. } => "DIGEST_INVALID_LENGTH",
            DigestError::Unsupported { .. } => "DIGEST_UNSUPPORTED",
            DigestError::Mismatch { .. } => "DIGEST_MISMATCH",
        }
    }

    fn offset(&self) -> Option<usize> {
        match self {
            DigestError::InvalidFormat { offset, .. } => Some(*offset),
            DigestError::InvalidLength { input, .. } => input.find(':').map(|i| i + 1),
            DigestError::Unsupported { .. } | DigestError::Mismatch { .. } => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            DigestError::Mismatch { expected, actual } => vec![
                ("expected", expected.to_string()),
                ("actual", actual.to_string()),
            ],
            DigestError::InvalidLength {
                algorithm, actual, ..
            } => vec![
                ("expected", (algorithm.size() * 2).to_string()),
                ("actual", actual.to_string()),
            ],
            DigestError::Unsupported { algorithm, .. } => vec![("algorithm", algorithm.clone())],
            DigestError::InvalidFormat { .. } => Vec::new(),
        }
    }
}

/// `[a-z0-9]+(?:[.+_-][a-z0-9]+)*` over the whole of `s`.
/// Does `s` match go-digest's `DigestRegexpAnchored` (`algorithm:encoded`, any algorithm)?
/// A well-formed digest of an algorithm that is not available is "unsupported", not "invalid".
pub fn is_well_formed(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(alg, enc)| is_algorithm_grammar(alg) && is_encoded_grammar(enc))
}

fn is_algorithm_grammar(s: &str) -> bool {
    let is_component =
        |c: &str| !c.is_empty() && c.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'));
    s.split(['.', '+', '_', '-']).all(is_component)
}

/// `[a-zA-Z0-9=_-]+` over the whole of `s`.
fn is_encoded_grammar(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'))
}

fn hex_encode(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

impl Digest {
    /// Parses and validates `algorithm:encoded` with go-digest's rules (see the module doc).
    pub fn parse(s: &str) -> Result<Digest, DigestError> {
        let algorithm = Digest::validate(s)?;
        Ok(Digest {
            algorithm,
            encoded: s[algorithm.name().len() + 1..].to_string(),
        })
    }

    /// [`Digest::parse`] without building the value (no allocation when valid): the algorithm.
    pub fn validate(s: &str) -> Result<Algorithm, DigestError> {
        let invalid = |offset: usize, reason: &'static str| DigestError::InvalidFormat {
            input: s.to_string(),
            offset,
            reason,
        };
        let i = match s.find(':') {
            None => return Err(invalid(0, "no ':' separating algorithm and encoded part")),
            Some(0) => return Err(invalid(0, "empty algorithm")),
            Some(i) if i + 1 == s.len() => return Err(invalid(i + 1, "empty encoded part")),
            Some(i) => i,
        };
        let (alg, encoded) = (&s[..i], &s[i + 1..]);
        let Some(algorithm) = Algorithm::from_name(alg) else {
            if is_algorithm_grammar(alg) && is_encoded_grammar(encoded) {
                return Err(DigestError::Unsupported {
                    input: s.to_string(),
                    algorithm: alg.to_string(),
                });
            }
            return Err(invalid(0, "malformed algorithm or encoded part"));
        };
        if encoded.len() != algorithm.size() * 2 {
            return Err(DigestError::InvalidLength {
                input: s.to_string(),
                algorithm,
                actual: encoded.len(),
            });
        }
        // A plain loop: this runs for every digest of every reference parsed.
        let hex = encoded.as_bytes();
        let mut bad = 0;
        while bad < hex.len() && matches!(hex[bad], b'a'..=b'f' | b'0'..=b'9') {
            bad += 1;
        }
        if bad < hex.len() {
            return Err(invalid(i + 1 + bad, "not lowercase hex [a-f0-9]"));
        }
        Ok(algorithm)
    }

    /// Builds a digest from an algorithm and its hex part, validating the hex part.
    pub fn new(algorithm: Algorithm, encoded: &str) -> Result<Digest, DigestError> {
        Digest::parse(&format!("{}:{encoded}", algorithm.name()))
    }

    /// The digest of `bytes` (the raw bytes as given, never re-serialized).
    pub fn from_bytes(algorithm: Algorithm, bytes: &[u8]) -> Digest {
        let mut h = Hasher::new(algorithm);
        h.update(bytes);
        h.finish()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The lowercase hex part after the `:`.
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// Checks `bytes` against this digest; `DIGEST_MISMATCH` names both digests.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), DigestError> {
        let mut v = Verifier::new(self.clone());
        v.update(bytes);
        v.finish()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.encoded)
    }
}

impl std::str::FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Digest, DigestError> {
        Digest::parse(s)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        Digest::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone)]
enum HashState {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

/// Incremental hashing with any supported algorithm; `finish` yields the [`Digest`].
#[derive(Clone)]
pub struct Hasher {
    algorithm: Algorithm,
    state: HashState,
}

impl Hasher {
    /// A hasher with nothing fed yet.
    pub fn new(algorithm: Algorithm) -> Hasher {
        let state = match algorithm {
            Algorithm::Sha256 => HashState::Sha256(sha2::Sha256::new()),
            Algorithm::Sha384 => HashState::Sha384(sha2::Sha384::new()),
            Algorithm::Sha512 => HashState::Sha512(sha2::Sha512::new()),
        };
        Hasher { algorithm, state }
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        match &mut self.state {
            HashState::Sha256(h) => h.update(chunk),
            HashState::Sha384(h) => h.update(chunk),
            HashState::Sha512(h) => h.update(chunk),
        }
    }

    /// The digest of everything fed.
    pub fn finish(self) -> Digest {
        let encoded = match self.state {
            HashState::Sha256(h) => hex_encode(&h.finalize()),
            HashState::Sha384(h) => hex_encode(&h.finalize()),
            HashState::Sha512(h) => hex_encode(&h.finalize()),
        };
        Digest {
            algorithm: self.algorithm,
            encoded,
        }
    }
}

/// Incremental verification of content against an expected digest.
#[derive(Clone)]
pub struct Verifier {
    expected: Digest,
    hasher: Hasher,
}

impl Verifier {
    /// A verifier for content that should hash to `expected`.
    pub fn new(expected: Digest) -> Verifier {
        let hasher = Hasher::new(expected.algorithm);
        Verifier { expected, hasher }
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }

    /// `Ok` when everything fed hashes to the expected digest, else `DIGEST_MISMATCH`.
    pub fn finish(self) -> Result<(), DigestError> {
        let actual = self.hasher.finish();
        if actual == self.expected {
            Ok(())
        } else {
            Err(DigestError::Mismatch {
                expected: self.expected,
                actual,
            })
        }
    }
}
