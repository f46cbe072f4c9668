//! Image manifests and indexes (OCI image spec v1.1, Docker schema 2): parsed from raw bytes
//! into typed values, validated with every problem reported at once.
//!
//! # Which document a body is
//! The body's `mediaType` and the HTTP `Content-Type` (parameters stripped; `application/json`,
//! `application/octet-stream` and `text/plain` count as absent) decide. If both are present and
//! differ: `MEDIA_TYPE_MISMATCH` (validation goes on with the body's). If neither: `manifests`
//! means an index, `config`/`layers` a manifest (containerd's inference). A manifest with
//! `manifests`, or an index with `config`/`layers`, is `MEDIA_TYPE_MISMATCH` (containerd's
//! `validateMediaType`). Docker schema 1 (either media type, `schemaVersion: 1` or `fsLayers`)
//! is refused.
//!
//! # Error codes (stable; every error has a JSON `path` when it is about a value)
//! | code | meaning |
//! | --- | --- |
//! | `MANIFEST_TOO_LARGE` | body over [`MAX_MANIFEST_SIZE`] (4 MiB); checked before parsing |
//! | `MANIFEST_INVALID_UTF8` | body is not UTF-8 (offset of the first bad byte) |
//! | `MANIFEST_INVALID_JSON` | JSON syntax error, nesting over 128, trailing data (offset, `line`, `column`) |
//! | `SCHEMA1_UNSUPPORTED` | Docker schema 1 manifest |
//! | `MANIFEST_KIND_UNKNOWN` | neither media type nor structure says manifest or index |
//! | `MEDIA_TYPE_UNSUPPORTED` | the document's media type is not a manifest or index type |
//! | `MEDIA_TYPE_MISMATCH` | Content-Type and body disagree, or structure contradicts the type |
//! | `MEDIA_TYPE_INVALID` | a media type (or artifactType) is not RFC 6838 `type/subtype` |
//! | `DUPLICATE_KEY` | an object repeats a key (path of the object, `key` field) |
//! | `MANIFEST_FIELD_MISSING` | a required field is absent |
//! | `MANIFEST_FIELD_TYPE` | a field has the wrong JSON type (`expected`, `actual` fields) |
//! | `SCHEMA_VERSION_INVALID` | `schemaVersion` is not 2 |
//! | `DESCRIPTOR_DIGEST_INVALID` | a digest does not parse (`reason` = the digest error code) |
//! | `DESCRIPTOR_SIZE_INVALID` | a size is negative, fractional or over 2^63-1 |
//! | `DESCRIPTOR_DATA_INVALID` | `data` is not base64, or does not match size/digest |
//! | `PLATFORM_INVALID` | a platform lacks os/architecture or has a field of the wrong type |
//! | `ANNOTATION_NOT_STRING` | an annotation value is not a string |
//!
//! The digest of a manifest is always of the raw bytes ([`digest`]); nothing here re-serializes.

mod descriptor;
mod json;
pub mod positions;
mod validate;

pub use json::{child_path, index_path, Json};
pub(crate) use json::{parse_value, parse_value_bytes};

use crate::digest::{Algorithm, Digest, DigestError};
use crate::error::Coded;
use crate::media_type::{self, Kind};
use crate::platform::Platform;
use std::fmt;

/// Largest body accepted: 4 MiB, as containerd and the distribution registry limit manifests.
pub const MAX_MANIFEST_SIZE: usize = 4 * 1024 * 1024;

/// String-to-string annotations in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotations(pub Vec<(String, String)>);

impl Annotations {
    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Key/value pairs in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A content descriptor: what a manifest or index points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// Media type of the referenced content.
    pub media_type: String,
    /// Digest of the referenced content.
    pub digest: Digest,
    /// Size in bytes of the referenced content.
    pub size: u64,
    /// Alternate download locations.
    pub urls: Vec<String>,
    /// Annotations.
    pub annotations: Annotations,
    /// Platform of the referenced manifest (in an index).
    pub platform: Option<Platform>,
    /// Artifact type of the referenced artifact.
    pub artifact_type: Option<String>,
    /// Embedded content, base64 (validated against size and digest).
    pub data: Option<String>,
}

/// An image manifest (OCI or Docker schema 2); an artifact when `artifact_type` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageManifest {
    /// Always 2.
    pub schema_version: u32,
    /// `mediaType` as written in the body, if it was.
    pub media_type: Option<String>,
    /// `artifactType`, for artifacts.
    pub artifact_type: Option<String>,
    /// The configuration blob.
    pub config: Descriptor,
    /// The layers, base first.
    pub layers: Vec<Descriptor>,
    /// The manifest this one refers to (referrers API).
    pub subject: Option<Descriptor>,
    /// Annotations.
    pub annotations: Annotations,
}

/// An image index (OCI) or manifest list (Docker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageIndex {
    /// Always 2.
    pub schema_version: u32,
    /// `mediaType` as written in the body, if it was.
    pub media_type: Option<String>,
    /// `artifactType`, for artifact indexes.
    pub artifact_type: Option<String>,
    /// The manifests, each usually with a platform.
    pub manifests: Vec<Descriptor>,
    /// The manifest this one refers to (referrers API).
    pub subject: Option<Descriptor>,
    /// Annotations.
    pub annotations: Annotations,
}

/// A parsed manifest document.
#[derive(Clone, Debug, PartialEq, Eq)]
// One value per parsed document, never stored in bulk: boxing would only cost ergonomics.
#[allow(clippy::large_enum_variant)]
pub enum Manifest {
    /// An image manifest.
    Image(ImageManifest),
    /// An index / manifest list.
    Index(ImageIndex),
}

impl Manifest {
    /// The document's media type: the body's `mediaType`, or the OCI type of its kind.
    pub fn media_type(&self) -> &str {
        match self {
            Manifest::Image(m) => m.media_type.as_deref().unwrap_or(media_type::OCI_MANIFEST),
            Manifest::Index(i) => i.media_type.as_deref().unwrap_or(media_type::OCI_INDEX),
        }
    }

    /// The index, if this is one.
    pub fn as_index(&self) -> Option<&ImageIndex> {
        match self {
            Manifest::Index(i) => Some(i),
            Manifest::Image(_) => None,
        }
    }

    /// The image manifest, if this is one.
    pub fn as_image(&self) -> Option<&ImageManifest> {
        match self {
            Manifest::Image(m) => Some(m),
            Manifest::Index(_) => None,
        }
    }
}

/// A problem with a manifest body; see the module doc for the codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestError {
    /// `MANIFEST_TOO_LARGE`
    TooLarge {
        /// Body size in bytes.
        size: usize,
    },
    /// `MANIFEST_INVALID_UTF8`
    InvalidUtf8 {
        /// Offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// `MANIFEST_INVALID_JSON`
    InvalidJson {
        /// serde_json's description.
        message: String,
        /// Byte offset.
        offset: usize,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// `SCHEMA1_UNSUPPORTED`
    Schema1Unsupported {
        /// How it was recognized (a media type, `schemaVersion: 1`, `fsLayers`).
        evidence: String,
        /// Path of the field it was recognized by, if from the body.
        path: Option<String>,
    },
    /// `MANIFEST_KIND_UNKNOWN`
    KindUnknown {
        /// Why the kind could not be told.
        reason: String,
    },
    /// `MEDIA_TYPE_UNSUPPORTED`
    MediaTypeUnsupported {
        /// The media type.
        media_type: String,
        /// `mediaType` when from the body, `None` when from Content-Type.
        path: Option<String>,
    },
    /// `MEDIA_TYPE_MISMATCH`
    MediaTypeMismatch {
        /// Path of the field that contradicts (`mediaType`, `manifests`, `config`, `layers`).
        path: String,
        /// What was expected.
        expected: String,
        /// What was found.
        actual: String,
    },
    /// `MEDIA_TYPE_INVALID`
    MediaTypeInvalid {
        /// Path of the value.
        path: String,
        value: String,
    },
    /// `DUPLICATE_KEY`
    DuplicateKey {
        /// Path of the object.
        path: String,
        /// The repeated key.
        key: String,
    },
    /// `MANIFEST_FIELD_MISSING`
    FieldMissing {
        /// Path of the missing field.
        path: String,
        /// Why it is required, when not obvious.
        note: Option<&'static str>,
    },
    /// `MANIFEST_FIELD_TYPE`
    FieldType {
        /// Path of the value.
        path: String,
        /// Expected JSON type.
        expected: &'static str,
        /// Actual JSON type.
        actual: &'static str,
    },
    /// `SCHEMA_VERSION_INVALID`
    SchemaVersionInvalid {
        /// The value as written.
        value: String,
    },
    /// `DESCRIPTOR_DIGEST_INVALID`
    DigestInvalid {
        /// Path of the digest.
        path: String,
        /// Why it was refused.
        error: DigestError,
    },
    /// `DESCRIPTOR_SIZE_INVALID`
    SizeInvalid {
        /// Path of the size.
        path: String,
        /// The value as written.
        value: String,
    },
    /// `DESCRIPTOR_DATA_INVALID`
    DataInvalid {
        /// Path of `data`.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// `PLATFORM_INVALID`
    PlatformInvalid {
        /// Path of the platform field.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// `ANNOTATION_NOT_STRING`
    AnnotationNotString {
        /// Path of the value.
        path: String,
        /// Its JSON type.
        actual: &'static str,
    },
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "the document".to_string()
    } else {
        format!("`{path}`")
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ManifestError as E;
        match self {
            E::TooLarge { size } => write!(
                f,
                "manifest is {size} bytes, over the {MAX_MANIFEST_SIZE}-byte (4 MiB) limit"
            ),
            E::InvalidUtf8 { offset } => write!(f, "manifest is not UTF-8 (bad byte at offset {offset})"),
            E::InvalidJson {
                message,
                line,
                column,
                ..
            } => write!(f, "manifest is not valid JSON: {message} at line {line} column {column}"),
            E::Schema1Unsupported { evidence, .. } => write!(
                f,
                "Docker schema 1 manifests are not supported ({evidence}); push the image again with a current client"
            ),
            E::KindUnknown { reason } => write!(f, "cannot tell whether this is a manifest or an index: {reason}"),
            E::MediaTypeUnsupported { media_type, path } => match path {
                Some(p) => write!(f, "{} is {media_type:?}, which is not an image manifest or index media type", at(p)),
                None => write!(f, "Content-Type {media_type:?} is not an image manifest or index media type"),
            },
            E::MediaTypeMismatch {
                path,
                expected,
                actual,
            } => write!(f, "media type mismatch at {}: expected {expected}, found {actual}", at(path)),
            E::MediaTypeInvalid { path, value } => write!(
                f,
                "{} is {value:?}, not a media type of the form type/subtype (RFC 6838)",
                at(path)
            ),
            E::DuplicateKey { path, key } => write!(f, "{} has the key {key:?} more than once", at(path)),
            E::FieldMissing { path, note } => match note {
                Some(n) => write!(f, "{} is required: {n}", at(path)),
                None => write!(f, "{} is required", at(path)),
            },
            E::FieldType {
                path,
                expected,
                actual,
            } => write!(f, "{} must be {expected}, found {actual}", at(path)),
            E::SchemaVersionInvalid { value } => write!(f, "`schemaVersion` must be 2, found {value}"),
            E::DigestInvalid { path, error } => write!(f, "{}: {error}", at(path)),
            E::SizeInvalid { path, value } => write!(
                f,
                "{} must be a non-negative integer below 2^63, found {value}",
                at(path)
            ),
            E::DataInvalid { path, reason } => write!(f, "{}: {reason}", at(path)),
            E::PlatformInvalid { path, reason } => write!(f, "invalid platform at {}: {reason}", at(path)),
            E::AnnotationNotString { path, actual } => {
                write!(f, "annotation {} must be a string, found {actual}", at(path))
            }
        }
    }
}

impl std::error::Error for ManifestError {}

impl Coded for ManifestError {
    fn code(&self) -> &'static str {
        use ManifestError as E;
        match self {
            E::TooLarge { .. } => "MANIFEST_TOO_LARGE",
            E::InvalidUtf8 { .. } => "MANIFEST_INVALID_UTF8",
            E::InvalidJson { .. } => "MANIFEST_INVALID_JSON",
            E::Schema1Unsupported { .. } => "SCHEMA1_UNSUPPORTED",
            E::KindUnknown { .. } => "MANIFEST_KIND_UNKNOWN",
            E::MediaTypeUnsupported { .. } => "MEDIA_TYPE_UNSUPPORTED",
            E::MediaTypeMismatch { .. } => "MEDIA_TYPE_MISMATCH",
            E::MediaTypeInvalid { .. } => "MEDIA_TYPE_INVALID",
            E::DuplicateKey { .. } => "DUPLICATE_KEY",
            E::FieldMissing { .. } => "MANIFEST_FIELD_MISSING",
            E::FieldType { .. } => "MANIFEST_FIELD_TYPE",
            E::SchemaVersionInvalid { .. } => "SCHEMA_VERSION_INVALID",
            E::DigestInvalid { .. } => "DESCRIPTOR_DIGEST_INVALID",
            E::SizeInvalid { .. } => "DESCRIPTOR_SIZE_INVALID",
            E::DataInvalid { .. } => "DESCRIPTOR_DATA_INVALID",
            E::PlatformInvalid { .. } => "PLATFORM_INVALID",
            E::AnnotationNotString { .. } => "ANNOTATION_NOT_STRING",
        }
    }

    fn offset(&self) -> Option<usize> {
        match self {
            ManifestError::InvalidUtf8 { offset } | ManifestError::InvalidJson { offset, .. } => {
                Some(*offset)
            }
            _ => None,
        }
    }

    fn path(&self) -> Option<String> {
        use ManifestError as E;
        let path = match self {
            E::TooLarge { .. }
            | E::InvalidUtf8 { .. }
            | E::InvalidJson { .. }
            | E::KindUnknown { .. } => None,
            E::Schema1Unsupported { path, .. } | E::MediaTypeUnsupported { path, .. } => {
                path.clone()
            }
            E::SchemaVersionInvalid { .. } => Some("schemaVersion".to_string()),
            E::MediaTypeMismatch { path, .. }
            | E::MediaTypeInvalid { path, .. }
            | E::DuplicateKey { path, .. }
            | E::FieldMissing { path, .. }
            | E::FieldType { path, .. }
            | E::DigestInvalid { path, .. }
            | E::SizeInvalid { path, .. }
            | E::DataInvalid { path, .. }
            | E::PlatformInvalid { path, .. }
            | E::AnnotationNotString { path, .. } => Some(path.clone()),
        };
        // The document root has the empty path: report it as no path.
        path.filter(|p| !p.is_empty())
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        use ManifestError as E;
        match self {
            E::TooLarge { size } => vec![
                ("limit", MAX_MANIFEST_SIZE.to_string()),
                ("actual", size.to_string()),
            ],
            E::InvalidJson { line, column, .. } => {
                vec![("line", line.to_string()), ("column", column.to_string())]
            }
            E::MediaTypeMismatch {
                expected, actual, ..
            } => {
                vec![("expected", expected.clone()), ("actual", actual.clone())]
            }
            E::FieldType {
                expected, actual, ..
            } => {
                vec![
                    ("expected", (*expected).to_string()),
                    ("actual", (*actual).to_string()),
                ]
            }
            E::DuplicateKey { key, .. } => vec![("key", key.clone())],
            E::DigestInvalid { error, .. } => {
                let mut f = vec![("reason", error.code().to_string())];
                f.extend(error.fields());
                f
            }
            E::MediaTypeInvalid { value, .. } | E::SizeInvalid { value, .. } => {
                vec![("value", value.clone())]
            }
            _ => Vec::new(),
        }
    }
}

/// Parses and validates a manifest or index; the first (most fundamental) problem on failure.
pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<Manifest, ManifestError> {
    let (manifest, mut errors) = validate::analyze(bytes, content_type);
    match manifest {
        Some(m) if errors.is_empty() => Ok(m),
        _ => Err(if errors.is_empty() {
            ManifestError::KindUnknown {
                reason: "no manifest could be built".to_string(),
            }
        } else {
            errors.swap_remove(0)
        }),
    }
}

/// Every problem with a manifest or index body (empty when it is valid), fatal ones first,
/// then duplicate keys, then schema problems in document order.
pub fn validate(bytes: &[u8], content_type: Option<&str>) -> Vec<ManifestError> {
    validate::analyze(bytes, content_type).1
}

/// Both at once: the manifest when valid, and every problem found.
pub fn check(bytes: &[u8], content_type: Option<&str>) -> (Option<Manifest>, Vec<ManifestError>) {
    validate::analyze(bytes, content_type)
}

/// The sha256 digest of the raw body (what a registry addresses it by).
pub fn digest(bytes: &[u8]) -> Digest {
    Digest::from_bytes(Algorithm::Sha256, bytes)
}

/// Whether a media type names a document this module parses (manifest or index).
pub fn is_manifest_media_type(mt: &str) -> bool {
    matches!(
        media_type::kind(mt),
        Some(Kind::ImageManifest | Kind::ImageIndex)
    )
}
